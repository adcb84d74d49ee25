// The reprovision wizard clicked through against the real provstation-devsim and
// provstation-cloudsim, on a device that a claim flow has claimed and provisioned first.

#include "WizardTestSupport.h"
#include "device/ModemClient.h"
#include "device/ShellSession.h"
#include "gui/history/HistoryModel.h"
#include "gui/history/HistoryPanel.h"
#include "gui/wizards/CommandStatusView.h"
#include "gui/wizards/ReprovisionPages.h"
#include "gui/wizards/ReprovisionWizard.h"
#include "gui/wizards/StepBanner.h"

#include <QAbstractButton>
#include <QLabel>
#include <QRadioButton>
#include <QTableWidget>
#include <QTest>
#include <gtest/gtest.h>

namespace ps::gui::test {
namespace {

using namespace Qt::StringLiterals;
using ps::station::AuditRecord;
using ps::station::StepStatus;
using ps::station::Verdict;

constexpr int StepMs = 30'000;
constexpr int FollowMs = 90'000;

/// Claims and provisions the world's device with a ClaimFlow (no wizard), as a unit that was
/// put into service earlier.
bool provisionFirst(WizardWorld &world) {
    auto store = world.context().auditStore();
    if (!store)
        return false;
    if (!QCoro::waitFor(world.context().account()->loadKey()))
        return false;
    ps::station::FlowSetup setup;
    setup.device = &world.link();
    setup.cloud = world.context().account()->client();
    setup.store = *store;
    setup.station = world.context().station();
    ps::station::ClaimFlow claim(setup, WizardWorld::claimOptions());
    claim.start();
    return QTest::qWaitFor([&] { return claim.state() == ps::station::Flow::State::Finished; },
                           120'000) &&
           claim.verdict() == Verdict::Succeeded;
}

std::optional<AuditRecord> recordOf(WizardWorld &world, const QString &flowId) {
    HistoryPanel panel;
    panel.setContext(&world.context());
    panel.refresh();
    for (const AuditRecord &record : panel.model()->records()) {
        if (record.flowId == flowId)
            return record;
    }
    return std::nullopt;
}

StepBanner *bannerOf(QWizard *wizard) {
    return wizard->currentPage()->findChild<StepBanner *>(u"banner"_s);
}

TEST(ReprovisionWizard, QueuesANewKeyTriggersThroughTheShellAndFollowsToReconnection) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(provisionFirst(world));

    ReprovisionWizard wizard(&world.context(), world.devices());
    wizard.setBaseOptions(WizardWorld::reprovisionOptions());
    wizard.show();
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs));
    EXPECT_EQ(wizard.button(QWizard::CommitButton)->text(), u"&Compare"_s);
    ASSERT_TRUE(clickForward(&wizard));

    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::ComparePage));
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs)) << bannerOf(&wizard)->message().toStdString();
    auto *table = wizard.currentPage()->findChild<QTableWidget *>(u"compareTable"_s);
    ASSERT_NE(table, nullptr);
    EXPECT_TRUE(table->item(0, 1)->text().contains(u"client private key"_s))
        << table->item(0, 1)->text().toStdString();
    EXPECT_EQ(table->item(1, 2)->text(), u"yes"_s);
    EXPECT_TRUE(table->item(2, 2)->text().startsWith(u"yes"_s));
    auto *compare = qobject_cast<ReprovisionComparePage *>(wizard.currentPage());
    EXPECT_TRUE(compare->differencesText().contains(u"Both sides look provisioned"_s))
        << compare->differencesText().toStdString();
    ASSERT_TRUE(clickForward(&wizard));

    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::ActionPage));
    EXPECT_EQ(wizard.flow()->state(), ps::station::Flow::State::Held);
    EXPECT_TRUE(wizard.currentPage()->findChild<QRadioButton *>(u"reclaimRadio"_s)->isEnabled());
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs));
    EXPECT_EQ(wizard.button(QWizard::CommitButton)->text(), u"&Queue Key"_s);
    ASSERT_TRUE(clickForward(&wizard));

    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::TriggerPage));
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs)) << bannerOf(&wizard)->message().toStdString();
    EXPECT_TRUE(bannerOf(&wizard)->message().contains(u"cloudAccessKeyGeneration"_s));
    EXPECT_TRUE(wizard.currentPage()->findChild<QRadioButton *>(u"shellRadio"_s)->isChecked());
    ASSERT_TRUE(clickForward(&wizard)); // Send

    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::FollowPage));
    ASSERT_TRUE(waitUntilComplete(&wizard, FollowMs)) << bannerOf(&wizard)->message().toStdString();
    auto *commands = wizard.currentPage()->findChild<CommandStatusView *>();
    EXPECT_EQ(commands->commandStatus(), u"SUCCEEDED"_s) << commands->headline().toStdString();
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::SummaryPage));
    ASSERT_TRUE(clickForward(&wizard));

    const auto record = recordOf(world, wizard.flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->kind, u"reprovision"_s);
    EXPECT_EQ(record->verdict, Verdict::Succeeded) << record->error.toStdString();
    for (const auto &step : record->steps)
        EXPECT_EQ(step.status, StepStatus::Succeeded) << step.id.toStdString();
    EXPECT_FALSE(record->details.value(u"commandIds"_s).toArray().isEmpty());
}

