// ClaimFlow against the real provstation-cloudsim and provstation-devsim processes.
#include "station/ClaimFlow.h"

#include "StationWorld.h"
#include "cloud/DeviceApi.h"
#include "cloud/ProvisioningApi.h"

#include <QSignalSpy>
#include <QTest>
#include <csignal>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace ps::station;
using namespace ps::station::test;
using namespace std::chrono_literals;

namespace {

constexpr int FlowDeadline = 120'000;

/// The flow gets the firmware the world's console saw in the boot banner, as a GUI passes it.
FlowSetup setupFor(StationWorld &world, ps::cloud::RestClient *client = nullptr,
                   bool tellFirmware = true) {
    FlowSetup setup;
    if (tellFirmware)
        setup.firmware = world.firmware();
    setup.device = &world.link();
    setup.cloud = client ? client : &world.rest();
    setup.store = &world.store();
    setup.station = StationIdentity{u"it-operator"_s, u"it-station"_s, u"slot-1"_s};
    return setup;
}

ClaimOptions fastOptions(ClaimOptions::Trigger trigger = ClaimOptions::Trigger::Shell) {
    ClaimOptions options;
    options.trigger = trigger;
    options.provisionTimeout = 60s;
    options.verifyTimeout = 30s;
    options.pollInterval = 200ms;
    options.retryDelay = 200ms;
    return options;
}

bool hasCall(const AuditRecord &record, const QString &operation, bool ok) {
    return std::ranges::any_of(record.cloudCalls, [&](const CloudCall &call) {
        return call.operation == operation && call.ok == ok;
    });
}

qsizetype countCalls(const AuditRecord &record, const QString &operation) {
    return std::ranges::count_if(
        record.cloudCalls, [&](const CloudCall &call) { return call.operation == operation; });
}

std::optional<StepRecord> step(const AuditRecord &record, const QString &id) {
    for (const StepRecord &candidate : record.steps) {
        if (candidate.id == id)
            return candidate;
    }
    return std::nullopt;
}

bool claimedBy(StationWorld &world, const QString &key) {
    auto client = world.clientWithKey(key);
    ps::cloud::ProvisioningApi api(*client);
    return QCoro::waitFor(api.getClaimedDevice(world.deviceId())).has_value();
}

} // namespace

TEST(ClaimFlowIntegration, ClaimsProvisionsAndVerifiesAVirtualDevice) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ClaimFlow flow(setupFor(world), fastOptions());
    QStringList progress;
    QObject::connect(&flow, &Flow::stepProgress, &flow,
                     [&](const QString &stepId, const QString &text) {
                         progress.append(stepId + u": "_s + text);
                     });

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    for (const StepRecord &s : record.steps)
        EXPECT_EQ(s.status, StepStatus::Succeeded) << s.id.toStdString();
    EXPECT_EQ(record.device.deviceId, world.deviceId());
    EXPECT_EQ(record.device.imei, world.imei());
    EXPECT_TRUE(record.device.firmware.contains(u"Asset Tracker Template v1.5.0"_s));
    EXPECT_EQ(record.details.value(u"provisionCommand"_s).toString(), u"att_cloud provision"_s);
    EXPECT_TRUE(hasCall(record, u"POST claimed-devices"_s, true)) << describe(record);
    EXPECT_EQ(record.operatorName, u"it-operator"_s);
    // The device went offline for the credential writes and came back: reported, not failed.
    EXPECT_TRUE(progress.join(u'\n').contains(u"normal while provisioning"_s))
        << progress.join(u'\n').toStdString();
    EXPECT_TRUE(world.sawLine(u"Connected to Cloud"_s));

    // The record is in the store, chained, and the cloud agrees.
    auto stored = world.store().recordForFlow(flow.id());
    ASSERT_TRUE(stored.has_value() && stored->has_value());
    EXPECT_EQ((*stored)->verdict, Verdict::Succeeded);
    EXPECT_TRUE(world.store().verify()->isIntact());
    ps::cloud::DeviceApi devices(world.rest());
    auto listed = QCoro::waitFor(devices.listDevices(QStringList{world.deviceId()}));
    ASSERT_TRUE(listed.has_value());
    EXPECT_EQ(listed->size(), 1);
}

