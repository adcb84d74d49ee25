#include "TestFlow.h"

#include <QSignalSpy>
#include <QTest>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace ps::station;
using namespace ps::station::test;

namespace {

QStringList eventsOf(const QList<JournalEntry> &entries) {
    QStringList events;
    for (const JournalEntry &entry : entries)
        events.append(journalEventId(entry.event) +
                      (entry.step.isEmpty() ? QString() : u":"_s + entry.step));
    return events;
}

QList<JournalEntry> journalOf(MemoryFlowStore &store, const QString &flowId) {
    auto entries = store.journal(flowId);
    EXPECT_TRUE(entries.has_value());
    return entries.value_or(QList<JournalEntry>());
}

/// A store whose journal refuses to be written after `allowed` entries (a full disk).
class FailingStore : public MemoryFlowStore {
public:
    explicit FailingStore(int allowed)
        : m_allowed(allowed) {}
    std::expected<void, QString> appendJournal(const JournalEntry &entry) override {
        if (m_allowed-- <= 0)
            return std::unexpected(u"disk full"_s);
        return MemoryFlowStore::appendJournal(entry);
    }

private:
    int m_allowed;
};

} // namespace

TEST(Flow, RunsItsStepsInOrderAndRecordsOneSucceededAttempt) {
    MemoryFlowStore store;
    TestFlow flow(&store);
    flow.step(u"one"_s, succeed(u"first"_s));
    flow.step(u"two"_s, succeed());
    QSignalSpy started(&flow, &Flow::stepStarted);
    QSignalSpy finished(&flow, &Flow::stepFinished);

    flow.start();
    ASSERT_TRUE(waitForFinish(flow));

    EXPECT_EQ(flow.verdict(), Verdict::Succeeded);
    ASSERT_EQ(started.size(), 2);
    EXPECT_EQ(started[0][0].toString(), u"one"_s);
    EXPECT_EQ(started[1][0].toString(), u"two"_s);
    ASSERT_EQ(finished.size(), 2);
    EXPECT_TRUE(finished[0][1].toBool());
    ASSERT_EQ(store.records().size(), 1);
    const AuditRecord &record = store.records().front();
    EXPECT_EQ(record.flowId, flow.id());
    EXPECT_EQ(record.verdict, Verdict::Succeeded);
    EXPECT_EQ(record.operatorName, u"tester"_s);
    EXPECT_EQ(record.station, u"bench-1"_s);
    ASSERT_EQ(record.steps.size(), 2);
    EXPECT_EQ(record.steps[0].status, StepStatus::Succeeded);
    EXPECT_EQ(record.steps[0].note, u"first"_s);
    EXPECT_EQ(record.steps[0].attempts, 1);
    EXPECT_TRUE(record.steps[0].startedAt.isValid());
    EXPECT_EQ(flow.auditRecord().sequence, 1);
}

TEST(Flow, FailsAStepThatDoesNotFinishWithinItsTimeout) {
    MemoryFlowStore store;
    TestFlow flow(&store);
    Gate gate;
    auto abandoned = std::make_shared<bool>(false);
    flow.step(u"slow"_s, waitOn(gate, abandoned),
              [](Flow::StepDefinition &step) { step.timeout = std::chrono::milliseconds(100); });
    flow.step(u"never"_s, succeed());
    QElapsedTimer clock;
    clock.start();

    flow.start();
    ASSERT_TRUE(waitForFinish(flow));
    const qint64 elapsed = clock.elapsed();

    EXPECT_EQ(flow.verdict(), Verdict::Failed);
    ASSERT_TRUE(flow.error().has_value());
    EXPECT_EQ(flow.error()->kind, StepError::Kind::Timeout);
    EXPECT_GE(elapsed, 100);
    EXPECT_LT(elapsed, 2000);
    EXPECT_EQ(flow.runs.value(u"never"_s), 0);
    EXPECT_EQ(flow.steps()[1].status, StepStatus::Pending);

    // The step's coroutine, still waiting, learns that nobody wants its result any more.
    gate.open();
    EXPECT_TRUE(QTest::qWaitFor([&] { return *abandoned; }, 2000));
}

