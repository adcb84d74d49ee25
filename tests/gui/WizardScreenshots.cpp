// Makes docs/screenshots/wizard-claim-N.png, wizard-reprovision-N.png and history.png: the real
// workstation window (settings pointing at the local stand-in, as `./run demo` writes them), a
// virtual device's console open, and each wizard page in turn over it, against the real
// provstation-devsim and provstation-cloudsim. Run under a virtual X server (see
// WizardScreenshots.sh); every picture is the whole screen, taken with ImageMagick's import.

#include "WizardTestSupport.h"
#include "gui/ConsolePanel.h"
#include "gui/MainWindow.h"
#include "gui/history/HistoryPanel.h"
#include "gui/wizards/ClaimWizard.h"
#include "gui/wizards/DeviceStatesView.h"
#include "gui/wizards/ProvisioningActions.h"
#include "gui/wizards/ReprovisionWizard.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace ps::gui;
using namespace ps::gui::test;

namespace {

constexpr int StepMs = 60'000;

class Shooter {
public:
    explicit Shooter(QString folder)
        : m_folder(std::move(folder)) {}

    bool shoot(const QString &name) {
        // Let the window system draw what the last events changed before the picture: the
        // capture comes from the X server, not from Qt.
        QTest::qWait(400);
        const QString path = QDir(m_folder).filePath(name + u".png"_s);
        const int code = QProcess::execute(u"import"_s, {u"-window"_s, u"root"_s, path});
        std::printf("%s %s\n", code == 0 ? "wrote" : "FAILED", qPrintable(path));
        return code == 0;
    }

private:
    QString m_folder;
};

bool fail(const QString &what) {
    std::fprintf(stderr, "wizard screenshots: %s\n", qPrintable(what));
    return false;
}

void place(QWidget *wizard) {
    wizard->resize(900, 680);
    wizard->move(440, 150);
}

bool forward(QWizard *wizard, int next, int timeoutMs = StepMs) {
    if (!waitUntilComplete(wizard, timeoutMs) || !clickForward(wizard))
        return false;
    return next < 0 || waitForPage(wizard, next, timeoutMs);
}

bool run(const QString &folder) {
    // Slow enough that provisioning can be seen while it runs.
    WindowWorld world(4);
    if (!world.isReady())
        return fail(world.problem());
    MainWindow window(world.startupOptions());
    window.resize(1400, 860);
    window.move(0, 0);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return fail(u"the window did not show"_s);
    ConsolePanel *console = window.currentPanel();
    if (!console)
        return fail(u"no console"_s);
    QStringList lines;
    QObject::connect(console->link(), &ps::device::DeviceLink::linesReceived, &window,
                     [&](const std::vector<ps::core::Line> &received) {
                         for (const auto &line : received)
                             lines.append(line.text);
                     });
    if (!QTest::qWaitFor([&] { return lines.join(u'\n').contains(u"backoff time"_s); }, StepMs))
        return fail(u"the unclaimed device never tried to connect"_s);

    Shooter shooter(folder);
    ProvisioningActions *actions = window.provisioningActions();

    // ---- claim ----------------------------------------------------------------------------
    ClaimWizard *claim = actions->openClaimWizard();
    place(claim);
    if (!QTest::qWaitForWindowExposed(claim) || !waitUntilComplete(claim, StepMs))
        return fail(u"the claim wizard did not offer the device"_s);
    shooter.shoot(u"wizard-claim-1"_s);
    if (!forward(claim, ClaimWizard::IdentityPage) || !waitUntilComplete(claim, StepMs))
        return fail(u"identity"_s);
    shooter.shoot(u"wizard-claim-2"_s);
    if (!forward(claim, ClaimWizard::AccountPage) || !waitUntilComplete(claim, StepMs))
        return fail(u"account"_s);
    shooter.shoot(u"wizard-claim-3"_s);
    if (!forward(claim, ClaimWizard::PreflightPage) || !waitUntilComplete(claim, StepMs))
        return fail(u"pre-flight"_s);
    shooter.shoot(u"wizard-claim-4"_s);
    if (!forward(claim, ClaimWizard::ProvisionPage))
        return fail(u"claim"_s);
    // While the device writes its credentials: LTE is down, and the page says that is normal.
    auto *states = claim->currentPage()->findChild<DeviceStatesView *>();
    if (!states || !QTest::qWaitFor([&] { return states->lteDropExplained(); }, StepMs))
        return fail(u"LTE never dropped during provisioning"_s);
    shooter.shoot(u"wizard-claim-5"_s);
    if (!forward(claim, ClaimWizard::VerifyPage) || !waitUntilComplete(claim, StepMs))
        return fail(u"verify"_s);
    shooter.shoot(u"wizard-claim-6"_s);
    if (!forward(claim, ClaimWizard::SummaryPage))
        return fail(u"summary"_s);
    shooter.shoot(u"wizard-claim-7"_s);
    clickForward(claim); // Finish

    // A refused attempt for the history: a key that is not the account's.
    window.provisioning()->account()->useKey(u"revoked-key-0000"_s);
    ClaimWizard *refused = actions->openClaimWizard();
    place(refused);
    if (!forward(refused, ClaimWizard::IdentityPage) ||
        !forward(refused, ClaimWizard::AccountPage) ||
        !QTest::qWaitFor([&] { return !refused->tracker()->pausedStep().isEmpty(); }, StepMs))
        return fail(u"the wrong key was not refused"_s);
    shooter.shoot(u"wizard-claim-3-refused"_s);
    clickButton(refused, QWizard::CancelButton);
    if (!QTest::qWaitFor([&] { return refused->tracker()->isFinished(); }, StepMs))
        return fail(u"the refused attempt did not end"_s);
    window.provisioning()->account()->useKey(QString::fromLatin1(GoodKey));

    // ---- reprovision ----------------------------------------------------------------------
    ReprovisionWizard *reprovision = actions->openReprovisionWizard();
    place(reprovision);
    if (!QTest::qWaitForWindowExposed(reprovision) || !waitUntilComplete(reprovision, StepMs))
        return fail(u"the reprovision wizard did not offer the device"_s);
    shooter.shoot(u"wizard-reprovision-1"_s);
    if (!forward(reprovision, ReprovisionWizard::ComparePage) ||
        !waitUntilComplete(reprovision, StepMs))
        return fail(u"compare"_s);
    shooter.shoot(u"wizard-reprovision-2"_s);
    if (!forward(reprovision, ReprovisionWizard::ActionPage) ||
        !waitUntilComplete(reprovision, StepMs))
        return fail(u"action"_s);
    shooter.shoot(u"wizard-reprovision-3"_s);
    if (!forward(reprovision, ReprovisionWizard::TriggerPage) ||
        !waitUntilComplete(reprovision, StepMs))
        return fail(u"trigger"_s);
    shooter.shoot(u"wizard-reprovision-4"_s);
    if (!forward(reprovision, ReprovisionWizard::FollowPage))
        return fail(u"send"_s);
    // Part-way: the command is in progress or done, the device back online.
    if (!QTest::qWaitFor([&] { return reprovision->tracker()->isDone(u"follow"_s); }, StepMs))
        return fail(u"the command did not finish"_s);
    shooter.shoot(u"wizard-reprovision-5"_s);
    if (!forward(reprovision, ReprovisionWizard::SummaryPage))
        return fail(u"reprovision summary"_s);
    shooter.shoot(u"wizard-reprovision-6"_s);
    clickForward(reprovision);

    // ---- history --------------------------------------------------------------------------
    window.historyDock()->show();
    window.historyDock()->raise();
    window.resizeDocks({window.historyDock()}, {420}, Qt::Vertical);
    HistoryPanel *history = window.historyPanel();
    history->refresh();
    if (history->model()->rowCount() < 3)
        return fail(u"the history does not list the three attempts"_s);
    history->selectRecord(history->model()->records().value(1).sequence);
    shooter.shoot(u"history"_s);
    return true;
}

} // namespace

int main(int argc, char **argv) {
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"ProvStationScreenshots"_s);
    QCoreApplication::setApplicationName(u"provstation-screenshots"_s);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() != 2) {
        std::fprintf(stderr, "usage: %s <folder for the png files>\n", argv[0]);
        return 2;
    }
    return run(arguments.at(1)) ? 0 : 1;
}
