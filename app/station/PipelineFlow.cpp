#include "PipelineFlow.h"

#include "StationLog.h"
#include "core/Cbor.h"
#include "device/ShellSession.h"
#include "device/Transport.h"
#include "mcumgr/SmpMessage.h"
#include "mcumgr/SmpSerial.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTimer>

namespace ps::station {

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using ps::device::FlashError;

namespace {

/// Steps after identify that a retry of the same device may skip when they succeeded before.
/// detect and flash look at the device themselves; identify and verify always run.
bool skippableOnRetry(const QString &stepId) {
    return stepId == u"label" || stepId == u"account" || stepId == u"preflight" ||
           stepId == u"claim" || stepId == u"provision";
}

/// Sends an SMP echo (OS group, command 0) and waits for its answer: MCUboot serial recovery
/// (or mcumgr's serial transport) is listening.
/// `done` may be completed by someone else too (false: stop waiting).
QCoro::Task<bool> answersSmpEcho(QPointer<ps::device::Transport> transport,
                                 std::chrono::milliseconds timeout,
                                 std::shared_ptr<Completion<bool>> done) {
    if (!transport || !transport->isOpen())
        co_return false;
    auto decoder = std::make_shared<ps::mcumgr::SerialPacketDecoder>(4096);
    constexpr quint8 Sequence = 0xA5;
    auto context = std::make_unique<QObject>();
    QObject::connect(transport, &ps::device::Transport::bytesReceived, context.get(),
                     [done, decoder](const QByteArray &bytes) {
                         for (const QByteArray &packet : decoder->feed(bytes)) {
                             const auto message = ps::mcumgr::decodeSmpMessage(packet);
                             if (message && message->header.group == 0 &&
                                 message->header.command == 0 &&
                                 message->header.sequence == Sequence)
                                 done->complete(true);
                         }
                     });
    QObject::connect(transport, &ps::device::Transport::lost, context.get(),
                     [done] { done->complete(false); });
    QTimer::singleShot(timeout, context.get(), [done] { done->complete(false); });
    ps::mcumgr::SmpHeader header;
    header.op = ps::mcumgr::SmpOp::Write;
    header.group = 0;
    header.command = 0;
    header.sequence = Sequence;
    std::vector<std::pair<ps::core::CborValue, ps::core::CborValue>> entries;
    entries.push_back(ps::mcumgr::smpEntry(u"d"_s, ps::core::CborValue::textString(u"ps"_s)));
    const QByteArray body =
        ps::mcumgr::encodeSmpMessage(header, ps::core::CborValue::map(std::move(entries)));
    if (!transport->write(ps::mcumgr::encodeSerialPacket(body)))
        co_return false;
    const bool answered = co_await *done;
    co_return answered;
}

/// What answered the detect step's probes: "shell" (with the model) or "bootloader"; empty
/// when neither did.
struct DetectedMode {
    QString mode;
    QString model;
};

/// Two probes racing: the first that recognises the device decides; when both found nothing,
/// the race ends empty.
struct ProbeRace {
    Completion<DetectedMode> done;
    /// The SMP probe's wait, ended as soon as the race is decided: a probe that waited out its
    /// timeout after the shell had answered outlived the step (ASan: leaked at exit).
    std::shared_ptr<Completion<bool>> smpAnswer = std::make_shared<Completion<bool>>();
    int pending = 2;
    void found(DetectedMode mode) {
        done.complete(std::move(mode));
        smpAnswer->complete(false);
    }
    void nothing() {
        if (--pending == 0)
            done.complete(DetectedMode{});
    }
};

QCoro::Task<> smpProbe(QPointer<ps::device::Transport> transport, std::chrono::milliseconds timeout,
                       std::shared_ptr<ProbeRace> race) {
    const bool answered = co_await answersSmpEcho(transport, timeout, race->smpAnswer);
    if (answered) {
        DetectedMode found;
        found.mode = u"bootloader"_s;
        race->found(std::move(found));
    } else {
        race->nothing();
    }
}

QCoro::Task<> shellProbe(QPointer<ps::device::DeviceLink> link, std::chrono::milliseconds timeout,
                         std::shared_ptr<ProbeRace> race) {
    if (!link) {
        race->nothing();
        co_return;
    }
    auto answer = co_await link->shell()->execute(u"at AT+CGMM"_s, timeout);
    if (answer && answer->finalLine == u"OK" && !answer->lines.isEmpty()) {
        DetectedMode found;
        found.mode = u"shell"_s;
        found.model = answer->lines.constFirst().trimmed();
        race->found(std::move(found));
    } else {
        race->nothing();
    }
}

StepError flashFailure(const FlashError &error) {
    using Kind = FlashError::Kind;
    StepError::Kind kind = StepError::Kind::Device;
    QString hint;
    switch (error.kind) {
    case Kind::BadBundle:
        kind = StepError::Kind::Configuration;
        hint = u"Choose a bundle made for this device."_s;
        break;
    case Kind::NotInRecovery:
        kind = StepError::Kind::Unreachable;
        hint = u"Hold the boot button while resetting the device, then press Retry."_s;
        break;
    case Kind::Timeout:
    case Kind::Disconnected:
        kind = StepError::Kind::Unreachable;
        hint = u"Check the cable, plug the device in again and press Retry: the upload starts "
               u"again from the beginning."_s;
        break;
    case Kind::DeviceRefused:
    case Kind::BootCheckFailed:
        hint = u"Press Retry; if it fails again, set the device aside for repair."_s;
        break;
    case Kind::Cancelled:
        kind = StepError::Kind::Cancelled;
        break;
    case Kind::ToolMissing:
    case Kind::ToolFailed:
        kind = StepError::Kind::Configuration;
        break;
    }
    return StepError::make(kind, u"Flashing failed: "_s + error.message, hint);
}

QJsonObject bundleJson(const PipelineOptions &options) {
    if (!options.bundle)
        return {};
    QJsonArray images;
    for (const ps::bundle::BundleImage &image : options.bundle->images) {
        images.push_back(QJsonObject{
            {u"type"_s, image.type == ps::bundle::BundleImage::Type::Application ? u"application"_s
                                                                                 : u"modem"_s},
            {u"file"_s, image.file},
            {u"version"_s, image.version},
            {u"size"_s, qint64(image.data.size())},
            {u"sha256"_s, QString::fromLatin1(image.sha256.toHex())},
        });
    }
    return {{u"name"_s, options.bundle->name},
            {u"version"_s, options.bundle->version},
            {u"file"_s, options.bundleFile},
            {u"sha256"_s, options.bundleSha256},
            {u"models"_s, QJsonArray::fromStringList(options.bundle->models)},
            {u"images"_s, images}};
}

/// The IMEI in a scanned label: the first run of 15 digits (a label may say "IMEI:35..." or
/// carry other fields), else every digit it holds.
QString imeiFromLabel(const QString &label) {
    static const QRegularExpression fifteen(u"(?<!\\d)(\\d{15})(?!\\d)"_s);
    if (const auto match = fifteen.match(label); match.hasMatch())
        return match.captured(1);
    QString digits;
    for (const QChar c : label) {
        if (c.isDigit())
            digits.append(c);
    }
    return digits;
}

} // namespace

PipelineFlow::PipelineFlow(const FlowSetup &setup, PipelineOptions options, QObject *parent)
    : ClaimFlow(QString::fromLatin1(Kind), setup, options.claim, parent)
    , m_pipeline(std::move(options)) {
    StepDefinition detectStep(u"detect"_s, u"Detect the device"_s, m_pipeline.detectTimeout,
                              [this](AttemptPtr attempt) { return detect(std::move(attempt)); });
    detectStep.maxAttempts = 2;
    detectStep.retryDelay = 500ms;
    detectStep.rerunOnResume = true;
    addStep(std::move(detectStep));

    addStep(StepDefinition(u"flash"_s, u"Flash the firmware"_s, m_pipeline.flashTimeout,
                           [this](AttemptPtr attempt) { return flashStep(std::move(attempt)); }));

    StepDefinition identify = claimStep(u"identify"_s);
    identify.run = [this, run = identify.run](AttemptPtr attempt) -> QCoro::Task<StepResult> {
        QPointer<PipelineFlow> self = this;
        AttemptPtr held = attempt;
        StepResult result = co_await run(std::move(attempt));
        if (!self || !held->isActive() || !result)
            co_return result;
        const DeviceIdentity identity = device();
        m_sameDeviceAsBefore = !m_pipeline.previousFlowId.isEmpty() && !identity.imei.isEmpty() &&
                               identity.imei == m_pipeline.previousImei;
        if (m_pipeline.bundle && !identity.model.isEmpty()) {
            if (auto fits = m_pipeline.bundle->fits(identity.model); !fits) {
                co_return std::unexpected(StepError::make(
                    StepError::Kind::Configuration,
                    u"The firmware bundle does not fit this device: "_s + fits.error().message,
                    u"Choose the bundle made for %1."_s.arg(identity.model)));
            }
        }
        co_return result;
    };
    addStep(std::move(identify));

    addStep(skippable(
        StepDefinition(u"label"_s, u"Check the label"_s, m_pipeline.labelTimeout,
                       [this](AttemptPtr attempt) { return labelStep(std::move(attempt)); })));
    for (const QString &id : {u"account"_s, u"preflight"_s, u"claim"_s, u"provision"_s})
        addStep(skippable(claimStep(id)));
    addStep(claimStep(u"verify"_s));

    // A flasher keeps talking to the device until it is told to stop: stop it when its step
    // ends early (timeout, cancel) or the flow ends.
    connect(this, &Flow::stepFinished, this, [this](const QString &stepId, bool ok) {
        if (stepId == u"flash" && !ok && m_flasher)
            m_flasher->cancel();
        if (stepId == u"label")
            m_awaitingLabel = false;
    });
    connect(this, &Flow::finished, this, [this] {
        if (m_flasher)
            m_flasher->cancel();
        m_awaitingLabel = false;
    });
}

PipelineFlow::~PipelineFlow() {
    if (m_flasher)
        m_flasher->cancel();
    if (m_labelWait)
        m_labelWait->complete(std::nullopt);
}

Flow::StepDefinition PipelineFlow::skippable(StepDefinition step) {
    step.run = [this, id = step.id, run = step.run](AttemptPtr attempt) -> QCoro::Task<StepResult> {
        if (m_sameDeviceAsBefore && m_pipeline.previousSucceeded.contains(id) &&
            skippableOnRetry(id)) {
            StepSuccess success;
            success.skipped = true;
            success.note = u"done in attempt %1"_s.arg(m_pipeline.previousFlowId);
            co_return success;
        }
        co_return co_await run(std::move(attempt));
    };
    return step;
}

bool PipelineFlow::submitLabel(const QString &text) {
    if (!m_pipeline.labelCheck)
        return false;
    m_label = text.trimmed();
    if (m_labelWait)
        m_labelWait->complete(m_label);
    return true;
}

QJsonObject PipelineFlow::auditDetails() const {
    QJsonObject details = ClaimFlow::auditDetails();
    if (!details.contains(u"bundle"_s) && m_pipeline.bundle)
        details.insert(u"bundle"_s, bundleJson(m_pipeline));
    return details;
}

QCoro::Task<StepResult> PipelineFlow::detect(AttemptPtr attempt) {
    QPointer<PipelineFlow> self = this;
    if (m_pipeline.bundle && !fact(u"bundle"_s).isObject()) {
        if (auto stored = setFact(u"bundle"_s, bundleJson(m_pipeline)); !stored)
            co_return std::unexpected(stored.error());
    }
    if (!m_pipeline.previousFlowId.isEmpty() && !fact(u"retryOf"_s).isString()) {
        if (auto stored = setFact(u"retryOf"_s, m_pipeline.previousFlowId); !stored)
            co_return std::unexpected(stored.error());
    }
    attempt->progress(u"Opening the port"_s, 0.1);
    if (auto open = co_await ensureDeviceOpen(attempt); !open)
        co_return std::unexpected(open.error());
    if (!self || !attempt->isActive())
        co_return std::unexpected(StepError::abandoned());

    // Ask the shell first (a device that runs its application), then MCUboot's SMP server
    // (serial recovery); a device that is still booting answers one of them a moment later.
    QString mode;
    QString model;
    // Both at once: whichever answers first tells the mode, so neither mode waits out the other
    // probe's timeout. The SMP frame goes out first (a shell takes it for a mistyped line).
    while (mode.isEmpty()) {
        attempt->progress(u"Asking the device (shell or bootloader?)"_s, 0.2);
        QPointer<ps::device::DeviceLink> link = self->link();
        if (!link)
            co_return std::unexpected(noDevice());
        auto race = std::make_shared<ProbeRace>();
        auto echo = smpProbe(link->transport(), 1200ms, race);
        auto shell = shellProbe(link, 1200ms, race);
        const DetectedMode found = co_await race->done;
        if (!self || !attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        mode = found.mode;
        model = found.model;
        if (!mode.isEmpty())
            break;
        if (attempt->remaining() < 2500ms) {
            co_return std::unexpected(StepError::make(
                StepError::Kind::Unreachable,
                u"The device answers neither in its shell nor in the bootloader"_s,
                u"Check the cable and that the device is powered, then press Retry."_s, true));
        }
        if (auto open = co_await ensureDeviceOpen(attempt); !open)
            co_return std::unexpected(open.error());
        if (!self || !attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
    }

    const auto version = monitor() ? monitor()->firmwareVersion() : std::nullopt;
    const QString running = mode == u"shell" && version ? version->toString() : QString();
    if (auto stored = setFact(u"mode"_s, mode); !stored)
        co_return std::unexpected(stored.error());
    if (auto stored = setFact(u"runningVersion"_s, running); !stored)
        co_return std::unexpected(stored.error());
    if (!model.isEmpty()) {
        if (auto stored = setFact(u"model"_s, model); !stored)
            co_return std::unexpected(stored.error());
    }
    attempt->progress(mode == u"shell" ? u"The device runs its application"_s
                                       : u"The device is in the bootloader"_s,
                      1.0);
    StepSuccess success;
    if (mode == u"bootloader")
        success.note = u"in MCUboot serial recovery"_s;
    else
        success.note = u"shell answers; %1%2"_s.arg(
            model, running.isEmpty() ? u", no boot banner seen"_s : u", runs v"_s + running);
    co_return success;
}

StepError PipelineFlow::noDevice() {
    return StepError::make(StepError::Kind::Configuration, u"No device is connected to this slot"_s,
                           u"Plug the device in."_s);
}

QCoro::Task<StepResult> PipelineFlow::flashStep(AttemptPtr attempt) {
    QPointer<PipelineFlow> self = this;
    const auto bundle = m_pipeline.bundle;
    if (!bundle) {
        StepSuccess success;
        success.skipped = true;
        success.note = u"no firmware bundle chosen"_s;
        co_return success;
    }
    const ps::bundle::BundleImage *application = bundle->application();
    if (!application || !application->mcuboot) {
        co_return std::unexpected(StepError::make(StepError::Kind::Configuration,
                                                  u"The bundle has no application image"_s));
    }
    const QString mode = fact(u"mode"_s).toString();
    const QString running = fact(u"runningVersion"_s).toString();
    const QString model = fact(u"model"_s).toString();
    if (!model.isEmpty()) {
        if (auto fits = bundle->fits(model); !fits) {
            co_return std::unexpected(StepError::make(
                StepError::Kind::Configuration,
                u"The firmware bundle does not fit this device: "_s + fits.error().message,
                u"Choose the bundle made for %1."_s.arg(model)));
        }
    }
    const auto wanted = FirmwareVersion::find(QString(u"v"_s + bundle->version));
    const auto runningVersion = FirmwareVersion::find(QString(u"v"_s + running));
    if (mode == u"shell" && wanted && runningVersion && *wanted == *runningVersion) {
        StepSuccess success;
        success.skipped = true;
        success.note = u"runs v%1 already"_s.arg(running);
        co_return success;
    }
    const bool fromShell = mode != u"bootloader";
    if (fromShell && !m_pipeline.enterFromShell) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Device,
            running.isEmpty()
                ? u"The device runs its application and its version is unknown, so the station "
                  u"cannot tell whether it needs v%1"_s.arg(bundle->version)
                : u"The device runs v%1, not the bundle's v%2"_s.arg(running, bundle->version),
            u"Hold the boot button while resetting the device (serial recovery), then press "
            u"Retry."_s));
    }

