// The claim wizard clicked through against the real provstation-devsim and
// provstation-cloudsim: the happy path, a wrong API key, a device claimed by another account,
// a cable pulled during provisioning, and a cloud that answers 500 before it recovers. Each
// test ends by finding the attempt's audit record in the History panel's model.

#include "WizardTestSupport.h"
#include "device/ModemClient.h"
#include "device/ShellSession.h"
#include "gui/history/HistoryModel.h"
#include "gui/history/HistoryPanel.h"
#include "gui/wizards/ClaimPages.h"
#include "gui/wizards/ClaimWizard.h"
#include "gui/wizards/DeviceStatesView.h"
#include "gui/wizards/FlowSummaryView.h"
#include "gui/wizards/StepBanner.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QTest>
#include <csignal>
#include <gtest/gtest.h>

namespace ps::gui::test {
namespace {

using namespace Qt::StringLiterals;
using ps::station::AuditRecord;
using ps::station::StepStatus;
using ps::station::Verdict;

constexpr int StepMs = 30'000;
constexpr int ProvisionMs = 90'000;

/// The History panel of the world's context, as the main window shows it.
struct History {
    explicit History(WizardWorld &world) { panel.setContext(&world.context()); }
    /// The record of `flowId` as the panel's model lists it.
    std::optional<AuditRecord> recordOf(const QString &flowId) {
        panel.refresh();
        for (const AuditRecord &record : panel.model()->records()) {
            if (record.flowId == flowId)
                return record;
        }
        return std::nullopt;
    }
    HistoryPanel panel;
};

std::optional<ps::station::StepRecord> stepOf(const AuditRecord &record, const QString &id) {
    for (const auto &step : record.steps) {
        if (step.id == id)
            return step;
    }
    return std::nullopt;
}

/// A claim wizard on the world's device, shown, with short timeouts.
std::unique_ptr<ClaimWizard> openWizard(WizardWorld &world) {
    auto wizard = std::make_unique<ClaimWizard>(&world.context(), world.devices());
    wizard->setBaseOptions(WizardWorld::claimOptions());
    wizard->show();
    return wizard;
}

StepBanner *bannerOf(QWizard *wizard) {
    return wizard->currentPage()->findChild<StepBanner *>(u"banner"_s);
}

/// Clicks from the device page to the pre-flight page, checking each page on the way.
void clickToPreflight(ClaimWizard &wizard, const QString &deviceId) {
    ASSERT_EQ(wizard.currentId(), ClaimWizard::DevicePage);
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs)) << "the connected device was not offered";
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ClaimWizard::IdentityPage));
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs)) << bannerOf(&wizard)->message().toStdString();
    EXPECT_EQ(wizard.currentPage()->findChild<QLabel *>(u"deviceUuidValue"_s)->text(), deviceId);
    EXPECT_EQ(wizard.currentPage()->findChild<QLabel *>(u"tokenUuidValue"_s)->text(), deviceId);
    EXPECT_TRUE(wizard.currentPage()
                    ->findChild<QLabel *>(u"agreementLabel"_s)
                    ->text()
                    .contains(u"agree"_s));
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ClaimWizard::AccountPage));
}

