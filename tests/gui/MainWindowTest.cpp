#include "gui/MainWindow.h"

#include "GuiTestSupport.h"
#include "PtyPeer.h"
#include "gui/CommandBar.h"
#include "gui/CommandLineEdit.h"
#include "gui/ConsolePanel.h"
#include "gui/ConsoleView.h"
#include "gui/FindBar.h"
#include "gui/PortListModel.h"
#include "gui/ProblemLog.h"
#include "gui/ThemeManager.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <gtest/gtest.h>

using namespace ps::gui;
using ps::device::DeviceLink;
using ps::test::PtyPeer;

namespace {

constexpr int Deadline = 10'000;

bool modelContains(const ConsoleModel *model, const QString &text) {
    for (qsizetype row = 0; row < model->visibleCount(); ++row) {
        if (model->visibleLine(row).text.contains(text))
            return true;
    }
    return false;
}

class MainWindowTest : public ::testing::Test {
protected:
    StartupOptions optionsFor(const QStringList &ports) const {
        StartupOptions options;
        options.ports = ports;
        options.settingsFile = settingsFile();
        return options;
    }
    QString settingsFile() const { return m_dir.filePath(QStringLiteral("settings.ini")); }

    QTemporaryDir m_dir;
};

QString statusBarText(MainWindow &window) {
    QStringList texts{window.statusBar()->currentMessage()};
    const QList<QLabel *> labels = window.statusBar()->findChildren<QLabel *>();
    for (const QLabel *label : labels)
        texts.append(label->text());
    return texts.join(QLatin1Char('|'));
}

} // namespace

TEST_F(MainWindowTest, SendsACommandToAPseudoTerminalAndShowsTheAnswer) {
    PtyPeer peer;
    ASSERT_TRUE(peer.open());
    peer.on(QStringLiteral("at AT+CGMR"),
            {QByteArrayLiteral("mfw_nrf91x1_2.0.2"), QByteArrayLiteral("OK")});

    MainWindow window(optionsFor({peer.linkPath()}));
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    ConsolePanel *panel = window.currentPanel();
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel->isConnected(); }, Deadline));
    EXPECT_TRUE(statusBarText(window).contains(QLatin1String("Connected")));
    EXPECT_TRUE(statusBarText(window).contains(QLatin1String("115200 8N1")));

    CommandLineEdit *edit = panel->commandBar()->commandEdit();
    QTest::keyClicks(edit, QStringLiteral("at AT+CGMR"));
    QTest::keyClick(edit, Qt::Key_Return);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return modelContains(panel->model(), QStringLiteral("mfw_nrf91x1_2.0.2")); },
        Deadline));
    EXPECT_TRUE(peer.commands().contains(QStringLiteral("at AT+CGMR")));

    // The view follows: the answer is on screen.
    panel->view()->refreshNow();
    qsizetype answerRow = -1;
    for (qsizetype row = 0; row < panel->model()->visibleCount(); ++row) {
        if (panel->model()->visibleLine(row).text == QLatin1String("mfw_nrf91x1_2.0.2"))
            answerRow = row;
    }
    ASSERT_GE(answerRow, 0);
    EXPECT_GE(answerRow, panel->view()->firstVisibleRow());
    EXPECT_LT(answerRow, panel->view()->firstVisibleRow() + panel->view()->rowsPerPage());

    // The command is in the history, and the history is saved for the next run.
    QSettings store(settingsFile(), QSettings::IniFormat);
    EXPECT_TRUE(Settings::load(store).command.history.contains(QStringLiteral("at AT+CGMR")));
}

TEST_F(MainWindowTest, SaysReconnectedWithATimestampWhenTheDeviceComesBack) {
    PtyPeer peer;
    ASSERT_TRUE(peer.open());
    MainWindow window(optionsFor({peer.linkPath()}));
    ConsolePanel *panel = window.currentPanel();
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel->isConnected(); }, Deadline));

    peer.close();
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel->state() == DeviceLink::State::Reconnecting; },
                                Deadline));
    EXPECT_TRUE(statusBarText(window).contains(QLatin1String("Reconnecting")));
    ASSERT_TRUE(peer.reopen());
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel->isConnected(); }, Deadline));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return modelContains(panel->model(), QStringLiteral("Reconnected")); }, Deadline));
    const ConsoleModel *model = panel->model();
    for (qsizetype row = 0; row < model->visibleCount(); ++row) {
        const ConsoleLine &line = model->visibleLine(row);
        if (!line.text.contains(QLatin1String("Reconnected")))
            continue;
        EXPECT_EQ(line.origin, ConsoleLine::Origin::Notice);
        EXPECT_TRUE(line.text.contains(ConsoleModel::timestampText(line.hostTimeMs)))
            << qPrintable(line.text);
    }
}

