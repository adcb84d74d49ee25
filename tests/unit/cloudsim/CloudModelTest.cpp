#include "cloudsim/CloudModel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <gtest/gtest.h>

using namespace ps::cloudsim;
using namespace Qt::StringLiterals;

namespace {

const QString Owner = u"acct-owner"_s;
const QString Stranger = u"acct-stranger"_s;
const QString DeviceId = u"4d3c2b1a-0000-4000-8000-000000000001"_s;

QJsonObject keyGeneration(qint64 secTag = 16842753) {
    return QJsonObject{{u"cloudAccessKeyGeneration"_s, QJsonObject{{u"secTag"_s, double(secTag)}}}};
}

QJsonObject finishedRequest() {
    return QJsonObject{{u"finished"_s, QJsonObject()}};
}

QJsonObject parse(const char *json) {
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

CloudModel::ClaimInput input(const QString &deviceId = DeviceId,
                             QStringList tags = {u"nrf-cloud-onboarding"_s}) {
    return CloudModel::ClaimInput{.deviceId = deviceId,
                                  .deviceType = 6,
                                  .firmwareId = u"7b36a1e2-5c4d-4f8e-9a2b-3c1d0e6f5a49"_s,
                                  .imei = u"352669100000017"_s,
                                  .tags = std::move(tags)};
}

/// A model where Owner has the default onboarding rule and has claimed DeviceId.
struct ClaimedModel {
    CloudModel model;
    ClaimedModel() {
        model.ensureDefaultRule(Owner);
        auto claimed = model.claim(Owner, input(), false);
        EXPECT_TRUE(claimed.has_value());
    }
};

} // namespace

TEST(CloudModel, ClaimWithTheOnboardingTagQueuesTheRuleCommandsInOrder) {
    ClaimedModel fixture;
    auto commands = fixture.model.commands(Owner, DeviceId);
    ASSERT_TRUE(commands.has_value());
    ASSERT_EQ(commands->size(), 2);
    EXPECT_EQ(commands->at(0).request, keyGeneration());
    EXPECT_EQ(commands->at(1).request, finishedRequest());
    EXPECT_EQ(commands->at(0).status, CommandStatus::Pending);
}

TEST(CloudModel, ClaimWithoutAMatchingTagQueuesNothing) {
    CloudModel model;
    model.ensureDefaultRule(Owner);
    ASSERT_TRUE(model.claim(Owner, input(DeviceId, {u"other"_s}), false));
    EXPECT_TRUE(model.commands(Owner, DeviceId)->isEmpty());
    EXPECT_EQ(model.provisioningStatus(DeviceId), u"CLAIMED"_s);
}

TEST(CloudModel, ClaimingADeviceOfAnotherAccountIsAConflictThatNamesTheOtherAccount) {
    ClaimedModel fixture;
    auto second = fixture.model.claim(Stranger, input(), false);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().kind, ModelError::Kind::Conflict);
    EXPECT_TRUE(second.error().message.contains(u"another account"_s));
}

TEST(CloudModel, DryRunChecksWithoutClaiming) {
    CloudModel model;
    ASSERT_TRUE(model.claim(Owner, input(), true));
    EXPECT_FALSE(model.claimOfDevice(DeviceId).has_value());
}

TEST(CloudModel, ADeviceClaimedByAnotherAccountLooksAbsent) {
    ClaimedModel fixture;
    EXPECT_FALSE(fixture.model.claim(Stranger, DeviceId).has_value());
    EXPECT_EQ(fixture.model.commands(Stranger, DeviceId).error().kind, ModelError::Kind::NotFound);
    EXPECT_EQ(fixture.model.unclaim(Stranger, DeviceId).error().kind, ModelError::Kind::NotFound);
}

TEST(CloudModel, UnclaimRemovesTheClaimItsCommandsAndItsShadow) {
    ClaimedModel fixture;
    ASSERT_TRUE(fixture.model.onboard(DeviceId, {}));
    ASSERT_TRUE(fixture.model.unclaim(Owner, DeviceId));
    EXPECT_FALSE(fixture.model.claimOfDevice(DeviceId));
    EXPECT_TRUE(fixture.model.devices(Owner).isEmpty());
    EXPECT_TRUE(fixture.model.commandsForDevice(DeviceId, {}).isEmpty());
}