TEST(ClaimWizard, ClaimsAndProvisionsAVirtualDeviceAndRecordsIt) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    History history(world);
    auto wizard = openWizard(world);

    clickToPreflight(*wizard, world.deviceId());
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs))
        << bannerOf(wizard.get())->message().toStdString();
    EXPECT_TRUE(wizard->currentPage()
                    ->findChild<QLabel *>(u"claimValue"_s)
                    ->text()
                    .contains(u"Not claimed"_s));
    ASSERT_TRUE(clickForward(wizard.get()));

    ASSERT_TRUE(waitForPage(wizard.get(), ClaimWizard::PreflightPage));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs));
    EXPECT_EQ(wizard->button(QWizard::CommitButton)->text(), u"&Claim"_s);
    // Nothing was claimed before the operator pressed Claim.
    EXPECT_EQ(wizard->flow()->state(), ps::station::Flow::State::Held);
    ASSERT_TRUE(clickForward(wizard.get()));

    ASSERT_TRUE(waitForPage(wizard.get(), ClaimWizard::ProvisionPage));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), ProvisionMs))
        << bannerOf(wizard.get())->message().toStdString();
    auto *states = wizard->currentPage()->findChild<DeviceStatesView *>();
    ASSERT_NE(states, nullptr);
    EXPECT_TRUE(states->lteDropSeen()) << "LTE should have dropped while credentials were written";
    ASSERT_TRUE(clickForward(wizard.get()));

    ASSERT_TRUE(waitForPage(wizard.get(), ClaimWizard::VerifyPage));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs))
        << bannerOf(wizard.get())->message().toStdString();
    EXPECT_TRUE(wizard->currentPage()
                    ->findChild<QLabel *>(u"listedValue"_s)
                    ->text()
                    .contains(u"lists the device"_s));
    ASSERT_TRUE(clickForward(wizard.get()));

    ASSERT_TRUE(waitForPage(wizard.get(), ClaimWizard::SummaryPage));
    auto *summary = wizard->currentPage()->findChild<FlowSummaryView *>();
    EXPECT_EQ(summary->deviceId(), world.deviceId());
    EXPECT_EQ(summary->verdictText(), u"Claim succeeded"_s);
    const QString report = world.path(u"report.json"_s);
    ASSERT_TRUE(summary->exportReport(report).has_value());
    QFile reportFile(report);
    ASSERT_TRUE(reportFile.open(QIODevice::ReadOnly));
    const QJsonObject reportJson = QJsonDocument::fromJson(reportFile.readAll()).object();
    EXPECT_EQ(reportJson.value(u"verdict"_s).toString(), u"succeeded"_s);
    EXPECT_EQ(reportJson.value(u"device"_s).toObject().value(u"deviceId"_s).toString(),
              world.deviceId());
    ASSERT_TRUE(clickForward(wizard.get())); // Finish

    const auto record = history.recordOf(wizard->flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Succeeded);
    EXPECT_EQ(record->kind, u"claim"_s);
    EXPECT_EQ(record->operatorName, u"tester"_s);
    EXPECT_EQ(record->device.imei, world.imei());
    for (const auto &step : record->steps)
        EXPECT_EQ(step.status, StepStatus::Succeeded) << step.id.toStdString();
    history.panel.selectRecord(record->sequence);
    EXPECT_TRUE(history.panel.detailsText().contains(u"POST claimed-devices"_s));
}

TEST(ClaimWizard, ReportsAWrongApiKeyWithWhatToDoAndRecordsTheFailure) {
    WizardWorld::Options options;
    options.keyInFile = u"not-the-key-of-any-account"_s;
    WizardWorld world(options);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    History history(world);
    auto wizard = openWizard(world);

    clickToPreflight(*wizard, world.deviceId());
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return !wizard->tracker()->pausedStep().isEmpty(); }, StepMs));
    EXPECT_EQ(wizard->tracker()->pausedStep(), u"account"_s);
    StepBanner *banner = bannerOf(wizard.get());
    EXPECT_TRUE(banner->message().contains(u"refused the API key"_s))
        << banner->message().toStdString();
    EXPECT_TRUE(banner->hint().contains(u"API key"_s)) << banner->hint().toStdString();
    EXPECT_TRUE(banner->hint().contains(u"Retry"_s));
    EXPECT_FALSE(wizard->button(QWizard::CommitButton)->isEnabled());

    // Retry with the same key fails the same way; then the operator gives up.
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard->button(QWizard::CustomButton1)->isVisible(); },
                                StepMs));
    ASSERT_TRUE(clickButton(wizard.get(), QWizard::CustomButton1));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            const auto step = wizard->tracker()->step(u"account"_s);
            return step && step->attempts == 2 && !wizard->tracker()->pausedStep().isEmpty();
        },
        StepMs));
    ASSERT_TRUE(clickButton(wizard.get(), QWizard::CancelButton));
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard->tracker()->isFinished(); }, StepMs));
    EXPECT_FALSE(wizard->isVisible());

    const auto record = history.recordOf(wizard->flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Failed);
    EXPECT_EQ(record->errorKind, u"refused"_s);
    EXPECT_TRUE(record->error.contains(u"401"_s)) << record->error.toStdString();
    const auto account = stepOf(*record, u"account"_s);
    ASSERT_TRUE(account.has_value());
    EXPECT_EQ(account->status, StepStatus::Failed);
    EXPECT_EQ(account->attempts, 2);
    EXPECT_EQ(stepOf(*record, u"claim"_s)->status, StepStatus::Pending);
    EXPECT_FALSE(record->hint.isEmpty());
}

