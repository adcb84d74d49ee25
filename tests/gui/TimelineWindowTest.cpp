// The Timeline dock in the window: a saved log in a tab of its own, clicking an event scrolls
// the console there, a live device feeds its console's timeline, the actions and their keys,
// and reading a large log in slices.
#include "GuiTestSupport.h"
#include "PtyPeer.h"
#include "TimelineTestSupport.h"
#include "gui/ConsolePanel.h"
#include "gui/ConsoleView.h"
#include "gui/MainWindow.h"
#include "gui/StartupOptions.h"
#include "gui/timeline/TimelineLogLoader.h"
#include "gui/timeline/TimelineLogPanel.h"
#include "gui/timeline/TimelinePanel.h"
#include "gui/timeline/TimelineSession.h"
#include "gui/timeline/TimelineSummaryStrip.h"
#include "gui/timeline/TimelineView.h"

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QMenu>
#include <QPointer>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <gtest/gtest.h>

using namespace ps::gui;
using ps::core::TimelineEvent;
using ps::core::TimelineLane;
using ps::test::PtyPeer;

namespace {

constexpr int Deadline = 20'000;

class TimelineWindowTest : public ::testing::Test {
protected:
    StartupOptions options(const QStringList &ports = {}) const {
        StartupOptions options;
        options.ports = ports;
        options.settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
        return options;
    }
    // The first-provisioning run followed by `filler` debug lines, so the console scrolls.
    QString longLog(int filler) const {
        QByteArray bytes;
        QFile sample(test::timelineLog(QStringLiteral("first-provisioning.log")));
        EXPECT_TRUE(sample.open(QIODevice::ReadOnly));
        bytes = sample.readAll();
        bytes += "\r\n";
        for (int i = 0; i < filler; ++i)
            bytes += "[00:00:30." + QByteArray::number(i % 1000).rightJustified(3, '0') +
                     ",000] <dbg> main: idle " + QByteArray::number(i) + "\r\n";
        const QString path = m_dir.filePath(QStringLiteral("long.log"));
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        return path;
    }
    static TimelineEvent eventOnLine(const TimelineSession &session, TimelineLane lane,
                                     qint32 line) {
        for (const auto events : {session.model().spans(lane), session.model().points(lane)}) {
            for (const TimelineEvent &event : events) {
                if (event.line == line)
                    return event;
            }
        }
        ADD_FAILURE() << "no event on line " << line;
        return {};
    }
    static bool rowInView(ConsoleView *view, quint64 seq) {
        view->refreshNow();
        const qsizetype row = view->model()->rowForSeq(seq);
        return row >= view->firstVisibleRow() &&
               row < view->firstVisibleRow() + view->rowsPerPage();
    }

    QTemporaryDir m_dir;
};

} // namespace

TEST_F(TimelineWindowTest, OpensASavedLogInATabAndShowsItsTimeline) {
    MainWindow window(options());
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    TimelineLogPanel *page =
        window.openLogForTimeline(test::timelineLog(QStringLiteral("first-provisioning.log")));
    ASSERT_NE(page, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !page->isLoading(); }, Deadline));

    EXPECT_TRUE(window.timelineDock()->isVisible());
    EXPECT_EQ(window.timelinePanel()->session(), page->session());
    EXPECT_EQ(page->session()->engine().lineCount(), page->model()->lineCount());
    window.timelinePanel()->view()->refreshNow();
    EXPECT_EQ(window.timelinePanel()->summaryStrip()->plainText(),
              QStringLiteral("First LTE up: at 4.87 s · First cloud connection: at 27.8 s · "
                             "Provisioning: done · LTE down/up: 1 / 2 · Backoffs: 0 · Reboots: 0 · "
                             "Time to cloud: 27.8 s"));
    const auto *tabs = window.findChild<QTabWidget *>(QStringLiteral("consoleTabs"));
    ASSERT_NE(tabs, nullptr);
    EXPECT_EQ(tabs->tabText(tabs->indexOf(page)), QStringLiteral("first-provisioning.log"));
}

TEST_F(TimelineWindowTest, SaysWhyALogCannotBeOpened) {
    MainWindow window(options());
    EXPECT_EQ(window.openLogForTimeline(m_dir.filePath(QStringLiteral("missing.log"))), nullptr);
    EXPECT_EQ(window.timelinePanel()->session(), nullptr);
}

