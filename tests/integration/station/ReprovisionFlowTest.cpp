// ReprovisionFlow against the real provstation-cloudsim and provstation-devsim processes.
#include "station/ReprovisionFlow.h"

#include "StationWorld.h"
#include "cloud/ProvisioningApi.h"
#include "station/ClaimFlow.h"

#include <QJsonArray>
#include <QTest>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace ps::station;
using namespace ps::station::test;
using namespace std::chrono_literals;
using ps::cloud::CommandRequest;
using ps::cloud::ProvisioningCommand;

namespace {

constexpr int FlowDeadline = 120'000;

FlowSetup setupFor(StationWorld &world, bool withDevice = true) {
    FlowSetup setup;
    setup.device = withDevice ? &world.link() : nullptr;
    setup.cloud = &world.rest();
    setup.store = &world.store();
    setup.station = StationIdentity{u"it-operator"_s, u"it-station"_s, {}};
    return setup;
}

ReprovisionOptions fastOptions(ReprovisionOptions::Trigger trigger) {
    ReprovisionOptions options;
    options.trigger = trigger;
    options.followTimeout = 60s;
    options.verifyTimeout = 30s;
    options.pollInterval = 200ms;
    options.retryDelay = 200ms;
    return options;
}

/// Claims and provisions the world's device through a ClaimFlow; false with the record's text.
testing::AssertionResult provisioned(StationWorld &world) {
    ClaimOptions options;
    options.provisionTimeout = 60s;
    options.verifyTimeout = 30s;
    options.pollInterval = 200ms;
    ClaimFlow claim(setupFor(world), options);
    if (!StationWorld::run(claim, FlowDeadline))
        return testing::AssertionFailure() << "the claim flow did not finish";
    if (claim.verdict() != Verdict::Succeeded)
        return testing::AssertionFailure() << describe(claim.auditRecord());
    return testing::AssertionSuccess();
}

QList<ProvisioningCommand> commandsOf(StationWorld &world) {
    ps::cloud::ProvisioningApi api(world.rest());
    auto commands = QCoro::waitFor(api.listCommands(world.deviceId()));
    EXPECT_TRUE(commands.has_value());
    return commands.value_or(QList<ProvisioningCommand>());
}

qsizetype pendingKeyGenerations(StationWorld &world) {
    return std::ranges::count_if(commandsOf(world), [](const ProvisioningCommand &command) {
        return !command.isFinal() && command.request &&
               command.request->type == CommandRequest::Type::CloudAccessKeyGeneration;
    });
}

std::optional<StepRecord> step(const AuditRecord &record, const QString &id) {
    for (const StepRecord &candidate : record.steps) {
        if (candidate.id == id)
            return candidate;
    }
    return std::nullopt;
}

} // namespace

TEST(ReprovisionFlowIntegration, GivesTheDeviceANewKeyThroughTheShell) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(provisioned(world));
    const qsizetype before = world.lines().size();

    ReprovisionFlow flow(setupFor(world), fastOptions(ReprovisionOptions::Trigger::Shell));
    QStringList progress;
    QObject::connect(&flow, &Flow::stepProgress, &flow,
                     [&](const QString &stepId, const QString &text) {
                         progress.append(stepId + u": "_s + text);
                     });
    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_EQ(record.kind, u"reprovision"_s);
    EXPECT_TRUE(step(record, u"compare"_s)->note.contains(u"claimed"_s));
    EXPECT_TRUE(step(record, u"compare"_s)->note.contains(u"in device management"_s));
    EXPECT_EQ(record.details.value(u"onboardedBefore"_s), true);
    const QJsonArray ids = record.details.value(u"commandIds"_s).toArray();
    ASSERT_EQ(ids.size(), 1);
    // The command went PENDING -> IN_PROGRESS -> SUCCEEDED in the cloud's view.
    ps::cloud::ProvisioningApi api(world.rest());
    auto command = QCoro::waitFor(api.getCommand(world.deviceId(), ids[0].toString()));
    ASSERT_TRUE(command.has_value());
    EXPECT_EQ(command->status, ProvisioningCommand::Status::Succeeded);
    EXPECT_TRUE(progress.join(u'\n').contains(u"SUCCEEDED"_s))
        << progress.join(u'\n').toStdString();
    EXPECT_TRUE(world.sawLine(u"Connected to Cloud"_s, before));
    EXPECT_TRUE(world.store().verify()->isIntact());
}

