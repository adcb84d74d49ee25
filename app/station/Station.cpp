#include "Station.h"

#include "AuditStore.h"
#include "StationLog.h"
#include "cloud/RestClient.h"
#include "device/DeviceLink.h"
#include "device/PortWatcher.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTimer>

namespace ps::station {

using namespace Qt::StringLiterals;

QString slotPhaseId(SlotPhase phase) {
    switch (phase) {
    case SlotPhase::Empty:
        return u"empty"_s;
    case SlotPhase::Ready:
        return u"ready"_s;
    case SlotPhase::Running:
        return u"running"_s;
    case SlotPhase::Label:
        return u"label"_s;
    case SlotPhase::Passed:
        return u"passed"_s;
    case SlotPhase::Failed:
        return u"failed"_s;
    }
    return {};
}

QJsonObject SlotStatus::toJson() const {
    QJsonObject object{
        {u"slot"_s, slotId},       {u"label"_s, label},       {u"phase"_s, slotPhaseId(phase)},
        {u"present"_s, present},   {u"progress"_s, progress}, {u"elapsedMs"_s, elapsedMs},
        {u"attempts"_s, attempts}, {u"passed"_s, passed}};
    const auto put = [&object](const QString &key, const QString &value) {
        if (!value.isEmpty())
            object.insert(key, value);
    };
    put(u"port"_s, port);
    put(u"flowId"_s, flowId);
    put(u"step"_s, stepId);
    put(u"stepTitle"_s, stepTitle);
    put(u"detail"_s, detail);
    put(u"imei"_s, imei);
    put(u"firmware"_s, firmware);
    put(u"failure"_s, failure);
    put(u"failureKind"_s, failureKind);
    put(u"hint"_s, hint);
    return object;
}

/// Everything the station keeps per slot. The flow is destroyed before the link (it watches
/// the link).
struct Station::SlotState {
    Slot slot;
    SlotStatus status;
    std::unique_ptr<ps::device::DeviceLink> link;
    std::unique_ptr<PipelineFlow> flow;
    QString pendingResume;   ///< an unfinished attempt to resume when the device shows
    QElapsedTimer clock;     ///< since the current attempt started
    int progressBucket = -1; ///< last progress event sent (tenths), to keep the JSON short
    QString firmware;        ///< from the last boot banner on this slot's link ("... v1.6.0")
    quint64 queued = 0;      ///< waits for a free pipeline (maxParallelSlots): its ticket
    bool queuedRetry = false;
    QString progressText;