TEST(ClaimWizard, ContinuesWhenTheKeyIsFixedAndRetried) {
    WizardWorld::Options options;
    options.keyInFile = u"an-old-revoked-key"_s;
    WizardWorld world(options);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    auto wizard = openWizard(world);

    clickToPreflight(*wizard, world.deviceId());
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return wizard->tracker()->pausedStep() == u"account"_s; }, StepMs));
    world.context().account()->useKey(QString::fromLatin1(GoodKey));
    ASSERT_TRUE(clickButton(wizard.get(), QWizard::CustomButton1));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs))
        << bannerOf(wizard.get())->message().toStdString();
    EXPECT_TRUE(wizard->tracker()->isDone(u"account"_s));
    EXPECT_FALSE(wizard->button(QWizard::CustomButton1)->isVisible());
    ASSERT_TRUE(clickButton(wizard.get(), QWizard::CancelButton));
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard->tracker()->isFinished(); }, StepMs));
    EXPECT_EQ(wizard->flow()->verdict(), Verdict::Cancelled);
}

TEST(ClaimWizard, RefusesADeviceClaimedByAnotherAccountAndSaysWhatToDo) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(world.claimWith(QString::fromLatin1(OtherAccountKey)))
        << world.problem().toStdString();
    History history(world);
    auto wizard = openWizard(world);

    clickToPreflight(*wizard, world.deviceId());
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs));
    EXPECT_TRUE(wizard->currentPage()
                    ->findChild<QLabel *>(u"claimValue"_s)
                    ->text()
                    .contains(u"Not claimed by this account"_s));
    ASSERT_TRUE(clickForward(wizard.get()));
    ASSERT_TRUE(waitForPage(wizard.get(), ClaimWizard::PreflightPage));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return wizard->tracker()->pausedStep() == u"preflight"_s; }, StepMs));
    StepBanner *banner = bannerOf(wizard.get());
    EXPECT_TRUE(banner->hint().contains(u"another account"_s)) << banner->hint().toStdString();
    EXPECT_FALSE(wizard->button(QWizard::CommitButton)->isEnabled()) << "Claim must stay off";

    ASSERT_TRUE(clickButton(wizard.get(), QWizard::CancelButton));
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard->tracker()->isFinished(); }, StepMs));
    const auto record = history.recordOf(wizard->flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Failed);
    EXPECT_EQ(record->errorKind, u"refused"_s);
    EXPECT_TRUE(record->hint.contains(u"another account"_s));
    EXPECT_EQ(stepOf(*record, u"preflight"_s)->status, StepStatus::Failed);
    EXPECT_EQ(stepOf(*record, u"claim"_s)->status, StepStatus::Pending);
    const bool dryRunRefused = std::ranges::any_of(record->cloudCalls, [](const auto &call) {
        return call.operation.contains(u"dryrun"_s) && call.httpStatus == 409;
    });
    EXPECT_TRUE(dryRunRefused);
}

