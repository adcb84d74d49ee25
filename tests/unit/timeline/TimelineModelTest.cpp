#include "core/timeline/TimelineModel.h"

#include "TimelineTestSupport.h"

#include <random>

using namespace ps::core;
using namespace Qt::StringLiterals;

namespace {

TimelineEvent makeEvent(TimelineLane lane, qint64 timeMs, bool span, quint16 state = 0) {
    TimelineEvent event;
    event.lane = lane;
    event.timeMs = timeMs;
    event.state = state;
    event.flags = span ? TimelineEvent::SpanFlag : 0;
    return event;
}

bool overlaps(const TimelineEvent &e, qint64 from, qint64 to) {
    return e.timeMs <= to && e.endMs >= from;
}

} // namespace

TEST(TimelineModel, ASpanLastsUntilTheNextSpanOfItsLane) {
    TimelineModel model(TimelineRules::builtin());
    model.append(makeEvent(TimelineLane::Lte, 100, true));
    model.append(makeEvent(TimelineLane::Cloud, 150, true));
    model.append(makeEvent(TimelineLane::Lte, 300, false)); // a point does not end the span
    model.append(makeEvent(TimelineLane::Lte, 400, true));
    const auto spans = model.spans(TimelineLane::Lte);
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0].endMs, 400);
    EXPECT_TRUE(spans[1].isOpen());
    EXPECT_TRUE(model.spans(TimelineLane::Cloud)[0].isOpen());
    ASSERT_EQ(model.points(TimelineLane::Lte).size(), 1u);
    EXPECT_EQ(model.points(TimelineLane::Lte)[0].endMs, 300);
    EXPECT_EQ(model.eventCount(), 4);
    EXPECT_EQ(model.firstTimeMs(), 100);
    EXPECT_EQ(model.lastTimeMs(), 400);
}

TEST(TimelineModel, RangeQueriesReturnExactlyTheVisibleEvents) {
    // Checked against a linear scan on a long, irregular timeline.
    TimelineModel model(TimelineRules::builtin());
    std::mt19937 random(20261126);
    qint64 time = 0;
    for (int i = 0; i < 20000; ++i) {
        time += std::uniform_int_distribution<int>(0, 50)(random);
        const auto lane = TimelineLane(std::uniform_int_distribution<int>(0, 4)(random));
        model.append(makeEvent(lane, time, random() % 3 != 0));
        if (random() % 500 == 0)
            model.closeOpenSpan(lane, time); // a reboot ends a span early
    }
    for (int query = 0; query < 300; ++query) {
        const qint64 from = std::uniform_int_distribution<qint64>(-100, time + 100)(random);
        const qint64 to = from + std::uniform_int_distribution<qint64>(0, 3000)(random);
        for (int lane = 0; lane < TimelineLaneCount; ++lane) {
            const auto spans = model.spans(TimelineLane(lane));
            const auto visible = model.spansIn(TimelineLane(lane), from, to);
            const auto expected = std::count_if(
                spans.begin(), spans.end(), [&](const auto &e) { return overlaps(e, from, to); });
            ASSERT_EQ(qsizetype(visible.size()), expected) << "spans " << from << ".." << to;
            for (const TimelineEvent &e : visible)
                ASSERT_TRUE(overlaps(e, from, to));

            const auto points = model.points(TimelineLane(lane));
            const auto visiblePoints = model.pointsIn(TimelineLane(lane), from, to);
            const auto expectedPoints =
                std::count_if(points.begin(), points.end(),
                              [&](const auto &e) { return e.timeMs >= from && e.timeMs <= to; });
            ASSERT_EQ(qsizetype(visiblePoints.size()), expectedPoints);
        }
    }
}

TEST(TimelineModel, InsertingALateEventKeepsTheLaneSortedAndSplitsTheSpanItFallsInto) {
    TimelineModel model(TimelineRules::builtin());
    model.insert(makeEvent(TimelineLane::CloudApi, 1000, true, 1));
    model.insert(makeEvent(TimelineLane::CloudApi, 3000, true, 2));
    model.insert(makeEvent(TimelineLane::CloudApi, 2000, true, 3)); // arrives late
    model.insert(makeEvent(TimelineLane::CloudApi, 500, false, 4));
    model.insert(makeEvent(TimelineLane::CloudApi, 200, false, 5));
    const auto spans = model.spans(TimelineLane::CloudApi);
    ASSERT_EQ(spans.size(), 3u);
    EXPECT_EQ(spans[0].timeMs, 1000);
    EXPECT_EQ(spans[0].endMs, 2000);
    EXPECT_EQ(spans[1].timeMs, 2000);
    EXPECT_EQ(spans[1].endMs, 3000);
    EXPECT_TRUE(spans[2].isOpen());
    const auto points = model.points(TimelineLane::CloudApi);
    ASSERT_EQ(points.size(), 2u);
    EXPECT_EQ(points[0].timeMs, 200);
    EXPECT_EQ(points[1].timeMs, 500);
}

TEST(TimelineModel, VisitsEventsInArrivalOrderAcrossLanes) {
    TimelineModel model(TimelineRules::builtin());
    model.append(makeEvent(TimelineLane::Cloud, 10, true, 1));
    model.append(makeEvent(TimelineLane::Device, 10, false, 2));
    model.append(makeEvent(TimelineLane::Lte, 20, true, 3));
    model.append(makeEvent(TimelineLane::Device, 30, false, 4));
    std::vector<quint16> states;
    model.forEachInOrder([&](const TimelineEvent &e) { states.push_back(e.state); });
    EXPECT_EQ(states, (std::vector<quint16>{1, 2, 3, 4}));
    EXPECT_EQ(model.eventsInOrder().size(), 4u);
}

TEST(TimelineModel, StoresEachLabelOnceAndChangesRevisionOnEveryEdit) {
    TimelineModel model(TimelineRules::builtin());
    const quint32 a = model.internLabel(u"PDN up"_s);
    const quint32 b = model.internLabel(u"PDN down"_s);
    EXPECT_NE(a, b);
    EXPECT_EQ(model.internLabel(u"PDN up"_s), a);
    EXPECT_EQ(model.label(a), u"PDN up"_s);

    const quint64 before = model.revision();
    TimelineEvent event = makeEvent(TimelineLane::Lte, 5, true);
    event.label = a;
    model.append(event);
    EXPECT_NE(model.revision(), before);
    const quint64 afterAppend = model.revision();
    model.refineOpenSpan(TimelineLane::Lte, b, 7);
    EXPECT_NE(model.revision(), afterAppend);
    EXPECT_EQ(model.label(*model.openSpan(TimelineLane::Lte)), u"PDN down"_s);
    EXPECT_EQ(model.openSpan(TimelineLane::Lte)->value, 7);
    model.clear();
    EXPECT_TRUE(model.isEmpty());
    EXPECT_FALSE(model.openSpan(TimelineLane::Lte));
}