TEST_F(TimelineWindowTest, ClickingAnEventScrollsTheConsoleToItsLine) {
    MainWindow window(options());
    window.resize(1300, 900);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    TimelineLogPanel *page = window.openLogForTimeline(longLog(2'000));
    ASSERT_NE(page, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !page->isLoading(); }, Deadline));
    ConsoleView *console = page->view();
    console->setFollow(true); // look at the end, far from the event
    const TimelineSession *session = page->session();
    const TimelineEvent requesting = eventOnLine(*session, TimelineLane::Provisioning, 12);
    const quint64 seq = *session->consoleSeqOf(12);
    ASSERT_FALSE(rowInView(console, seq));

    TimelineView *view = window.timelinePanel()->view();
    view->setVisibleRange(0, 30'000);
    view->refreshNow();
    const auto at = view->pointOf(requesting);
    ASSERT_TRUE(at);
    QSignalSpy shown(window.timelinePanel(), &TimelinePanel::lineShown);
    QTest::mouseClick(view, Qt::LeftButton, {}, at->toPoint());
    ASSERT_EQ(shown.size(), 1);
    EXPECT_EQ(shown.at(0).at(0).toInt(), 12);
    EXPECT_TRUE(rowInView(console, seq));
    EXPECT_FALSE(console->follows());
    EXPECT_EQ(
        console->selectedText(),
        QStringLiteral("[00:00:07.511,902] <inf> nrf_provisioning_coap: Requesting commands"));
}

TEST_F(TimelineWindowTest, ALiveDeviceAddsEventsToItsConsolesTimeline) {
    PtyPeer peer;
    ASSERT_TRUE(peer.open());
    MainWindow window(options({peer.linkPath()}));
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    ConsolePanel *panel = window.currentPanel();
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel->isConnected(); }, Deadline));
    TimelineSession *session = panel->timeline();
    EXPECT_EQ(window.timelinePanel()->session(), session);
    EXPECT_TRUE(session->isLive());
    EXPECT_TRUE(window.timelinePanel()->view()->follows());

    peer.send("*** Booting Asset Tracker Template v1.5.0 - 7c9d2e1f0a3b ***\r\n");
    peer.injectLog(
        PtyPeer::logLine("00:00:01.523,887", "inf", "network: Connecting to the network"));
    peer.injectLog(PtyPeer::logLine("00:00:04.870,002", "dbg",
                                    "network: lte_lc_evt_handler: PDN connection activated"));
    peer.injectLog(
        PtyPeer::logLine("00:00:05.915,230", "inf", "nrf_provisioning_coap: DTLS setup"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return session->model().eventCount() >= 4; }, Deadline));
    EXPECT_EQ(session->model().spans(TimelineLane::Lte).size(), 2u);
    EXPECT_EQ(session->clock(), TimelineClock::HostLocal);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return window.timelinePanel()->summaryStrip()->plainText().startsWith(
                QLatin1String("First LTE up: at 4.87 s"));
        },
        Deadline));

    // The PDN-up state is on screen and a click shows its line in the console.
    TimelineView *view = window.timelinePanel()->view();
    view->refreshNow();
    const TimelineEvent pdnUp = session->model().spans(TimelineLane::Lte).back();
    const auto at = view->pointOf(pdnUp);
    ASSERT_TRUE(at);
    QTest::mouseClick(view, Qt::LeftButton, {}, at->toPoint());
    EXPECT_TRUE(panel->view()->selectedText().endsWith(
        QLatin1String("network: lte_lc_evt_handler: PDN connection activated")));

    // Unplugged, the port's states stop growing.
    peer.close();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !session->isLive(); }, Deadline));
    EXPECT_FALSE(view->isLive());
}

TEST_F(TimelineWindowTest, ClosingALogLetsTheTimelineGo) {
    MainWindow window(options());
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    TimelineLogPanel *page =
        window.openLogForTimeline(test::timelineLog(QStringLiteral("no-commands.log")));
    ASSERT_NE(page, nullptr);
    QPointer<TimelineSession> session = page->session();
    auto *close = window.findChild<QAction *>(QStringLiteral("actionCloseTab"));
    ASSERT_NE(close, nullptr);
    EXPECT_TRUE(close->isEnabled());
    close->trigger();
    ASSERT_TRUE(QTest::qWaitFor([&] { return session.isNull(); }, Deadline));
    EXPECT_EQ(window.timelinePanel()->session(), nullptr);
    window.timelinePanel()->view()->refreshNow();
    EXPECT_FALSE(window.timelinePanel()->view()->scene().emptyText.isEmpty());
}

