#pragma once

// A flow made of scripted steps, for tests of the flow framework: each step is a function the
// test supplies, so a test decides what every attempt does (succeed, fail, wait on a gate).

#include "station/Completion.h"
#include "station/Flow.h"

#include <QSignalSpy>
#include <functional>
#include <memory>

namespace ps::station::test {

/// A gate a step can wait on: the test opens it (with a result) when it wants the step to go on.
class Gate {
public:
    Gate()
        : m_done(std::make_shared<Completion<StepResult>>()) {}
    void open(StepResult result = StepSuccess{}) { m_done->complete(std::move(result)); }
    [[nodiscard]] std::shared_ptr<Completion<StepResult>> completion() const { return m_done; }

private:
    std::shared_ptr<Completion<StepResult>> m_done;
};

/// What one scripted step does on each attempt.
using StepScript = std::function<QCoro::Task<StepResult>(AttemptPtr attempt, class TestFlow *)>;

class TestFlow : public Flow {
    Q_OBJECT
public:
    static constexpr auto Kind = "test";

    TestFlow(FlowStore *store, QObject *parent = nullptr);

    /// Adds a step running `script` (with the framework's defaults unless tuned by `tune`).
    void step(const QString &id, StepScript script,
              const std::function<void(StepDefinition &)> &tune = {});

    /// Exposed for the scripts.
    std::expected<void, StepError> learn(const QString &key, const QJsonValue &value) {
        return setFact(key, value);
    }
    /// How many times each step's script ran (attempts), by step id.
    QHash<QString, int> runs;
    /// Attempts that saw afterResume(), by step id.
    QHash<QString, int> resumedRuns;
};

/// Scripts.
StepScript succeed(QString note = {});
StepScript failWith(StepError error);
/// Fails with a retryable error on the first `failures` attempts, then succeeds.
StepScript failTimes(int failures);
/// Waits on `gate`; records in `*sawAbandoned` whether the attempt was abandoned when it resumed.
StepScript waitOn(Gate gate, std::shared_ptr<bool> sawAbandoned = {});

/// Waits for the flow's finished() signal (bounded); true when it came.
bool waitForFinish(Flow &flow, int timeoutMs = 5000);

} // namespace ps::station::test