TEST_F(MainWindowTest, ReportsAPortThatWillNotOpenWithWhatToDo) {
    const QString missing = m_dir.filePath(QStringLiteral("no-such-port"));
    MainWindow window(optionsFor({missing}));
    ASSERT_FALSE(window.problemLog()->problems().isEmpty());
    const Problem &problem = window.problemLog()->problems().constLast();
    EXPECT_EQ(problem.source, missing);
    EXPECT_FALSE(problem.message.isEmpty());
    EXPECT_FALSE(window.statusBar()->currentMessage().isEmpty());
    ASSERT_NE(window.currentPanel(), nullptr);
    EXPECT_TRUE(modelContains(window.currentPanel()->model(), QStringLiteral("Could not open")));
}

TEST_F(MainWindowTest, GivesEveryMenuActionAShortcutAndATooltip) {
    MainWindow window(optionsFor({}));
    int checked = 0;
    std::function<void(QMenu *)> visit = [&](QMenu *menu) {
        const QList<QAction *> actions = menu->actions();
        for (QAction *action : actions) {
            if (action->isSeparator())
                continue;
            if (action->menu()) {
                visit(action->menu());
                continue;
            }
            ++checked;
            EXPECT_FALSE(action->shortcut().isEmpty()) << qPrintable(action->text());
            EXPECT_FALSE(action->toolTip().isEmpty()) << qPrintable(action->text());
            EXPECT_NE(action->toolTip(), QString(action->text()).remove(QLatin1Char('&')))
                << "a tooltip that only repeats the text: " << qPrintable(action->text());
        }
    };
    const QList<QAction *> menus = window.menuBar()->actions();
    for (QAction *menuAction : menus)
        visit(menuAction->menu());
    EXPECT_GT(checked, 25);
}

TEST_F(MainWindowTest, SwitchesBetweenLightAndDarkFromTheThemeMenu) {
    PtyPeer peer;
    ASSERT_TRUE(peer.open());
    MainWindow window(optionsFor({peer.linkPath()}));
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    auto *dark = window.findChild<QAction *>(QStringLiteral("actionThemeDark"));
    auto *light = window.findChild<QAction *>(QStringLiteral("actionThemeLight"));
    auto *system = window.findChild<QAction *>(QStringLiteral("actionThemeSystem"));
    ASSERT_TRUE(dark && light && system);

    const ConsoleView *view = window.currentPanel()->view();
    // The new palette reaches the widgets through posted events.
    dark->trigger();
    EXPECT_TRUE(window.themeManager()->isDark());
    EXPECT_TRUE(QTest::qWaitFor([&] { return view->consolePalette().dark; }, Deadline));
    light->trigger();
    EXPECT_FALSE(window.themeManager()->isDark());
    EXPECT_TRUE(QTest::qWaitFor([&] { return !view->consolePalette().dark; }, Deadline));
    QSettings store(settingsFile(), QSettings::IniFormat);
    EXPECT_EQ(Settings::load(store).theme, Theme::Light) << "the choice is remembered";
    system->trigger();
    EXPECT_EQ(window.themeManager()->theme(), Theme::System);
}

TEST_F(MainWindowTest, ListsAPortPathAddedByHand) {
    PtyPeer peer;
    ASSERT_TRUE(peer.open());
    MainWindow window(optionsFor({}));
    EXPECT_EQ(window.currentPanel(), nullptr);
    window.addManualPort(peer.linkPath());
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.portListModel()->rowOf(peer.linkPath()) >= 0; },
                                Deadline));
    QSettings store(settingsFile(), QSettings::IniFormat);
    EXPECT_TRUE(Settings::load(store).manualPorts.contains(peer.linkPath()));

    ConsolePanel *panel = window.openPort(peer.linkPath());
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel->isConnected(); }, Deadline));
    EXPECT_EQ(window.openPort(peer.linkPath()), panel) << "a second open shows the same tab";
    EXPECT_EQ(window.panels().size(), 1);

    window.findChild<QAction *>(QStringLiteral("actionCloseTab"))->trigger();
    EXPECT_TRUE(window.panels().isEmpty());
}

