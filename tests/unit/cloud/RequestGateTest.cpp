#include "cloud/RequestGate.h"

#include <QCoro/QCoroSignal>
#include <QCoro/QCoroTask>
#include <QObject>
#include <QTest>
#include <gtest/gtest.h>
#include <vector>

using namespace ps::cloud;

namespace {

/// Lets the test decide when the coroutines that hold a slot are done with it.
class Release : public QObject {
    Q_OBJECT
Q_SIGNALS:
    void now();
};

struct Tracker {
    std::vector<int> order;
    int active = 0;
    int mostActive = 0;
};

QCoro::Task<> worker(RequestGate &gate, Release &release, Tracker &tracker, int id) {
    auto permit = co_await gate.acquire();
    tracker.order.push_back(id);
    tracker.mostActive = std::max(tracker.mostActive, ++tracker.active);
    co_await qCoro(&release, &Release::now);
    --tracker.active;
}

} // namespace

TEST(RequestGate, LetsAtMostItsCapacityInAndTheRestFollowInArrivalOrder) {
    RequestGate gate(2);
    Release release;
    Tracker tracker;
    std::vector<QCoro::Task<>> tasks;
    for (int id = 0; id < 5; ++id)
        tasks.push_back(worker(gate, release, tracker, id));

    EXPECT_EQ(tracker.order, (std::vector<int>{0, 1}));
    EXPECT_EQ(gate.inUse(), 2);
    EXPECT_EQ(gate.waiting(), 3);

    Q_EMIT release.now();
    ASSERT_TRUE(QTest::qWaitFor([&] { return tracker.order.size() == 4; }, 5000));
    EXPECT_EQ(gate.waiting(), 1);
    Q_EMIT release.now();
    ASSERT_TRUE(QTest::qWaitFor([&] { return tracker.order.size() == 5; }, 5000));
    Q_EMIT release.now();
    ASSERT_TRUE(QTest::qWaitFor([&] { return gate.inUse() == 0; }, 5000));

    EXPECT_EQ(tracker.order, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(tracker.mostActive, 2);
    EXPECT_EQ(tracker.active, 0);
}

TEST(RequestGate, GrowingTheCapacityLetsWaitersIn) {
    RequestGate gate(1);
    Release release;
    Tracker tracker;
    std::vector<QCoro::Task<>> tasks;
    for (int id = 0; id < 3; ++id)
        tasks.push_back(worker(gate, release, tracker, id));
    EXPECT_EQ(gate.waiting(), 2);
    gate.setCapacity(3);
    ASSERT_TRUE(QTest::qWaitFor([&] { return tracker.order.size() == 3; }, 5000));
    EXPECT_EQ(tracker.mostActive, 3);
    Q_EMIT release.now();
    ASSERT_TRUE(QTest::qWaitFor([&] { return gate.inUse() == 0; }, 5000));
}

TEST(RequestGate, APermitThatOutlivesItsGateIsHarmless) {
    RequestGate::Permit permit;
    {
        RequestGate gate(1);
        permit = QCoro::waitFor([](RequestGate &g) -> QCoro::Task<RequestGate::Permit> {
            co_return co_await g.acquire();
        }(gate));
        EXPECT_TRUE(permit.isValid());
        EXPECT_EQ(gate.inUse(), 1);
    }
    EXPECT_FALSE(permit.isValid());
    permit.release();
}

#include "RequestGateTest.moc"