TEST(ClaimWizard, FollowsADeviceThatIsPulledOutDuringProvisioningAndPutBack) {
    WizardWorld::Options options;
    // Slow enough that the cable is back before the device has finished (LTE takes a while
    // to come back after the credential writes).
    options.speed = 2;
    options.replugDelayMs = 300;
    WizardWorld world(options);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    History history(world);
    auto wizard = openWizard(world);

    clickToPreflight(*wizard, world.deviceId());
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs));
    ASSERT_TRUE(clickForward(wizard.get()));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs));
    const qsizetype before = world.deviceLines().size();
    ASSERT_TRUE(clickForward(wizard.get())); // Claim
    ASSERT_TRUE(waitForPage(wizard.get(), ClaimWizard::ProvisionPage));

    // The device starts writing credentials: pull the cable now.
    ASSERT_GE(world.waitForDeviceLine(u"requires device to deactivate LTE"_s, before, StepMs), 0);
    bool wentAway = false;
    QObject watcher;
    QObject::connect(&world.link(), &ps::device::DeviceLink::stateChanged, &watcher,
                     [&](ps::device::DeviceLink::State state) {
                         wentAway =
                             wentAway || state == ps::device::DeviceLink::State::Reconnecting;
                     });
    world.pullCable();
    ASSERT_TRUE(QTest::qWaitFor([&] { return wentAway; }, StepMs)) << "the link never saw the pull";
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return world.link().state() == ps::device::DeviceLink::State::Open; }, StepMs))
        << "the device did not come back";

    ASSERT_TRUE(waitUntilComplete(wizard.get(), ProvisionMs))
        << bannerOf(wizard.get())->message().toStdString();
    ASSERT_TRUE(clickForward(wizard.get()));
    ASSERT_TRUE(waitForPage(wizard.get(), ClaimWizard::VerifyPage));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), ProvisionMs))
        << bannerOf(wizard.get())->message().toStdString();
    ASSERT_TRUE(clickForward(wizard.get()));
    ASSERT_TRUE(waitForPage(wizard.get(), ClaimWizard::SummaryPage));
    ASSERT_TRUE(clickForward(wizard.get()));

    const auto record = history.recordOf(wizard->flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Succeeded) << record->error.toStdString();
    EXPECT_EQ(stepOf(*record, u"verify"_s)->status, StepStatus::Succeeded);
}

TEST(ClaimWizard, RidesOutACloudAnswering500AndRecordsTheRetries) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    History history(world);
    auto wizard = openWizard(world);

    clickToPreflight(*wizard, world.deviceId());
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs));
    ASSERT_TRUE(clickForward(wizard.get()));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs));

    // The cloud breaks just before the claim: the next three answers about claimed devices
    // are 500.
    ASSERT_TRUE(
        world.setFaults(QJsonObject{{u"errorCount"_s, 3},
                                    {u"errorStatus"_s, 500},
                                    {u"pathPrefix"_s, u"/provisioning/v1/claimed-devices"_s}}));
    ASSERT_TRUE(clickForward(wizard.get())); // Claim
    ASSERT_TRUE(waitForPage(wizard.get(), ClaimWizard::ProvisionPage));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), ProvisionMs))
        << bannerOf(wizard.get())->message().toStdString();
    ASSERT_TRUE(clickForward(wizard.get()));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs))
        << bannerOf(wizard.get())->message().toStdString();
    ASSERT_TRUE(clickForward(wizard.get()));
    ASSERT_TRUE(waitForPage(wizard.get(), ClaimWizard::SummaryPage));
    ASSERT_TRUE(clickForward(wizard.get()));

    const auto record = history.recordOf(wizard->flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Succeeded) << record->error.toStdString();
    const auto failures = std::ranges::count_if(record->cloudCalls, [](const auto &call) {
        return call.step == u"claim"_s && call.httpStatus == 500;
    });
    EXPECT_GE(failures, 1) << "the 500 answers should be in the record";
    EXPECT_EQ(stepOf(*record, u"claim"_s)->status, StepStatus::Succeeded);
}

