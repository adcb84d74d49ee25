#pragma once

#include "AuditRecord.h"
#include "Completion.h"
#include "FlowStore.h"
#include "FlowTypes.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <qcoro/qcorotask.h>

namespace ps::cloud {
struct ApiError;
class RestClient;
} // namespace ps::cloud

namespace ps::station {

class Flow;

/// One attempt at one step, shared between the flow and the step's coroutine.
///
/// The flow abandons an attempt when it times out, when the operator cancels, or when the
/// flow is destroyed; the step's coroutine may still be waiting for the device or the cloud
/// then. After every co_await a step checks isActive() and, when false, returns
/// StepError::abandoned() at once without touching the flow (STYLE §5).
class StepAttempt {
public:
    StepAttempt(Flow *flow, QString stepId, int number, bool afterResume,
                std::chrono::milliseconds timeout);

    [[nodiscard]] bool isActive() const { return m_flow && !m_abandoned; }
    [[nodiscard]] const QString &stepId() const { return m_stepId; }
    /// 1 for the first attempt of this step in this run.
    [[nodiscard]] int number() const { return m_number; }
    /// The flow was restored from its journal and this step had started before (it may have
    /// done part of its work already: check before acting again).
    [[nodiscard]] bool afterResume() const { return m_afterResume; }
    /// Time left before the flow gives up on this attempt (never negative).
    [[nodiscard]] std::chrono::milliseconds remaining() const;
    /// remaining() less a small margin (a tenth of the timeout, at most 2 s): the bound for a
    /// wait inside the step, so that the step's own, more precise message wins over the
    /// flow's generic timeout.
    [[nodiscard]] std::chrono::milliseconds budget() const;
    /// The flow, while the attempt is active; null otherwise.
    [[nodiscard]] Flow *flow() const { return isActive() ? m_flow.data() : nullptr; }

    /// Reports progress (`fraction` 0..1, or negative when unknown) while active.
    void progress(const QString &text, double fraction = -1) const;

private:
    friend class Flow;
    void abandon() { m_abandoned = true; }

    QPointer<Flow> m_flow;
    QString m_stepId;
    int m_number = 1;
    bool m_afterResume = false;
    bool m_abandoned = false;
    QElapsedTimer m_clock;
    std::chrono::milliseconds m_timeout;
};

using AttemptPtr = std::shared_ptr<StepAttempt>;

/// A state machine of named steps, each a coroutine with its own timeout, retried when its
/// failure is retryable, cancellable, reporting progress, and journalled.
///
/// A subclass declares its steps in its constructor (addStep()) and implements each as a member
/// coroutine taking an AttemptPtr. The base class runs them in order:
///
///     flow.start();                              // runs from the first unfinished step
///     connect(&flow, &Flow::stepProgress, view, ...);
///     connect(&flow, &Flow::finished, view, [&](Verdict v) { ... flow.auditRecord() ... });
///
/// Journal: every transition (flow start, step start, step end, facts the flow learned, cloud
/// calls, flow end) is written to the FlowStore BEFORE it takes effect. If writing fails, the
/// transition does not happen and the flow fails with a Journal error. A flow destroyed before
/// it finished (a crash, as far as the journal can tell) can be resumed: construct the same
/// kind of flow, call restore(flowId), then start(); steps that succeeded are not run again
/// (except those marked rerunOnResume, such as identifying the device), facts are restored,
/// and a step that was interrupted runs again with StepAttempt::afterResume() set. Or close it
/// with closeInterrupted(), which records it as failed.
///
/// Steps: each attempt runs under the step's timeout. A failure with `retryable` set is tried
/// again after retryDelay, up to maxAttempts; otherwise the flow fails (or, with
/// setPauseOnFailure(true), waits for retryFailedStep() or cancel()). cancel() abandons the
/// attempt in flight at once. A step coroutine must be safe to run again: look before acting
/// (the device may already be claimed, the command already queued).
///
/// The end: the audit record (auditRecord()) is written with the flow's last journal entry in
/// one transaction, then finished() is emitted. Every attempt gives exactly one record.
class Flow : public QObject {
    Q_OBJECT
public:
    enum class State {
        Idle,     ///< constructed (and maybe restored), not started
        Running,  ///< a step is running or waiting to retry
        Held,     ///< waits before a step named in setHoldBefore() for proceed() or cancel()
        Paused,   ///< a step failed and the flow waits for retryFailedStep() or cancel()
        Finished, ///< verdict() is final; auditRecord() holds the stored record
    };
    Q_ENUM(State)

