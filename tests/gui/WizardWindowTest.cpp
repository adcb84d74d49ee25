// The wizards as the workstation window offers them: the Device menu, keyboard navigation,
// the History dock, and Settings > Account saving everything but the key. The window reads
// the same settings keys that `./run demo` writes.

#include "WizardTestSupport.h"
#include "gui/ConsolePanel.h"
#include "gui/MainWindow.h"
#include "gui/account/AccountDialog.h"
#include "gui/history/HistoryModel.h"
#include "gui/history/HistoryPanel.h"
#include "gui/wizards/ClaimWizard.h"
#include "gui/wizards/ProvisioningContext.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <gtest/gtest.h>

namespace ps::gui::test {
namespace {

using namespace Qt::StringLiterals;
using ps::station::Verdict;

constexpr int StepMs = 30'000;

/// Waits until the window's console has seen the unclaimed device try once and back off.
bool waitForUnclaimedDevice(MainWindow &window) {
    ConsolePanel *console = window.currentPanel();
    if (!console)
        return false;
    bool backedOff = false;
    QObject context;
    QObject::connect(console->link(), &ps::device::DeviceLink::linesReceived, &context,
                     [&](const std::vector<ps::core::Line> &lines) {
                         for (const auto &line : lines)
                             backedOff = backedOff || line.text.contains(u"backoff time"_s);
                     });
    return QTest::qWaitFor([&] { return backedOff; }, StepMs);
}

/// Presses Alt+`key` in the wizard once the page lets it go on.
bool pressWhenReady(QWizard *wizard, Qt::Key key, int timeoutMs = StepMs) {
    if (!waitUntilComplete(wizard, timeoutMs))
        return false;
    QTest::keyClick(wizard, key, Qt::AltModifier);
    return true;
}

TEST(WizardWindow, DeviceMenuClaimsTheConsolesDeviceWithTheKeyboardAndTheHistoryShowsIt) {
    WindowWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    MainWindow window(world.startupOptions());
    window.show();
    ASSERT_TRUE(waitForUnclaimedDevice(window));

    auto *claim = window.findChild<QAction *>(u"actionClaimDevice"_s);
    ASSERT_NE(claim, nullptr);
    EXPECT_EQ(claim->shortcut(), QKeySequence(u"Ctrl+Shift+N"_s));
    claim->trigger();
    auto *wizard = window.findChild<ClaimWizard *>();
    ASSERT_NE(wizard, nullptr);
    ASSERT_TRUE(QTest::qWaitForWindowExposed(wizard));
    auto *devices = wizard->currentPage()->findChild<QComboBox *>(u"deviceCombo"_s);
    ASSERT_EQ(devices->count(), 1);
    EXPECT_TRUE(devices->currentText().contains(u"ttyNRF91"_s))
        << devices->currentText().toStdString();

    ASSERT_TRUE(pressWhenReady(wizard, Qt::Key_S)); // &Start
    ASSERT_TRUE(waitForPage(wizard, ClaimWizard::IdentityPage));
    ASSERT_TRUE(pressWhenReady(wizard, Qt::Key_N)); // &Next
    ASSERT_TRUE(waitForPage(wizard, ClaimWizard::AccountPage));
    ASSERT_TRUE(pressWhenReady(wizard, Qt::Key_N));
    ASSERT_TRUE(waitForPage(wizard, ClaimWizard::PreflightPage));
    ASSERT_TRUE(pressWhenReady(wizard, Qt::Key_C)); // &Claim
    ASSERT_TRUE(waitForPage(wizard, ClaimWizard::ProvisionPage));
    ASSERT_TRUE(pressWhenReady(wizard, Qt::Key_N, 90'000));
    ASSERT_TRUE(waitForPage(wizard, ClaimWizard::VerifyPage));
    ASSERT_TRUE(pressWhenReady(wizard, Qt::Key_N));
    ASSERT_TRUE(waitForPage(wizard, ClaimWizard::SummaryPage));
    const QString flowId = wizard->flow()->id();
    EXPECT_EQ(wizard->flow()->verdict(), Verdict::Succeeded);
    ASSERT_TRUE(clickForward(wizard)); // Finish closes it
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return window.findChild<ClaimWizard *>() == nullptr; }, StepMs))
        << "the wizard deletes itself when closed";

    window.historyDock()->toggleViewAction()->trigger();
    ASSERT_TRUE(window.historyDock()->isVisible());
    HistoryModel *history = window.historyPanel()->model();
    ASSERT_EQ(history->rowCount(), 1);
    const auto record = history->recordAt(0);
    EXPECT_EQ(record->flowId, flowId);
    EXPECT_EQ(record->verdict, Verdict::Succeeded);
    EXPECT_EQ(history->index(0, HistoryModel::FlowColumn).data().toString(), u"Claim"_s);
    EXPECT_TRUE(QFile::exists(world.path(u"audit.sqlite"_s))) << "history/database is used";
}

TEST(WizardWindow, AccountSettingsAreSavedButTheKeyOnlyGoesToTheKeyFile) {
    WindowWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    MainWindow window(world.startupOptions());
    window.show();
    const QString secret = u"fresh-secret-key-7a1"_s;

    // The dialog is modal: work in it from the event loop that runs it.
    bool handled = false;
    QTimer poll;
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, &window, [&] {
        auto *dialog = qobject_cast<AccountDialog *>(QApplication::activeModalWidget());
        if (!dialog || handled)
            return;
        handled = true;
        EXPECT_TRUE(dialog->findChild<QLineEdit *>(u"provisioningUrlEdit"_s)
                        ->text()
                        .startsWith(world.cloudSettings().provisioningBaseUrl.toString()));
        dialog->findChild<QLineEdit *>(u"keyEdit"_s)->setText(secret);
        auto *main = dialog->findChild<QLineEdit *>(u"mainUrlEdit"_s);
        QUrl url = world.cloudSettings().mainBaseUrl;
        url.setPath(u"/v1/"_s);
        main->setText(url.toString());
        QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                          Qt::LeftButton);
    });
    poll.start();
    auto *account = window.findChild<QAction *>(u"actionAccount"_s);
    ASSERT_NE(account, nullptr);
    QSignalSpy changed(window.provisioning(), &ProvisioningContext::accountChanged);
    account->trigger();
    poll.stop();
    ASSERT_TRUE(handled);
    ASSERT_TRUE(changed.count() > 0 || changed.wait(StepMs));

    QFile key(world.keyFile());
    ASSERT_TRUE(key.open(QIODevice::ReadOnly));
    EXPECT_EQ(QString::fromUtf8(key.readAll()).trimmed(), secret);
    QFile ini(world.settingsFile());
    ASSERT_TRUE(ini.open(QIODevice::ReadOnly));
    const QString saved = QString::fromUtf8(ini.readAll());
    EXPECT_FALSE(saved.contains(secret)) << "the key never reaches the settings";
    EXPECT_TRUE(saved.contains(u"apiKeyFile"_s));
    EXPECT_EQ(window.provisioning()->account()->keySource(), CloudAccount::KeySource::File);
}

} // namespace
} // namespace ps::gui::test
