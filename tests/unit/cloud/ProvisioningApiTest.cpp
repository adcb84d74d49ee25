// ProvisioningApi against the stand-in: every call, every error the service gives, paging.
#include "cloud/ProvisioningApi.h"

#include "CloudTestSupport.h"

#include <QCoro/QCoroTask>
#include <gtest/gtest.h>

using namespace ps::cloud;
using namespace ps::cloudtest;
using namespace ps::simtest;
using namespace Qt::StringLiterals;

namespace {

class ProvisioningApiTest : public testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(setup.client) << setup.sim.startError().toStdString(); }

    ProvisioningApi api() { return ProvisioningApi(*setup.client); }

    ClaimedDevice claim(const TestDevice &device) {
        auto claimed = QCoro::waitFor(api().claim(device.attestationToken()));
        EXPECT_TRUE(claimed.has_value()) << claimed.error().toString().toStdString();
        return claimed.value_or(ClaimedDevice{});
    }

    ClientAndSim setup;
};

} // namespace

TEST_F(ProvisioningApiTest, ClaimsADeviceWithItsAttestationToken) {
    const TestDevice device = setup.sim.registerDevice(4);
    const ClaimedDevice claimed = claim(device);
    EXPECT_EQ(claimed.id, device.uuid());
    EXPECT_EQ(claimed.imei, device.imei());
    EXPECT_EQ(claimed.deviceType, u"nrf9161_LACA"_s);
    EXPECT_EQ(claimed.ownerId, RunningSim::primaryOwner());
    EXPECT_EQ(claimed.tags, QStringList{u"nrf-cloud-onboarding"_s});
    EXPECT_TRUE(claimed.claimedAt.isValid());
    EXPECT_TRUE(claimed.raw.contains(u"firmwareId"_s));
}

TEST_F(ProvisioningApiTest, AClaimWithTheOnboardingTagQueuesTheRuleCommands) {
    const TestDevice device = setup.sim.registerDevice();
    claim(device);
    auto commands = QCoro::waitFor(api().listCommands(device.uuid()));
    ASSERT_TRUE(commands.has_value()) << commands.error().toString().toStdString();
    ASSERT_EQ(commands->size(), 2);
    EXPECT_EQ(commands->at(0).request, CommandRequest::cloudAccessKeyGeneration());
    EXPECT_EQ(commands->at(1).request, CommandRequest::finished());
    EXPECT_EQ(commands->at(0).status, ProvisioningCommand::Status::Pending);
    EXPECT_FALSE(commands->at(0).isFinal());
}

TEST_F(ProvisioningApiTest, DryRunSaysWhetherTheDeviceCouldBeClaimed) {
    const TestDevice device = setup.sim.registerDevice();
    auto check = QCoro::waitFor(api().claimDryRun(device.attestationToken()));
    EXPECT_TRUE(check.has_value()) << check.error().toString().toStdString();
    EXPECT_FALSE(setup.sim.model().claimOfDevice(device.uuid()).has_value());

    claim(device);
    auto again = QCoro::waitFor(api().claimDryRun(device.attestationToken()));
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().httpStatus, 409);
    EXPECT_TRUE(again.error().message.contains(u"already claimed by this account"_s));
}

TEST_F(ProvisioningApiTest, ADeviceOfAnotherAccountCannotBeClaimed) {
    const TestDevice device = setup.sim.registerDevice();
    setup.client->setApiKey(RunningSim::otherKey());
    claim(device);
    setup.client->setApiKey(RunningSim::primaryKey());

    auto claimed = QCoro::waitFor(api().claim(device.attestationToken()));
    ASSERT_FALSE(claimed.has_value());
    const ApiError &error = claimed.error();
    EXPECT_EQ(error.httpStatus, 409);
    EXPECT_EQ(error.message,
              u"Device %1 is claimed by another account; it must be unclaimed there first."_s.arg(
                  device.uuid()));
    EXPECT_TRUE(error.hint.contains(u"must unclaim it first"_s));
    EXPECT_EQ(error.attempts, 1);
}

struct BadTokenCase {
    const char *name;
    std::function<QString(RunningSim &)> token;
    const char *mentions;
};

class ProvisioningApiBadToken : public testing::TestWithParam<BadTokenCase> {};

TEST_P(ProvisioningApiBadToken, FailsWith400AndIsNotRetried) {
    ClientAndSim setup;
    ASSERT_TRUE(setup.client);
    const QString token = GetParam().token(setup.sim);
    auto claimed = QCoro::waitFor(ProvisioningApi(*setup.client).claim(token));
    ASSERT_FALSE(claimed.has_value());
    const ApiError &error = claimed.error();
    EXPECT_EQ(error.httpStatus, 400);
    EXPECT_EQ(error.attempts, 1);
    EXPECT_FALSE(error.retryable);
    EXPECT_TRUE(error.message.contains(QString::fromUtf8(GetParam().mentions)))
        << error.message.toStdString();
    EXPECT_TRUE(error.hint.contains(u"fresh attestation token"_s));
}