    /// A step coroutine.
    using StepFunction = std::function<QCoro::Task<StepResult>(AttemptPtr)>;

    struct StepDefinition {
        StepDefinition() = default;
        StepDefinition(QString id, QString title, std::chrono::milliseconds timeout,
                       StepFunction run);

        QString id;
        QString title;
        std::chrono::milliseconds timeout{30'000};
        int maxAttempts = 1;                        ///< in one run of the flow
        std::chrono::milliseconds retryDelay{1000}; ///< before the next attempt
        bool rerunOnResume = false;                 ///< run again after a resume even if it
                                                    ///< succeeded (identify the device again)
        StepFunction run;
    };

    ~Flow() override;

    [[nodiscard]] QString id() const { return m_id; }
    [[nodiscard]] QString kind() const { return m_kind; }
    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] Verdict verdict() const { return m_verdict; }
    [[nodiscard]] bool isResumed() const { return m_resumed; }
    [[nodiscard]] const StationIdentity &stationIdentity() const { return m_identity; }
    [[nodiscard]] QDateTime startedAt() const { return m_startedAt; }

    [[nodiscard]] QList<StepRecord> steps() const { return m_records; }
    [[nodiscard]] const QList<StepDefinition> &stepDefinitions() const { return m_definitions; }
    /// Index of the running (or last run) step; -1 before the start.
    [[nodiscard]] int currentStep() const { return m_current; }
    [[nodiscard]] DeviceIdentity device() const;
    [[nodiscard]] const QJsonObject &facts() const { return m_facts; }
    [[nodiscard]] QJsonValue fact(const QString &key) const { return m_facts.value(key); }
    [[nodiscard]] const QList<CloudCall> &cloudCalls() const { return m_cloudCalls; }
    /// The failure that ended the flow (when verdict() is Failed).
    [[nodiscard]] const std::optional<StepError> &error() const { return m_error; }
    /// After finished(): the record as stored (sequence and hash set), or as built when the
    /// store refused it (see storeError()).
    [[nodiscard]] const AuditRecord &auditRecord() const { return m_record; }
    /// Why the journal or the audit record could not be written; empty when all went well.
    [[nodiscard]] const QString &storeError() const { return m_storeError; }

    /// Runs the flow from its first unfinished step. Once only. Steps that need not wait run
    /// at once, so connect to the signals before calling it.
    void start();
    /// Abandons the step in flight and ends the flow as Cancelled (a paused flow ends as
    /// Failed: its failure stands).
    void cancel();
    /// When a step fails for good, wait for the operator instead of failing the flow.
    void setPauseOnFailure(bool pause) { m_pauseOnFailure = pause; }
    /// Runs the failed step again (only while Paused).
    void retryFailedStep();
    /// Stops before each of these steps until proceed() (or cancel()), so an interactive
    /// caller (a wizard with a page per step) can show what the steps before found and change
    /// the options of the steps to come before they run. Set it before start(); not journalled.
    void setHoldBefore(QStringList stepIds) { m_holdBefore = std::move(stepIds); }
    /// Runs the step the flow is held before (only while Held).
    void proceed();

    /// Rebuilds the state of an unfinished flow from its journal, before start(). Fails when
    /// the flow is unknown, already finished, or of another kind.
    std::expected<void, QString> restore(const QString &flowId);

