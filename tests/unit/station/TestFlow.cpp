#include "TestFlow.h"

#include <QTest>

namespace ps::station::test {

using namespace Qt::StringLiterals;

TestFlow::TestFlow(FlowStore *store, QObject *parent)
    : Flow(QString::fromLatin1(Kind), store,
           StationIdentity{u"tester"_s, u"bench-1"_s, u"slot-a"_s}, parent) {}

void TestFlow::step(const QString &id, StepScript script,
                    const std::function<void(StepDefinition &)> &tune) {
    StepDefinition definition(id, u"Step "_s + id, std::chrono::milliseconds(2000),
                              [this, id, script](AttemptPtr attempt) {
                                  ++runs[id];
                                  if (attempt->afterResume())
                                      ++resumedRuns[id];
                                  return script(std::move(attempt), this);
                              });
    definition.retryDelay = std::chrono::milliseconds(10);
    if (tune)
        tune(definition);
    addStep(std::move(definition));
}

StepScript succeed(QString note) {
    return [note](AttemptPtr, TestFlow *) -> QCoro::Task<StepResult> {
        StepSuccess success;
        success.note = note;
        co_return success;
    };
}

StepScript failWith(StepError error) {
    return [error](AttemptPtr, TestFlow *) -> QCoro::Task<StepResult> {
        co_return std::unexpected(error);
    };
}

StepScript failTimes(int failures) {
    auto count = std::make_shared<int>(0);
    return [count, failures](AttemptPtr, TestFlow *) -> QCoro::Task<StepResult> {
        if ((*count)++ < failures) {
            co_return std::unexpected(
                StepError::make(StepError::Kind::Cloud, u"HTTP 503: busy"_s, u"wait"_s, true));
        }
        co_return StepSuccess{};
    };
}

StepScript waitOn(Gate gate, std::shared_ptr<bool> sawAbandoned) {
    return [gate, sawAbandoned](AttemptPtr attempt, TestFlow *) -> QCoro::Task<StepResult> {
        // The step's own state lives in this frame, not in the lambda (a coroutine lambda's
        // captures die with the lambda object).
        const auto done = gate.completion();
        const auto abandonedFlag = sawAbandoned;
        StepResult result = co_await *done;
        if (!attempt->isActive()) {
            if (abandonedFlag)
                *abandonedFlag = true;
            co_return std::unexpected(StepError::abandoned());
        }
        co_return result;
    };
}

bool waitForFinish(Flow &flow, int timeoutMs) {
    if (flow.state() == Flow::State::Finished)
        return true;
    QSignalSpy spy(&flow, &Flow::finished);
    return spy.wait(timeoutMs);
}

} // namespace ps::station::test