TEST(Flow, RetriesARetryableFailureAndThenSucceeds) {
    MemoryFlowStore store;
    TestFlow flow(&store);
    flow.step(u"flaky"_s, failTimes(2), [](Flow::StepDefinition &step) { step.maxAttempts = 3; });
    QSignalSpy retrying(&flow, &Flow::stepRetrying);
    QSignalSpy finished(&flow, &Flow::stepFinished);

    flow.start();
    ASSERT_TRUE(waitForFinish(flow));

    EXPECT_EQ(flow.verdict(), Verdict::Succeeded);
    EXPECT_EQ(flow.runs.value(u"flaky"_s), 3);
    ASSERT_EQ(retrying.size(), 2);
    EXPECT_EQ(retrying[0][1].toInt(), 2);
    EXPECT_EQ(retrying[1][1].toInt(), 3);
    ASSERT_EQ(finished.size(), 3);
    EXPECT_FALSE(finished[0][1].toBool());
    EXPECT_TRUE(finished[2][1].toBool());
    EXPECT_EQ(flow.auditRecord().steps[0].attempts, 3);
    EXPECT_EQ(flow.auditRecord().steps[0].status, StepStatus::Succeeded);
}

struct RetryCase {
    const char *name;
    bool retryable;
    int maxAttempts;
    int expectedRuns;
};

// gtest names the case instead of dumping its bytes.
void PrintTo(const RetryCase &c, std::ostream *os) {
    *os << c.name;
}

class FlowRetryLimit : public testing::TestWithParam<RetryCase> {};

TEST_P(FlowRetryLimit, TriesAStepOnlyAsOftenAsItsFailureAllows) {
    const RetryCase &c = GetParam();
    MemoryFlowStore store;
    TestFlow flow(&store);
    flow.step(u"fails"_s,
              failWith(StepError::make(StepError::Kind::Cloud, u"broken"_s, {}, c.retryable)),
              [&](Flow::StepDefinition &step) { step.maxAttempts = c.maxAttempts; });

    flow.start();
    ASSERT_TRUE(waitForFinish(flow));

    EXPECT_EQ(flow.verdict(), Verdict::Failed);
    EXPECT_EQ(flow.runs.value(u"fails"_s), c.expectedRuns);
    EXPECT_EQ(flow.auditRecord().steps[0].status, StepStatus::Failed);
    EXPECT_EQ(flow.auditRecord().error, u"broken"_s);
    EXPECT_EQ(flow.auditRecord().errorKind, u"cloud"_s);
}

INSTANTIATE_TEST_SUITE_P(Cases, FlowRetryLimit,
                         testing::Values(RetryCase{"NotRetryable", false, 3, 1},
                                         RetryCase{"RetryableUpToTheLimit", true, 3, 3},
                                         RetryCase{"RetryableButOneAttempt", true, 1, 1}),
                         [](const auto &p) { return std::string(p.param.name); });

TEST(Flow, CancelAbandonsTheRunningStepAndEndsAsCancelled) {
    MemoryFlowStore store;
    TestFlow flow(&store);
    Gate gate;
    auto abandoned = std::make_shared<bool>(false);
    flow.step(u"waits"_s, waitOn(gate, abandoned));
    flow.step(u"after"_s, succeed());
    QSignalSpy started(&flow, &Flow::stepStarted);

    flow.start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return started.size() == 1; }, 2000));
    flow.cancel();
    ASSERT_TRUE(waitForFinish(flow));

    EXPECT_EQ(flow.verdict(), Verdict::Cancelled);
    EXPECT_EQ(flow.steps()[0].status, StepStatus::Cancelled);
    EXPECT_EQ(flow.runs.value(u"after"_s), 0);
    ASSERT_EQ(store.records().size(), 1);
    EXPECT_EQ(store.records().front().verdict, Verdict::Cancelled);
    gate.open();
    EXPECT_TRUE(QTest::qWaitFor([&] { return *abandoned; }, 2000));
}