INSTANTIATE_TEST_SUITE_P(
    ProvisioningApi, ProvisioningApiBadToken,
    testing::Values(
        BadTokenCase{"Malformed", [](RunningSim &) { return u"bm90IGEgdG9rZW4.AAAA"_s; }, "part 1"},
        BadTokenCase{"UnknownDevice",
                     [](RunningSim &) { return TestDevice::create().attestationToken(); },
                     "not a known device"},
        BadTokenCase{"WrongSignature",
                     [](RunningSim &sim) {
                         return sim.registerDevice().attestationTokenSignedBy(TestDevice::create());
                     },
                     "does not verify"}),
    [](const testing::TestParamInfo<BadTokenCase> &param) {
        return std::string(param.param.name);
    });

TEST_F(ProvisioningApiTest, UnclaimReleasesTheDeviceAndASecondUnclaimIsNotFound) {
    const TestDevice device = setup.sim.registerDevice();
    claim(device);
    auto released = QCoro::waitFor(api().unclaim(device.uuid()));
    EXPECT_TRUE(released.has_value()) << released.error().toString().toStdString();
    EXPECT_FALSE(setup.sim.model().claimOfDevice(device.uuid()).has_value());

    auto again = QCoro::waitFor(api().unclaim(device.uuid()));
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().httpStatus, 404);
    EXPECT_TRUE(again.error().hint.contains(u"nothing to unclaim"_s));
    EXPECT_EQ(again.error().attempts, 1);
}

TEST(ProvisioningApi, ListsEveryClaimedDeviceAcrossPages) {
    ClientAndSim setup({}, [](CloudSettings &settings) { settings.pageLimit = 2; });
    QStringList ids;
    for (int i = 0; i < 5; ++i)
        ids.append(setup.claimedDevice().uuid());
    auto listed = QCoro::waitFor(ProvisioningApi(*setup.client).listClaimedDevices());
    ASSERT_TRUE(listed.has_value()) << listed.error().toString().toStdString();
    QStringList listedIds;
    for (const ClaimedDevice &device : *listed)
        listedIds.append(device.id);
    EXPECT_EQ(listedIds, ids);
    EXPECT_EQ(setup.sim.sim().https().requestCount(), 3);
}

TEST(ProvisioningApi, AFailingPageFailsTheWholeList) {
    ClientAndSim setup({}, [](CloudSettings &settings) {
        settings.pageLimit = 1;
        settings.maxAttempts = 1;
    });
    setup.claimedDevice();
    setup.claimedDevice();
    // The first page gets through, the second gets the error.
    setup.sim.sim().faults().setPlan({.errorCount = 1, .skipCount = 1});
    auto listed = QCoro::waitFor(ProvisioningApi(*setup.client).listClaimedDevices());
    ASSERT_FALSE(listed.has_value());
    EXPECT_EQ(listed.error().httpStatus, 503);
    EXPECT_EQ(setup.sim.sim().https().requestCount(), 2);
}

TEST_F(ProvisioningApiTest, GetsOneClaimedDeviceOr404) {
    const TestDevice device = setup.claimedDevice();
    auto found = QCoro::waitFor(api().getClaimedDevice(device.uuid()));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, device.uuid());
    auto missing = QCoro::waitFor(api().getClaimedDevice(TestDevice::create().uuid()));
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().httpStatus, 404);
    EXPECT_TRUE(missing.error().hint.contains(u"claim it"_s));
}

TEST_F(ProvisioningApiTest, CreatesACommandAndFollowsItsStatusToTheEnd) {
    const TestDevice device = setup.sim.registerDevice();
    setup.sim.model().claim(RunningSim::primaryOwner(), {.deviceId = device.uuid()}, false);
    auto id = QCoro::waitFor(api().createCommand(
        device.uuid(), CommandRequest::cloudAccessKeyGeneration(), u"reprovision"_s));
    ASSERT_TRUE(id.has_value()) << id.error().toString().toStdString();

    auto pending = QCoro::waitFor(api().getCommand(device.uuid(), *id));
    ASSERT_TRUE(pending.has_value());
    EXPECT_EQ(pending->status, ProvisioningCommand::Status::Pending);
    EXPECT_EQ(pending->description, u"reprovision"_s);
    EXPECT_EQ(pending->request, CommandRequest::cloudAccessKeyGeneration());

    ASSERT_EQ(setup.sim.provisionDevice(device.uuid()), 1);
    auto done = QCoro::waitFor(api().getCommand(device.uuid(), *id));
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(done->status, ProvisioningCommand::Status::Succeeded);
    EXPECT_TRUE(done->isFinal());
    EXPECT_TRUE(done->response.value(u"output"_s).toString().startsWith(u"%KEYGEN:"_s));

    auto unknown = QCoro::waitFor(api().getCommand(device.uuid(), u"no-such-command"_s));
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().httpStatus, 404);
}