    ~SlotState() {
        flow.reset();
        link.reset();
    }
    [[nodiscard]] bool isBusy() const {
        return flow && flow->state() != Flow::State::Finished && flow->state() != Flow::State::Idle;
    }
};

Station::Station(SlotMap slots, StationOptions options, QObject *parent)
    : QObject(parent)
    , m_slots(std::move(slots))
    , m_options(std::move(options)) {
    for (const Slot &slot : m_slots.slots()) {
        auto state = std::make_unique<SlotState>();
        state->slot = slot;
        state->status.slotId = slot.id;
        state->status.label = slot.displayName();
        m_state.emplace(slot.id, std::move(state));
    }
}

Station::~Station() {
    // As a crash would: running attempts stay unfinished in the journal (a new Station on the
    // same store resumes them). Flows go before their links.
    m_watcher.reset();
    m_state.clear();
}

Station::SlotState *Station::find(const QString &slotId) const {
    const auto it = m_state.find(slotId);
    return it == m_state.end() ? nullptr : it->second.get();
}

bool Station::setSlotMap(SlotMap slots) {
    if (m_running)
        return false;
    m_slots = std::move(slots);
    std::map<QString, std::unique_ptr<SlotState>> kept;
    for (const Slot &slot : m_slots.slots()) {
        auto it = m_state.find(slot.id);
        std::unique_ptr<SlotState> state;
        if (it != m_state.end() && it->second->slot == slot) {
            state = std::move(it->second);
        } else {
            state = std::make_unique<SlotState>();
            state->status.slotId = slot.id;
        }
        state->slot = slot;
        state->status.label = slot.displayName();
        kept.emplace(slot.id, std::move(state));
    }
    m_state = std::move(kept);
    return true;
}

bool Station::setOptions(StationOptions options) {
    if (m_running)
        return false;
    m_options = std::move(options);
    return true;
}

QList<SlotStatus> Station::statuses() const {
    QList<SlotStatus> list;
    for (const Slot &slot : m_slots.slots())
        list.push_back(status(slot.id));
    return list;
}

SlotStatus Station::status(const QString &slotId) const {
    const SlotState *state = find(slotId);
    if (!state)
        return {};
    SlotStatus status = state->status;
    if (state->isBusy() && state->clock.isValid())
        status.elapsedMs = state->clock.elapsed();
    return status;
}

PipelineFlow *Station::flow(const QString &slotId) const {
    const SlotState *state = find(slotId);
    return state ? state->flow.get() : nullptr;
}

void Station::emitEvent(QString type, const QString &slotId, QJsonObject fields) {
    fields.insert(u"event"_s, type);
    fields.insert(u"at"_s, isoTime(QDateTime::currentDateTimeUtc()));
    if (!slotId.isEmpty())
        fields.insert(u"slot"_s, slotId);
    Q_EMIT event(fields);
}

std::expected<void, QString> Station::start() {
    if (m_running)
        return {};
    if (!m_options.store)
        return std::unexpected(u"The station has no audit database"_s);
    if (!m_options.cloud)
        return std::unexpected(u"The station has no connection to nRF Cloud"_s);
    if (m_slots.isEmpty())
        return std::unexpected(u"The station has no slots: assign at least one port"_s);

    // The bundle is read and checked completely before anything runs: a bad one refuses the
    // whole run with the reason.
    m_bundle.reset();
    m_bundleSha256.clear();
    if (!m_options.bundleFile.isEmpty()) {
        QFile file(m_options.bundleFile);
        if (!file.open(QIODevice::ReadOnly)) {
            const QString reason = u"The firmware bundle %1 cannot be read: %2"_s.arg(
                m_options.bundleFile, file.errorString());
            emitEvent(u"station"_s, {}, {{u"state"_s, u"refused"_s}, {u"reason"_s, reason}});
            return std::unexpected(reason);
        }
        const QByteArray bytes = file.read(ps::bundle::FirmwareBundle::MaxBundleSize + 1);
        auto bundle = ps::bundle::FirmwareBundle::read(bytes);
        if (!bundle) {
            const QString reason = u"The firmware bundle %1 is refused: %2"_s.arg(
                QFileInfo(m_options.bundleFile).fileName(), bundle.error().message);
            emitEvent(u"station"_s, {},
                      {{u"state"_s, u"refused"_s},
                       {u"reason"_s, reason},
                       {u"code"_s, ps::bundle::toString(bundle.error().code)}});
            return std::unexpected(reason);
        }
        if (!bundle->application()) {
            const QString reason =
                u"The firmware bundle %1 has no application image"_s.arg(m_options.bundleFile);
            emitEvent(u"station"_s, {}, {{u"state"_s, u"refused"_s}, {u"reason"_s, reason}});
            return std::unexpected(reason);
        }
        m_bundleSha256 = QString::fromLatin1(
            QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        m_bundle = std::make_shared<const ps::bundle::FirmwareBundle>(std::move(*bundle));
    }

    m_running = true;
    m_wasSettled = false;
    m_finished = 0;
    m_passed = 0;
    const StationIdentity me = m_options.identity.resolved();

    // Attempts this station left unfinished: resume each when its device is back, or close it.
    if (auto unfinished = m_options.store->unfinishedFlows(); unfinished) {
        for (const UnfinishedFlow &flow : *unfinished) {
            if (flow.kind != QLatin1StringView(PipelineFlow::Kind))
                continue;
            auto entries = m_options.store->journal(flow.flowId);
            if (!entries)
                continue;
            auto replay = JournalReplay::fromEntries(*entries);
            if (!replay || replay->startedBy.station != me.station)
                continue;
            SlotState *state = find(replay->startedBy.slot);
            if (!state || state->isBusy() || !state->pendingResume.isEmpty()) {
                const QString reason =
                    state ? u"another attempt of slot %1 resumes"_s.arg(replay->startedBy.slot)
                          : u"slot %1 is no longer in the slot map"_s.arg(replay->startedBy.slot);
                auto closed = Flow::closeInterrupted(*m_options.store, flow.flowId, reason);
                emitEvent(u"resume"_s, replay->startedBy.slot,
                          {{u"flowId"_s, flow.flowId},
                           {u"state"_s, u"closed"_s},
                           {u"reason"_s, closed ? reason : closed.error()}});
                continue;
            }
            state->pendingResume = flow.flowId;
            state->status.flowId = flow.flowId;
            state->status.imei = flow.device.imei;
            emitEvent(u"resume"_s, state->slot.id,
                      {{u"flowId"_s, flow.flowId},
                       {u"state"_s, u"waiting"_s},
                       {u"lastStep"_s, flow.lastStep}});
        }
    } else {
        qCWarning(lcStation) << "cannot list unfinished attempts:" << unfinished.error();
    }
    m_resumeClock.start();
    QTimer::singleShot(m_options.resumeWait, this, [this] { closeStaleResumes(); });

    m_watcher = m_options.portLister
                    ? std::make_unique<ps::device::PortWatcher>(m_options.portLister)
                    : std::make_unique<ps::device::PortWatcher>();
    QList<ps::device::PortInfo> extras;
    for (const Slot &slot : m_slots.slots()) {
        if (slot.match != Slot::Match::Path)
            continue;
        ps::device::PortInfo port;
        port.systemLocation = slot.location;
        port.portName = QFileInfo(slot.location).fileName();
        port.description = u"slot %1"_s.arg(slot.id);
        extras.push_back(port);
    }
    m_watcher->setExtraPorts(extras);
    connect(m_watcher.get(), &ps::device::PortWatcher::portsChanged, this,
            &Station::onPortsChanged);
    m_watcher->start(m_options.scanInterval);

    QJsonObject fields{{u"state"_s, u"started"_s},
                       {u"station"_s, me.station},
                       {u"operator"_s, me.operatorName},
                       {u"slots"_s, qint64(m_slots.size())}};
    if (m_bundle) {
        fields.insert(u"bundle"_s, QString(m_bundle->name + u" v"_s + m_bundle->version));
        fields.insert(u"bundleSha256"_s, m_bundleSha256);
    }
    emitEvent(u"station"_s, {}, fields);
    Q_EMIT started();
    return {};
}

void Station::stop() {
    if (!m_running)
        return;
    m_running = false;
    m_watcher.reset();
    for (auto &[id, state] : m_state) {
        if (state->isBusy())
            state->flow->cancel(); // records the attempt as cancelled (finished() follows)
    }
    for (auto &[id, state] : m_state) {
        state->queued = 0;
        if (!state->isBusy())
            state->link.reset();
        state->status.present = false;
        state->status.port.clear();
        if (state->status.phase == SlotPhase::Ready)
            state->status.phase = SlotPhase::Empty;
        Q_EMIT slotChanged(id);
    }
    emitEvent(u"station"_s, {},
              {{u"state"_s, u"stopped"_s}, {u"attempts"_s, m_finished}, {u"passed"_s, m_passed}});
    Q_EMIT stopped();
}

void Station::onPortsChanged(const QList<ps::device::PortInfo> &ports) {
    if (!m_running)
        return;
    for (auto &[id, statePtr] : m_state) {
        SlotState &state = *statePtr;
        std::optional<ps::device::PortInfo> found;
        for (const ps::device::PortInfo &port : ports) {
            if (state.slot.matches(port)) {
                found = port;
                break;
            }
        }
        const bool wasPresent = state.status.present;
        if (found) {
            state.status.present = true;
            state.status.port = found->systemLocation;
            if (!wasPresent)
                emitEvent(u"slot"_s, id,
                          {{u"state"_s, u"plugged"_s}, {u"port"_s, found->systemLocation}});
            ensureLink(state, *found);
            if (state.queued == 0 && !state.isBusy() &&
                (!state.pendingResume.isEmpty() || state.status.phase == SlotPhase::Empty ||
                 state.status.phase == SlotPhase::Ready))
                requestStart(state, false);
        } else {
            state.status.present = false;
            state.status.port.clear();
            if (wasPresent)
                emitEvent(u"slot"_s, id, {{u"state"_s, u"unplugged"_s}});
            if (state.queued != 0) {
                state.queued = 0; // left before its turn
                if (state.status.phase == SlotPhase::Ready)
                    state.status.phase = SlotPhase::Empty;
                emitEvent(u"slot"_s, id, {{u"state"_s, u"dequeued"_s}});
            }
            if (!state.isBusy()) {
                // The device left after its verdict: the slot is free for the next one. A
                // failed slot keeps its failure on show until retry().
                state.link.reset();
                if (state.status.phase == SlotPhase::Passed ||
                    state.status.phase == SlotPhase::Ready)
                    state.status.phase = SlotPhase::Empty;
            }
        }
        if (wasPresent != state.status.present)
            Q_EMIT slotChanged(id);
    }
    checkSettled();
}

void Station::ensureLink(SlotState &state, const ps::device::PortInfo &port) {
    if (state.link) {
        if (state.link->state() == ps::device::DeviceLink::State::Closed)
            state.link->open();
        return;
    }
    if (state.slot.match == Slot::Match::SerialNumber) {
        state.link = std::make_unique<ps::device::DeviceLink>(port);
        if (m_watcher)
            state.link->setPortResolver(m_watcher->resolver());
    } else {
        // Path and Location slots reopen the same name (a pty's symlink, a by-path name).
        state.link = std::make_unique<ps::device::DeviceLink>(state.slot.location);
    }
    state.link->setReconnectPolicy(m_options.reconnect);
    // The banner of a boot before an attempt began (the previous attempt's flash, a reset)
    // tells the next attempt what runs.
    state.firmware.clear();
    const QString slotId = state.slot.id;
    connect(state.link.get(), &ps::device::DeviceLink::linesReceived, this,
            [this, slotId](const std::vector<ps::core::Line> &lines) {
                static const QRegularExpression banner(u"\\*\\*\\* Booting (.+ v\\S+) - "_s);
                SlotState *slot = find(slotId);
                if (!slot)
                    return;
                for (const ps::core::Line &line : lines) {
                    if (const auto match = banner.match(line.text); match.hasMatch())
                        slot->firmware = match.captured(1);
                }
            });
    state.link->open();
}

PipelineOptions Station::pipelineOptions() const {
    PipelineOptions options;
    options.bundle = m_bundle;
    options.bundleFile = m_options.bundleFile;
    options.bundleSha256 = m_bundleSha256;
    options.claim = m_options.claim;
    options.flash = m_options.flash;
    options.enterFromShell = m_options.enterFromShell;
    options.labelCheck = m_options.labelCheck;
    options.detectTimeout = m_options.detectTimeout;
    options.flashTimeout = m_options.flashTimeout;
    options.labelTimeout = m_options.labelTimeout;
    return options;
}

namespace {

/// Fraction of the pipeline done when `index` of `count` steps is at `fraction` of its work.
double overallProgress(int index, int count, double fraction) {
    if (count <= 0)
        return 0;
    const double within = fraction < 0 ? 0.0 : std::min(fraction, 1.0);
    return std::clamp((double(index) + within) / double(count), 0.0, 1.0);
}

} // namespace

void Station::startAttempt(SlotState &state, bool retry, std::unique_ptr<PipelineFlow> resumed) {
    PipelineOptions options = pipelineOptions();
    if (retry && state.flow && state.flow->state() == Flow::State::Finished) {
        options.previousFlowId = state.flow->id();
        options.previousImei = state.flow->device().imei;
        for (const StepRecord &step : state.flow->steps()) {
            if (step.status == StepStatus::Succeeded || step.status == StepStatus::Skipped)
                options.previousSucceeded.insert(step.id);
        }
    }
    FlowSetup setup;
    setup.device = state.link.get();
    setup.cloud = m_options.cloud;
    setup.store = m_options.store;
    setup.station = m_options.identity;
    setup.station.slot = state.slot.id;
    setup.firmware = state.firmware;
    if (state.flow)
        state.flow.release()->deleteLater(); // may be inside its own signal
    state.flow =
        resumed ? std::move(resumed) : std::make_unique<PipelineFlow>(setup, std::move(options));
    refresh(state);
    state.status.imei.clear();
    state.status.firmware.clear();
    state.status.failure.clear();
    state.status.failureKind.clear();
    state.status.hint.clear();
    state.status.stepId.clear();
    state.status.stepTitle.clear();
    state.status.detail.clear();
    state.status.progress = 0;
    state.status.flowId = state.flow->id();
    state.status.phase = SlotPhase::Running;
    ++state.status.attempts;
    state.clock.start();
    m_wasSettled = false;
    const bool resuming = state.flow->isResumed();
    QJsonObject fields{{u"state"_s, resuming ? u"resumed"_s
                                    : retry  ? u"retry"_s
                                             : u"started"_s},
                       {u"flowId"_s, state.flow->id()}};
    if (retry)
        fields.insert(u"retryOf"_s, state.flow->pipelineOptions().previousFlowId);
    emitEvent(u"attempt"_s, state.slot.id, fields);
    Q_EMIT slotChanged(state.slot.id);
    PipelineFlow *flow = state.flow.get();
    state.progressBucket = -1;
    state.progressText.clear();

    const QString slotId = state.slot.id;
    connect(flow, &Flow::stepStarted, this, [this, slotId, flow](const QString &step, int attempt) {
        SlotState *slot = find(slotId);
        if (!slot || slot->flow.get() != flow)
            return;
        refresh(*slot);
        slot->status.detail.clear();
        slot->progressBucket = -1;
        emitEvent(u"step"_s, slotId,
                  {{u"step"_s, step},
                   {u"title"_s, slot->status.stepTitle},
                   {u"state"_s, u"started"_s},
                   {u"attempt"_s, attempt}});
        Q_EMIT slotChanged(slotId);
    });
    connect(flow, &Flow::stepProgress, this,
            [this, slotId, flow](const QString &step, const QString &text, double fraction) {
                SlotState *slot = find(slotId);
                if (!slot || slot->flow.get() != flow)
                    return;
                slot->status.detail = text;
                slot->status.progress = overallProgress(
                    flow->currentStep(), int(flow->stepDefinitions().size()), fraction);
                // One JSON line per tenth of a step or per new kind of message, not per chunk.
                static const QRegularExpression numbers(u"[0-9.,]+"_s);
                QString shape = text;
                shape.replace(numbers, u"#"_s);
                const int bucket = fraction < 0 ? -1 : int(fraction * 10);
                if (bucket != slot->progressBucket || shape != slot->progressText) {
                    slot->progressBucket = bucket;
                    slot->progressText = shape;
                    QJsonObject progress{{u"step"_s, step}, {u"text"_s, text}};
                    if (fraction >= 0)
                        progress.insert(u"fraction"_s, fraction);
                    emitEvent(u"progress"_s, slotId, progress);
                }
                Q_EMIT slotChanged(slotId);
            });
    connect(flow, &Flow::stepFinished, this,
            [this, slotId, flow](const QString &step, bool ok, const QString &error) {
                SlotState *slot = find(slotId);
                if (!slot || slot->flow.get() != flow)
                    return;
                QJsonObject finished{{u"step"_s, step}, {u"state"_s, ok ? u"done"_s : u"failed"_s}};
                if (!error.isEmpty())
                    finished.insert(u"error"_s, error);
                for (const StepRecord &record : flow->steps()) {
                    if (record.id == step) {
                        finished.insert(u"durationMs"_s, record.durationMs);
                        if (!record.note.isEmpty())
                            finished.insert(u"note"_s, record.note);
                        if (record.status == StepStatus::Skipped)
                            finished.insert(u"state"_s, u"skipped"_s);
                    }
                }
                const DeviceIdentity device = flow->device();
                if (!device.imei.isEmpty())
                    slot->status.imei = device.imei;
                emitEvent(u"step"_s, slotId, finished);
                Q_EMIT slotChanged(slotId);
            });
    connect(flow, &PipelineFlow::labelRequested, this, [this, slotId, flow] {
        SlotState *slot = find(slotId);
        if (!slot || slot->flow.get() != flow)
            return;
        slot->status.phase = SlotPhase::Label;
        emitEvent(u"label"_s, slotId, {{u"imei"_s, flow->device().imei}});
        Q_EMIT labelRequested(slotId);
        Q_EMIT slotChanged(slotId);
    });
    connect(flow, &Flow::finished, this, [this, slotId, flow](Verdict verdict) {
        SlotState *slot = find(slotId);
        if (!slot || slot->flow.get() != flow)
            return;
        onAttemptFinished(*slot, verdict);
    });
    flow->start();
}

void Station::resumeAttempt(SlotState &state, const QString &flowId) {
    FlowSetup setup;
    setup.device = state.link.get();
    setup.cloud = m_options.cloud;
    setup.store = m_options.store;
    setup.station = m_options.identity;
    setup.station.slot = state.slot.id;
    setup.firmware = state.firmware;
    auto flow = std::make_unique<PipelineFlow>(setup, pipelineOptions());
    if (auto restored = flow->restore(flowId); !restored) {
        flow.reset();
        const QString reason = u"cannot resume: "_s + restored.error();
        auto closed = Flow::closeInterrupted(*m_options.store, flowId, reason);
        emitEvent(u"resume"_s, state.slot.id,
                  {{u"flowId"_s, flowId},
                   {u"state"_s, u"closed"_s},
                   {u"reason"_s, closed ? reason : closed.error()}});
        state.status.phase = SlotPhase::Failed;
        state.status.failure = reason;
        state.status.hint = u"Press Retry to start a new attempt."_s;
        Q_EMIT slotChanged(state.slot.id);
        return;
    }
    // startAttempt() builds a fresh flow; a resumed one is wired the same way, so hand it over
    // through the slot and reuse the wiring.
    emitEvent(u"resume"_s, state.slot.id, {{u"flowId"_s, flowId}, {u"state"_s, u"resumed"_s}});
    startAttempt(state, false, std::move(flow));
}

void Station::onAttemptFinished(SlotState &state, Verdict verdict) {
    PipelineFlow *flow = state.flow.get();
    const AuditRecord record = flow->auditRecord();
    state.status.elapsedMs = state.clock.isValid() ? state.clock.elapsed() : 0;
    state.status.imei = record.device.imei;
    state.status.firmware = record.device.firmware;
    ++m_finished;
    if (verdict == Verdict::Succeeded) {
        ++m_passed;
        ++state.status.passed;
        state.status.phase = SlotPhase::Passed;
        state.status.progress = 1.0;
        state.status.failure.clear();
        state.status.failureKind.clear();
        state.status.hint.clear();
        state.status.detail = u"Passed"_s;
    } else {
        state.status.phase = SlotPhase::Failed;
        state.status.failure = verdict == Verdict::Cancelled && record.error.isEmpty()
                                   ? u"Stopped by the operator"_s
                                   : record.error;
        state.status.failureKind = record.errorKind;
        state.status.hint = record.hint;
        if (!flow->storeError().isEmpty()) {
            state.status.failure +=
                u" (the record could not be stored: "_s + flow->storeError() + u")"_s;
        }
    }
    QJsonObject fields{{u"state"_s, u"finished"_s},
                       {u"verdict"_s, verdictId(verdict)},
                       {u"flowId"_s, record.flowId},
                       {u"sequence"_s, record.sequence},
                       {u"durationMs"_s, record.durationMs()},
                       {u"imei"_s, record.device.imei}};
    if (verdict != Verdict::Succeeded) {
        fields.insert(u"error"_s, state.status.failure);
        fields.insert(u"errorKind"_s, record.errorKind);
        fields.insert(u"hint"_s, record.hint);
        fields.insert(u"step"_s, state.status.stepId);
    }
    emitEvent(u"attempt"_s, state.slot.id, fields);
    Q_EMIT slotChanged(state.slot.id);
    Q_EMIT attemptFinished(state.slot.id, verdict, record);
    if (m_running)
        QTimer::singleShot(0, this, [this] { startQueued(); });
    checkSettled();
}

int Station::runningCount() const {
    int running = 0;
    for (const auto &[id, state] : m_state)
        running += state->isBusy() ? 1 : 0;
    return running;
}

void Station::requestStart(SlotState &state, bool retry) {
    if (m_options.maxParallelSlots <= 0 || runningCount() < m_options.maxParallelSlots) {
        if (!state.pendingResume.isEmpty())
            resumeAttempt(state, std::exchange(state.pendingResume, {}));
        else
            startAttempt(state, retry);
        return;
    }
    state.queued = ++m_queueTicket;
    state.queuedRetry = retry;
    state.status.phase = SlotPhase::Ready;
    state.status.detail =
        u"Waiting for a free place (%1 at once)"_s.arg(m_options.maxParallelSlots);
    emitEvent(u"slot"_s, state.slot.id, {{u"state"_s, u"queued"_s}});
    Q_EMIT slotChanged(state.slot.id);
}

void Station::startQueued() {
    while (m_running &&
           (m_options.maxParallelSlots <= 0 || runningCount() < m_options.maxParallelSlots)) {
        SlotState *next = nullptr;
        for (auto &[id, state] : m_state) {
            if (state->queued != 0 && state->link && (!next || state->queued < next->queued))
                next = state.get();
        }
        if (!next)
            return;
        next->queued = 0;
        requestStart(*next, next->queuedRetry);
    }
}

void Station::refresh(SlotState &state) {
    PipelineFlow *flow = state.flow.get();
    if (!flow)
        return;
    const int index = flow->currentStep();
    if (index >= 0 && index < flow->stepDefinitions().size()) {
        state.status.stepId = flow->stepDefinitions().at(index).id;
        state.status.stepTitle = flow->stepDefinitions().at(index).title;
        state.status.progress = overallProgress(index, int(flow->stepDefinitions().size()), 0.0);
    }
    if (state.status.phase == SlotPhase::Label && !flow->awaitingLabel())
        state.status.phase = SlotPhase::Running;
    if (flow->monitor() && !flow->monitor()->firmware().isEmpty())
        state.status.firmware = flow->monitor()->firmware();
}

bool Station::retry(const QString &slotId) {
    SlotState *state = find(slotId);
    if (!state || !m_running || state->isBusy() || !state->pendingResume.isEmpty())
        return false;
    if (!state->link) {
        if (!state->status.present || !m_watcher)
            return false;
        std::optional<ps::device::PortInfo> found;
        for (const ps::device::PortInfo &candidate : m_watcher->ports()) {
            if (state->slot.matches(candidate))
                found = candidate;
        }
        if (!found)
            return false;
        ensureLink(*state, *found);
    }
    if (state->queued != 0)
        return false;
    requestStart(*state, state->status.phase == SlotPhase::Failed);
    return true;
}

bool Station::submitLabel(const QString &text, const QString &slotId) {
    if (!slotId.isEmpty()) {
        SlotState *state = find(slotId);
        return state && state->flow && state->isBusy() && state->flow->submitLabel(text);
    }
    SlotState *waiting = nullptr;
    for (auto &[id, state] : m_state) {
        if (state->isBusy() && state->flow->awaitingLabel()) {
            if (waiting)
                return false; // more than one slot waits: the label must name its slot
            waiting = state.get();
        }
    }
    return waiting && waiting->flow->submitLabel(text);
}

void Station::closeStaleResumes() {
    // A timer of an earlier start() (stopped and started again since) is not this run's.
    if (!m_running || m_resumeClock.elapsed() + 50 < m_options.resumeWait.count())
        return;
    for (auto &[id, state] : m_state) {
        if (state->pendingResume.isEmpty() || state->queued != 0)
            continue; // nothing to resume, or the device is there and waits for its turn
        const QString flowId = std::exchange(state->pendingResume, {});
        const QString reason =
            u"interrupted: the station restarted and the device did not come back to slot %1 "
            u"within %2 s"_s.arg(id)
                .arg(m_options.resumeWait.count() / 1000.0);
        auto closed = Flow::closeInterrupted(*m_options.store, flowId, reason);
        state->status.phase = SlotPhase::Failed;
        state->status.failure = reason;
        state->status.hint = u"Plug the device in and press Retry."_s;
        emitEvent(u"resume"_s, id,
                  {{u"flowId"_s, flowId},
                   {u"state"_s, u"closed"_s},
                   {u"reason"_s, closed ? reason : closed.error()}});
        if (closed) {
            ++m_finished;
            Q_EMIT attemptFinished(id, Verdict::Failed, *closed);
        }
        Q_EMIT slotChanged(id);
    }
    checkSettled();
}

bool Station::isSettled() const {
    if (!m_running)
        return false;
    for (const auto &[id, state] : m_state) {
        if (state->isBusy() || !state->pendingResume.isEmpty() || state->queued != 0)
            return false;
        if (state->status.phase != SlotPhase::Passed && state->status.phase != SlotPhase::Failed)
            return false;
    }
    return true;
}

void Station::checkSettled() {
    const bool settledNow = isSettled();
    if (settledNow && !m_wasSettled) {
        m_wasSettled = true;
        emitEvent(
            u"station"_s, {},
            {{u"state"_s, u"settled"_s}, {u"attempts"_s, m_finished}, {u"passed"_s, m_passed}});
        Q_EMIT settled();
    } else if (!settledNow) {
        m_wasSettled = false;
    }
}

} // namespace ps::station