TEST(ClaimFlowIntegration, AWrongApiKeyFailsAtTheAccountCheckWithARecord) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    auto wrong = world.clientWithKey(u"not-the-key"_s);
    ClaimFlow flow(setupFor(world, wrong.get()), fastOptions());

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    EXPECT_EQ(record.verdict, Verdict::Failed);
    EXPECT_EQ(record.errorKind, u"refused"_s) << describe(record);
    EXPECT_TRUE(record.error.contains(u"API key"_s)) << record.error.toStdString();
    EXPECT_TRUE(record.error.contains(u"401"_s)) << record.error.toStdString();
    EXPECT_FALSE(record.hint.isEmpty());
    EXPECT_EQ(step(record, u"account"_s)->status, StepStatus::Failed);
    EXPECT_EQ(step(record, u"claim"_s)->status, StepStatus::Pending);
    EXPECT_FALSE(QString::fromUtf8(record.canonicalJson()).contains(u"not-the-key"_s));
    auto failed = world.store().search(AuditQuery{.verdict = Verdict::Failed});
    ASSERT_TRUE(failed.has_value());
    EXPECT_EQ(failed->size(), 1);
}

TEST(ClaimFlowIntegration, ADeviceClaimedByAnotherAccountIsRefusedWithTheReason) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(world.claimWith(QString::fromLatin1(StationWorld::OtherKey)))
        << world.problem().toStdString();
    ClaimFlow flow(setupFor(world), fastOptions());

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    EXPECT_EQ(record.verdict, Verdict::Failed);
    EXPECT_EQ(step(record, u"preflight"_s)->status, StepStatus::Failed) << describe(record);
    EXPECT_TRUE(record.error.contains(u"409"_s)) << record.error.toStdString();
    EXPECT_TRUE(record.error.contains(u"another account"_s)) << record.error.toStdString();
    EXPECT_TRUE(record.hint.contains(u"unclaim"_s)) << record.hint.toStdString();
    EXPECT_EQ(step(record, u"claim"_s)->status, StepStatus::Pending);
    EXPECT_TRUE(claimedBy(world, QString::fromLatin1(StationWorld::OtherKey)));
    EXPECT_FALSE(claimedBy(world, QString::fromLatin1(StationWorld::PrimaryKey)));
}

TEST(ClaimFlowIntegration, TheDryRunRefusesADeviceTheCloudDoesNotKnow) {
    WorldOptions options;
    options.deviceInCloudRegistry = false;
    StationWorld world(options);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ClaimFlow flow(setupFor(world), fastOptions());

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    EXPECT_EQ(record.verdict, Verdict::Failed);
    EXPECT_EQ(step(record, u"preflight"_s)->status, StepStatus::Failed) << describe(record);
    EXPECT_TRUE(record.error.contains(u"400"_s)) << record.error.toStdString();
    EXPECT_TRUE(record.error.contains(u"not a known device"_s)) << record.error.toStdString();
    EXPECT_TRUE(record.hint.contains(u"token"_s)) << record.hint.toStdString();
    EXPECT_TRUE(hasCall(record, u"POST claimed-devices?dryrun=true"_s, false));
    EXPECT_EQ(countCalls(record, u"POST claimed-devices"_s), 0);
    EXPECT_FALSE(claimedBy(world, QString::fromLatin1(StationWorld::PrimaryKey)));
}

TEST(ClaimFlowIntegration, RidesOutACloudThatAnswers500ForAWhile) {
    // The first three rule listings fail with 500; the client sends each request twice, so the
    // account step fails once (two 500s), and its second attempt gets a 500 and then the list.
    WorldOptions options;
    options.cloudSimArguments = {u"--error-count"_s,  u"3"_s,
                                 u"--error-status"_s, u"500"_s,
                                 u"--fault-path"_s,   u"/provisioning/v1/provisioning-rules"_s};
    StationWorld world(options);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    auto client = world.clientWithKey(QString::fromLatin1(StationWorld::PrimaryKey));
    auto settings = client->settings();
    settings.maxAttempts = 2;
    client->setSettings(settings);
    ClaimFlow flow(setupFor(world, client.get()), fastOptions(ClaimOptions::Trigger::None));

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_EQ(step(record, u"account"_s)->attempts, 2);
    const auto failures = std::ranges::count_if(record.cloudCalls, [](const CloudCall &call) {
        return call.operation.contains(u"provisioning-rules"_s) && call.httpStatus == 500;
    });
    EXPECT_EQ(failures, 3) << describe(record);
    EXPECT_TRUE(hasCall(record, u"GET provisioning-rules"_s, true));
    EXPECT_TRUE(claimedBy(world, QString::fromLatin1(StationWorld::PrimaryKey)));
}

TEST(ClaimFlowIntegration, APulledCableDuringProvisioningIsWaitedOutAndTheFlowFinishes) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ClaimFlow flow(setupFor(world), fastOptions());
    QObject::connect(&flow, &Flow::stepStarted, &flow, [&](const QString &stepId, int attempt) {
        if (stepId == u"provision"_s && attempt == 1)
            world.devsim().sendSignal(SIGUSR1);
    });

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    EXPECT_TRUE(world.devsim().waitForLine(u"UNPLUGGED"_s, 0, 100).has_value());
    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_TRUE(claimedBy(world, QString::fromLatin1(StationWorld::PrimaryKey)));
}