TEST(ClaimWizard, SaysWhatToDoWhenTheCloudCannotBeReachedAndRecordsIt) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    History history(world);
    auto wizard = openWizard(world);

    // The network goes away (the stand-in is gone: every connection is refused).
    world.cloudSim().sendSignal(SIGKILL);
    clickToPreflight(*wizard, world.deviceId());
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return wizard->tracker()->pausedStep() == u"account"_s; }, StepMs));
    StepBanner *banner = bannerOf(wizard.get());
    EXPECT_TRUE(banner->message().contains(u"refused the connection"_s))
        << banner->message().toStdString();
    EXPECT_TRUE(banner->hint().contains(u"check the network connection"_s))
        << banner->hint().toStdString();
    EXPECT_TRUE(wizard->button(QWizard::CustomButton1)->isVisible()) << "no Retry offered";
    EXPECT_FALSE(wizard->button(QWizard::CommitButton)->isEnabled());

    ASSERT_TRUE(clickButton(wizard.get(), QWizard::CancelButton));
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard->tracker()->isFinished(); }, StepMs));
    const auto record = history.recordOf(wizard->flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Failed);
    EXPECT_TRUE(record->error.contains(u"refused the connection"_s)) << record->error.toStdString();
    EXPECT_TRUE(record->hint.contains(u"check the network connection"_s));
    EXPECT_EQ(stepOf(*record, u"claim"_s)->status, StepStatus::Pending);
}

TEST(ClaimWizard, WaitsOutACloudThatDoesNotAnswerAndRecordsTheTimeout) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    History history(world);
    auto wizard = openWizard(world);

    // The account check's look-up of the device is never answered: the transfer timeout ends
    // it, the request is sent again and the check passes.
    ASSERT_TRUE(world.setFaults(QJsonObject{
        {u"hangCount"_s, 1}, {u"pathPrefix"_s, u"/provisioning/v1/claimed-devices/"_s}}));
    clickToPreflight(*wizard, world.deviceId());
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs))
        << bannerOf(wizard.get())->message().toStdString();
    EXPECT_TRUE(wizard->tracker()->isDone(u"account"_s));
    ASSERT_TRUE(clickButton(wizard.get(), QWizard::CancelButton));
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard->tracker()->isFinished(); }, StepMs));

    const auto record = history.recordOf(wizard->flow()->id());
    ASSERT_TRUE(record.has_value());
    const bool retried = std::ranges::any_of(record->cloudCalls, [](const auto &call) {
        return call.step == u"account"_s && call.retried && call.message.contains(u"No answer"_s);
    });
    EXPECT_TRUE(retried) << "the unanswered request should be in the record as a retry";
    EXPECT_EQ(stepOf(*record, u"account"_s)->status, StepStatus::Succeeded);
}

TEST(ClaimWizard, ClaimsFromAPastedTokenWithoutTheDevice) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    auto token = QCoro::waitFor(world.link().modem()->attestationToken());
    ASSERT_TRUE(token.has_value());
    History history(world);
    ClaimWizard wizard(&world.context(), {});
    wizard.setBaseOptions(WizardWorld::claimOptions());
    wizard.show();
    auto *page = qobject_cast<ClaimDevicePage *>(wizard.currentPage());
    ASSERT_NE(page, nullptr);
    EXPECT_FALSE(waitUntilComplete(&wizard, 0)) << "no device and no token: nothing to start";
    page->setToken(u"  "_s + token->text + u"\n"_s);
    ASSERT_TRUE(waitUntilComplete(&wizard, 1000));
    ASSERT_TRUE(clickForward(&wizard));
    for (const int next :
         {ClaimWizard::IdentityPage, ClaimWizard::AccountPage, ClaimWizard::PreflightPage,
          ClaimWizard::ProvisionPage, ClaimWizard::VerifyPage, ClaimWizard::SummaryPage}) {
        ASSERT_TRUE(waitForPage(&wizard, next)) << next;
        if (next == ClaimWizard::SummaryPage)
            break;
        ASSERT_TRUE(waitUntilComplete(&wizard, StepMs))
            << bannerOf(&wizard)->message().toStdString();
        ASSERT_TRUE(clickForward(&wizard));
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard.tracker()->isFinished(); }, StepMs));
    const auto record = history.recordOf(wizard.flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Succeeded);
    EXPECT_EQ(record->device.deviceId, world.deviceId());
    EXPECT_EQ(stepOf(*record, u"claim"_s)->status, StepStatus::Succeeded);
    EXPECT_EQ(stepOf(*record, u"provision"_s)->status, StepStatus::Skipped);
}