TEST_F(MainWindowTest, StaysResponsiveWhileADeviceFloodsTheConsole) {
    ps::gui::test::FloodPeer flood;
    ASSERT_TRUE(flood.isOpen());
    {
        QSettings store(settingsFile(), QSettings::IniFormat);
        Settings settings;
        settings.console.maxLines = 20'000;
        settings.console.maxMegabytes = 8;
        settings.save(store);
    }
    MainWindow window(optionsFor({flood.slavePath()}));
    window.show();
    ConsolePanel *panel = window.currentPanel();
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel->isConnected(); }, Deadline));

    // A 10 ms heartbeat on the GUI thread: the longest gap between beats is how long the
    // window would have been frozen.
    QElapsedTimer sinceBeat;
    qint64 longestGap = 0;
    QTimer heartbeat;
    heartbeat.setInterval(10);
    QObject::connect(&heartbeat, &QTimer::timeout, &window,
                     [&] { longestGap = std::max(longestGap, sinceBeat.restart()); });
    const int refreshesBefore = panel->view()->refreshCount();
    QElapsedTimer clock;
    clock.start();
    sinceBeat.start();
    heartbeat.start();
    flood.start(3 * 1024 * 1024);
    ASSERT_TRUE(QTest::qWaitFor([&] { return flood.finished(); }, 150'000));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return modelContains(panel->model(), QStringLiteral("record")); }, Deadline));
    heartbeat.stop();
    const qint64 elapsed = clock.elapsed();

    RecordProperty("longest_gui_gap_ms", int(longestGap));
    RecordProperty("flood_ms", int(elapsed));
    EXPECT_GE(flood.bytesWritten(), 3 * 1024 * 1024);
    EXPECT_LT(longestGap, 500) << "the GUI thread was blocked for " << longestGap << " ms";
    EXPECT_LE(panel->model()->lineCount(), 20'000);
    EXPECT_LE(panel->model()->approximateBytes(), 8 * 1024 * 1024);
    EXPECT_LE(panel->view()->refreshCount() - refreshesBefore,
              elapsed / ConsoleView::RefreshIntervalMs + 2);
}

TEST_F(MainWindowTest, FiltersFindsAndClearsFromTheMenus) {
    PtyPeer peer;
    ASSERT_TRUE(peer.open());
    MainWindow window(optionsFor({peer.linkPath()}));
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    ConsolePanel *panel = window.currentPanel();
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel->isConnected(); }, Deadline));
    peer.send(ps::gui::test::zephyrLog("dbg", "cloud", "Provisioning request received") +
              ps::gui::test::zephyrLog("inf", "cloud", "Connected to Cloud"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel->model()->lineCount() >= 2; }, Deadline));

    const auto action = [&](const char *name) {
        return window.findChild<QAction *>(QString::fromLatin1(name));
    };
    action("actionShowDebug")->trigger();
    EXPECT_FALSE(panel->levelShown(LevelClass::Debug));
    EXPECT_FALSE(modelContains(panel->model(), QStringLiteral("Provisioning request received")));
    EXPECT_TRUE(modelContains(panel->model(), QStringLiteral("Connected to Cloud")));
    action("actionShowDebug")->trigger();
    EXPECT_TRUE(modelContains(panel->model(), QStringLiteral("Provisioning request received")));

    action("actionFind")->trigger();
    EXPECT_TRUE(panel->findBar()->isVisible());

    action("actionClear")->trigger();
    EXPECT_EQ(panel->model()->lineCount(), 0);

    // The console's own Time button is the window's action: every console, remembered.
    auto *timeButton = panel->findChild<QToolButton *>(QStringLiteral("timestampsButton"));
    ASSERT_NE(timeButton, nullptr);
    ASSERT_TRUE(panel->showsTimestamps());
    timeButton->click();
    EXPECT_FALSE(panel->showsTimestamps());
    QSettings store(settingsFile(), QSettings::IniFormat);
    EXPECT_FALSE(Settings::load(store).console.showTimestamps);
}

TEST_F(MainWindowTest, RemembersItsGeometryForTheNextRun) {
    {
        MainWindow window(optionsFor({}));
        window.resize(900, 600);
        window.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
        window.close();
    }
    QSettings store(settingsFile(), QSettings::IniFormat);
    const Settings saved = Settings::load(store);
    EXPECT_FALSE(saved.windowGeometry.isEmpty());
    EXPECT_FALSE(saved.windowState.isEmpty());

    MainWindow again(optionsFor({}));
    EXPECT_EQ(again.size(), QSize(900, 600));
}