TEST(CloudModel, TheTwentyFirstQueuedCommandIsRefused) {
    CloudModel model;
    ASSERT_TRUE(model.claim(Owner, input(DeviceId, {}), false));
    for (int i = 0; i < CloudModel::MaxQueuedCommands; ++i)
        ASSERT_TRUE(model.createCommand(Owner, DeviceId, {}, keyGeneration(100 + i))) << i;
    auto refused = model.createCommand(Owner, DeviceId, {}, keyGeneration());
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().kind, ModelError::Kind::LimitReached);
}

TEST(CloudModel, FinishedCommandsNoLongerCountAgainstTheLimit) {
    CloudModel model;
    ASSERT_TRUE(model.claim(Owner, input(DeviceId, {}), false));
    for (int i = 0; i < CloudModel::MaxQueuedCommands; ++i)
        ASSERT_TRUE(model.createCommand(Owner, DeviceId, {}, finishedRequest()));
    const QList<DeviceCommand> handed = model.commandsForDevice(DeviceId, {}, 1);
    ASSERT_EQ(handed.size(), 1);
    ASSERT_TRUE(model.recordResponse(DeviceId, {.correlationId = handed[0].correlationId,
                                                .type = DeviceResponse::Type::FinishedAck}));
    EXPECT_TRUE(model.createCommand(Owner, DeviceId, {}, finishedRequest()));
}

TEST(CloudModel, CommandsForDeviceHandsOutOpenCommandsAfterTheGivenIdAndMarksThemInProgress) {
    ClaimedModel fixture;
    const QList<DeviceCommand> all = fixture.model.commandsForDevice(DeviceId, {});
    ASSERT_EQ(all.size(), 2);
    EXPECT_EQ(all[0].type, DeviceCommand::Type::At);
    EXPECT_EQ(all[1].type, DeviceCommand::Type::Finished);
    EXPECT_EQ(fixture.model.command(Owner, DeviceId, all[0].correlationId)->status,
              CommandStatus::InProgress);

    const QList<DeviceCommand> afterFirst =
        fixture.model.commandsForDevice(DeviceId, all[0].correlationId);
    ASSERT_EQ(afterFirst.size(), 1);
    EXPECT_EQ(afterFirst[0].correlationId, all[1].correlationId);
    EXPECT_EQ(fixture.model.commandsForDevice(DeviceId, u"unknown-id"_s).size(), 2);
    EXPECT_TRUE(fixture.model.commandsForDevice(u"not-claimed"_s, {}).isEmpty());
}

TEST(CloudModel, AKeyGenerationAnswerSucceedsAndPutsTheDeviceIntoDeviceManagement) {
    ClaimedModel fixture;
    const QList<DeviceCommand> commands = fixture.model.commandsForDevice(DeviceId, {});
    ASSERT_TRUE(fixture.model.recordResponse(
        DeviceId, {.correlationId = commands[0].correlationId,
                   .type = DeviceResponse::Type::AtOutput,
                   .output = u"%KEYGEN: \"MFkwEwYHKoZI.0oRDoQEmoQRBIfZYQ\""_s}));
    auto first = fixture.model.command(Owner, DeviceId, commands[0].correlationId);
    EXPECT_EQ(first->status, CommandStatus::Succeeded);
    EXPECT_EQ(first->response.value(u"output"_s).toString(),
              u"%KEYGEN: \"MFkwEwYHKoZI.0oRDoQEmoQRBIfZYQ\""_s);
    auto device = fixture.model.device(Owner, DeviceId);
    ASSERT_TRUE(device.has_value());
    EXPECT_EQ(device->cloudAccessKey, u"MFkwEwYHKoZI"_s);
    EXPECT_EQ(fixture.model.provisioningStatus(DeviceId), u"PROVISIONING"_s);
}