TEST(Flow, WritesEachTransitionToTheJournalBeforeItTakesEffect) {
    MemoryFlowStore store;
    TestFlow flow(&store);
    QStringList seenAtStart;
    flow.step(u"learn"_s, [](AttemptPtr, TestFlow *self) -> QCoro::Task<StepResult> {
        if (auto learned = self->learn(u"imei"_s, u"490154203237518"_s); !learned)
            co_return std::unexpected(learned.error());
        co_return StepSuccess{};
    });
    flow.step(u"use"_s, succeed());
    // When a step is announced, its start is already in the journal; when the flow is
    // announced as finished, its record is already stored.
    QObject::connect(&flow, &Flow::stepStarted, &flow, [&](const QString &step, int attempt) {
        const JournalEntry &last = store.entries().back();
        EXPECT_EQ(last.event, JournalEntry::Event::StepStarted);
        EXPECT_EQ(last.step, step);
        EXPECT_EQ(last.attempt, attempt);
        seenAtStart.append(step);
    });
    QObject::connect(&flow, &Flow::stepFinished, &flow, [&](const QString &step, bool ok) {
        const JournalEntry &last = store.entries().back();
        EXPECT_EQ(last.event, JournalEntry::Event::StepFinished);
        EXPECT_EQ(last.step, step);
        EXPECT_EQ(last.data.value(u"result"_s).toString(), ok ? u"succeeded"_s : u"failed"_s);
    });
    QObject::connect(&flow, &Flow::finished, &flow, [&] {
        ASSERT_EQ(store.records().size(), 1);
        EXPECT_EQ(store.entries().back().event, JournalEntry::Event::FlowFinished);
    });

    flow.start();
    ASSERT_TRUE(waitForFinish(flow));

    EXPECT_EQ(seenAtStart, (QStringList{u"learn"_s, u"use"_s}));
    EXPECT_EQ(eventsOf(journalOf(store, flow.id())),
              (QStringList{u"flow-started"_s, u"step-started:learn"_s, u"fact:learn"_s,
                           u"step-finished:learn"_s, u"step-started:use"_s, u"step-finished:use"_s,
                           u"flow-finished"_s}));
    EXPECT_EQ(flow.fact(u"imei"_s).toString(), u"490154203237518"_s);
    EXPECT_EQ(store.records().front().details.value(u"imei"_s).toString(), u"490154203237518"_s);
}

TEST(Flow, DoesNotStartAStepWhoseStartCannotBeJournalled) {
    // flow-started, step-started:one, step-finished:one fit; step-started:two does not.
    FailingStore store(3);
    TestFlow flow(&store);
    flow.step(u"one"_s, succeed());
    flow.step(u"two"_s, succeed());
    QSignalSpy started(&flow, &Flow::stepStarted);

    flow.start();
    ASSERT_TRUE(waitForFinish(flow));

    EXPECT_EQ(flow.verdict(), Verdict::Failed);
    EXPECT_EQ(started.size(), 1);
    EXPECT_EQ(flow.runs.value(u"two"_s), 0);
    ASSERT_TRUE(flow.error().has_value());
    EXPECT_EQ(flow.error()->kind, StepError::Kind::Journal);
    EXPECT_TRUE(flow.error()->message.contains(u"disk full"_s));
    // The record still goes through finishFlow(), which does not use appendJournal().
    ASSERT_EQ(store.records().size(), 1);
    EXPECT_EQ(store.records().front().errorKind, u"journal"_s);
}

TEST(Flow, AFactThatCannotBeJournalledIsNotKept) {
    FailingStore store(2); // flow-started and step-started only
    TestFlow flow(&store);
    flow.step(u"learn"_s, [](AttemptPtr, TestFlow *self) -> QCoro::Task<StepResult> {
        if (auto learned = self->learn(u"claimed"_s, true); !learned)
            co_return std::unexpected(learned.error());
        co_return StepSuccess{};
    });

    flow.start();
    ASSERT_TRUE(waitForFinish(flow));

    EXPECT_EQ(flow.verdict(), Verdict::Failed);
    EXPECT_FALSE(flow.facts().contains(u"claimed"_s));
}

