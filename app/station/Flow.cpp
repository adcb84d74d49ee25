#include "Flow.h"

#include "StationLog.h"
#include "cloud/ApiError.h"
#include "cloud/RestClient.h"

#include <QJsonArray>
#include <QTimer>
#include <QUuid>

namespace ps::station {

using namespace Qt::StringLiterals;

StepAttempt::StepAttempt(Flow *flow, QString stepId, int number, bool afterResume,
                         std::chrono::milliseconds timeout)
    : m_flow(flow)
    , m_stepId(std::move(stepId))
    , m_number(number)
    , m_afterResume(afterResume)
    , m_timeout(timeout) {
    m_clock.start();
}

std::chrono::milliseconds StepAttempt::remaining() const {
    const qint64 left = m_timeout.count() - m_clock.elapsed();
    return std::chrono::milliseconds(std::max<qint64>(0, left));
}

std::chrono::milliseconds StepAttempt::budget() const {
    const auto margin = std::min(std::chrono::milliseconds(2000), m_timeout / 10);
    return std::max(std::chrono::milliseconds(0), remaining() - margin);
}

void StepAttempt::progress(const QString &text, double fraction) const {
    if (Flow *owner = flow())
        Q_EMIT owner->stepProgress(m_stepId, text, fraction);
}

Flow::StepDefinition::StepDefinition(QString stepId, QString stepTitle,
                                     std::chrono::milliseconds stepTimeout, StepFunction function)
    : id(std::move(stepId))
    , title(std::move(stepTitle))
    , timeout(stepTimeout)
    , run(std::move(function)) {}

Flow::Flow(QString kind, FlowStore *store, StationIdentity identity, QObject *parent)
    : QObject(parent)
    , m_id(QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_kind(std::move(kind))
    , m_store(store)
    , m_identity(identity.resolved()) {}

Flow::~Flow() {
    // Wake every coroutine that waits on this flow; they resume from the event loop, find the
    // flow gone and end. The journal stays as it is: an unfinished flow, to resume or close.
    if (m_attempt)
        m_attempt->abandon();
    if (m_race)
        m_race->complete(std::unexpected(StepError::cancelled()));
    if (m_wait)
        m_wait->complete(true);
    if (m_decision)
        m_decision->complete(false);
}

void Flow::addStep(StepDefinition step) {
    StepRecord record;
    record.id = step.id;
    record.title = step.title;
    m_records.append(record);
    m_definitions.append(std::move(step));
}

DeviceIdentity Flow::device() const {
    return DeviceIdentity::fromJson(m_facts.value(u"device"_s).toObject());
}

std::expected<void, StepError> Flow::journal(JournalEntry::Event event, const QString &step,
                                             int attempt, QJsonObject data) {
    if (!m_store) {
        return std::unexpected(StepError::make(
            StepError::Kind::Journal, u"No journal is configured for this flow"_s,
            u"Give the flow an audit store (or a memory store) before starting it."_s));
    }
    JournalEntry entry;
    entry.flowId = m_id;
    entry.sequence = m_sequence + 1;
    entry.at = QDateTime::currentDateTimeUtc();
    entry.event = event;
    entry.step = step;
    entry.attempt = attempt;
    entry.data = std::move(data);
    if (auto written = m_store->appendJournal(entry); !written) {
        qCWarning(lcStation).noquote()
            << "flow" << m_id << "journal write failed:" << written.error();
        m_storeError = written.error();
        return std::unexpected(StepError::make(
            StepError::Kind::Journal, u"Cannot write the flow journal: "_s + written.error(),
            u"Check the disk space and the permissions of the audit database."_s));
    }
    m_sequence = entry.sequence;
    return {};
}

std::expected<void, StepError> Flow::setFact(const QString &key, const QJsonValue &value) {
    if (m_facts.value(key) == value)
        return {};
    const QString step = m_current >= 0 && m_current < m_definitions.size()
                             ? m_definitions[m_current].id
                             : QString();
    if (auto written = journal(JournalEntry::Event::Fact, step, 0, QJsonObject{{key, value}});
        !written)
        return written;
    m_facts.insert(key, value);
    return {};
}

std::expected<void, StepError> Flow::setDevice(const DeviceIdentity &device) {
    return setFact(u"device"_s, device.toJson());
}

void Flow::recordCloudCall(const AttemptPtr &attempt, const QString &operation,
                           const ps::cloud::ApiError *error) {
    CloudCall call;
    call.at = QDateTime::currentDateTimeUtc();
    call.step = attempt ? attempt->stepId() : QString();
    call.operation = operation;
    call.ok = error == nullptr;
    if (error) {
        call.httpStatus = error->httpStatus;
        call.code = error->code;
        call.message = error->message;
        call.attempts = error->attempts;
    }
    // A cloud call that cannot be journalled is still kept for the record of this run.
    (void)journal(JournalEntry::Event::CloudCall, call.step, 0, call.toJson());
    m_cloudCalls.append(call);
}

void Flow::watchRetries(ps::cloud::RestClient *client) {
    if (!client)
        return;
    connect(client, &ps::cloud::RestClient::retryScheduled, this,
            [this](const QString &method, const QString &path, int nextAttempt, int,
                   const ps::cloud::ApiError &reason) {
                if (m_callPathSuffix.isEmpty() || !path.endsWith(m_callPathSuffix))
                    return;
                CloudCall call;
                call.at = QDateTime::currentDateTimeUtc();
                call.step = m_attempt ? m_attempt->stepId() : QString();
                call.operation = method + u' ' + m_callPathSuffix;
                call.ok = false;
                call.httpStatus = reason.httpStatus;
                call.code = reason.code;
                call.message = reason.message;
                call.attempts = nextAttempt - 1;
                call.retried = true;
                (void)journal(JournalEntry::Event::CloudCall, call.step, 0, call.toJson());
                m_cloudCalls.append(call);
            });
}

QJsonObject Flow::auditDetails() const {
    QJsonObject details = m_facts;
    details.remove(u"device"_s);
    return details;
}

bool Flow::shouldRun(int index) const {
    const StepStatus status = m_records[index].status;
    if (status != StepStatus::Succeeded && status != StepStatus::Skipped)
        return true;
    return m_resumed && m_definitions[index].rerunOnResume;
}

void Flow::start() {
    if (m_state != State::Idle)
        return;
    m_state = State::Running;
    if (!m_startedAt.isValid())
        m_startedAt = QDateTime::currentDateTimeUtc();
    m_driver.emplace(drive());
}

void Flow::cancel() {
    if (m_state == State::Idle || m_state == State::Finished)
        return;
    m_cancelRequested = true;
    if (m_attempt)
        m_attempt->abandon();
    if (m_race)
        m_race->complete(std::unexpected(StepError::cancelled()));
    if (m_wait)
        m_wait->complete(true);
    if (m_decision)
        m_decision->complete(false);
}

void Flow::retryFailedStep() {
    if (m_state == State::Paused && m_decision)
        m_decision->complete(true);
}

void Flow::proceed() {
    if (m_state == State::Held && m_decision)
        m_decision->complete(true);
}

QCoro::Task<> Flow::drive() {
    QPointer<Flow> self = this;
    QJsonObject startData;
    if (m_resumed) {
        startData = QJsonObject{{u"operator"_s, m_identity.operatorName},
                                {u"station"_s, m_identity.station},
                                {u"slot"_s, m_identity.slot}};
    } else {
        QJsonArray steps;
        for (const StepDefinition &step : std::as_const(m_definitions))
            steps.append(QJsonObject{{u"id"_s, step.id}, {u"title"_s, step.title}});
        startData = QJsonObject{{u"kind"_s, m_kind},
                                {u"operator"_s, m_identity.operatorName},
                                {u"station"_s, m_identity.station},
                                {u"slot"_s, m_identity.slot},
                                {u"steps"_s, steps}};
    }
    auto started =
        journal(m_resumed ? JournalEntry::Event::FlowResumed : JournalEntry::Event::FlowStarted, {},
                0, startData);
    if (!started) {
        m_error = started.error();
        finish(Verdict::Failed);
        co_return;
    }
    qCDebug(lcStation).noquote() << m_kind << "flow" << m_id << (m_resumed ? "resumed" : "started");

    for (int index = 0; index < m_definitions.size(); ++index) {
        if (!shouldRun(index))
            continue;
        m_current = index;
        if (m_holdBefore.contains(m_definitions[index].id)) {
            const bool go = co_await waitToProceed(index);
            if (!self)
                co_return;
            if (!go) {
                finish(Verdict::Cancelled);
                co_return;
            }
        }
        const bool ok = co_await runStep(index);
        if (!self)
            co_return;
        if (!ok) {
            finish(m_cancelRequested && !m_error ? Verdict::Cancelled : Verdict::Failed);
            co_return;
        }
    }
    finish(Verdict::Succeeded);
}

QCoro::Task<bool> Flow::runStep(int index) {
    QPointer<Flow> self = this;
    const StepDefinition definition = m_definitions[index];
    const bool interrupted = m_resumed && m_records[index].status != StepStatus::Pending;
    int attemptNumber = 0;

    while (true) {
        if (m_cancelRequested) {
            m_records[index].status = StepStatus::Cancelled;
            co_return false;
        }
        ++attemptNumber;
        const int journalAttempt = m_records[index].attempts + 1;
        if (auto written = journal(JournalEntry::Event::StepStarted, definition.id, journalAttempt,
                                   QJsonObject{{u"title"_s, definition.title}});
            !written) {
            m_error = written.error();
            co_return false;
        }
        StepRecord &starting = m_records[index];
        starting.attempts = journalAttempt;
        if (!starting.startedAt.isValid())
            starting.startedAt = QDateTime::currentDateTimeUtc();
        starting.status = StepStatus::Running;
        qCDebug(lcStation).noquote() << "step" << definition.id << "attempt" << journalAttempt;
        Q_EMIT stepStarted(definition.id, journalAttempt);

        auto attempt = std::make_shared<StepAttempt>(this, definition.id, attemptNumber,
                                                     interrupted, definition.timeout);
        StepResult result = co_await raceAttempt(index, attempt);
        if (!self)
            co_return false;
        attempt->abandon();
        m_attempt.reset();

        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (result) {
            const StepStatus status = result->skipped ? StepStatus::Skipped : StepStatus::Succeeded;
            QJsonObject data{{u"result"_s, stepStatusId(status)}};
            if (!result->note.isEmpty())
                data.insert(u"note"_s, result->note);
            if (auto written =
                    journal(JournalEntry::Event::StepFinished, definition.id, journalAttempt, data);
                !written) {
                m_error = written.error();
                co_return false;
            }
            StepRecord &record = m_records[index];
            record.status = status;
            record.note = result->note;
            record.durationMs = record.startedAt.msecsTo(now);
            Q_EMIT stepFinished(definition.id, true, {});
            co_return true;
        }

        const StepError error = result.error();
        const bool cancelled = m_cancelRequested || error.kind == StepError::Kind::Cancelled;
        const bool willRetry =
            !cancelled && error.retryable && attemptNumber < definition.maxAttempts;
        const StepStatus status = cancelled   ? StepStatus::Cancelled
                                  : willRetry ? StepStatus::Waiting
                                              : StepStatus::Failed;
        QJsonObject data{
            {u"result"_s, stepStatusId(cancelled ? StepStatus::Cancelled : StepStatus::Failed)},
            {u"error"_s, error.message},
            {u"errorKind"_s, stepErrorKindId(error.kind)},
            {u"retry"_s, willRetry}};
        if (!error.hint.isEmpty())
            data.insert(u"hint"_s, error.hint);
        if (auto written =
                journal(JournalEntry::Event::StepFinished, definition.id, journalAttempt, data);
            !written) {
            m_error = written.error();
            co_return false;
        }
        {
            StepRecord &record = m_records[index];
            record.status = status;
            record.error = error.message;
            record.errorKind = stepErrorKindId(error.kind);
            record.hint = error.hint;
            record.durationMs = record.startedAt.msecsTo(now);
        }
        qCDebug(lcStation).noquote()
            << "step" << definition.id << "attempt" << journalAttempt
            << "failed:" << error.toString() << (willRetry ? "(will retry)" : "");
        Q_EMIT stepFinished(definition.id, false, error.toString());
        if (cancelled)
            co_return false;

        if (willRetry) {
            Q_EMIT stepRetrying(definition.id, journalAttempt + 1,
                                int(definition.retryDelay.count()));
            const bool cancelledWhileWaiting = co_await waitBeforeRetry(definition.retryDelay);
            if (!self)
                co_return false;
            if (cancelledWhileWaiting) {
                m_records[index].status = StepStatus::Cancelled;
                co_return false;
            }
            continue;
        }

        if (m_pauseOnFailure && !m_cancelRequested) {
            if (auto written = journal(JournalEntry::Event::Paused, definition.id, journalAttempt,
                                       QJsonObject{{u"error"_s, error.message}});
                !written) {
                m_error = written.error();
                co_return false;
            }
            m_state = State::Paused;
            m_records[index].status = StepStatus::Waiting;
            auto decision = std::make_shared<Completion<bool>>();
            m_decision = decision;
            Q_EMIT paused(definition.id, error.toString());
            const bool retry = co_await *decision;
            if (!self)
                co_return false;
            m_decision.reset();
            m_state = State::Running;
            if (retry) {
                attemptNumber = 0; // the operator's retry gets the step's full set of attempts
                continue;
            }
            m_records[index].status = StepStatus::Failed;
        }
        m_error = error;
        co_return false;
    }
}

QCoro::Task<StepResult> Flow::raceAttempt(int index, AttemptPtr attempt) {
    QPointer<Flow> self = this;
    auto race = std::make_shared<Completion<StepResult>>();
    m_race = race;
    m_attempt = attempt;
    const StepDefinition &definition = m_definitions[index];
    const auto timeout = definition.timeout;

    // Parentless and in this frame: the flow may be destroyed while this coroutine waits.
    QTimer timer;
    timer.setSingleShot(true);
    timer.setTimerType(Qt::PreciseTimer);
    connect(&timer, &QTimer::timeout, this, [race, timeout, title = definition.title] {
        race->complete(std::unexpected(StepError::make(
            StepError::Kind::Timeout,
            u"%1 did not finish within %2 s"_s.arg(title).arg(double(timeout.count()) / 1000.0),
            u"Check the device's log and the cloud's status, then run the flow again."_s, true)));
    });
    timer.start(timeout);

    QCoro::connect(definition.run(attempt), this,
                   [race](StepResult result) { race->complete(std::move(result)); });
    StepResult result = co_await *race;
    if (self && m_race == race)
        m_race.reset();
    co_return result;
}

QCoro::Task<bool> Flow::waitBeforeRetry(std::chrono::milliseconds delay) {
    QPointer<Flow> self = this;
    auto wait = std::make_shared<Completion<bool>>();
    m_wait = wait;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, this, [wait] { wait->complete(false); });
    timer.start(delay);
    const bool cancelled = co_await *wait;
    if (self && m_wait == wait)
        m_wait.reset();
    co_return cancelled || !self;
}

QCoro::Task<bool> Flow::waitToProceed(int index) {
    QPointer<Flow> self = this;
    if (m_cancelRequested)
        co_return false;
    auto decision = std::make_shared<Completion<bool>>();
    m_decision = decision;
    m_state = State::Held;
    Q_EMIT held(m_definitions[index].id);
    const bool go = co_await *decision;
    if (!self)
        co_return false;
    m_decision.reset();
    m_state = State::Running;
    co_return go && !m_cancelRequested;
}

AuditRecord Flow::buildAuditRecord() const {
    AuditRecord record;
    record.flowId = m_id;
    record.kind = m_kind;
    const StationIdentity &who = m_resumed ? m_startedBy : m_identity;
    record.operatorName = who.operatorName;
    record.station = who.station;
    record.slot = who.slot;
    record.startedAt = m_startedAt;
    record.finishedAt = QDateTime::currentDateTimeUtc();
    record.device = device();
    record.steps = m_records;
    for (StepRecord &step : record.steps) {
        // A step that never got to run in this attempt stays "pending" in the record.
        if (step.status == StepStatus::Running || step.status == StepStatus::Waiting)
            step.status = StepStatus::Failed;
    }
    record.cloudCalls = m_cloudCalls;
    record.verdict = m_verdict;
    if (m_error && m_verdict != Verdict::Succeeded) {
        record.error = m_error->message;
        record.errorKind = stepErrorKindId(m_error->kind);
        record.hint = m_error->hint;
    } else if (m_verdict == Verdict::Cancelled) {
        record.error = StepError::cancelled().message;
        record.errorKind = stepErrorKindId(StepError::Kind::Cancelled);
    }
    record.details = auditDetails();
    if (m_resumed) {
        record.details.insert(u"resumed"_s, m_resumes);
        record.details.insert(u"resumedBy"_s, QJsonObject{{u"operator"_s, m_identity.operatorName},
                                                          {u"station"_s, m_identity.station}});
    }
    return record;
}

void Flow::finish(Verdict verdict) {
    m_verdict = verdict;
    if (verdict == Verdict::Cancelled && m_current >= 0 && m_current < m_records.size() &&
        m_records[m_current].status != StepStatus::Succeeded)
        m_records[m_current].status = StepStatus::Cancelled;
    AuditRecord record = buildAuditRecord();
    if (m_store) {
        JournalEntry last;
        last.flowId = m_id;
        last.sequence = m_sequence + 1;
        last.at = record.finishedAt;
        last.event = JournalEntry::Event::FlowFinished;
        last.data = QJsonObject{{u"verdict"_s, verdictId(verdict)}};
        auto stored = m_store->finishFlow(last, record);
        if (stored) {
            m_sequence = last.sequence;
            record = *stored;
        } else {
            m_storeError = stored.error();
            qCWarning(lcStation).noquote()
                << "flow" << m_id << "audit record not stored:" << stored.error();
        }
    } else {
        m_storeError = u"No audit store is configured for this flow"_s;
    }
    m_record = record;
    m_state = State::Finished;
    qCDebug(lcStation).noquote() << m_kind << "flow" << m_id << "finished:" << verdictId(verdict);
    Q_EMIT finished(verdict);
}

std::expected<void, QString> Flow::restore(const QString &flowId) {
    if (m_state != State::Idle)
        return std::unexpected(u"a flow can only be restored before it starts"_s);
    if (!m_store)
        return std::unexpected(u"no journal is configured for this flow"_s);
    auto entries = m_store->journal(flowId);
    if (!entries)
        return std::unexpected(entries.error());
    auto replay = JournalReplay::fromEntries(*entries);
    if (!replay)
        return std::unexpected(replay.error());
    if (replay->finished)
        return std::unexpected(u"flow %1 has already finished"_s.arg(flowId));
    if (replay->kind != m_kind)
        return std::unexpected(
            u"flow %1 is a %2 flow, not a %3 flow"_s.arg(flowId, replay->kind, m_kind));

    m_id = replay->flowId;
    m_startedAt = replay->startedAt;
    m_startedBy = replay->startedBy;
    m_resumes = replay->resumes + 1;
    m_sequence = replay->lastSequence;
    m_facts = replay->facts;
    m_cloudCalls = replay->cloudCalls;
    for (const StepRecord &stored : std::as_const(replay->steps)) {
        for (StepRecord &record : m_records) {
            if (record.id != stored.id)
                continue;
            const QString title = record.title;
            record = stored;
            record.title = title;
            if (record.status == StepStatus::Running || record.status == StepStatus::Waiting) {
                // Interrupted in the middle: it runs again (and knows it may have done part).
                record.status = StepStatus::Failed;
                if (record.note.isEmpty())
                    record.note = u"interrupted; run again after the resume"_s;
            }
        }
    }
    m_resumed = true;
    onRestored();
    return {};
}

std::expected<AuditRecord, QString> Flow::closeInterrupted(FlowStore &store, const QString &flowId,
                                                           const QString &reason) {
    auto entries = store.journal(flowId);
    if (!entries)
        return std::unexpected(entries.error());
    auto replay = JournalReplay::fromEntries(*entries);
    if (!replay)
        return std::unexpected(replay.error());
    if (replay->finished)
        return std::unexpected(u"flow %1 has already finished"_s.arg(flowId));

    AuditRecord record;
    record.flowId = replay->flowId;
    record.kind = replay->kind;
    record.operatorName = replay->startedBy.operatorName;
    record.station = replay->startedBy.station;
    record.slot = replay->startedBy.slot;
    record.startedAt = replay->startedAt;
    record.finishedAt = QDateTime::currentDateTimeUtc();
    record.device = DeviceIdentity::fromJson(replay->facts.value(u"device"_s).toObject());
    record.steps = replay->steps;
    for (StepRecord &step : record.steps) {
        if (step.status == StepStatus::Running || step.status == StepStatus::Waiting) {
            step.status = StepStatus::Failed;
            step.error = u"interrupted: "_s + reason;
        }
    }
    record.cloudCalls = replay->cloudCalls;
    record.verdict = Verdict::Failed;
    record.error = u"interrupted: "_s + reason;
    record.errorKind = stepErrorKindId(StepError::Kind::Cancelled);
    record.hint = u"Run the flow again: it checks what the interrupted attempt already did."_s;
    record.details = replay->facts;
    record.details.remove(u"device"_s);
    record.details.insert(u"interrupted"_s, true);

    JournalEntry last;
    last.flowId = flowId;
    last.sequence = replay->lastSequence + 1;
    last.at = record.finishedAt;
    last.event = JournalEntry::Event::FlowFinished;
    last.data = QJsonObject{{u"verdict"_s, verdictId(Verdict::Failed)}, {u"reason"_s, reason}};
    return store.finishFlow(last, record);
}

} // namespace ps::station