TEST(CloudModel, AnErrorAnswerFailsTheCommandAndEveryCommandAfterIt) {
    ClaimedModel fixture;
    const QList<DeviceCommand> commands = fixture.model.commandsForDevice(DeviceId, {});
    ASSERT_TRUE(fixture.model.recordResponse(DeviceId, {.correlationId = commands[0].correlationId,
                                                        .type = DeviceResponse::Type::Error,
                                                        .cmeError = 518,
                                                        .message = u"not allowed"_s}));
    auto failed = fixture.model.command(Owner, DeviceId, commands[0].correlationId);
    EXPECT_EQ(failed->status, CommandStatus::Failed);
    EXPECT_EQ(failed->response.value(u"cmeError"_s).toInt(), 518);
    EXPECT_EQ(fixture.model.command(Owner, DeviceId, commands[1].correlationId)->status,
              CommandStatus::Failed);
    EXPECT_TRUE(fixture.model.commandsForDevice(DeviceId, {}).isEmpty());
    EXPECT_EQ(fixture.model.provisioningStatus(DeviceId), u"PROVISIONING_FAILED"_s);
    EXPECT_FALSE(fixture.model.device(Owner, DeviceId).has_value());
}

TEST(CloudModel, AResponseOfTheWrongTypeIsRefusedAndARepeatedOneIsIgnored) {
    ClaimedModel fixture;
    const QList<DeviceCommand> commands = fixture.model.commandsForDevice(DeviceId, {});
    auto wrong = fixture.model.recordResponse(DeviceId, {.correlationId = commands[1].correlationId,
                                                         .type = DeviceResponse::Type::AtOutput});
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().kind, ModelError::Kind::Invalid);

    const DeviceResponse ack{.correlationId = commands[1].correlationId,
                             .type = DeviceResponse::Type::FinishedAck};
    ASSERT_TRUE(fixture.model.recordResponse(DeviceId, ack));
    EXPECT_TRUE(fixture.model.recordResponse(DeviceId, ack));
    EXPECT_EQ(fixture.model.recordResponse(DeviceId, {.correlationId = u"nope"_s}).error().kind,
              ModelError::Kind::NotFound);
}

TEST(CloudModel, EveryChangeIsAnnouncedForPersistence) {
    CloudModel model;
    QSignalSpy changed(&model, &CloudModel::changed);
    QSignalSpy queued(&model, &CloudModel::commandsQueued);
    model.ensureDefaultRule(Owner);
    ASSERT_TRUE(model.claim(Owner, input(), false));
    EXPECT_EQ(changed.count(), 2);
    ASSERT_EQ(queued.count(), 1);
    EXPECT_EQ(queued.at(0).at(0).toString(), DeviceId);
}

TEST(CloudModel, DefaultRuleIsMadeOncePerAccount) {
    CloudModel model;
    model.ensureDefaultRule(Owner);
    model.ensureDefaultRule(Owner);
    model.ensureDefaultRule(Stranger);
    ASSERT_EQ(model.rules(Owner).size(), 1);
    EXPECT_EQ(model.rules(Owner).at(0).name, u"nrf-cloud-onboarding"_s);
    EXPECT_EQ(model.rules(Stranger).size(), 1);
}

TEST(CloudModel, RulesAreValidatedAndNamesAreUniquePerAccount) {
    CloudModel model;
    const QJsonArray good{QJsonObject{{u"request"_s, finishedRequest()}}};
    EXPECT_TRUE(model.createRule(Owner, u"r"_s, {}, true, good, {u"t"_s}));
    EXPECT_EQ(model.createRule(Owner, u"r"_s, {}, true, good, {u"t"_s}).error().kind,
              ModelError::Kind::Conflict);
    EXPECT_TRUE(model.createRule(Stranger, u"r"_s, {}, true, good, {u"t"_s}));
    const QJsonArray bad{QJsonObject{{u"request"_s, QJsonObject{{u"reboot"_s, QJsonObject()}}}}};
    auto refused = model.createRule(Owner, u"s"_s, {}, true, bad, {u"t"_s});
    ASSERT_FALSE(refused.has_value());
    EXPECT_TRUE(refused.error().message.contains(u"reboot"_s));
    EXPECT_FALSE(model.createRule(Owner, u"u"_s, {}, true, good, {}));
}

