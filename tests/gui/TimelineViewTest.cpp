// The swimlane widget: level of detail with a million events, hit testing, clicks, navigation,
// following live data, the summary strip and the colours in both themes.
#include "gui/timeline/TimelineView.h"

#include "GuiTestSupport.h"
#include "TimelineTestSupport.h"
#include "gui/ConsoleModel.h"
#include "gui/ThemeManager.h"
#include "gui/timeline/TimelineScene.h"
#include "gui/timeline/TimelineSession.h"
#include "gui/timeline/TimelineSummaryStrip.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>
#include <gtest/gtest.h>

using namespace ps::gui;
using ps::core::TimelineEvent;
using ps::core::TimelineLane;
using ps::core::TimelineModel;
using ps::gui::test::EventMaker;

namespace {

constexpr int Deadline = 5'000;

// A model with `spans` LTE states flipping every `stepMs` and `points` credential writes in
// between: dense enough that most of them are far narrower than a pixel when fitted.
std::unique_ptr<TimelineModel> floodModel(const EventMaker &make, int spans, int points,
                                          qint64 stepMs) {
    auto model = std::make_unique<TimelineModel>(make.rules());
    for (int i = 0; i < spans; ++i) {
        model->append(
            make.span(TimelineLane::Lte, i % 2 ? "pdn-down" : "pdn-up", i * stepMs, i + 1));
        if (i < points)
            model->append(make.point(TimelineLane::Modem, "credential-write",
                                     i * stepMs + stepMs / 2, i + 1));
    }
    model->closeOpenSpan(TimelineLane::Lte, spans * stepMs);
    return model;
}

// A short, hand-made timeline with wide states and a few moments.
struct SmallTimeline {
    EventMaker make;
    TimelineModel model{make.rules()};
    SmallTimeline() {
        model.append(make.span(TimelineLane::Device, "boot", 0, 1));
        model.append(make.point(TimelineLane::Device, "started", 250, 4));
        model.append(make.span(TimelineLane::Lte, "searching", 1'500, 6));
        model.append(make.span(TimelineLane::Lte, "pdn-up", 4'870, 7));
        model.append(make.span(TimelineLane::Provisioning, "processing", 8'020, 13));
        model.append(make.point(TimelineLane::Modem, "credential-write", 9'000, 14));
        model.append(make.point(TimelineLane::Modem, "credential-write", 11'000, 15));
        model.append(make.span(TimelineLane::Provisioning, "done", 16'900, 21));
        model.append(make.span(TimelineLane::Cloud, "connected", 27'810, 28));
        model.closeOpenSpan(TimelineLane::Device, 30'000);
        model.closeOpenSpan(TimelineLane::Lte, 30'000);
        model.closeOpenSpan(TimelineLane::Provisioning, 30'000);
        model.closeOpenSpan(TimelineLane::Cloud, 30'000);
    }
    [[nodiscard]] TimelineEvent find(TimelineLane lane, qint32 line) const {
        for (const auto events : {model.spans(lane), model.points(lane)}) {
            for (const TimelineEvent &event : events) {
                if (event.line == line)
                    return event;
            }
        }
        ADD_FAILURE() << "no event for line " << line;
        return {};
    }
};

void showView(TimelineView &view, int width = 900, int height = 260) {
    view.resize(width, height);
    view.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
    view.refreshNow();
}

} // namespace

TEST(TimelineView, DrawsABoundedNumberOfPrimitivesForAMillionEvents) {
    const EventMaker make;
    const auto model = floodModel(make, 600'000, 400'000, 3);
    ASSERT_EQ(model->eventCount(), 1'000'000);
    TimelineView view;
    view.setModel(model.get(), TimelineClock::DeviceTime, false);
    showView(view, 800, 260);

    const TimelineScene &scene = view.scene();
    const double plotWidth = scene.layout.plot.width();
    const auto lanes = double(scene.layout.lanes.size());
    // One rectangle per pixel column at most per lane, one marker per 4 pixels, a label per 28.
    EXPECT_LE(double(scene.rects.size()), lanes * (plotWidth + 1));
    EXPECT_LE(double(scene.markers.size()), lanes * (plotWidth / 4 + 2));
    EXPECT_LE(double(scene.labels.size()), lanes * plotWidth / 28);
    EXPECT_LE(double(scene.primitiveCount()), 3 * lanes * plotWidth);
    // Everything is still shown: the flipping LTE states as dense columns, the writes as
    // markers that count the points they stand for.
    EXPECT_TRUE(std::ranges::any_of(scene.rects, [](const auto &r) { return r.dense; }));
    qsizetype represented = 0;
    for (const auto &marker : scene.markers)
        represented += marker.count;
    EXPECT_EQ(represented, 400'000);

    // Zoomed in to a few milliseconds, the states are single rectangles with their labels.
    view.setVisibleRange(300'000, 300'060);
    view.refreshNow();
    // (a sliver of a state at either edge may still be narrower than a pixel)
    EXPECT_LE(std::ranges::count_if(view.scene().rects, [](const auto &r) { return r.dense; }), 2);
    EXPECT_GE(view.scene().rects.size(), 20u);
    EXPECT_FALSE(view.scene().labels.empty());
}

TEST(TimelineView, DrawsAsMuchForAMillionEventsAsForAThousand) {
    const EventMaker make;
    const auto big = floodModel(make, 600'000, 400'000, 3);
    const auto small = floodModel(make, 600, 400, 3'000);
    TimelineView view;
    showView(view, 800, 260);
    view.setModel(small.get(), TimelineClock::DeviceTime, false);
    const qsizetype forSmall = view.scene().primitiveCount();
    view.setModel(big.get(), TimelineClock::DeviceTime, false);
    const qsizetype forBig = view.scene().primitiveCount();
    EXPECT_LE(forBig, forSmall * 2);
}

TEST(TimelineView, FindsTheEventUnderThePointer) {
    const SmallTimeline timeline;
    TimelineView view;
    view.setModel(&timeline.model, TimelineClock::DeviceTime, false);
    showView(view);
    const std::pair<TimelineLane, qint32> events[] = {
        {TimelineLane::Device, 4},        {TimelineLane::Lte, 6},    {TimelineLane::Lte, 7},
        {TimelineLane::Provisioning, 13}, {TimelineLane::Modem, 14}, {TimelineLane::Modem, 15},
        {TimelineLane::Provisioning, 21}, {TimelineLane::Cloud, 28},
    };
    for (const auto &[lane, line] : events) {
        const TimelineEvent wanted = timeline.find(lane, line);
        const auto at = view.pointOf(wanted);
        ASSERT_TRUE(at) << "line " << line;
        const auto hit = view.eventAt(*at);
        ASSERT_TRUE(hit) << "line " << line;
        EXPECT_EQ(hit->event.sequence, wanted.sequence) << "line " << line;
    }
    // The boot span lies under the "started" marker; a little to the right it is the span.
    const TimelineEvent boot = timeline.find(TimelineLane::Device, 1);
    const QPointF marker = *view.pointOf(timeline.find(TimelineLane::Device, 4));
    EXPECT_EQ(view.eventAt(marker + QPointF(40, 0))->event.sequence, boot.sequence);
    // Nothing above the lanes, or in the empty part of a lane.
    EXPECT_FALSE(view.eventAt(QPointF(marker.x(), 2)));
    const QPointF modemRow = *view.pointOf(timeline.find(TimelineLane::Modem, 14));
    EXPECT_FALSE(view.eventAt(QPointF(view.scene().layout.plot.left() + 2, modemRow.y())));
}

TEST(TimelineView, ToolTipNamesTheEventAndQuotesItsSourceLine) {
    TimelineSession session(TimelineSession::Kind::File);
    test::feedFile(session, test::timelineLog(QStringLiteral("first-provisioning.log")));
    TimelineView view;
    view.setModel(&session.model(), session.clock(), false);
    view.setSourceLineLookup([&session](qint32 line) { return session.sourceLine(line); });
    showView(view, 1200, 300);

    const auto spans = session.model().spans(TimelineLane::Provisioning);
    const auto processing =
        std::ranges::find_if(spans, [](const TimelineEvent &e) { return e.line == 13; });
    ASSERT_NE(processing, spans.end());
    // One millisecond long: zoomed in, it is wide enough to point at.
    view.setVisibleRange(8'010, 8'030);
    view.refreshNow();
    const auto hit = view.eventAt(*view.pointOf(*processing));
    ASSERT_TRUE(hit);
    const QString tip = view.toolTipFor(*hit);
    EXPECT_TRUE(tip.contains(QStringLiteral("Provisioning · Processing commands")))
        << tip.toStdString();
    EXPECT_TRUE(tip.contains(QLatin1String("line 13"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QLatin1String("lasted 1 ms"))) << tip.toStdString();
    EXPECT_TRUE(
        tip.contains(QLatin1String("&lt;inf&gt; nrf_provisioning_coap: Processing commands")))
        << tip.toStdString();
    EXPECT_TRUE(
        view.describe(hit->event)
            .startsWith(QStringLiteral("Provisioning · Processing commands · 0:00:08.020")));
}

TEST(TimelineView, ClickSelectsTheEventAndAsksForItsLine) {
    const SmallTimeline timeline;
    TimelineView view;
    view.setModel(&timeline.model, TimelineClock::DeviceTime, false);
    showView(view);
    QSignalSpy activated(&view, &TimelineView::lineActivated);
    const TimelineEvent processing = timeline.find(TimelineLane::Provisioning, 13);
    QTest::mouseClick(&view, Qt::LeftButton, {}, view.pointOf(processing)->toPoint());
    ASSERT_EQ(activated.size(), 1);
    EXPECT_EQ(activated.at(0).at(0).toInt(), 13);
    ASSERT_TRUE(view.selectedEvent());
    EXPECT_EQ(view.selectedEvent()->sequence, processing.sequence);

    // A click on nothing clears the selection and asks for nothing.
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(view.width() - 5, 3));
    EXPECT_EQ(activated.size(), 1);
    EXPECT_FALSE(view.selectedEvent());
}

TEST(TimelineView, DragPansWithoutClicking) {
    const SmallTimeline timeline;
    TimelineView view;
    view.setModel(&timeline.model, TimelineClock::DeviceTime, false);
    showView(view);
    QSignalSpy activated(&view, &TimelineView::lineActivated);
    const double before = view.viewport().startMs();
    const QPoint from = view.pointOf(timeline.find(TimelineLane::Lte, 7))->toPoint();
    QTest::mousePress(&view, Qt::LeftButton, {}, from);
    QMouseEvent move(QEvent::MouseMove, QPointF(from + QPoint(120, 0)),
                     view.mapToGlobal(QPointF(from + QPoint(120, 0))), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(&view, &move);
    QTest::mouseRelease(&view, Qt::LeftButton, {}, from + QPoint(120, 0));
    view.refreshNow();
    EXPECT_NEAR(view.viewport().startMs(), before - 120 * view.viewport().msPerPixel(),
                view.viewport().msPerPixel());
    EXPECT_EQ(view.tracking(), TimelineView::Tracking::None);
    EXPECT_TRUE(activated.isEmpty());
}

TEST(TimelineView, WheelZoomsAroundThePointerAndShiftWheelPans) {
    const SmallTimeline timeline;
    TimelineView view;
    view.setModel(&timeline.model, TimelineClock::DeviceTime, false);
    showView(view);
    const QPointF at(view.scene().layout.plot.left() + 300, view.scene().layout.plot.top() + 5);
    const double moment = view.viewport().timeAt(300);
    const double visible = view.viewport().visibleMs();
    QWheelEvent zoom(at, view.mapToGlobal(at), {}, QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                     Qt::NoScrollPhase, false);
    QApplication::sendEvent(&view, &zoom);
    view.refreshNow();
    EXPECT_LT(view.viewport().visibleMs(), visible * 0.9);
    EXPECT_NEAR(view.viewport().xForTime(moment), 300, 0.5);

    const double start = view.viewport().startMs();
    QWheelEvent pan(at, view.mapToGlobal(at), {}, QPoint(0, -120), Qt::NoButton, Qt::ShiftModifier,
                    Qt::NoScrollPhase, false);
    QApplication::sendEvent(&view, &pan);
    view.refreshNow();
    EXPECT_GT(view.viewport().startMs(), start);
}

TEST(TimelineView, KeysZoomPanFitAndWalkThroughTheEvents) {
    const SmallTimeline timeline;
    TimelineView view;
    view.setModel(&timeline.model, TimelineClock::DeviceTime, false);
    showView(view);
    const TimelineViewport fitted = view.viewport();

    QTest::keyClick(&view, Qt::Key_Plus);
    view.refreshNow();
    EXPECT_NEAR(view.viewport().visibleMs(), fitted.visibleMs() / 1.5, 1e-6);
    QTest::keyClick(&view, Qt::Key_Right);
    view.refreshNow();
    EXPECT_GT(view.viewport().startMs(), fitted.startMs());
    QTest::keyClick(&view, Qt::Key_0);
    view.refreshNow();
    EXPECT_NEAR(view.viewport().startMs(), fitted.startMs(), 1e-6);
    EXPECT_NEAR(view.viewport().visibleMs(), fitted.visibleMs(), 1e-6);

    // ] walks forward in time over all lanes, [ back; Return asks for the line.
    QSignalSpy activated(&view, &TimelineView::lineActivated);
    QList<int> lines;
    for (int i = 0; i < 4; ++i) {
        QTest::keyClick(&view, Qt::Key_BracketRight);
        lines.append(view.selectedEvent()->line);
    }
    EXPECT_EQ(lines, (QList<int>{1, 4, 6, 7}));
    QTest::keyClick(&view, Qt::Key_BracketLeft);
    EXPECT_EQ(view.selectedEvent()->line, 6);
    QTest::keyClick(&view, Qt::Key_Return);
    ASSERT_EQ(activated.size(), 1);
    EXPECT_EQ(activated.at(0).at(0).toInt(), 6);
}

TEST(TimelineView, FollowsTheNewestEventsUntilThePersonPans) {
    const EventMaker make;
    TimelineModel model(make.rules());
    TimelineView view;
    view.setModel(&model, TimelineClock::DeviceTime, true);
    showView(view);
    EXPECT_TRUE(view.follows());
    for (int i = 0; i < 200; ++i) {
        model.append(make.span(TimelineLane::Lte, i % 2 ? "pdn-down" : "pdn-up", i * 5'000, i + 1));
        view.refreshNow();
        // The newest moment is always in view, near the right edge once the data is wider.
        const double x = view.viewport().xForTime(double(i) * 5'000);
        ASSERT_GE(x, 0) << i;
        ASSERT_LE(x, view.viewport().width()) << i;
    }
    EXPECT_GT(view.viewport().xForTime(199 * 5'000.0), view.viewport().width() * 0.9);

    QSignalSpy follow(&view, &TimelineView::followChanged);
    QTest::keyClick(&view, Qt::Key_Left);
    EXPECT_FALSE(view.follows());
    ASSERT_EQ(follow.size(), 1);
    const double start = view.viewport().startMs();
    model.append(make.span(TimelineLane::Lte, "pdn-up", 2'000'000, 300));
    view.refreshNow();
    EXPECT_DOUBLE_EQ(view.viewport().startMs(), start);
    QTest::keyClick(&view, Qt::Key_End);
    view.refreshNow();
    EXPECT_TRUE(view.follows());
    EXPECT_GT(view.viewport().xForTime(2'000'000.0), view.viewport().width() * 0.9);
}

TEST(TimelineView, DrawsNewEventsAtTheNextTickNotAtOnce) {
    const EventMaker make;
    TimelineModel model(make.rules());
    TimelineView view;
    view.setModel(&model, TimelineClock::DeviceTime, false);
    showView(view);
    const int builds = view.buildCount();
    for (int i = 0; i < 1'000; ++i)
        model.append(make.point(TimelineLane::Modem, "credential-write", i * 10, i + 1));
    EXPECT_EQ(view.buildCount(), builds); // nothing is prepared while the lines pour in
    ASSERT_TRUE(QTest::qWaitFor([&] { return !view.scene().markers.empty(); }, Deadline));
    EXPECT_LE(view.buildCount(), builds + 2);
}

TEST(TimelineView, LetsGoOfAModelSetToNull) {
    auto model = std::make_unique<TimelineModel>(EventMaker().rules());
    TimelineView view;
    view.setModel(model.get(), TimelineClock::DeviceTime, false);
    showView(view);
    view.setModel(nullptr, TimelineClock::DeviceTime, false);
    model.reset();
    view.refreshNow();
    EXPECT_FALSE(view.scene().emptyText.isEmpty());
    EXPECT_FALSE(view.eventAt(QPointF(300, 100)));
}

TEST(TimelineView, ShowsTheCloudApiLaneOnceTheStationReportsToIt) {
    TimelineSession session(TimelineSession::Kind::Live);
    auto lines = test::linesOfFile(test::timelineLog(QStringLiteral("first-provisioning.log")));
    for (size_t i = 0; i < lines.size(); ++i)
        lines[i].hostTimeMs = 1'790'000'000'000 + qint64(i) * 1'000;
    session.addLines(lines);
    TimelineView view;
    view.setModel(&session.model(), session.clock(), false);
    showView(view);
    EXPECT_FALSE(view.scene().layout.rowOf(TimelineLane::CloudApi));

    ASSERT_TRUE(session.addCloudEvent(1'790'000'002'500, u"claimed",
                                      QStringLiteral("Claimed by the station")));
    EXPECT_FALSE(session.addCloudEvent(1'790'000'003'000, u"no-such-state"));
    view.refreshNow();
    ASSERT_TRUE(view.scene().layout.rowOf(TimelineLane::CloudApi));
    const TimelineEvent claimed = session.model().points(TimelineLane::CloudApi).front();
    const auto hit = view.eventAt(*view.pointOf(claimed));
    ASSERT_TRUE(hit);
    EXPECT_TRUE(view.toolTipFor(*hit).contains(QLatin1String("Claimed by the station")));
}

TEST(TimelineColours, EveryStateLabelIsReadableOnItsColour) {
    const auto rules = ps::core::TimelineRules::builtin();
    for (const auto &state : rules->states()) {
        const QColor fill(state.color);
        if (!fill.isValid())
            continue;
        EXPECT_GE(TimelineColours::contrast(fill, TimelineColours::textOn(fill)), 4.0)
            << state.id.toStdString();
    }
}

TEST(TimelineColours, FollowTheLightAndTheDarkPalette) {
    const TimelineColours light = TimelineColours::forPalette(ThemeManager::lightPalette());
    const TimelineColours dark = TimelineColours::forPalette(ThemeManager::darkPalette());
    EXPECT_FALSE(light.dark);
    EXPECT_TRUE(dark.dark);
    for (const TimelineColours &colours : {light, dark}) {
        EXPECT_GE(TimelineColours::contrast(colours.text, colours.header), 4.5);
        EXPECT_GE(TimelineColours::contrast(colours.text, colours.background), 4.5);
        EXPECT_GE(TimelineColours::contrast(colours.dimText, colours.background), 3.0);
        EXPECT_GE(TimelineColours::contrast(colours.boot, colours.background), 3.0);
        EXPECT_GE(TimelineColours::contrast(colours.defaultPoint, colours.background), 3.0);
    }
}

namespace {

struct SummaryCase {
    const char *log;
    const char *text;
};

class TimelineSummaryStripLogs : public ::testing::TestWithParam<SummaryCase> {};

} // namespace

TEST_P(TimelineSummaryStripLogs, SaysWhatTheLogShows) {
    TimelineSession session(TimelineSession::Kind::File);
    test::feedFile(session, test::timelineLog(QString::fromLatin1(GetParam().log)));
    TimelineSummaryStrip strip;
    strip.setTimeline(session.summary(), session.model());
    EXPECT_EQ(strip.plainText(), QString::fromUtf8(GetParam().text));
    EXPECT_EQ(timelineSummaryText(session.summary(), session.model()), strip.plainText());
}

INSTANTIATE_TEST_SUITE_P(
    Logs, TimelineSummaryStripLogs,
    ::testing::Values(
        SummaryCase{"first-provisioning.log",
                    "First LTE up: at 4.87 s · First cloud connection: at 27.8 s · Provisioning: "
                    "done · LTE down/up: 1 / 2 · Backoffs: 0 · Reboots: 0 · Time to cloud: 27.8 s"},
        SummaryCase{"unclaimed-token.log",
                    "First LTE up: at 5.27 s · First cloud connection: not seen · Provisioning: "
                    "not claimed · LTE down/up: 0 / 1 · Backoffs: 1 (1 min) · Reboots: 0 · Time "
                    "to cloud: not connected"},
        SummaryCase{"no-commands.log",
                    "First LTE up: at 4.99 s · First cloud connection: not seen · Provisioning: "
                    "no commands · LTE down/up: 0 / 1 · Backoffs: 2 (3 min in all) · Reboots: 0 "
                    "· Time to cloud: not connected"},
        SummaryCase{"reboot-mid-provisioning.log",
                    "First LTE up: at 4.87 s · First cloud connection: at 27.7 s · Provisioning: "
                    "done (2 attempts) · LTE down/up: 2 / 3 · Backoffs: 0 · Reboots: 1 · Time to "
                    "cloud: 36.0 s"}));

TEST(TimelineSummaryStrip, InvitesToOpenSomethingWhenEmpty) {
    TimelineSummaryStrip strip;
    EXPECT_TRUE(strip.plainText().isEmpty());
    EXPECT_TRUE(strip.text().contains(QLatin1String("Ctrl+O")));
}