TEST(ClaimFlowIntegration, ACableThatStaysOutFailsTheFlowCleanlyBeforeAnyClaim) {
    WorldOptions options;
    options.deviceArguments = {u"--replug-delay"_s, u"600000"_s};
    StationWorld world(options);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    world.devsim().sendSignal(SIGUSR1);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return world.link().state() != ps::device::DeviceLink::State::Open; }, 5000));
    ClaimOptions claimOptions = fastOptions();
    claimOptions.identifyTimeout = 2s;
    ClaimFlow flow(setupFor(world), claimOptions);

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    EXPECT_EQ(record.verdict, Verdict::Failed);
    EXPECT_EQ(record.errorKind, u"unreachable"_s) << describe(record);
    EXPECT_EQ(step(record, u"identify"_s)->attempts, 3);
    EXPECT_EQ(step(record, u"claim"_s)->status, StepStatus::Pending);
    EXPECT_FALSE(claimedBy(world, QString::fromLatin1(StationWorld::PrimaryKey)));
    EXPECT_TRUE(world.store().unfinishedFlows()->isEmpty());
}

TEST(ClaimFlowIntegration, ASecondRunDoesNotClaimTheDeviceAgain) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ClaimFlow first(setupFor(world), fastOptions());
    ASSERT_TRUE(StationWorld::run(first, FlowDeadline));
    ASSERT_EQ(first.verdict(), Verdict::Succeeded) << describe(first.auditRecord());

    ClaimFlow second(setupFor(world), fastOptions());
    ASSERT_TRUE(StationWorld::run(second, FlowDeadline));
    const AuditRecord &record = second.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_EQ(step(record, u"preflight"_s)->status, StepStatus::Skipped);
    EXPECT_EQ(step(record, u"claim"_s)->status, StepStatus::Skipped);
    EXPECT_EQ(step(record, u"provision"_s)->status, StepStatus::Skipped);
    EXPECT_TRUE(step(record, u"claim"_s)->note.contains(u"not claimed again"_s));
    EXPECT_EQ(countCalls(record, u"POST claimed-devices"_s), 0) << describe(record);
    EXPECT_EQ(countCalls(first.auditRecord(), u"POST claimed-devices"_s), 1);
    EXPECT_EQ(world.store().count().value_or(0), 2);
    EXPECT_TRUE(world.store().verify()->isIntact());
}

TEST(ClaimFlowIntegration, ResumesAfterTheStationStoppedRightAfterTheClaim) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    QString flowId;
    {
        // The first run "crashes" as soon as the claim is through: the flow object goes away in
        // the middle of provisioning, leaving an unfinished journal.
        auto first = std::make_unique<ClaimFlow>(setupFor(world), fastOptions());
        flowId = first->id();
        bool claimed = false;
        QObject::connect(first.get(), &Flow::stepFinished, first.get(),
                         [&](const QString &stepId, bool ok) {
                             if (stepId == u"claim"_s && ok)
                                 claimed = true;
                         });
        first->start();
        ASSERT_TRUE(QTest::qWaitFor([&] { return claimed; }, FlowDeadline));
        first.reset();
    }
    auto unfinished = world.store().unfinishedFlows();
    ASSERT_TRUE(unfinished.has_value());
    ASSERT_EQ(unfinished->size(), 1);
    EXPECT_EQ(unfinished->front().flowId, flowId);
    EXPECT_EQ(unfinished->front().device.deviceId, world.deviceId());

    ClaimFlow resumed(setupFor(world), fastOptions());
    auto restored = resumed.restore(flowId);
    ASSERT_TRUE(restored.has_value()) << restored.error().toStdString();
    ASSERT_TRUE(StationWorld::run(resumed, FlowDeadline));
    const AuditRecord &record = resumed.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_EQ(record.flowId, flowId);
    EXPECT_EQ(step(record, u"identify"_s)->attempts, 2); // checked the device again
    EXPECT_EQ(step(record, u"claim"_s)->attempts, 1);    // not claimed again
    EXPECT_EQ(countCalls(record, u"POST claimed-devices"_s), 1);
    EXPECT_EQ(record.details.value(u"resumed"_s).toInt(), 1);
    EXPECT_TRUE(world.store().unfinishedFlows()->isEmpty());
    auto records = world.store().search();
    ASSERT_TRUE(records.has_value());
    EXPECT_EQ(records->size(), 1);
}