    /// Records an unfinished flow as failed ("interrupted: <reason>") without running it, from
    /// its journal alone. Returns the stored record.
    static std::expected<AuditRecord, QString>
    closeInterrupted(FlowStore &store, const QString &flowId, const QString &reason);

Q_SIGNALS:
    void stepStarted(const QString &stepId, int attempt);
    /// `fraction` is 0..1, or negative when the step cannot tell.
    void stepProgress(const QString &stepId, const QString &text, double fraction);
    /// `error` is empty on success; a failure that will be retried is reported too.
    void stepFinished(const QString &stepId, bool ok, const QString &error);
    void stepRetrying(const QString &stepId, int nextAttempt, int delayMs);
    void paused(const QString &stepId, const QString &error);
    /// The flow waits before `stepId` for proceed() (see setHoldBefore()).
    void held(const QString &stepId);
    void finished(ps::station::Verdict verdict);

protected:
    Flow(QString kind, FlowStore *store, StationIdentity identity, QObject *parent = nullptr);

    /// Declares the next step; only in the subclass's constructor.
    void addStep(StepDefinition step);
    /// Journals `key` = `value`, then keeps it. Facts survive a resume; a step relies on a
    /// fact only after setFact() succeeded.
    std::expected<void, StepError> setFact(const QString &key, const QJsonValue &value);
    std::expected<void, StepError> setDevice(const DeviceIdentity &device);
    /// Journals a cloud request's outcome for the audit record.
    void recordCloudCall(const AttemptPtr &attempt, const QString &operation,
                         const ps::cloud::ApiError *error);
    /// Follows the REST client's retries of requests whose path ends with `pathSuffix` while a
    /// call of this flow is in flight, so that "503, retried, then 200" shows in the record.
    /// With several flows on one client a retry of the same path in another flow may show in
    /// both records.
    void watchRetries(ps::cloud::RestClient *client);
    void beginCloudCall(const QString &pathSuffix) { m_callPathSuffix = pathSuffix; }
    void endCloudCall() { m_callPathSuffix.clear(); }

    /// Flow-specific facts for the audit record's `details` (default: every fact but the
    /// device identity).
    [[nodiscard]] virtual QJsonObject auditDetails() const;
    /// Called after restore() has rebuilt facts and steps.
    virtual void onRestored() {}

private:
    friend class StepAttempt;
    QCoro::Task<> drive();
    QCoro::Task<bool> runStep(int index);
    QCoro::Task<StepResult> raceAttempt(int index, AttemptPtr attempt);
    /// Waits `delay` unless cancelled; true when cancelled.
    QCoro::Task<bool> waitBeforeRetry(std::chrono::milliseconds delay);
    /// Waits in State::Held before step `index`; true to run it, false when cancelled.
    QCoro::Task<bool> waitToProceed(int index);
    std::expected<void, StepError> journal(JournalEntry::Event event, const QString &step = {},
                                           int attempt = 0, QJsonObject data = {});
    void finish(Verdict verdict);
    AuditRecord buildAuditRecord() const;
    [[nodiscard]] bool shouldRun(int index) const;

    QString m_id;
    QString m_kind;
    FlowStore *m_store = nullptr;
    StationIdentity m_identity;
    State m_state = State::Idle;
    Verdict m_verdict = Verdict::None;
    QList<StepDefinition> m_definitions;
    QList<StepRecord> m_records;
    QJsonObject m_facts;
    QList<CloudCall> m_cloudCalls;
    std::optional<StepError> m_error;
    AuditRecord m_record;
    QString m_storeError;
    QDateTime m_startedAt;
    qint64 m_sequence = 0;
    int m_current = -1;
    bool m_resumed = false;
    StationIdentity m_startedBy; ///< who started a resumed flow
    int m_resumes = 0;
    bool m_cancelRequested = false;
    bool m_pauseOnFailure = false;
    QStringList m_holdBefore;
    QString m_callPathSuffix;
    QString m_callStep;

    AttemptPtr m_attempt;
    std::shared_ptr<Completion<StepResult>> m_race;
    std::shared_ptr<Completion<bool>> m_wait;     ///< retry delay; true = cancelled
    std::shared_ptr<Completion<bool>> m_decision; ///< paused: true = retry; held: true = go on
    std::optional<QCoro::Task<>> m_driver;
};

} // namespace ps::station
