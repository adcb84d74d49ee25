// The flashing station's window: operator mode is locked down, engineer mode needs the PIN,
// and the tiles follow a real Station run against provstation-devsim and provstation-cloudsim
// (StationRig), through to pass, and through a failure with its reason to a retry that passes.

#include "GuiTestSupport.h"
#include "StationTestSupport.h"
#include "gui/MainWindow.h"
#include "gui/StartupOptions.h"
#include "gui/history/HistorySettings.h"
#include "gui/station/EngineerView.h"
#include "gui/station/OperatorView.h"
#include "gui/station/PinDialog.h"
#include "gui/station/ScanField.h"
#include "gui/station/ShiftSummaryStrip.h"
#include "gui/station/SlotMapEditor.h"
#include "gui/station/SlotTile.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolBar>
#include <gtest/gtest.h>

using namespace ps::gui;
using namespace ps::gui::test;
using namespace Qt::StringLiterals;
using ps::station::test::RigOptions;
using ps::station::test::StationRig;

namespace {

constexpr int RunMs = 90'000;

/// A window with settings in a temporary INI file and no devices (for what needs no station).
struct PlainWindow {
    QTemporaryDir dir;
    std::unique_ptr<QSettings> store;
    std::unique_ptr<StationWindow> window;

    explicit PlainWindow(const std::optional<QString> &pin = std::nullopt) {
        store =
            std::make_unique<QSettings>(dir.filePath(u"provstation.ini"_s), QSettings::IniFormat);
        StationSettings settings;
        settings.slotMapFile = dir.filePath(u"slots.json"_s);
        if (pin)
            settings.pin = PinHash::make(*pin, 1000);
        settings.save(*store);
        HistorySettings history;
        history.database = dir.filePath(u"audit.sqlite"_s);
        history.save(*store);
        window = std::make_unique<StationWindow>(*store);
        window->show();
        window->activateWindow();
        (void)QTest::qWaitForWindowActive(window.get());
    }
};

/// Runs `answer` on the PIN dialog once it is up (the dialog's exec() blocks the caller).
void whenPinDialogShows(std::function<void(PinDialog *)> answer) {
    QTimer::singleShot(0, qApp, [answer = std::move(answer)] {
        PinDialog *dialog = nullptr;
        (void)QTest::qWaitFor(
            [&dialog] {
                dialog = qobject_cast<PinDialog *>(QApplication::activeModalWidget());
                return dialog != nullptr;
            },
            5000);
        if (dialog)
            answer(dialog);
    });
}

void typePinAndPressOk(PinDialog *dialog, const QString &pin) {
    auto *field = dialog->findChild<QLineEdit *>(u"pinField"_s);
    field->clear();
    QTest::keyClicks(field, pin);
    auto *buttons = dialog->findChild<QDialogButtonBox *>();
    QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
}

QString tileTexts(StationWindow &window) {
    QString text;
    const QList<SlotTile *> tiles = window.operatorView()->tiles();
    for (const SlotTile *tile : tiles)
        text += tile->state().label + u": "_s + tile->verdictText() + u" / "_s + tile->stepText() +
                u" / "_s + tile->reasonText() + u"\n"_s;
    return text;
}

} // namespace