TEST(Flow, ResumesFromItsJournalAfterACrashWithoutRepeatingFinishedSteps) {
    MemoryFlowStore store;
    QString flowId;
    auto abandoned = std::make_shared<bool>(false);
    Gate gate;
    {
        // The first run learns a fact, then "crashes" in the middle of step two: the flow
        // object goes away without finishing.
        TestFlow first(&store);
        first.step(u"one"_s, [](AttemptPtr, TestFlow *self) -> QCoro::Task<StepResult> {
            (void)self->learn(u"commandId"_s, u"cmd-17"_s);
            co_return StepSuccess{};
        });
        first.step(u"two"_s, waitOn(gate, abandoned));
        first.step(u"three"_s, succeed());
        QSignalSpy started(&first, &Flow::stepStarted);
        first.start();
        ASSERT_TRUE(QTest::qWaitFor([&] { return started.size() == 2; }, 2000));
        flowId = first.id();
    }
    gate.open();
    ASSERT_TRUE(QTest::qWaitFor([&] { return *abandoned; }, 2000));
    auto unfinished = store.unfinishedFlows();
    ASSERT_TRUE(unfinished.has_value());
    ASSERT_EQ(unfinished->size(), 1);
    EXPECT_EQ(unfinished->front().flowId, flowId);
    EXPECT_EQ(unfinished->front().lastStep, u"two"_s);
    EXPECT_TRUE(store.records().isEmpty());

    TestFlow second(&store);
    QString commandSeen;
    second.step(u"one"_s, succeed());
    second.step(u"two"_s, [&commandSeen](AttemptPtr, TestFlow *self) -> QCoro::Task<StepResult> {
        commandSeen = self->fact(u"commandId"_s).toString();
        co_return StepSuccess{};
    });
    second.step(u"three"_s, succeed());
    ASSERT_TRUE(second.restore(flowId).has_value());
    EXPECT_TRUE(second.isResumed());
    second.start();
    ASSERT_TRUE(waitForFinish(second));

    EXPECT_EQ(second.verdict(), Verdict::Succeeded);
    EXPECT_EQ(second.id(), flowId);
    EXPECT_EQ(second.runs.value(u"one"_s), 0);
    EXPECT_EQ(second.runs.value(u"two"_s), 1);
    EXPECT_EQ(second.resumedRuns.value(u"two"_s), 1);
    EXPECT_EQ(second.runs.value(u"three"_s), 1);
    EXPECT_EQ(commandSeen, u"cmd-17"_s);
    ASSERT_EQ(store.records().size(), 1);
    const AuditRecord &record = store.records().front();
    EXPECT_EQ(record.flowId, flowId);
    EXPECT_EQ(record.steps[1].attempts, 2);
    EXPECT_EQ(record.details.value(u"resumed"_s).toInt(), 1);
    EXPECT_TRUE(store.unfinishedFlows()->isEmpty());
    EXPECT_TRUE(eventsOf(journalOf(store, flowId)).contains(u"flow-resumed"_s));
}

TEST(Flow, RunsAStepMarkedRerunOnResumeAgainAfterARestore) {
    MemoryFlowStore store;
    QString flowId;
    Gate gate;
    auto abandoned = std::make_shared<bool>(false);
    {
        TestFlow first(&store);
        first.step(u"identify"_s, succeed(),
                   [](Flow::StepDefinition &step) { step.rerunOnResume = true; });
        first.step(u"wait"_s, waitOn(gate, abandoned));
        QSignalSpy started(&first, &Flow::stepStarted);
        first.start();
        ASSERT_TRUE(QTest::qWaitFor([&] { return started.size() == 2; }, 2000));
        flowId = first.id();
    }
    gate.open();
    // The first flow's coroutines end from the event loop (ASan reported their frames as leaked
    // when the test ended without letting them).
    ASSERT_TRUE(QTest::qWaitFor([&] { return *abandoned; }, 2000));

    TestFlow second(&store);
    second.step(u"identify"_s, succeed(),
                [](Flow::StepDefinition &step) { step.rerunOnResume = true; });
    second.step(u"wait"_s, succeed());
    ASSERT_TRUE(second.restore(flowId).has_value());
    second.start();
    ASSERT_TRUE(waitForFinish(second));

    EXPECT_EQ(second.runs.value(u"identify"_s), 1);
    EXPECT_EQ(second.resumedRuns.value(u"identify"_s), 1);
    EXPECT_EQ(second.verdict(), Verdict::Succeeded);
}

TEST(Flow, ClosesAnInterruptedFlowAsFailedFromItsJournalAlone) {
    MemoryFlowStore store;
    QString flowId;
    Gate gate;
    auto abandoned = std::make_shared<bool>(false);
    {
        TestFlow first(&store);
        first.step(u"one"_s, succeed(u"done"_s));
        first.step(u"two"_s, waitOn(gate, abandoned));
        QSignalSpy started(&first, &Flow::stepStarted);
        first.start();
        ASSERT_TRUE(QTest::qWaitFor([&] { return started.size() == 2; }, 2000));
        flowId = first.id();
    }
    gate.open();
    // As above: let the first flow's coroutines end before the test does.
    ASSERT_TRUE(QTest::qWaitFor([&] { return *abandoned; }, 2000));

    auto record = Flow::closeInterrupted(store, flowId, u"the station was restarted"_s);
    ASSERT_TRUE(record.has_value()) << record.error().toStdString();
    EXPECT_EQ(record->verdict, Verdict::Failed);
    EXPECT_EQ(record->error, u"interrupted: the station was restarted"_s);
    EXPECT_EQ(record->kind, u"test"_s);
    EXPECT_EQ(record->operatorName, u"tester"_s);
    ASSERT_EQ(record->steps.size(), 2);
    EXPECT_EQ(record->steps[0].status, StepStatus::Succeeded);
    EXPECT_EQ(record->steps[0].note, u"done"_s);
    EXPECT_EQ(record->steps[1].status, StepStatus::Failed);
    EXPECT_TRUE(store.unfinishedFlows()->isEmpty());
    // A closed flow can be neither closed again nor resumed.
    EXPECT_FALSE(Flow::closeInterrupted(store, flowId, u"again"_s).has_value());
    TestFlow late(&store);
    EXPECT_FALSE(late.restore(flowId).has_value());
}