TEST_F(ProvisioningApiTest, TheTwentyFirstQueuedCommandIsRefusedWith400) {
    const TestDevice device = setup.sim.registerDevice();
    setup.sim.model().claim(RunningSim::primaryOwner(), {.deviceId = device.uuid()}, false);
    for (int i = 0; i < 20; ++i) {
        auto id = QCoro::waitFor(api().createCommand(device.uuid(), CommandRequest::finished()));
        ASSERT_TRUE(id.has_value()) << i << id.error().toString().toStdString();
    }
    auto refused = QCoro::waitFor(api().createCommand(device.uuid(), CommandRequest::finished()));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().httpStatus, 400);
    EXPECT_TRUE(refused.error().message.contains(u"20 queued"_s));
    EXPECT_TRUE(refused.error().hint.contains(u"at most 20"_s));
    EXPECT_EQ(refused.error().attempts, 1);
}

TEST_F(ProvisioningApiTest, CommandsForADeviceOfAnotherAccountAreNotFound) {
    const TestDevice device = setup.sim.registerDevice();
    setup.sim.model().claim(RunningSim::otherOwner(), {.deviceId = device.uuid()}, false);
    auto refused = QCoro::waitFor(api().createCommand(device.uuid(), CommandRequest::finished()));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().httpStatus, 404);
}

TEST_F(ProvisioningApiTest, ListsAndCreatesRules) {
    auto rules = QCoro::waitFor(api().listRules());
    ASSERT_TRUE(rules.has_value());
    ASSERT_EQ(rules->size(), 1);
    EXPECT_EQ(rules->at(0).name, u"nrf-cloud-onboarding"_s);
    EXPECT_EQ(rules->at(0).commands, ProvisioningRule::defaultOnboardingRule().commands);

    ProvisioningRule rule;
    rule.name = u"certificates"_s;
    rule.tags = {u"factory-line-2"_s};
    rule.commands = {CommandRequest::clientPrivateKeyGeneration(42), CommandRequest::finished()};
    auto created = QCoro::waitFor(api().createRule(rule));
    ASSERT_TRUE(created.has_value()) << created.error().toString().toStdString();
    EXPECT_FALSE(created->id.isEmpty());
    EXPECT_EQ(created->commands, rule.commands);

    auto duplicate = QCoro::waitFor(api().createRule(rule));
    ASSERT_FALSE(duplicate.has_value());
    EXPECT_EQ(duplicate.error().httpStatus, 409);
    EXPECT_EQ(QCoro::waitFor(api().listRules())->size(), 2);
}

TEST(ProvisioningApi, EnsureOnboardingRuleCreatesTheRuleOnlyWhenMissing) {
    ClientAndSim setup(
        [](ps::cloudsim::CloudSimOptions &options) { options.defaultOnboardingRule = false; });
    ASSERT_TRUE(setup.client);
    ProvisioningApi api(*setup.client);
    ASSERT_TRUE(QCoro::waitFor(api.listRules())->isEmpty());
    auto first = QCoro::waitFor(api.ensureOnboardingRule());
    ASSERT_TRUE(first.has_value()) << first.error().toString().toStdString();
    auto second = QCoro::waitFor(api.ensureOnboardingRule());
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->id, first->id);
    EXPECT_EQ(QCoro::waitFor(api.listRules())->size(), 1);

    // A claim with the tag now queues the rule's commands.
    const TestDevice device = setup.sim.registerDevice();
    ASSERT_TRUE(QCoro::waitFor(api.claim(device.attestationToken())));
    EXPECT_EQ(QCoro::waitFor(api.listCommands(device.uuid()))->size(), 2);
}

TEST(ProvisioningApi, ACallOutlivingItsClientEndsWithAnError) {
    auto client = std::make_unique<RestClient>(CloudSettings{});
    ProvisioningApi api(*client);
    client.reset();
    auto rules = QCoro::waitFor(api.listRules());
    ASSERT_FALSE(rules.has_value());
    EXPECT_EQ(rules.error().kind, ApiError::Kind::Configuration);
}