TEST(CloudModel, StateIsOnlyPatchedForOnboardedDevicesOfTheAccount) {
    ClaimedModel fixture;
    EXPECT_EQ(fixture.model.patchState(Owner, DeviceId, QJsonObject(), std::nullopt).error().kind,
              ModelError::Kind::NotFound);
    ASSERT_TRUE(fixture.model.onboard(DeviceId, {}));
    EXPECT_FALSE(fixture.model.patchState(Stranger, DeviceId, QJsonObject(), std::nullopt));
    auto patched = fixture.model.patchState(Owner, DeviceId, parse(R"({"a":1})"), std::nullopt);
    ASSERT_TRUE(patched.has_value());
    EXPECT_EQ(patched->version, 1);
}

struct MergeCase {
    const char *name;
    const char *target;
    const char *patch;
    const char *expected;
};

class ShadowMerge : public testing::TestWithParam<MergeCase> {};

TEST_P(ShadowMerge, MergesObjectsAndDeletesNullKeys) {
    const MergeCase &c = GetParam();
    EXPECT_EQ(CloudModel::merged(parse(c.target), parse(c.patch)), parse(c.expected));
}

INSTANTIATE_TEST_SUITE_P(
    CloudModel, ShadowMerge,
    testing::Values(MergeCase{"AddsKeys", R"({"a":1})", R"({"b":2})", R"({"a":1,"b":2})"},
                    MergeCase{"ReplacesValues", R"({"a":1})", R"({"a":[1,5]})", R"({"a":[1,5]})"},
                    MergeCase{"NullDeletes", R"({"a":1,"b":2})", R"({"a":null})", R"({"b":2})"},
                    MergeCase{"NullOfAMissingKeyIsHarmless", R"({"a":1})", R"({"z":null})",
                              R"({"a":1})"},
                    MergeCase{"NestedObjectsMerge", R"({"c":{"x":1,"y":2}})",
                              R"({"c":{"y":null,"z":3}})", R"({"c":{"x":1,"z":3}})"},
                    MergeCase{"NewObjectsDropTheirNulls", R"({})", R"({"c":{"x":null,"y":1}})",
                              R"({"c":{"y":1}})"}),
    [](const testing::TestParamInfo<MergeCase> &param) { return std::string(param.param.name); });

struct DeltaCase {
    const char *name;
    const char *desired;
    const char *reported;
    const char *expected;
};

class ShadowDelta : public testing::TestWithParam<DeltaCase> {};

TEST_P(ShadowDelta, HoldsDesiredValuesThatDifferFromReportedOnes) {
    const DeltaCase &c = GetParam();
    EXPECT_EQ(CloudModel::delta(parse(c.desired), parse(c.reported)), parse(c.expected));
}

INSTANTIATE_TEST_SUITE_P(
    CloudModel, ShadowDelta,
    testing::Values(DeltaCase{"EqualValuesMakeNoDelta", R"({"command":[1,7]})",
                              R"({"command":[1,7]})", "{}"},
                    DeltaCase{"ANewIdMakesADelta", R"({"command":[1,8]})", R"({"command":[1,7]})",
                              R"({"command":[1,8]})"},
                    DeltaCase{"AMissingReportedKeyMakesADelta", R"({"command":[1,8]})", "{}",
                              R"({"command":[1,8]})"},
                    DeltaCase{"NestedObjectsCompareKeyByKey", R"({"cfg":{"a":1,"b":2}})",
                              R"({"cfg":{"a":1,"b":3}})", R"({"cfg":{"b":2}})"}),
    [](const testing::TestParamInfo<DeltaCase> &param) { return std::string(param.param.name); });

struct TranslationCase {
    const char *name;
    const char *request;
    DeviceCommand::Type type;
    const char *atCommand;
    const char *atParameters;
};

class DeviceCommandTranslation : public testing::TestWithParam<TranslationCase> {};

TEST_P(DeviceCommandTranslation, TurnsARestRequestIntoWhatTheModemRuns) {
    const TranslationCase &c = GetParam();
    auto command = CloudModel::deviceCommandFor(u"corr-1"_s, parse(c.request));
    ASSERT_TRUE(command.has_value()) << command.error().toStdString();
    EXPECT_EQ(command->correlationId, u"corr-1"_s);
    EXPECT_EQ(command->type, c.type);
    EXPECT_EQ(command->atCommand, QString::fromUtf8(c.atCommand));
    EXPECT_EQ(command->atParameters, QString::fromUtf8(c.atParameters));
}

