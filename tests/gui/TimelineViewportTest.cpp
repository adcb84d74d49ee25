// The pure parts of the timeline view: the time <-> pixel mapping, zoom and pan, the axis ticks
// and the time formats.
#include "gui/timeline/TimelineViewport.h"

#include "GuiTestSupport.h"
#include "gui/timeline/TimelineFormat.h"

#include <QDateTime>
#include <QTimeZone>
#include <gtest/gtest.h>

using namespace ps::gui;

namespace {

// A fiftieth of a pixel: what doubles give at host-epoch times and a close zoom.
constexpr double PixelTolerance = 0.02;

struct Range {
    double fromMs;
    double toMs;
    double width;
};

class TimelineViewportRanges : public ::testing::TestWithParam<Range> {};

TimelineViewport viewportFor(const Range &range) {
    TimelineViewport viewport;
    viewport.setWidth(range.width);
    viewport.setRange(range.fromMs, range.toMs);
    return viewport;
}

} // namespace

TEST_P(TimelineViewportRanges, MapsTimesToPixelsAndBack) {
    const TimelineViewport viewport = viewportFor(GetParam());
    EXPECT_NEAR(viewport.xForTime(GetParam().fromMs), 0.0, PixelTolerance);
    EXPECT_NEAR(viewport.xForTime(GetParam().toMs), GetParam().width, PixelTolerance);
    for (const double x : {0.0, 1.0, 17.5, GetParam().width / 3, GetParam().width}) {
        EXPECT_NEAR(viewport.xForTime(viewport.timeAt(x)), x, PixelTolerance);
    }
}

TEST_P(TimelineViewportRanges, ZoomKeepsTheMomentUnderThePointerWhereItIs) {
    TimelineViewport viewport = viewportFor(GetParam());
    const double x = GetParam().width * 0.3;
    const double moment = viewport.timeAt(x);
    const double visible = viewport.visibleMs();
    viewport.zoomAt(2.0, x);
    EXPECT_NEAR(viewport.xForTime(moment), x, PixelTolerance);
    EXPECT_NEAR(viewport.visibleMs(), visible / 2.0, visible * 1e-9);
}

TEST_P(TimelineViewportRanges, ZoomingInAndOutAgainComesBackToTheSameRange) {
    TimelineViewport viewport = viewportFor(GetParam());
    const TimelineViewport before = viewport;
    viewport.zoomAt(3.0, 100);
    viewport.panBy(-250);
    viewport.panBy(250);
    viewport.zoomAt(1.0 / 3.0, 100);
    EXPECT_NEAR(viewport.xForTime(before.startMs()), 0.0, PixelTolerance);
    EXPECT_NEAR(viewport.msPerPixel(), before.msPerPixel(), before.msPerPixel() * 1e-9);
}

TEST_P(TimelineViewportRanges, PanMovesTheContentByThePixelsDragged) {
    TimelineViewport viewport = viewportFor(GetParam());
    const double moment = viewport.timeAt(200);
    viewport.panBy(37);
    EXPECT_NEAR(viewport.xForTime(moment), 237, PixelTolerance);
}