TEST(ClaimWizard, WillNotStartOnADeviceWhoseConsoleIsNotConnected) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    world.link().close();
    auto wizard = openWizard(world);
    EXPECT_FALSE(waitUntilComplete(wizard.get(), 0));
    const QString state = wizard->currentPage()->findChild<QLabel *>(u"deviceStateLabel"_s)->text();
    EXPECT_TRUE(state.contains(u"Not connected"_s)) << state.toStdString();
    ASSERT_TRUE(world.link().open());
    EXPECT_TRUE(waitUntilComplete(wizard.get(), StepMs)) << "it starts once the port is open";
}

TEST(ClaimWizard, CancelDuringProvisioningAsksFirstThenRecordsACancelledAttempt) {
    WizardWorld::Options options;
    options.speed = 2; // provisioning lasts long enough to cancel it
    WizardWorld world(options);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    History history(world);
    auto wizard = openWizard(world);
    clickToPreflight(*wizard, world.deviceId());
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs));
    ASSERT_TRUE(clickForward(wizard.get()));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs));
    ASSERT_TRUE(clickForward(wizard.get())); // Claim
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            const auto step = wizard->tracker()->step(u"provision"_s);
            return step && step->status == StepStatus::Running;
        },
        StepMs));

    ASSERT_TRUE(clickButton(wizard.get(), QWizard::CancelButton));
    QMessageBox *ask = nullptr;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return (ask = wizard->findChild<QMessageBox *>(u"cancelConfirmation"_s)); }, StepMs));
    // "Continue" keeps going...
    QAbstractButton *keepGoing = nullptr;
    QAbstractButton *stop = nullptr;
    for (QAbstractButton *button : ask->buttons())
        (ask->buttonRole(button) == QMessageBox::DestructiveRole ? stop : keepGoing) = button;
    ASSERT_NE(stop, nullptr);
    QPointer<QMessageBox> first = ask;
    QTest::mouseClick(keepGoing, Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return first.isNull(); }, StepMs));
    EXPECT_FALSE(wizard->tracker()->isFinished());
    // ...and Stop stops.
    ASSERT_TRUE(clickButton(wizard.get(), QWizard::CancelButton));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return (ask = wizard->findChild<QMessageBox *>(u"cancelConfirmation"_s)); }, StepMs));
    for (QAbstractButton *button : ask->buttons()) {
        if (ask->buttonRole(button) == QMessageBox::DestructiveRole)
            QTest::mouseClick(button, Qt::LeftButton);
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard->tracker()->isFinished(); }, StepMs));
    EXPECT_FALSE(wizard->isVisible());

    const auto record = history.recordOf(wizard->flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Cancelled);
    EXPECT_EQ(stepOf(*record, u"claim"_s)->status, StepStatus::Succeeded);
    EXPECT_EQ(stepOf(*record, u"provision"_s)->status, StepStatus::Cancelled);
    EXPECT_EQ(stepOf(*record, u"verify"_s)->status, StepStatus::Pending);
}

TEST(ClaimWizard, CancelWhileHeldRecordsACancelledAttemptWithoutClaiming) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    History history(world);
    auto wizard = openWizard(world);
    clickToPreflight(*wizard, world.deviceId());
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs));
    ASSERT_TRUE(clickForward(wizard.get()));
    ASSERT_TRUE(waitUntilComplete(wizard.get(), StepMs));
    ASSERT_EQ(wizard->flow()->state(), ps::station::Flow::State::Held);

    QTest::keyClick(wizard.get(), Qt::Key_Escape);
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard->tracker()->isFinished(); }, StepMs));
    const auto record = history.recordOf(wizard->flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Cancelled);
    EXPECT_EQ(stepOf(*record, u"claim"_s)->status, StepStatus::Cancelled);
    EXPECT_FALSE(std::ranges::any_of(record->cloudCalls, [](const auto &call) {
        return call.operation == u"POST claimed-devices"_s;
    }));
}

} // namespace
} // namespace ps::gui::test