TEST(ReprovisionFlowIntegration, GivesTheDeviceANewKeyThroughItsShadow) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(provisioned(world));

    ReprovisionFlow flow(setupFor(world), fastOptions(ReprovisionOptions::Trigger::Shadow));
    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_NE(record.details.value(u"shadowCommandId"_s).toInteger(), 0);
    EXPECT_TRUE(step(record, u"trigger"_s)->note.contains(u"poll_shadow_delta"_s));
    EXPECT_TRUE(std::ranges::any_of(record.cloudCalls, [](const CloudCall &call) {
        return call.operation.startsWith(u"PATCH devices/{id}/state"_s) && call.ok;
    })) << describe(record);
    EXPECT_EQ(pendingKeyGenerations(world), 0);
}

TEST(ReprovisionFlowIntegration, ARerunAdoptsTheCommandAlreadyQueuedInsteadOfQueueingAnother) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(provisioned(world));

    // Nobody tells the device, so the command stays queued and following it times out.
    ReprovisionOptions options = fastOptions(ReprovisionOptions::Trigger::None);
    options.followTimeout = 2s;
    ReprovisionFlow first(setupFor(world), options);
    ASSERT_TRUE(StationWorld::run(first, FlowDeadline));
    EXPECT_EQ(first.verdict(), Verdict::Failed);
    EXPECT_EQ(step(first.auditRecord(), u"follow"_s)->status, StepStatus::Failed)
        << describe(first.auditRecord());
    ASSERT_EQ(pendingKeyGenerations(world), 1);

    ReprovisionFlow second(setupFor(world), fastOptions(ReprovisionOptions::Trigger::Shell));
    ASSERT_TRUE(StationWorld::run(second, FlowDeadline));
    const AuditRecord &record = second.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_EQ(record.details.value(u"commandReused"_s), true);
    EXPECT_EQ(step(record, u"action"_s)->status, StepStatus::Skipped);
    EXPECT_EQ(record.details.value(u"commandIds"_s),
              first.auditRecord().details.value(u"commandIds"_s));
    EXPECT_FALSE(std::ranges::any_of(record.cloudCalls, [](const CloudCall &call) {
        return call.operation == u"POST claimed-devices/{id}/provisioning"_s;
    }));
    EXPECT_EQ(pendingKeyGenerations(world), 0);
}

TEST(ReprovisionFlowIntegration, FindsADeviceByImeiInTheAccountWithoutTheDevice) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(provisioned(world));

    ReprovisionOptions options = fastOptions(ReprovisionOptions::Trigger::None);
    options.imei = world.imei();
    options.followTimeout = 2s;
    ReprovisionFlow flow(setupFor(world, false), options);
    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    EXPECT_EQ(record.device.deviceId, world.deviceId()) << describe(record);
    EXPECT_EQ(step(record, u"identify"_s)->status, StepStatus::Succeeded);
    EXPECT_EQ(step(record, u"action"_s)->status, StepStatus::Succeeded);
    EXPECT_EQ(step(record, u"trigger"_s)->status, StepStatus::Skipped);
    EXPECT_EQ(pendingKeyGenerations(world), 1);
}

TEST(ReprovisionFlowIntegration, RefusesToReclaimWithoutAnExplicitConfirmation) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(world.claimWith(QString::fromLatin1(StationWorld::PrimaryKey)));

    ReprovisionOptions options = fastOptions(ReprovisionOptions::Trigger::Shell);
    options.action = ReprovisionOptions::Action::Reclaim;
    ReprovisionFlow flow(setupFor(world), options);
    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    EXPECT_EQ(record.verdict, Verdict::Failed);
    EXPECT_EQ(record.errorKind, u"configuration"_s) << describe(record);
    EXPECT_TRUE(record.hint.contains(u"--confirm-reclaim"_s));
    EXPECT_EQ(step(record, u"action"_s)->status, StepStatus::Pending);
    // Still claimed: nothing destructive happened.
    ps::cloud::ProvisioningApi api(world.rest());
    EXPECT_TRUE(QCoro::waitFor(api.getClaimedDevice(world.deviceId())).has_value());
}

TEST(ReprovisionFlowIntegration, ReclaimsWhenConfirmedAndProvisionsAgain) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(provisioned(world));

    ReprovisionOptions options = fastOptions(ReprovisionOptions::Trigger::Shell);
    options.action = ReprovisionOptions::Action::Reclaim;
    options.confirmReclaim = true;
    ReprovisionFlow flow(setupFor(world), options);
    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_EQ(record.details.value(u"unclaimed"_s), true);
    EXPECT_EQ(record.details.value(u"reclaimed"_s), true);
    EXPECT_GE(record.details.value(u"commandIds"_s).toArray().size(), 1);
}