TEST(Flow, RefusesToRestoreAFlowOfAnotherKindOrAnUnknownOne) {
    MemoryFlowStore store;
    JournalEntry start;
    start.flowId = u"f-1"_s;
    start.sequence = 1;
    start.at = QDateTime::currentDateTimeUtc();
    start.event = JournalEntry::Event::FlowStarted;
    start.data = QJsonObject{{u"kind"_s, u"claim"_s}};
    ASSERT_TRUE(store.appendJournal(start).has_value());

    TestFlow flow(&store);
    flow.step(u"one"_s, succeed());
    const auto otherKind = flow.restore(u"f-1"_s);
    ASSERT_FALSE(otherKind.has_value());
    EXPECT_TRUE(otherKind.error().contains(u"claim"_s));
    EXPECT_FALSE(flow.restore(u"no-such-flow"_s).has_value());
}

TEST(Flow, PausesAfterAFailureAndRunsTheStepAgainWhenAsked) {
    MemoryFlowStore store;
    TestFlow flow(&store);
    flow.setPauseOnFailure(true);
    flow.step(u"flaky"_s, failTimes(1));
    QSignalSpy paused(&flow, &Flow::paused);

    flow.start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return paused.size() == 1; }, 2000));
    EXPECT_EQ(flow.state(), Flow::State::Paused);
    EXPECT_EQ(paused[0][0].toString(), u"flaky"_s);
    EXPECT_TRUE(paused[0][1].toString().contains(u"503"_s));
    flow.retryFailedStep();
    ASSERT_TRUE(waitForFinish(flow));

    EXPECT_EQ(flow.verdict(), Verdict::Succeeded);
    EXPECT_EQ(flow.runs.value(u"flaky"_s), 2);
}

TEST(Flow, APausedFlowThatIsCancelledKeepsItsFailure) {
    MemoryFlowStore store;
    TestFlow flow(&store);
    flow.setPauseOnFailure(true);
    flow.step(u"broken"_s,
              failWith(StepError::make(StepError::Kind::Refused, u"HTTP 409: taken"_s)));
    QSignalSpy paused(&flow, &Flow::paused);

    flow.start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return paused.size() == 1; }, 2000));
    flow.cancel();
    ASSERT_TRUE(waitForFinish(flow));

    EXPECT_EQ(flow.verdict(), Verdict::Failed);
    EXPECT_EQ(flow.auditRecord().error, u"HTTP 409: taken"_s);
}

TEST(Flow, PassesStepProgressOnWhileTheAttemptIsActive) {
    MemoryFlowStore store;
    TestFlow flow(&store);
    flow.step(u"talks"_s, [](AttemptPtr attempt, TestFlow *) -> QCoro::Task<StepResult> {
        attempt->progress(u"half way"_s, 0.5);
        co_return StepSuccess{};
    });
    QSignalSpy progress(&flow, &Flow::stepProgress);

    flow.start();
    ASSERT_TRUE(waitForFinish(flow));

    ASSERT_EQ(progress.size(), 1);
    EXPECT_EQ(progress[0][0].toString(), u"talks"_s);
    EXPECT_EQ(progress[0][1].toString(), u"half way"_s);
    EXPECT_DOUBLE_EQ(progress[0][2].toDouble(), 0.5);
}

TEST(Flow, ASkippedStepCountsAsDoneAndSaysWhy) {
    MemoryFlowStore store;
    TestFlow flow(&store);
    flow.step(u"claim"_s, [](AttemptPtr, TestFlow *) -> QCoro::Task<StepResult> {
        StepSuccess skipped;
        skipped.skipped = true;
        skipped.note = u"already claimed by this account"_s;
        co_return skipped;
    });

    flow.start();
    ASSERT_TRUE(waitForFinish(flow));

    EXPECT_EQ(flow.verdict(), Verdict::Succeeded);
    EXPECT_EQ(flow.auditRecord().steps[0].status, StepStatus::Skipped);
    EXPECT_EQ(flow.auditRecord().steps[0].note, u"already claimed by this account"_s);
}