    QPointer<ps::device::DeviceLink> link = this->link();
    if (!link || !link->transport())
        co_return std::unexpected(noDevice());
    ps::device::SmpFlashOptions options = m_pipeline.flash;
    // Reboot from the shell and catch MCUboot's wait for DFU (the flasher's first probe ends
    // at once when the shell's prompt answers it).
    options.enterFromShell = fromShell;
    auto flasher = std::make_unique<ps::device::SmpFlasher>(*link->transport(), options);
    m_flasher = flasher.get();
    const qint64 total = application->data.size();
    connect(flasher.get(), &ps::device::Flasher::stageChanged, flasher.get(),
            [attempt](ps::device::Flasher::Stage stage, const QString &text) {
                if (stage != ps::device::Flasher::Stage::Uploading)
                    attempt->progress(text);
            });
    connect(flasher.get(), &ps::device::Flasher::progress, flasher.get(),
            [this, self, attempt, total](qint64 sent, qint64 all, double rate) {
                const qint64 size = all > 0 ? all : total;
                attempt->progress(u"Uploading %1 of %2 kB (%3 kB/s)"_s.arg(sent / 1024)
                                      .arg(size / 1024)
                                      .arg(rate / 1000.0, 0, 'f', 1),
                                  size > 0 ? 0.9 * double(sent) / double(size) : -1.0);
                if (self)
                    Q_EMIT flashProgress(sent, size, rate);
            });
    attempt->progress(u"Flashing v%1"_s.arg(bundle->version), 0.0);
    ps::bundle::FirmwareBundle copy = *bundle;
    auto task = flasher->flash(std::move(copy));
    auto flashed = co_await std::move(task);
    if (!self || !attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    m_flasher = nullptr;
    if (!flashed)
        co_return std::unexpected(flashFailure(flashed.error()));

    const QJsonObject outcome{{u"skipped"_s, flashed->skipped},
                              {u"bytes"_s, flashed->bytesSent},
                              {u"seconds"_s, flashed->seconds},
                              {u"bytesPerSecond"_s, flashed->bytesPerSecond},
                              {u"expectedVersion"_s, flashed->expectedVersion},
                              {u"bootedVersion"_s, flashed->bootedVersion},
                              {u"confirmation"_s, flashed->confirmation},
                              {u"imageSha256"_s, QString::fromLatin1(application->sha256.toHex())}};
    if (auto stored = setFact(u"flash"_s, outcome); !stored)
        co_return std::unexpected(stored.error());
    if (!flashed->bootedVersion.isEmpty()) {
        if (auto stored = setFact(u"runningVersion"_s, flashed->bootedVersion); !stored)
            co_return std::unexpected(stored.error());
    }
    if (auto stored = setFact(u"mode"_s, u"shell"_s); !stored)
        co_return std::unexpected(stored.error());
    attempt->progress(u"v%1 runs"_s.arg(flashed->expectedVersion), 1.0);
    StepSuccess success;
    success.skipped = flashed->skipped;
    success.note =
        flashed->skipped
            ? u"the device held v%1 already; reset into it"_s.arg(flashed->expectedVersion)
            : u"v%1 written (%2 bytes in %3 s), booted v%4"_s.arg(
                  flashed->expectedVersion, QString::number(flashed->bytesSent),
                  QString::number(flashed->seconds, 'f', 1), flashed->bootedVersion);
    co_return success;
}

QCoro::Task<StepResult> PipelineFlow::labelStep(AttemptPtr attempt) {
    QPointer<PipelineFlow> self = this;
    if (!m_pipeline.labelCheck) {
        StepSuccess success;
        success.skipped = true;
        success.note = u"no label check at this station"_s;
        co_return success;
    }
    const QString imei = device().imei;
    if (m_label.isEmpty()) {
        auto wait = std::make_shared<Completion<std::optional<QString>>>();
        m_labelWait = wait;
        m_awaitingLabel = true;
        attempt->progress(u"Scan the label of the device (IMEI %1)"_s.arg(imei));
        Q_EMIT labelRequested();
        QTimer::singleShot(attempt->budget(), this, [wait] { wait->complete(std::nullopt); });
        const std::optional<QString> scanned = co_await *wait;
        if (!self || !attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        m_awaitingLabel = false;
        m_labelWait.reset();
        if (!scanned) {
            co_return std::unexpected(
                StepError::make(StepError::Kind::Timeout, u"No label was scanned"_s,
                                u"Scan the label on the device, then press Retry."_s));
        }
    }
    const QString label = std::exchange(m_label, {});
    const QString scannedImei = imeiFromLabel(label);
    if (auto stored = setFact(u"label"_s, label); !stored)
        co_return std::unexpected(stored.error());
    if (scannedImei != imei) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Device,
            u"The label says IMEI %1, but the device in this slot is IMEI %2"_s.arg(
                scannedImei.isEmpty() ? u"(none)"_s : scannedImei, imei),
            u"Check that this label belongs to this device, then press Retry and scan again."_s));
    }
    attempt->progress(u"The label matches"_s, 1.0);
    StepSuccess success;
    success.note = u"label IMEI %1 matches"_s.arg(imei);
    co_return success;
}

} // namespace ps::station