TEST(ReprovisionWizard, WorksOnADeviceNamedByImeiThroughTheShadow) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(provisionFirst(world));

    ReprovisionWizard wizard(&world.context(), {});
    wizard.setBaseOptions(WizardWorld::reprovisionOptions());
    wizard.show();
    auto *identify = qobject_cast<ReprovisionIdentifyPage *>(wizard.currentPage());
    identify->setLookup(u"12345"_s);
    EXPECT_FALSE(waitUntilComplete(&wizard, 0)) << "not an IMEI nor a device id";
    identify->setLookup(world.imei());
    ASSERT_TRUE(waitUntilComplete(&wizard, 1000));
    ASSERT_TRUE(clickForward(&wizard));

    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::ComparePage));
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs)) << bannerOf(&wizard)->message().toStdString();
    EXPECT_EQ(wizard.flow()->device().deviceId, world.deviceId());
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::ActionPage));
    EXPECT_FALSE(wizard.currentPage()->findChild<QRadioButton *>(u"reclaimRadio"_s)->isEnabled())
        << "a reclaim needs the device at hand";
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::TriggerPage));
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs));
    EXPECT_FALSE(wizard.currentPage()->findChild<QRadioButton *>(u"shellRadio"_s)->isEnabled());
    EXPECT_TRUE(wizard.currentPage()->findChild<QRadioButton *>(u"shadowRadio"_s)->isChecked());
    const qsizetype mark = world.deviceLines().size();
    ASSERT_TRUE(clickForward(&wizard));

    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::FollowPage));
    // The wizard does not have the device; the bench does, and makes it read its shadow.
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard.tracker()->isDone(u"trigger"_s); }, StepMs));
    auto polled = QCoro::waitFor(world.link().shell()->execute(u"att_cloud poll_shadow_delta"_s));
    ASSERT_TRUE(polled.has_value());
    ASSERT_GE(world.waitForDeviceLine(u"Provisioning request received"_s, mark, StepMs), 0);
    ASSERT_TRUE(waitUntilComplete(&wizard, FollowMs)) << bannerOf(&wizard)->message().toStdString();
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::SummaryPage));

    const auto record = recordOf(world, wizard.flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Succeeded) << record->error.toStdString();
    EXPECT_EQ(record->device.imei, world.imei());
    EXPECT_TRUE(std::ranges::any_of(record->cloudCalls, [](const auto &call) {
        return call.operation.startsWith(u"PATCH devices/{id}/state"_s) && call.ok;
    }));
}