INSTANTIATE_TEST_SUITE_P(Ranges, TimelineViewportRanges,
                         ::testing::Values(Range{0, 60'000, 800},            // a minute of uptime
                                           Range{-500, 500, 333},            // around zero
                                           Range{1.7e12, 1.7e12 + 50, 1200}, // 50 ms of host time
                                           Range{1.7e12, 1.7e12 + 3.6e6 * 24 * 7, 640}));

TEST(TimelineViewport, KeepsTheScaleWithinItsLimits) {
    TimelineViewport viewport;
    viewport.setWidth(1000);
    viewport.setRange(0, 1);
    EXPECT_DOUBLE_EQ(viewport.msPerPixel(), TimelineViewport::MinMsPerPixel);
    viewport.zoomAt(1e-12, 500);
    EXPECT_DOUBLE_EQ(viewport.msPerPixel(), TimelineViewport::MaxMsPerPixel);
}

TEST(TimelineViewport, FitShowsTheWholeRangeWithAMarginOnEitherSide) {
    TimelineViewport viewport;
    viewport.setWidth(1000);
    viewport.fit(10'000, 20'000, 0.05);
    EXPECT_NEAR(viewport.startMs(), 9'500, 1e-6);
    EXPECT_NEAR(viewport.endMs(), 20'500, 1e-6);
}

TEST(TimelineViewport, KeepsTheVisibleRangeWhenThePlotIsResized) {
    TimelineViewport viewport;
    viewport.setWidth(500);
    viewport.setRange(100, 1100);
    viewport.setWidth(2000);
    EXPECT_NEAR(viewport.startMs(), 100, 1e-9);
    EXPECT_NEAR(viewport.endMs(), 1100, 1e-9);
}

namespace {

struct TickCase {
    double msPerPixel;
    qint64 step;
};

class TimelineTickSteps : public ::testing::TestWithParam<TickCase> {};

} // namespace

TEST_P(TimelineTickSteps, FallOnRoundMomentsNeverCloserThanTheSpacing) {
    constexpr double spacing = 90;
    EXPECT_EQ(timelineTickStep(GetParam().msPerPixel, spacing), GetParam().step);
    TimelineViewport viewport;
    viewport.setWidth(1000);
    viewport.setStartAndScale(123'456.0, GetParam().msPerPixel);
    const auto ticks = timelineTicks(viewport, TimelineClock::DeviceTime, spacing);
    ASSERT_FALSE(ticks.empty());
    EXPECT_LE(ticks.size(), size_t(1000 / spacing) + 1);
    for (size_t i = 0; i < ticks.size(); ++i) {
        EXPECT_EQ(qint64(ticks[i].timeMs) % GetParam().step, 0) << ticks[i].timeMs;
        EXPECT_GE(ticks[i].timeMs, viewport.startMs());
        EXPECT_LE(ticks[i].timeMs, viewport.endMs());
        if (i > 0) {
            EXPECT_GE(viewport.xForTime(ticks[i].timeMs) - viewport.xForTime(ticks[i - 1].timeMs),
                      spacing - 1e-6);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Scales, TimelineTickSteps,
                         ::testing::Values(TickCase{0.01, 1}, TickCase{0.1, 10}, TickCase{1.0, 100},
                                           TickCase{10, 1'000}, TickCase{100, 10'000},
                                           TickCase{300, 30'000}, TickCase{1'000, 120'000},
                                           TickCase{40'000, 3'600'000 * 1LL}));

TEST(TimelineTicks, FallOnWholeLocalMinutesForALivePort) {
    TimelineViewport viewport;
    viewport.setWidth(1000);
    const qint64 start =
        QDateTime(QDate(2026, 11, 26), QTime(10, 14, 37, 250), QTimeZone::systemTimeZone())
            .toMSecsSinceEpoch();
    viewport.setStartAndScale(double(start), 600.0); // 10 minutes across
    const auto ticks = timelineTicks(viewport, TimelineClock::HostLocal, 90);
    ASSERT_FALSE(ticks.empty());
    for (const TimelineTick &tick : ticks) {
        const QDateTime at =
            QDateTime::fromMSecsSinceEpoch(qint64(tick.timeMs), QTimeZone::systemTimeZone());
        EXPECT_EQ(at.time().second(), 0);
        EXPECT_EQ(tick.label, at.toString(QStringLiteral("HH:mm")));
    }
}

namespace {

struct DurationCase {
    qint64 ms;
    const char *text;
};

class TimelineDurations : public ::testing::TestWithParam<DurationCase> {};

} // namespace

TEST_P(TimelineDurations, ReadLikeAPersonWouldSayThem) {
    EXPECT_EQ(formatTimelineDuration(GetParam().ms), QString::fromUtf8(GetParam().text));
}

INSTANTIATE_TEST_SUITE_P(
    Durations, TimelineDurations,
    ::testing::Values(DurationCase{850, "850 ms"}, DurationCase{4'870, "4.87 s"},
                      DurationCase{27'810, "27.8 s"}, DurationCase{60'000, "1 min"},
                      DurationCase{72'400, "1 min 12 s"}, DurationCase{3'600'000, "1 h"},
                      DurationCase{3'720'000, "1 h 02 min"}, DurationCase{-1'500, "-1.50 s"}));

TEST(TimelineFormat, WritesUptimesWithHoursBeyondADay) {
    EXPECT_EQ(formatUptime(5'268'859), QStringLiteral("0:00:05.268"));
    EXPECT_EQ(formatUptime(100LL * 3600 * 1'000'000 + 1'000), QStringLiteral("100:00:00.001"));
}

TEST(TimelineFormat, WritesAxisTimesForEachClock) {
    const qint64 utc =
        QDateTime(QDate(2026, 11, 26), QTime(10, 15, 3, 123), QTimeZone::utc()).toMSecsSinceEpoch();
    EXPECT_EQ(formatAxisTime(utc, TimelineClock::HostUtc),
              QStringLiteral("2026-11-26 10:15:03.123"));
    EXPECT_EQ(formatAxisTime(utc % 86'400'000, TimelineClock::TimeOfDay),
              QStringLiteral("10:15:03.123"));
    EXPECT_EQ(formatAxisTime(65'250, TimelineClock::DeviceTime), QStringLiteral("0:01:05.250"));
    EXPECT_EQ(formatTickLabel(utc - 123, 1'000, TimelineClock::HostUtc),
              QStringLiteral("10:15:03"));
}