TEST_F(TimelineWindowTest, EveryTimelineActionHasItsOwnShortcutAndATooltipThatSaysIt) {
    MainWindow window(options());
    QList<QAction *> actions = window.timelinePanel()->menuActions();
    actions.removeAll(nullptr);
    actions << window.timelinePanel()->openLogAction() << window.timelineDock()->toggleViewAction();
    const QList<QAction *> all = window.findChildren<QAction *>();
    for (QAction *action : std::as_const(actions)) {
        const QString name = action->text().remove(QLatin1Char('&'));
        ASSERT_FALSE(action->shortcut().isEmpty()) << name.toStdString();
        EXPECT_TRUE(
            action->toolTip().contains(action->shortcut().toString(QKeySequence::NativeText)))
            << name.toStdString();
        for (QAction *other : all) {
            if (other == action)
                continue;
            for (const QKeySequence &key : other->shortcuts())
                EXPECT_FALSE(action->shortcuts().contains(key))
                    << name.toStdString() << " shares " << key.toString().toStdString();
        }
    }
    // They are in the window's menus (so they work from anywhere in it).
    auto *menu = window.findChild<QMenu *>(QStringLiteral("menuTimeline"));
    ASSERT_NE(menu, nullptr);
    for (QAction *action : std::as_const(actions))
        EXPECT_TRUE(menu->actions().contains(action)) << action->text().toStdString();
}

TEST_F(TimelineWindowTest, OpensTheLogsGivenOnTheCommandLine) {
    const auto parsed = StartupOptions::parse(
        {QStringLiteral("provstation"), QStringLiteral("--timeline"),
         test::timelineLog(QStringLiteral("unclaimed-token.log")), QStringLiteral("--settings"),
         m_dir.filePath(QStringLiteral("settings.ini"))});
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->timelineLogs.size(), 1);
    MainWindow window(*parsed);
    TimelineSession *session = window.timelinePanel()->session();
    ASSERT_NE(session, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !session->isLoading(); }, Deadline));
    EXPECT_EQ(session->summary().provisioning, ps::core::ProvisioningOutcome::NotClaimed);
}

TEST(TimelineLogLoader, ReadsALargeLogInSlicesWhileTheEventLoopRuns) {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("large.log"));
    QFile sample(test::timelineLog(QStringLiteral("first-provisioning.log")));
    ASSERT_TRUE(sample.open(QIODevice::ReadOnly));
    QByteArray run = sample.readAll();
    if (!run.endsWith('\n'))
        run += "\r\n";
    const qsizetype linesPerRun = run.count('\n');
    constexpr int Runs = 1'500;
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < Runs; ++i)
            file.write(run);
    }
    TimelineSession session(TimelineSession::Kind::File);
    TimelineLogLoader loader(&session, nullptr);
    QSignalSpy progress(&loader, &TimelineLogLoader::progress);
    QSignalSpy finished(&loader, &TimelineLogLoader::finished);
    // Something else that wants the event loop while the log is read.
    int ticks = 0;
    QTimer other;
    other.setInterval(0);
    QObject::connect(&other, &QTimer::timeout, &other, [&] { ++ticks; });
    other.start();
    ASSERT_TRUE(loader.start(path));
    EXPECT_TRUE(loader.isRunning());
    EXPECT_TRUE(session.isLoading());
    EXPECT_EQ(session.engine().lineCount(), 0); // nothing is read before the event loop turns
    ASSERT_TRUE(finished.wait(60'000));
    other.stop();
    EXPECT_TRUE(finished.at(0).at(0).toBool());
    EXPECT_EQ(session.engine().lineCount(), Runs * linesPerRun);
    EXPECT_FALSE(session.isLoading());
    EXPECT_GE(progress.size(), 3);
    EXPECT_GE(ticks, progress.size() - 1);
    EXPECT_EQ(session.model().segments().size(), size_t(Runs));
}

TEST(TimelineLogLoader, CancelKeepsWhatWasRead) {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("large.log"));
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 400'000; ++i)
            file.write("[00:00:01.000,000] <inf> network: Connecting to the network\r\n");
    }
    TimelineSession session(TimelineSession::Kind::File);
    TimelineLogLoader loader(&session, nullptr);
    QSignalSpy progress(&loader, &TimelineLogLoader::progress);
    QSignalSpy finished(&loader, &TimelineLogLoader::finished);
    ASSERT_TRUE(loader.start(path));
    ASSERT_TRUE(progress.wait(Deadline));
    loader.cancel();
    ASSERT_EQ(finished.size(), 1);
    EXPECT_FALSE(finished.at(0).at(0).toBool());
    EXPECT_GT(session.engine().lineCount(), 0);
    EXPECT_LT(session.engine().lineCount(), 400'000);
    EXPECT_FALSE(loader.isRunning());
    EXPECT_FALSE(session.isLoading());
}