TEST(ReprovisionWizard, UnclaimsAndClaimsAgainAfterConfirmationAndFollowsTheRulesCommands) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(provisionFirst(world));

    ReprovisionWizard wizard(&world.context(), world.devices());
    wizard.setBaseOptions(WizardWorld::reprovisionOptions());
    int asked = 0;
    wizard.setReclaimConfirmation([&](QWidget *, const QString &) {
        ++asked;
        return true;
    });
    wizard.show();
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs));
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::ComparePage));
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs)) << bannerOf(&wizard)->message().toStdString();
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::ActionPage));
    qobject_cast<ReprovisionActionPage *>(wizard.currentPage())->chooseReclaim(true);
    ASSERT_TRUE(clickForward(&wizard));
    EXPECT_EQ(asked, 1);

    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::TriggerPage));
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs)) << bannerOf(&wizard)->message().toStdString();
    EXPECT_FALSE(wizard.currentPage()->findChild<QRadioButton *>(u"shadowRadio"_s)->isEnabled())
        << "after a reclaim the device is not in device management";
    EXPECT_TRUE(wizard.currentPage()->findChild<QRadioButton *>(u"shellRadio"_s)->isChecked());
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::FollowPage));
    ASSERT_TRUE(waitUntilComplete(&wizard, FollowMs)) << bannerOf(&wizard)->message().toStdString();

    const auto record = recordOf(world, wizard.flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Succeeded) << record->error.toStdString();
    EXPECT_TRUE(record->details.value(u"unclaimed"_s).toBool());
    EXPECT_TRUE(record->details.value(u"reclaimed"_s).toBool());
    EXPECT_TRUE(std::ranges::any_of(record->cloudCalls, [](const auto &call) {
        return call.operation.startsWith(u"DELETE claimed-devices"_s) && call.ok;
    }));
}

TEST(ReprovisionWizard, AsksBeforeAReclaimAndStaysWhenTheOperatorKeepsTheClaim) {
    WizardWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(provisionFirst(world));

    ReprovisionWizard wizard(&world.context(), world.devices());
    wizard.setBaseOptions(WizardWorld::reprovisionOptions());
    QStringList asked;
    bool answer = false;
    wizard.setReclaimConfirmation([&](QWidget *, const QString &id) {
        asked.append(id);
        return answer;
    });
    wizard.show();
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs));
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::ComparePage));
    ASSERT_TRUE(waitUntilComplete(&wizard, StepMs));
    ASSERT_TRUE(clickForward(&wizard));
    ASSERT_TRUE(waitForPage(&wizard, ReprovisionWizard::ActionPage));
    auto *action = qobject_cast<ReprovisionActionPage *>(wizard.currentPage());
    action->chooseReclaim(true);
    EXPECT_EQ(wizard.button(QWizard::CommitButton)->text(), u"&Reclaim…"_s);

    ASSERT_TRUE(clickForward(&wizard));
    EXPECT_EQ(asked, QStringList{world.deviceId()});
    EXPECT_EQ(wizard.currentId(), ReprovisionWizard::ActionPage) << "refused: stay";
    EXPECT_EQ(wizard.flow()->state(), ps::station::Flow::State::Held) << "nothing ran";

    action->chooseReclaim(false);
    ASSERT_TRUE(clickButton(&wizard, QWizard::CancelButton));
    ASSERT_TRUE(QTest::qWaitFor([&] { return wizard.tracker()->isFinished(); }, StepMs));
    const auto record = recordOf(world, wizard.flow()->id());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->verdict, Verdict::Cancelled);
    EXPECT_FALSE(std::ranges::any_of(record->cloudCalls, [](const auto &call) {
        return call.operation.startsWith(u"DELETE"_s);
    })) << "nothing was unclaimed";
}

} // namespace
} // namespace ps::gui::test