INSTANTIATE_TEST_SUITE_P(
    CloudModel, DeviceCommandTranslation,
    testing::Values(
        TranslationCase{"CloudAccessKey", R"({"cloudAccessKeyGeneration":{"secTag":16842753}})",
                        DeviceCommand::Type::At, "%KEYGEN", "16842753,2,1"},
        TranslationCase{"ClientPrivateKey", R"({"clientPrivateKeyGeneration":{"secTag":42}})",
                        DeviceCommand::Type::At, "%KEYGEN", "42,2,0"},
        TranslationCase{
            "Csr",
            R"({"certificateSigningRequest":{"secTag":42,"attributes":"O=Nordic","keyUsage":"101010000"}})",
            DeviceCommand::Type::At, "%KEYGEN", R"(42,2,0,"O=Nordic","101010000")"},
        TranslationCase{
            "ServerCertificate",
            R"({"serverCertificate":{"secTag":7,"content":"-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n"}})",
            DeviceCommand::Type::At, "%CMNG",
            "0,7,0,\"-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\""},
        TranslationCase{
            "ClientCertificate",
            R"({"clientCertificate":{"secTag":7,"content":"-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----"}})",
            DeviceCommand::Type::At, "%CMNG",
            "0,7,1,\"-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\""},
        TranslationCase{"Finished", R"({"finished":{}})", DeviceCommand::Type::Finished, "", ""}),
    [](const testing::TestParamInfo<TranslationCase> &param) {
        return std::string(param.param.name);
    });

class InvalidCommandRequest : public testing::TestWithParam<const char *> {};

TEST_P(InvalidCommandRequest, IsRefusedWithAReason) {
    auto command = CloudModel::deviceCommandFor(u"c"_s, parse(GetParam()));
    ASSERT_FALSE(command.has_value());
    EXPECT_FALSE(command.error().isEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    CloudModel, InvalidCommandRequest,
    testing::Values(R"({})", R"({"finished":{},"cloudAccessKeyGeneration":{"secTag":1}})",
                    R"({"reboot":{}})", R"({"cloudAccessKeyGeneration":{}})",
                    R"({"cloudAccessKeyGeneration":{"secTag":-1}})",
                    R"({"cloudAccessKeyGeneration":{"secTag":1.5}})",
                    R"({"cloudAccessKeyGeneration":{"secTag":"16842753"}})",
                    R"({"serverCertificate":{"secTag":1,"content":"not a pem"}})",
                    R"({"finished":5})"));

TEST(CloudModel, StateSurvivesAJsonRoundTrip) {
    ClaimedModel fixture;
    const QList<DeviceCommand> commands = fixture.model.commandsForDevice(DeviceId, {});
    ASSERT_TRUE(fixture.model.recordResponse(DeviceId, {.correlationId = commands[0].correlationId,
                                                        .type = DeviceResponse::Type::AtOutput,
                                                        .output = u"%KEYGEN: \"key.cose\""_s}));
    ASSERT_TRUE(
        fixture.model.patchState(Owner, DeviceId, parse(R"({"command":[1,3]})"), std::nullopt));

    CloudModel restored;
    ASSERT_TRUE(restored.loadJson(
        QJsonDocument::fromJson(QJsonDocument(fixture.model.toJson()).toJson()).object()));
    EXPECT_EQ(restored.toJson(), fixture.model.toJson());
    EXPECT_EQ(restored.claim(Owner, DeviceId)->imei, u"352669100000017"_s);
    EXPECT_EQ(restored.command(Owner, DeviceId, commands[0].correlationId)->status,
              CommandStatus::Succeeded);
    EXPECT_EQ(restored.device(Owner, DeviceId)->desired, parse(R"({"command":[1,3]})"));
}

TEST(CloudModel, AStateOfAnotherVersionIsRefused) {
    CloudModel model;
    auto loaded = model.loadJson(parse(R"({"version":7})"));
    ASSERT_FALSE(loaded.has_value());
    EXPECT_TRUE(loaded.error().contains(u"version"_s));
}
