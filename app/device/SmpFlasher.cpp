#include "SmpFlasher.h"

#include "Transport.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <algorithm>
#include <functional>

namespace ps::device {
namespace {

using ps::core::CborValue;
using ps::mcumgr::smpEntry;
namespace SmpGroup = ps::mcumgr::SmpGroup;
using ps::mcumgr::SmpOp;
using namespace std::chrono_literals;

constexpr qsizetype MaxConsoleBytes = 64 * 1024;
constexpr quint8 OsParametersCommand = 6; ///< mcumgr "MCUmgr parameters": buf_size, buf_count

FlashError makeError(FlashError::Kind kind, QString message, qint64 bytesSent = 0) {
    FlashError error;
    error.kind = kind;
    error.message = std::move(message);
    error.bytesSent = bytesSent;
    return error;
}

std::optional<qint64> intField(const CborValue &map, QStringView key) {
    const CborValue *value = map.find(key);
    return value ? value->toInteger() : std::nullopt;
}

/// The application's boot banner as read from the console after the reset.
struct BootBanner {
    QString text;    ///< the banner (repaired when a stray byte spoiled it)
    QString product; ///< "Asset Tracker Template"
    QString version; ///< "1.6.0"
    bool repaired = false;
};

struct BannerScan {
    std::optional<BootBanner> banner;
    /// A line that looks like the banner but does not read as one, even with a byte taken out.
    bool unreadable = false;
};

bool isPrintableAscii(QStringView text) {
    return std::ranges::all_of(text,
                               [](QChar c) { return c.unicode() >= 0x20 && c.unicode() < 0x7f; });
}

std::optional<BootBanner> cleanBanner(const QString &line) {
    static const QRegularExpression banner(QStringLiteral(
        R"(\*\*\* Booting ([^*]+?) v(\d+\.\d+\.\d+(?:[+.]\d+)?)(?: - ([^*\s]+))? \*\*\*)"));
    const QRegularExpressionMatch match = banner.match(line);
    if (!match.hasMatch() || !isPrintableAscii(match.capturedView(0)))
        return std::nullopt;
    BootBanner found;
    found.text = match.captured(0);
    found.product = match.captured(1);
    found.version = match.captured(2);
    return found;
}

/// Finds the boot banner in what the device printed since the reset, line by line.
///
/// A stray byte on the line (noise on a cheap cable) must neither hide the banner nor change
/// its version. Such noise is an inserted byte, so a spoiled banner line is read again with each
/// single byte taken out: when every reading that gives a clean banner agrees on the product and
/// the version, that is what the device printed (taking out the inserted byte is one of the
/// readings, so the true banner is always among them). When the readings disagree (a stray
/// digit inside the version: "1.6.50" reads as 1.6.5 and as 1.6.0), nothing is concluded and
/// the line counts as unreadable; a later clean banner (another boot) still counts. A banner
/// that reads clean is taken as printed, so a wrong version is never repaired into the
/// expected one. A stray line feed that cut the banner in two is undone by joining the halves.
BannerScan scanBanner(const QByteArray &console) {
    BannerScan scan;
    const QList<QByteArray> lines = console.split('\n');
    for (qsizetype index = 0; index < lines.size(); ++index) {
        // Latin-1 keeps one character per byte, so a byte taken out is a character taken out.
        QString line = QString::fromLatin1(lines[index]);
        while (line.endsWith(u'\r'))
            line.chop(1);
        if (auto banner = cleanBanner(line)) {
            scan.banner = std::move(banner);
            return scan;
        }
        const bool bannerLike = line.count(u'*') >= 3 && !line.contains(u"Using");
        if (!bannerLike)
            continue;
        // Only a banner without its closing stars was cut; joining a whole line to the next
        // could read the next line's version (NCS, Zephyr) as the application's.
        if (!line.trimmed().endsWith(u"***") && index + 1 < lines.size()) {
            if (auto banner = cleanBanner(line + QString::fromLatin1(lines[index + 1]))) {
                banner->repaired = true;
                scan.banner = std::move(banner);
                return scan;
            }
        }
        std::optional<BootBanner> agreed;
        bool disagree = false;
        for (qsizetype at = 0; at < line.size() && !disagree; ++at) {
            QString reading = line;
            reading.remove(at, 1);
            auto banner = cleanBanner(reading);
            if (!banner)
                continue;
            if (!agreed)
                agreed = std::move(banner);
            else if (agreed->version != banner->version || agreed->product != banner->product)
                disagree = true;
        }
        if (agreed && !disagree) {
            agreed->repaired = true;
            scan.banner = std::move(agreed);
            return scan;
        }
        scan.unreadable = true;
    }
    return scan;
}

QString rcText(qint64 rc) {
    switch (rc) {
    case 1:
        return QStringLiteral("unknown error");
    case 2:
        return QStringLiteral("out of memory");
    case 3:
        return QStringLiteral("invalid value (for an upload: the image does not verify)");
    case 4:
        return QStringLiteral("timeout");
    case 5:
        return QStringLiteral("no such entry");
    case 6:
        return QStringLiteral("bad state");
    case 7:
        return QStringLiteral("message too large");
    case 8:
        return QStringLiteral("not supported");
    case 9:
        return QStringLiteral("corrupt");
    case 10:
        return QStringLiteral("busy");
    default:
        return QStringLiteral("error");
    }
}

QString recoveryAdvice() {
    return QStringLiteral("The device stays in serial recovery: flash it again.");
}

} // namespace

QString toString(FlashError::Kind kind) {
    switch (kind) {
    case FlashError::Kind::BadBundle:
        return QStringLiteral("bad-bundle");
    case FlashError::Kind::NotInRecovery:
        return QStringLiteral("not-in-recovery");
    case FlashError::Kind::Timeout:
        return QStringLiteral("timeout");
    case FlashError::Kind::Disconnected:
        return QStringLiteral("disconnected");
    case FlashError::Kind::DeviceRefused:
        return QStringLiteral("device-refused");
    case FlashError::Kind::BootCheckFailed:
        return QStringLiteral("boot-check-failed");
    case FlashError::Kind::Cancelled:
        return QStringLiteral("cancelled");
    case FlashError::Kind::ToolMissing:
        return QStringLiteral("tool-missing");
    case FlashError::Kind::ToolFailed:
        return QStringLiteral("tool-failed");
    }
    return QStringLiteral("unknown");
}

SmpFlasher::SmpFlasher(Transport &transport, SmpFlashOptions options, QObject *parent)
    : Flasher(parent)
    , m_transport(&transport)
    , m_options(options) {
    connect(&transport, &Transport::bytesReceived, this, &SmpFlasher::onBytes);
    connect(&transport, &Transport::lost, this, &SmpFlasher::onLost);
}

SmpFlasher::~SmpFlasher() = default;

qsizetype SmpFlasher::chunkSize(qsizetype deviceBufferSize, qsizetype imageSize) {
    // The first chunk carries the most besides data: off, len and sha, with the largest
    // integers the image needs; a byte string head takes at most 3 bytes below 64 KiB.
    ps::mcumgr::SmpHeader header;
    const CborValue largest = CborValue::map({
        smpEntry(QStringLiteral("off"), CborValue::integer(imageSize)),
        smpEntry(QStringLiteral("data"), CborValue::byteString({})),
        smpEntry(QStringLiteral("len"), CborValue::integer(imageSize)),
        smpEntry(QStringLiteral("sha"), CborValue::byteString(QByteArray(32, '\0'))),
    });
    const qsizetype overhead = ps::mcumgr::encodeSmpMessage(header, largest).size() + 2;
    return std::max<qsizetype>(16, deviceBufferSize - 4 - overhead);
}

void SmpFlasher::onBytes(const QByteArray &bytes) {
    m_console.append(bytes);
    if (m_console.size() > MaxConsoleBytes)
        m_console.remove(0, m_console.size() - MaxConsoleBytes);
    // Zephyr's prompt ("uart:~$ ", coloured) after the probe landed in the shell as a command.
    if (m_watchForShell && m_console.contains("~$ "))
        m_shellSeen = true;
    for (const QByteArray &body : m_decoder.feed(bytes)) {
        auto message = ps::mcumgr::decodeSmpMessage(body);
        if (!message || !m_awaiting)
            continue;
        const auto op = message->header.op;
        if ((op != SmpOp::ReadResponse && op != SmpOp::WriteResponse) ||
            !m_awaitedSequences.test(message->header.sequence))
            continue; // a late answer to a request that already timed out
        m_reply = std::move(*message);
        m_awaiting = false;
    }
    Q_EMIT wake(); // also for plain console text: the boot banner check waits on it
}

void SmpFlasher::onLost(const QString &reason) {
    m_lostReason = reason.isEmpty() ? QStringLiteral("the serial port closed") : reason;
    Q_EMIT wake();
}

QCoro::Task<SmpFlasher::Wait> SmpFlasher::waitUntil(std::function<bool()> done,
                                                    std::chrono::milliseconds timeout) {
    const QDeadlineTimer deadline(timeout);
    for (;;) {
        if (done())
            co_return Wait::Done;
        if (isCancelled())
            co_return Wait::Cancelled;
        if (!m_lostReason.isEmpty())
            co_return Wait::Lost;
        if (deadline.hasExpired())
            co_return Wait::Timeout;
        {
            WakeAwaiter awaiter(
                *this, std::chrono::milliseconds(std::max<qint64>(1, deadline.remainingTime())));
            co_await awaiter;
        }
    }
}

FlashError SmpFlasher::waitError(Wait wait, const QString &what) const {
    switch (wait) {
    case Wait::Cancelled:
        return makeError(
            FlashError::Kind::Cancelled,
            QStringLiteral("Cancelled during %1 after %2 bytes. ").arg(what).arg(m_bytesSent) +
                recoveryAdvice(),
            m_bytesSent);
    case Wait::Lost:
        return makeError(FlashError::Kind::Disconnected,
                         QStringLiteral("The device went away during %1 after %2 bytes (%3). "
                                        "Plug it back in and flash again; a device in serial "
                                        "recovery keeps waiting for an image.")
                             .arg(what)
                             .arg(m_bytesSent)
                             .arg(m_lostReason),
                         m_bytesSent);
    case Wait::Timeout:
    case Wait::Done:
        break;
    }
    return makeError(FlashError::Kind::Timeout,
                     QStringLiteral("The device stopped answering during %1 after %2 bytes. ")
                             .arg(what)
                             .arg(m_bytesSent) +
                         recoveryAdvice(),
                     m_bytesSent);
}

bool SmpFlasher::send(const QByteArray &bytes) {
    if (m_transport && m_transport->write(bytes))
        return true;
    if (m_lostReason.isEmpty())
        m_lostReason =
            m_transport ? m_transport->errorString() : QStringLiteral("the serial port is gone");
    return false;
}

QByteArray SmpFlasher::echoPacket(quint8 sequence) const {
    ps::mcumgr::SmpHeader header;
    header.op = SmpOp::Write;
    header.group = SmpGroup::Os;
    header.command = ps::mcumgr::SmpOsCommand::Echo;
    header.sequence = sequence;
    const CborValue payload = CborValue::map(
        {smpEntry(QStringLiteral("d"), CborValue::textString(QStringLiteral("provstation")))});
    return ps::mcumgr::encodeSerialPacket(ps::mcumgr::encodeSmpMessage(header, payload));
}

QCoro::Task<std::optional<FlashError>> SmpFlasher::enterRecoveryFromShell() {
    Q_EMIT stageChanged(Stage::Connecting, QStringLiteral("Rebooting into the bootloader"));
    // CR LF first ends whatever the shell holds from the probes, so the command stands alone.
    if (!send("\r\n" + m_options.rebootCommand.toUtf8() + "\r\n"))
        co_return waitError(Wait::Lost, QStringLiteral("the reboot into the bootloader"));

    // Every probe gets a new sequence number and an answer to any of them counts: the one that
    // reaches the window may be answered after the next was sent. Probes that reach the
    // application or a reset half-way are lost, which is why they repeat.
    m_awaitedSequences.reset();
    m_reply.reset();
    m_decoder.reset();
    m_awaiting = true;
    const QDeadlineTimer deadline(m_options.recoveryWindowTimeout);
    Wait wait = Wait::Timeout;
    for (;;) {
        const quint8 sequence = m_sequence++;
        m_awaitedSequences.set(sequence);
        if (!send(echoPacket(sequence))) {
            wait = Wait::Lost;
            break;
        }
        const auto slice = std::min<qint64>(m_options.recoveryProbeInterval.count(),
                                            std::max<qint64>(1, deadline.remainingTime()));
        std::function<bool()> answered = [this] { return m_reply.has_value(); };
        wait = co_await waitUntil(std::move(answered), std::chrono::milliseconds(slice));
        if (wait != Wait::Timeout || deadline.hasExpired())
            break;
    }
    m_awaiting = false;
    m_awaitedSequences.reset();
    if (wait == Wait::Done) {
        m_reply.reset();
        co_return std::nullopt;
    }
    if (wait == Wait::Cancelled)
        co_return makeError(FlashError::Kind::Cancelled,
                            QStringLiteral("Cancelled while rebooting the device into its "
                                           "bootloader; nothing was written."));
    if (wait != Wait::Timeout)
        co_return waitError(wait, QStringLiteral("the reboot into the bootloader"));
    co_return makeError(
        FlashError::Kind::NotInRecovery,
        QStringLiteral("No SMP answer on %1 within %2 s after typing \"%3\" in the device's "
                       "shell: its bootloader does not wait for a firmware update after a reset. "
                       "Enable MCUboot's wait for DFU (CONFIG_BOOT_SERIAL_WAIT_FOR_DFU) in the "
                       "bootloader, or hold the boot button while resetting the device, then "
                       "flash again.")
            .arg(m_transport ? m_transport->description() : QStringLiteral("the port"))
            .arg(double(m_options.recoveryWindowTimeout.count()) / 1000.0)
            .arg(m_options.rebootCommand));
}

QCoro::Task<SmpFlasher::Reply> SmpFlasher::request(SmpOp op, quint16 group, quint8 command,
                                                   CborValue payload,
                                                   std::chrono::milliseconds timeout,
                                                   int attempts) {
    ps::mcumgr::SmpHeader header;
    header.op = op;
    header.group = group;
    header.command = command;
    const QString what = QStringLiteral("SMP group %1 command %2").arg(group).arg(command);
    Wait wait = Wait::Timeout;
    // A request whose answer came back spoiled (a stray byte: the packet's base64, length or
    // CRC does not check out) is sent again at once instead of after the whole timeout, which
    // for the first upload chunk covers the slot's erase - when asking again is harmless: reads
    // and the echo change nothing, an image state write sets the same state again (test or
    // confirm the same hash), and an upload chunk sent again is answered with the offset the
    // device wants next (offset 0 restarts the upload). A reset is not worth the risk of acting
    // twice and waits for its timeout.
    const bool resendWhenSpoiled =
        op == SmpOp::Read || (group == SmpGroup::Os && command == ps::mcumgr::SmpOsCommand::Echo) ||
        (group == SmpGroup::Image && (command == ps::mcumgr::SmpImageCommand::Upload ||
                                      command == ps::mcumgr::SmpImageCommand::State));
    for (int attempt = 0; attempt < attempts; ++attempt) {
        header.sequence = m_sequence++;
        m_awaitedSequences.reset();
        m_awaitedSequences.set(header.sequence);
        m_awaiting = true;
        m_reply.reset();
        m_decoder.reset();
        if (!send(ps::mcumgr::encodeSerialPacket(ps::mcumgr::encodeSmpMessage(header, payload)))) {
            Reply reply;
            reply.error = waitError(Wait::Lost, what);
            co_return reply;
        }
        const int droppedBefore = m_decoder.droppedPackets();
        std::function<bool()> answered = [this, resendWhenSpoiled, droppedBefore] {
            return m_reply.has_value() || m_shellSeen ||
                   (resendWhenSpoiled && m_decoder.droppedPackets() > droppedBefore);
        };
        wait = co_await waitUntil(std::move(answered), timeout);
        if (wait == Wait::Done && !m_reply && m_shellSeen) {
            wait = Wait::Timeout; // a shell answered: more attempts would only wait longer
            break;
        }
        if (wait == Wait::Done && !m_reply) {
            wait = Wait::Timeout; // the answer was spoiled on the line: ask again
            continue;
        }
        if (wait == Wait::Done) {
            Reply reply;
            reply.message = std::move(m_reply);
            co_return reply;
        }
        if (wait != Wait::Timeout)
            break;
    }
    m_awaiting = false;
    Reply reply;
    reply.error = waitError(wait, what);
    co_return reply;
}

QCoro::Task<std::expected<FlashOutcome, FlashError>>
SmpFlasher::flash(ps::bundle::FirmwareBundle bundle) {
    const ps::bundle::BundleImage *application = bundle.application();
    if (!application || !application->mcuboot)
        co_return std::unexpected(makeError(FlashError::Kind::BadBundle,
                                            QStringLiteral("The bundle has no MCUboot application "
                                                           "image to flash over SMP.")));
    const QByteArray image = application->data;
    const ps::mcumgr::McubootImage header = *application->mcuboot;
    FlashOutcome outcome;
    outcome.expectedVersion = header.version.toString();
    m_bytesSent = 0;
    m_lostReason.clear();

    Q_EMIT stageChanged(Stage::Connecting,
                        QStringLiteral("Opening %1").arg(m_transport->description()));
    if (!m_transport->isOpen() && !m_transport->open())
        co_return std::unexpected(
            makeError(FlashError::Kind::Disconnected, m_transport->errorString()));

    // 1. Is an SMP server listening?
    Q_EMIT stageChanged(Stage::Checking, QStringLiteral("Looking for the bootloader"));
    CborValue echoPayload = CborValue::map(
        {smpEntry(QStringLiteral("d"), CborValue::textString(QStringLiteral("provstation")))});
    m_console.clear();
    m_shellSeen = false;
    m_watchForShell = m_options.enterFromShell;
    Reply echo =
        co_await request(SmpOp::Write, SmpGroup::Os, ps::mcumgr::SmpOsCommand::Echo,
                         std::move(echoPayload), m_options.probeTimeout, m_options.probeAttempts);
    m_watchForShell = false;
    m_shellSeen = false; // later requests wait for their answers only
    if (echo.error && echo.error->kind == FlashError::Kind::Timeout && m_options.enterFromShell) {
        if (auto failed = co_await enterRecoveryFromShell())
            co_return std::unexpected(*failed);
        echo.error.reset();
        Q_EMIT stageChanged(Stage::Checking, QStringLiteral("The bootloader answers"));
    }
    if (echo.error) {
        if (echo.error->kind == FlashError::Kind::Timeout)
            co_return std::unexpected(makeError(
                FlashError::Kind::NotInRecovery,
                QStringLiteral("No SMP answer on %1: the device is not in MCUboot serial "
                               "recovery. Hold the boot button while resetting it, then flash "
                               "again (or, when its MCUboot waits for DFU after a reset, let the "
                               "flasher reboot it from its shell).")
                    .arg(m_transport->description())));
        co_return std::unexpected(*echo.error);
    }

    // 2. How large may a message be? mcumgr in an application says; MCUboot answers rc 8.
    m_bufferSize = m_options.deviceBufferSize;
    CborValue paramsPayload = CborValue::map({});
    Reply params = co_await request(SmpOp::Read, SmpGroup::Os, OsParametersCommand,
                                    std::move(paramsPayload), m_options.commandTimeout, 1);
    if (params.error && params.error->kind != FlashError::Kind::Timeout)
        co_return std::unexpected(*params.error);
    if (params.message) {
        const auto size = intField(params.message->payload, u"buf_size");
        if (size && *size >= 128 && *size <= 65536)
            m_bufferSize = qsizetype(*size);
    }

    // 3. What is in the slot?
    CborValue listPayload = CborValue::map({});
    Reply list = co_await request(SmpOp::Read, SmpGroup::Image, ps::mcumgr::SmpImageCommand::State,
                                  std::move(listPayload), m_options.commandTimeout, 5);
    if (list.error)
        co_return std::unexpected(*list.error);
    if (const CborValue *images = list.message->payload.find(u"images");
        images && images->type == CborValue::Type::Array) {
        for (const CborValue &entry : images->items) {
            const CborValue *hash = entry.find(u"hash");
            if (m_options.skipIfSame && hash && hash->bytes == header.sha256 &&
                intField(entry, u"slot").value_or(0) == 0)
                outcome.skipped = true;
        }
    }

    // 4. Upload.
    bool testAccepted = false;
    if (!outcome.skipped) {
        const qsizetype chunk = chunkSize(m_bufferSize, image.size());
        const QByteArray sha = QCryptographicHash::hash(image, QCryptographicHash::Sha256);
        Q_EMIT stageChanged(Stage::Uploading, QStringLiteral("Uploading %1 bytes (version %2)")
                                                  .arg(image.size())
                                                  .arg(outcome.expectedVersion));
        QElapsedTimer elapsed;
        elapsed.start();
        qint64 offset = 0;
        while (offset < image.size()) {
            if (isCancelled())
                co_return std::unexpected(waitError(Wait::Cancelled, QStringLiteral("the upload")));
            std::vector<std::pair<CborValue, CborValue>> entries{
                smpEntry(QStringLiteral("off"), CborValue::integer(offset)),
                smpEntry(QStringLiteral("data"), CborValue::byteString(image.mid(offset, chunk))),
            };
            if (offset == 0) {
                entries.push_back(
                    smpEntry(QStringLiteral("len"), CborValue::integer(image.size())));
                entries.push_back(smpEntry(QStringLiteral("sha"), CborValue::byteString(sha)));
            }
            const auto timeout = offset == 0 ? m_options.firstChunkTimeout : m_options.chunkTimeout;
            CborValue chunkPayload = CborValue::map(std::move(entries));
            Reply reply =
                co_await request(SmpOp::Write, SmpGroup::Image, ps::mcumgr::SmpImageCommand::Upload,
                                 std::move(chunkPayload), timeout, m_options.chunkAttempts);
            if (reply.error) {
                reply.error->message.replace(QStringLiteral("SMP group 1 command 1"),
                                             QStringLiteral("the upload"));
                co_return std::unexpected(*reply.error);
            }
            const qint64 rc = intField(reply.message->payload, u"rc").value_or(0);
            if (rc != 0)
                co_return std::unexpected(makeError(
                    FlashError::Kind::DeviceRefused,
                    QStringLiteral("The device refused the upload at byte %1: %2 (rc %3). ")
                            .arg(offset)
                            .arg(rcText(rc))
                            .arg(rc) +
                        recoveryAdvice(),
                    m_bytesSent));
            const auto next = intField(reply.message->payload, u"off");
            if (!next || *next < 0 || *next > image.size())
                co_return std::unexpected(
                    makeError(FlashError::Kind::DeviceRefused,
                              QStringLiteral("The device's upload answer has no usable offset."),
                              m_bytesSent));
            offset = *next;
            m_bytesSent = offset;
            const double seconds = std::max<double>(1e-3, double(elapsed.nsecsElapsed()) / 1e9);
            outcome.bytesPerSecond = double(offset) / seconds;
            outcome.seconds = seconds;
            Q_EMIT progress(offset, image.size(), outcome.bytesPerSecond);
        }
        outcome.bytesSent = image.size();

        // 5. Test or confirm. MCUboot serial recovery writes slot 0 directly and does not
        // implement image state writes; mcumgr in an application does.
        Q_EMIT stageChanged(Stage::Confirming, QStringLiteral("Marking the image"));
        const bool permanent = m_options.confirm == SmpFlashOptions::Confirm::Permanent;
        CborValue statePayload =
            CborValue::map({smpEntry(QStringLiteral("hash"), CborValue::byteString(header.sha256)),
                            smpEntry(QStringLiteral("confirm"), CborValue::boolean(permanent))});
        Reply state =
            co_await request(SmpOp::Write, SmpGroup::Image, ps::mcumgr::SmpImageCommand::State,
                             std::move(statePayload), m_options.commandTimeout, 3);
        if (state.error)
            co_return std::unexpected(*state.error);
        const qint64 rc = intField(state.message->payload, u"rc").value_or(0);
        if (rc == qint64(ps::mcumgr::SmpError::NotSupported)) {
            outcome.confirmation = QStringLiteral("written to slot 0 by the bootloader (serial "
                                                  "recovery): nothing to test or confirm");
        } else if (rc != 0) {
            co_return std::unexpected(
                makeError(FlashError::Kind::DeviceRefused,
                          QStringLiteral("The device refused to mark the image: %1 (rc %2).")
                              .arg(rcText(rc))
                              .arg(rc),
                          m_bytesSent));
        } else {
            testAccepted = !permanent;
            outcome.confirmation = permanent ? QStringLiteral("marked permanent before the reset")
                                             : QStringLiteral("marked for a test boot");
        }
    } else {
        outcome.confirmation = QStringLiteral("the device already holds this image");
    }

    // 6. Reset and check what boots.
    Q_EMIT stageChanged(Stage::Resetting, QStringLiteral("Resetting the device"));
    m_console.clear();
    CborValue resetPayload = CborValue::map({});
    Reply reset = co_await request(SmpOp::Write, SmpGroup::Os, ps::mcumgr::SmpOsCommand::Reset,
                                   std::move(resetPayload), m_options.commandTimeout, 2);
    // An unanswered reset (its answer spoiled on the line, or lost as the device went down) may
    // well have reset the device: with the boot check on, the banner decides, and only when it
    // does not come is the missing answer the failure.
    const bool resetUnanswered =
        reset.error && reset.error->kind == FlashError::Kind::Timeout && m_options.checkBoot;
    if (reset.error && !resetUnanswered)
        co_return std::unexpected(*reset.error);
    if (!m_options.checkBoot)
        co_return outcome;

    Q_EMIT stageChanged(Stage::WaitingForBoot, QStringLiteral("Waiting for the boot banner"));
    BannerScan scan;
    std::function<bool()> bannerSeen = [&] {
        scan = scanBanner(m_console);
        return scan.banner.has_value();
    };
    const Wait booted = co_await waitUntil(std::move(bannerSeen), m_options.bootTimeout);
    if (booted != Wait::Done) {
        if (booted == Wait::Timeout && resetUnanswered && !scan.unreadable)
            co_return std::unexpected(*reset.error);
        if (booted == Wait::Timeout && scan.unreadable)
            co_return std::unexpected(makeError(
                FlashError::Kind::BootCheckFailed,
                QStringLiteral("The device rebooted, but stray bytes on the serial line made its "
                               "boot banner unreadable, so the version that runs is not known. "
                               "Check the version on the console (or flash again); if it "
                               "happens often, check the cable."),
                m_bytesSent));
        if (booted == Wait::Timeout)
            co_return std::unexpected(makeError(
                FlashError::Kind::BootCheckFailed,
                QStringLiteral("The device did not print a boot banner within %1 s after the "
                               "reset; it may have refused the image and stayed in serial "
                               "recovery. Flash it again.")
                    .arg(m_options.bootTimeout.count() / 1000.0),
                m_bytesSent));
        co_return std::unexpected(makeError(
            booted == Wait::Cancelled ? FlashError::Kind::Cancelled
                                      : FlashError::Kind::Disconnected,
            QStringLiteral("The image was written and the device reset, but %1 before its boot "
                           "banner showed the version (%2). Reconnect and check the version on "
                           "the console.")
                .arg(booted == Wait::Cancelled ? QStringLiteral("the check was cancelled")
                                               : QStringLiteral("the device went away"),
                     booted == Wait::Cancelled ? QStringLiteral("cancelled") : m_lostReason),
            m_bytesSent));
    }
    outcome.banner = scan.banner->text;
    outcome.bootedVersion = scan.banner->version;
    const auto bootedVersion = ps::mcumgr::ImageVersion::parse(outcome.bootedVersion);
    if (!bootedVersion || *bootedVersion != header.version)
        co_return std::unexpected(makeError(
            FlashError::Kind::BootCheckFailed,
            QStringLiteral("The device booted %1 v%2, not the flashed version %3.")
                .arg(scan.banner->product, outcome.bootedVersion, outcome.expectedVersion),
            m_bytesSent));

    if (testAccepted) {
        // The image runs in test mode: confirm it, or the bootloader reverts at the next reset.
        CborValue confirmPayload =
            CborValue::map({smpEntry(QStringLiteral("confirm"), CborValue::boolean(true))});
        Reply confirm =
            co_await request(SmpOp::Write, SmpGroup::Image, ps::mcumgr::SmpImageCommand::State,
                             std::move(confirmPayload), m_options.commandTimeout, 2);
        if (confirm.error || intField(confirm.message->payload, u"rc").value_or(0) != 0)
            co_return std::unexpected(makeError(
                FlashError::Kind::DeviceRefused,
                QStringLiteral("Version %1 boots but could not be confirmed; the bootloader will "
                               "revert to the previous image at the next reset.")
                    .arg(outcome.bootedVersion),
                m_bytesSent));
        outcome.confirmation = QStringLiteral("test boot succeeded, image confirmed");
    }
    co_return outcome;
}

} // namespace ps::device