TEST(ClaimFlowIntegration, UsesTheOldProvisioningCommandOnFirmwareKnownToBeOld) {
    WorldOptions options;
    options.deviceArguments = {u"--att"_s, u"1.2"_s};
    StationWorld world(options);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(world.firmware().contains(u"v1.2.5"_s)) << world.firmware().toStdString();
    ClaimFlow flow(setupFor(world), fastOptions());

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_TRUE(record.device.firmware.contains(u"v1.2.5"_s));
    EXPECT_EQ(record.details.value(u"provisionCommand"_s).toString(), u"att_cloud_provision now"_s);
    EXPECT_TRUE(world.sawLine(u"att_cloud_provision now"_s));
    EXPECT_FALSE(world.sawLine(u"att_cloud provision"_s));
}

TEST(ClaimFlowIntegration, FindsTheOldProvisioningCommandByTryingWhenTheFirmwareIsUnknown) {
    WorldOptions options;
    options.deviceArguments = {u"--att"_s, u"1.2"_s};
    StationWorld world(options);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ClaimFlow flow(setupFor(world, nullptr, false), fastOptions());

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_TRUE(record.device.firmware.isEmpty());
    EXPECT_EQ(record.details.value(u"provisionCommand"_s).toString(), u"att_cloud_provision now"_s);
    EXPECT_TRUE(world.sawLine(u"att_cloud: command not found"_s));
}

TEST(ClaimFlowIntegration, StopsWithoutAnOnboardingRuleUnlessAllowedToCreateIt) {
    WorldOptions options;
    options.cloudSimArguments = {u"--no-default-rule"_s};
    StationWorld world(options);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();

    ClaimFlow refused(setupFor(world), fastOptions());
    ASSERT_TRUE(StationWorld::run(refused, FlowDeadline));
    EXPECT_EQ(refused.verdict(), Verdict::Failed);
    EXPECT_EQ(refused.auditRecord().errorKind, u"configuration"_s)
        << describe(refused.auditRecord());
    EXPECT_EQ(step(refused.auditRecord(), u"account"_s)->status, StepStatus::Failed);
    EXPECT_TRUE(refused.auditRecord().hint.contains(u"--create-onboarding-rule"_s));
    EXPECT_FALSE(claimedBy(world, QString::fromLatin1(StationWorld::PrimaryKey)));

    ClaimOptions consent = fastOptions();
    consent.createOnboardingRule = true;
    ClaimFlow allowed(setupFor(world), consent);
    ASSERT_TRUE(StationWorld::run(allowed, FlowDeadline));
    const AuditRecord &record = allowed.auditRecord();
    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_EQ(record.details.value(u"ruleCreated"_s), true);
    EXPECT_TRUE(hasCall(record, u"POST provisioning-rules"_s, true));
    ps::cloud::ProvisioningApi api(world.rest());
    auto rules = QCoro::waitFor(api.listRules());
    ASSERT_TRUE(rules.has_value());
    EXPECT_TRUE(std::ranges::any_of(*rules, [](const ps::cloud::ProvisioningRule &rule) {
        return rule.active && rule.tags.contains(QString::fromLatin1(ps::cloud::OnboardingTag));
    }));
}

TEST(ClaimFlowIntegration, CanLeaveTheStartOfProvisioningToTheDeviceItself) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    const qsizetype before = world.lines().size();
    ClaimFlow flow(setupFor(world), fastOptions(ClaimOptions::Trigger::DeviceRetry));

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    EXPECT_FALSE(record.details.contains(u"provisionCommand"_s));
    EXPECT_FALSE(world.sawLine(u"att_cloud provision"_s, before));
    EXPECT_TRUE(world.sawLine(u"Connected to Cloud"_s, before));
}

TEST(ClaimFlowIntegration, ADeviceThatLosesPowerDuringProvisioningIsFollowedThroughItsReboot) {
    StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ClaimFlow flow(setupFor(world), fastOptions());
    QObject::connect(&flow, &Flow::stepStarted, &flow, [&](const QString &stepId, int attempt) {
        if (stepId == u"provision"_s && attempt == 1)
            world.devsim().sendSignal(SIGUSR2); // cable and power: the device boots again
    });

    ASSERT_TRUE(StationWorld::run(flow, FlowDeadline));
    const AuditRecord &record = flow.auditRecord();

    EXPECT_TRUE(world.devsim().waitForLine(u"UNPLUGGED power lost"_s, 0, 100).has_value());
    ASSERT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
    // It booted again (the banner itself went out while the port was away).
    const auto boots = std::ranges::count_if(world.devsim().stdoutLines(), [](const QString &line) {
        return line.startsWith(u"BOOT Asset Tracker Template"_s);
    });
    EXPECT_EQ(boots, 2);
}