TEST(StationWindow, OperatorModeOffersOnlyStartStopRetryAndTheEngineerLock) {
    PlainWindow plain(u"2468"_s);
    StationWindow &window = *plain.window;
    EXPECT_EQ(window.mode(), StationWindow::Mode::Operator);
    EXPECT_TRUE(window.menuBar()->actions().isEmpty()) << "no menus in operator mode";
    EXPECT_EQ(window.contextMenuPolicy(), Qt::PreventContextMenu);
    const QList<QToolBar *> toolbars = window.findChildren<QToolBar *>();
    ASSERT_EQ(toolbars.size(), 1);
    EXPECT_FALSE(toolbars.first()->isMovable());
    QList<QAction *> offered;
    for (QAction *action : toolbars.first()->actions()) {
        if (!action->isSeparator() && !action->text().isEmpty())
            offered.append(action);
    }
    EXPECT_EQ(offered, (QList<QAction *>{window.startAction(), window.stopAction(),
                                         window.retryAction(), window.engineerAction()}));
    for (QAction *action : offered)
        EXPECT_FALSE(action->shortcut().isEmpty()) << action->text().toStdString();

    // The set-up is not reachable: the engineer's pages are not shown, and their shortcuts
    // (choose a bundle, the account) do nothing in operator mode.
    EXPECT_TRUE(window.operatorView()->isVisible());
    EXPECT_FALSE(window.engineerView()->isVisible());
    EXPECT_FALSE(window.engineerView()->slotMapEditor()->isVisible());
    QSignalSpy account(window.engineerView(), &EngineerView::accountRequested);
    QTest::keyClick(&window, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    EXPECT_EQ(account.size(), 0);
    EXPECT_FALSE(window.startAction()->isEnabled()) << "no slots: nothing to start";
    EXPECT_TRUE(window.operatorView()->findChild<QWidget *>(u"noSlotsText"_s)->isVisible());

    // Only the PIN opens it: Cancel leaves operator mode as it was.
    whenPinDialogShows([](PinDialog *dialog) { dialog->reject(); });
    window.engineerAction()->trigger();
    EXPECT_EQ(window.mode(), StationWindow::Mode::Operator);
    EXPECT_FALSE(window.engineerView()->isVisible());
}

TEST(StationWindow, RefusesAWrongPinAndOpensEngineerModeWithTheRightOne) {
    PlainWindow plain(u"2468"_s);
    StationWindow &window = *plain.window;
    QString firstMessage;
    whenPinDialogShows([&firstMessage](PinDialog *dialog) {
        typePinAndPressOk(dialog, u"1357"_s);
        firstMessage = dialog->message();
        EXPECT_TRUE(dialog->isVisible()) << "a wrong PIN leaves the dialog open";
        typePinAndPressOk(dialog, u"2468"_s);
    });
    QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
    EXPECT_TRUE(firstMessage.contains(u"Wrong PIN"_s)) << firstMessage.toStdString();
    ASSERT_EQ(window.mode(), StationWindow::Mode::Engineer);
    EXPECT_TRUE(window.engineerView()->isVisible());
    EXPECT_FALSE(window.operatorView()->isVisible());

    // Ctrl+E again: back to operator mode, the set-up hidden again.
    window.activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
    EXPECT_EQ(window.mode(), StationWindow::Mode::Operator);
    EXPECT_FALSE(window.engineerView()->isVisible());

    EXPECT_FALSE(window.unlock(u"0000"_s));
    EXPECT_TRUE(window.unlock(u"2468"_s));
}

TEST(StationWindow, TheFirstEngineerEntrySetsThePinAndKeepsOnlyItsHash) {
    PlainWindow plain;
    StationWindow &window = *plain.window;
    whenPinDialogShows([](PinDialog *dialog) {
        EXPECT_TRUE(dialog->isSettingPin());
        dialog->findChild<QLineEdit *>(u"pinField"_s)->setText(u"97531"_s);
        dialog->findChild<QLineEdit *>(u"pinRepeatField"_s)->setText(u"97531"_s);
        dialog->submit();
    });
    ASSERT_TRUE(window.requestEngineerMode());
    window.leaveEngineerMode();
    plain.store->sync();
    QFile ini(plain.dir.filePath(u"provstation.ini"_s));
    ASSERT_TRUE(ini.open(QIODevice::ReadOnly));
    EXPECT_FALSE(ini.readAll().contains("97531"));
    EXPECT_TRUE(PinHash::load(*plain.store).matches(u"97531"_s));
    EXPECT_FALSE(window.unlock(u"13579"_s));
}

TEST(StationWindow, EngineerShowsAGoodBundleAndRefusesABadOneWithTheReason) {
    PlainWindow plain(u"2468"_s);
    StationWindow &window = *plain.window;
    ASSERT_TRUE(window.unlock(u"2468"_s));
    EngineerView *engineer = window.engineerView();

    auto good = engineer->chooseBundle(StationRig::demoBundle());
    ASSERT_TRUE(good.has_value()) << good.error().toStdString();
    EXPECT_TRUE(engineer->bundleText().contains(u"1.6.0"_s))
        << engineer->bundleText().toStdString();
    EXPECT_TRUE(engineer->bundleText().contains(good->name));
    EXPECT_EQ(window.stationSettings().bundleFile,
              QFileInfo(StationRig::demoBundle()).absoluteFilePath());

    QFile demo(StationRig::demoBundle());
    ASSERT_TRUE(demo.open(QIODevice::ReadOnly));
    QByteArray bytes = demo.readAll();
    const qsizetype at = bytes.indexOf(QByteArray("app_update.bin"));
    bytes[at + 200] = char(bytes.at(at + 200) ^ 0x5a);
    const QString corrupted = plain.dir.filePath(u"corrupted.zip"_s);
    QFile out(corrupted);
    ASSERT_TRUE(out.open(QIODevice::WriteOnly));
    out.write(bytes);
    out.close();

    EXPECT_FALSE(engineer->chooseBundle(corrupted).has_value());
    EXPECT_TRUE(engineer->bundleError().contains(u"refused"_s))
        << engineer->bundleError().toStdString();
    EXPECT_EQ(window.stationSettings().bundleFile,
              QFileInfo(StationRig::demoBundle()).absoluteFilePath())
        << "a refused bundle leaves the one in use";
}

TEST(StationWindow, TheSlotMapEditorAssignsAPathAndTheOperatorSeesItsTile) {
    PlainWindow plain(u"2468"_s);
    StationWindow &window = *plain.window;
    ASSERT_TRUE(window.unlock(u"2468"_s));
    SlotMapEditor *editor = window.engineerView()->slotMapEditor();
    ASSERT_TRUE(editor->addPath(u"/tmp/ttyBench-left"_s, {}, u"left fixture"_s));
    ps::device::PortInfo usb;
    usb.portName = u"ttyACM7"_s;
    usb.systemLocation = u"/dev/ttyACM7"_s;
    usb.serialNumber = u"001051234567"_s;
    ASSERT_TRUE(editor->assignPort(usb, ps::station::Slot::Match::SerialNumber, {}));
    EXPECT_FALSE(editor->assignPort(usb, ps::station::Slot::Match::SerialNumber, u"Z"_s))
        << "one port, one slot";

    ps::station::SlotMap saved(window.stationSettings().slotMapFile);
    ASSERT_TRUE(saved.load());
    ASSERT_EQ(saved.size(), 2);
    EXPECT_EQ(saved.slots().at(0).id, u"A"_s);
    EXPECT_EQ(saved.slots().at(1).serialNumber, u"001051234567"_s);

    window.leaveEngineerMode();
    ASSERT_EQ(window.operatorView()->tiles().size(), 2);
    EXPECT_TRUE(window.operatorView()->tile(u"A"_s)->state().label.contains(u"left fixture"_s));
    EXPECT_TRUE(window.startAction()->isEnabled());
}

TEST(StationWindow, TilesFollowARealStationRunThroughFlashingToPass) {
    StationBench bench(RigOptions{.devices = 2}, StationRig::demoBundle());
    ASSERT_TRUE(bench.isReady()) << bench.problem().toStdString();
    auto window = bench.window();
    window->show();
    window->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window.get()));
    ASSERT_EQ(window->operatorView()->tiles().size(), 2);

    QSignalSpy started(window.get(), &StationWindow::startFinished);
    QTest::keyClick(window.get(), Qt::Key_F5);
    ASSERT_TRUE(QTest::qWaitFor([&started] { return !started.isEmpty(); }, 15'000));
    ASSERT_TRUE(started.first().first().toString().isEmpty())
        << started.first().first().toString().toStdString();
    EXPECT_TRUE(window->operatorView()->bannerText().contains(u"1.6.0"_s))
        << window->operatorView()->bannerText().toStdString();

    // The tiles show the pipeline as it goes: running, a step, the progress bar.
    SlotTile *first = window->operatorView()->tile(StationRig::slotId(0));
    ASSERT_NE(first, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([first] { return first->verdictText() == u"RUNNING"_s; }, 20'000))
        << tileTexts(*window).toStdString();
    EXPECT_FALSE(first->stepText().isEmpty());

    // Closing now asks first; Keep Running keeps the window and the station.
    QTimer::singleShot(0, qApp, [] {
        (void)QTest::qWaitFor([] { return QApplication::activeModalWidget() != nullptr; }, 5000);
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        for (QAbstractButton *button : box->buttons()) {
            if (box->buttonRole(button) == QMessageBox::RejectRole)
                button->click();
        }
    });
    if (window->station()->status(StationRig::slotId(0)).phase == ps::station::SlotPhase::Running) {
        EXPECT_FALSE(window->close());
        EXPECT_TRUE(window->station()->isRunning());
    }

    ASSERT_TRUE(waitForTiles(*window, u"PASS"_s, RunMs)) << tileTexts(*window).toStdString();
    for (int i = 0; i < 2; ++i) {
        SlotTile *tile = window->operatorView()->tile(StationRig::slotId(i));
        EXPECT_EQ(tile->imeiText(), u"IMEI "_s + bench.rig().imei(i));
        EXPECT_TRUE(tile->reasonText().isEmpty());
        EXPECT_FALSE(tile->retryButton()->isVisible());
    }
    EXPECT_TRUE(QTest::qWaitFor(
        [&] { return window->operatorView()->summaryStrip()->summary().passed == 2; }, 5000))
        << window->operatorView()->summaryStrip()->text().toStdString();
    EXPECT_TRUE(window->operatorView()->summaryStrip()->text().contains(u"Yield 100 %"_s))
        << window->operatorView()->summaryStrip()->text().toStdString();

    // The engineer's report: both records exported, as CSV and as JSON.
    const QString csv = bench.path(u"records.csv"_s);
    ASSERT_TRUE(window->exportRecords(csv));
    QFile csvFile(csv);
    ASSERT_TRUE(csvFile.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csvFile.readAll().trimmed().split('\n');
    EXPECT_EQ(lines.size(), 3) << "a header and one line per device";
    const QString json = bench.path(u"summary.json"_s);
    ASSERT_TRUE(window->exportSummary(json));
    QFile jsonFile(json);
    ASSERT_TRUE(jsonFile.open(QIODevice::ReadOnly));
    EXPECT_EQ(QJsonDocument::fromJson(jsonFile.readAll()).object().value(u"passed"_s).toInt(), 2);

    window->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window.get()));
    QTest::keyClick(window.get(), Qt::Key_F5, Qt::ShiftModifier);
    EXPECT_FALSE(window->station()->isRunning());
    EXPECT_TRUE(window->startAction()->isEnabled());
}

TEST(StationWindow, AFailedSlotShowsItsReasonAndItsRetryButtonRunsItToPass) {
    // The cloud answers 503 to every provisioning-rule request until the test ends the fault:
    // the account step fails for good once its retries are used up; after the cloud recovers,
    // the operator's Retry passes.
    RigOptions options{.devices = 1, .bootloader = false};
    options.cloudSimArguments = {u"--error-count"_s,  u"100000"_s,
                                 u"--error-status"_s, u"503"_s,
                                 u"--fault-path"_s,   u"/provisioning/v1/provisioning-rules"_s};
    StationBench bench(options);
    ASSERT_TRUE(bench.isReady()) << bench.problem().toStdString();
    auto window = bench.window();
    window->show();
    QSignalSpy started(window.get(), &StationWindow::startFinished);
    window->startAction()->trigger();
    ASSERT_TRUE(QTest::qWaitFor([&started] { return !started.isEmpty(); }, 15'000));
    ASSERT_TRUE(started.first().first().toString().isEmpty());

    ASSERT_TRUE(waitForTiles(*window, u"FAIL"_s, RunMs)) << tileTexts(*window).toStdString();
    SlotTile *tile = window->operatorView()->tile(StationRig::slotId(0));
    EXPECT_FALSE(tile->state().reason.isEmpty()) << tileTexts(*window).toStdString();
    EXPECT_FALSE(tile->state().advice.isEmpty());
    EXPECT_TRUE(tile->reasonText().contains(tile->state().reason));
    EXPECT_TRUE(tile->stepText().startsWith(u"Failed at"_s)) << tile->stepText().toStdString();
    EXPECT_TRUE(tile->retryButton()->isVisible());
    EXPECT_TRUE(window->retryAction()->isEnabled());

    // The engineer sees it in the failures list.
    ASSERT_TRUE(window->unlock(u"2468"_s)); // the first entry sets the PIN
    QTableWidget *failures = window->engineerView()->failureTable();
    ASSERT_EQ(failures->rowCount(), 1);
    EXPECT_EQ(failures->item(0, 1)->text(), StationRig::slotId(0));
    EXPECT_EQ(failures->item(0, 4)->text(), tile->state().reason);
    window->leaveEngineerMode();

    ASSERT_TRUE(bench.setFaults(QJsonObject{{u"errorCount"_s, 0}}));
    tile = window->operatorView()->tile(StationRig::slotId(0));
    QTest::mouseClick(tile->retryButton(), Qt::LeftButton);
    ASSERT_TRUE(waitForTiles(*window, u"PASS"_s, RunMs)) << tileTexts(*window).toStdString();
    EXPECT_EQ(tile->imeiText(), u"IMEI "_s + bench.rig().imei(0));
    const auto summary = window->shiftSummary();
    EXPECT_EQ(summary.attempts, 2);
    EXPECT_EQ(summary.passed, 1);
    EXPECT_EQ(summary.failed, 1);
    EXPECT_TRUE(window->operatorView()->summaryStrip()->text().contains(u"Failed 1"_s))
        << window->operatorView()->summaryStrip()->text().toStdString();
}

TEST(StationWindow, OpensFromTheMainWindowsDeviceMenuAndFromTheStationStartOption) {
    const auto parsed = StartupOptions::parse({u"provstation"_s, u"--station"_s});
    ASSERT_TRUE(parsed.has_value());
    EXPECT_TRUE(parsed->station);
    EXPECT_FALSE(StartupOptions::parse({u"provstation"_s})->station);

    QTemporaryDir dir;
    StartupOptions options = *parsed;
    options.settingsFile = dir.filePath(u"provstation.ini"_s);
    {
        QSettings store(options.settingsFile, QSettings::IniFormat);
        StationSettings settings;
        settings.slotMapFile = dir.filePath(u"slots.json"_s);
        settings.save(store);
    }
    MainWindow started(options);
    ASSERT_NE(started.stationWindow(), nullptr);
    EXPECT_TRUE(started.stationWindow()->isVisible());
    EXPECT_EQ(started.stationWindow()->mode(), StationWindow::Mode::Operator);

    options.station = false;
    MainWindow window(options);
    EXPECT_EQ(window.stationWindow(), nullptr);
    auto *action = window.findChild<QAction *>(u"actionStation"_s);
    ASSERT_NE(action, nullptr);
    EXPECT_EQ(action->shortcut(), QKeySequence(u"Ctrl+Shift+G"_s));
    action->trigger();
    ASSERT_NE(window.stationWindow(), nullptr);
    StationWindow *station = window.stationWindow();
    action->trigger();
    EXPECT_EQ(window.stationWindow(), station) << "one station window";
    EXPECT_TRUE(station->close()) << "nothing runs: closes without asking";
    EXPECT_TRUE(QTest::qWaitFor([&window] { return window.stationWindow() == nullptr; }, 5000));
}

TEST(StationWindow, EngineerSettingsAreSavedAndReachTheStation) {
    PlainWindow plain(u"2468"_s);
    StationWindow &window = *plain.window;
    ASSERT_TRUE(window.unlock(u"2468"_s));
    auto *labelCheck = window.engineerView()->findChild<QCheckBox *>(u"labelCheckBox"_s);
    auto *parallel = window.engineerView()->findChild<QSpinBox *>(u"parallelSlotsSpin"_s);
    auto *skip = window.engineerView()->findChild<QCheckBox *>(u"skipIfSameBox"_s);
    ASSERT_TRUE(labelCheck && parallel && skip);
    labelCheck->setChecked(true);
    parallel->setValue(3);
    skip->setChecked(false);

    EXPECT_TRUE(window.station()->options().labelCheck);
    EXPECT_EQ(window.station()->options().maxParallelSlots, 3);
    EXPECT_FALSE(window.station()->options().flash.skipIfSame);
    plain.store->sync();
    const StationSettings saved = StationSettings::load(*plain.store);
    EXPECT_TRUE(saved.labelCheck);
    EXPECT_EQ(saved.maxParallelSlots, 3);
    EXPECT_FALSE(saved.skipIfSame);
    EXPECT_TRUE(saved.pin.matches(u"2468"_s)) << "settings changes keep the PIN";
}

TEST(StationWindow, WithTheLabelCheckTheTileAsksForTheLabelAndAScanLetsItPass) {
    StationBench bench(RigOptions{.devices = 1, .bootloader = false});
    ASSERT_TRUE(bench.isReady()) << bench.problem().toStdString();
    {
        StationSettings settings = StationSettings::load(bench.store());
        settings.labelCheck = true;
        settings.save(bench.store());
        bench.store().sync();
    }
    auto window = bench.window();
    window->show();
    window->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window.get()));
    QSignalSpy started(window.get(), &StationWindow::startFinished);
    window->startAction()->trigger();
    ASSERT_TRUE(QTest::qWaitFor([&started] { return !started.isEmpty(); }, 15'000));

    SlotTile *tile = window->operatorView()->tile(StationRig::slotId(0));
    ASSERT_TRUE(QTest::qWaitFor([tile] { return tile->verdictText() == u"WAITING"_s; }, RunMs))
        << tileTexts(*window).toStdString();
    EXPECT_TRUE(tile->stepText().contains(u"label"_s)) << tile->stepText().toStdString();
    ScanField *scan = window->operatorView()->scanField();
    ASSERT_TRUE(scan->isVisible());

    // A misread is refused and said so; the right label (typed by the scanner) lets it pass.
    QTest::keyClicks(scan, u"LOT-4711"_s);
    QTest::keyClick(scan, Qt::Key_Return);
    EXPECT_TRUE(window->operatorView()->bannerText().contains(u"not an IMEI"_s))
        << window->operatorView()->bannerText().toStdString();
    EXPECT_EQ(tile->verdictText(), u"WAITING"_s);

    // A slot waiting for its label is busy: closing asks, and Keep Running keeps everything.
    bool asked = false;
    QTimer::singleShot(0, qApp, [&asked] {
        (void)QTest::qWaitFor([] { return QApplication::activeModalWidget() != nullptr; }, 5000);
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        asked = box->objectName() == u"closeConfirmation"_s;
        for (QAbstractButton *button : box->buttons()) {
            if (box->buttonRole(button) == QMessageBox::RejectRole)
                button->click();
        }
    });
    EXPECT_FALSE(window->close());
    EXPECT_TRUE(asked);
    EXPECT_TRUE(window->isVisible());
    EXPECT_TRUE(window->station()->isRunning());

    QTest::keyClicks(scan, bench.rig().imei(0));
    QTest::keyClick(scan, Qt::Key_Return);
    ASSERT_TRUE(waitForTiles(*window, u"PASS"_s, RunMs)) << tileTexts(*window).toStdString();
}
