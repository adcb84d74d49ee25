// The stand-in's CoAP endpoints without a transport: requests go straight into CoapService, and
// command lists and response lists are encoded and decoded with the firmware client's codec.
#include "cloudsim/coap/CoapService.h"

#include "CoapTestSupport.h"
#include "cloudsim/CloudModel.h"
#include "cloudsim/DeviceRegistry.h"
#include "provclient/messages.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUuid>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace ps::cloudsim;
using ps::coaptest::EcTestKey;

namespace {

constexpr auto Owner = "acct-coap-test";

QString newDeviceId() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces).toLower();
}

QString codeOf(const CoapReply &reply) {
    return coap::codeText(reply.code);
}

/// The command list a device decodes from a p/cmd answer; strings copied out of the payload.
struct DecodedCommand {
    QString correlationId;
    int type = -1;
    QString setCommand;
    QString parameters;
};

std::vector<DecodedCommand> decodeCommands(const QByteArray &payload) {
    auto list = std::make_unique<prov_command_list>();
    EXPECT_EQ(prov_decode_command_list(reinterpret_cast<const uint8_t *>(payload.constData()),
                                       size_t(payload.size()), list.get()),
              PROV_CODEC_OK);
    std::vector<DecodedCommand> commands;
    for (size_t i = 0; i < list->count; ++i) {
        const prov_command &c = list->items[i];
        commands.push_back({QString::fromUtf8(c.corr_id.ptr, qsizetype(c.corr_id.len)), int(c.type),
                            QString::fromUtf8(c.set_command.ptr, qsizetype(c.set_command.len)),
                            QString::fromUtf8(c.parameters.ptr, qsizetype(c.parameters.len))});
    }
    return commands;
}

QByteArray encodeResponses(const std::vector<prov_response> &responses) {
    QByteArray out(4096, Qt::Uninitialized);
    size_t length = 0;
    EXPECT_EQ(prov_encode_response_list(responses.data(), responses.size(),
                                        reinterpret_cast<uint8_t *>(out.data()), size_t(out.size()),
                                        &length),
              PROV_CODEC_OK);
    out.truncate(qsizetype(length));
    return out;
}

prov_str view(const QByteArray &bytes) {
    return prov_str{bytes.constData(), size_t(bytes.size())};
}

class CoapServiceTest : public testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir.isValid());
        model.ensureDefaultRule(QString::fromLatin1(Owner));
        registerDevice(deviceId, identity);
    }

    void registerDevice(const QString &id, const EcTestKey &key) {
        RegistryEntry entry;
        entry.uuid = id;
        entry.imei = u"352669100000001"_s;
        entry.deviceType = 6;
        entry.model = u"nRF9151-LACA"_s;
        entry.modemFirmware = u"mfw_nrf91x1_2.0.2"_s;
        entry.identityPublicKeyPem = key.publicPem();
        ASSERT_TRUE(DeviceRegistry::append(registryPath(), entry));
    }

    QString registryPath() const { return dir.filePath(u"registry.jsonl"_s); }

    void claim(const QStringList &tags = {u"nrf-cloud-onboarding"_s}) {
        CloudModel::ClaimInput input;
        input.deviceId = deviceId;
        input.deviceType = 6;
        input.tags = tags;
        ASSERT_TRUE(model.claim(QString::fromLatin1(Owner), input, false));
    }

    CoapReply request(CoapSessionAuth &session, CoapMethod method, const QString &path,
                      const QByteArray &payload = {},
                      const QList<QPair<QString, QString>> &query = {}) {
        CoapRequest request;
        request.method = method;
        request.path = path;
        request.payload = payload;
        request.query = query;
        return service.handle(session, request);
    }

    /// A session that passed p/auth-jwt.
    CoapSessionAuth provisioningSession() {
        CoapSessionAuth session;
        const CoapReply reply =
            request(session, CoapMethod::Post, u"p/auth-jwt"_s, identity.deviceJwt(deviceId));
        EXPECT_EQ(codeOf(reply), u"2.01"_s) << reply.payload.toStdString();
        return session;
    }

    CommandStatus statusOf(const QString &commandId) {
        const auto command = model.command(QString::fromLatin1(Owner), deviceId, commandId);
        EXPECT_TRUE(command);
        return command ? command->status : CommandStatus::Pending;
    }

    /// Claims, then answers the onboarding commands as a device whose %KEYGEN made `cloudKey`.
    void onboardWith(const EcTestKey &cloudKey) {
        if (!model.claimOfDevice(deviceId))
            claim();
        CoapSessionAuth session = provisioningSession();
        const auto commands = decodeCommands(request(session, CoapMethod::Get, u"p/cmd"_s).payload);
        ASSERT_EQ(commands.size(), 2u);
        const QByteArray first = commands[0].correlationId.toUtf8();
        const QByteArray second = commands[1].correlationId.toUtf8();
        const QByteArray output =
            "%KEYGEN: \"" + cloudKey.publicDerBase64Url().toLatin1() + ".c2lnbmF0dXJl\"";
        const CoapReply reply = request(
            session, CoapMethod::Post, u"p/rsp"_s,
            encodeResponses({prov_response{view(first), PROV_RESPONSE_AT, 0, view(output)},
                             prov_response{view(second), PROV_RESPONSE_FINISHED_ACK, 0, {}}}));
        ASSERT_EQ(codeOf(reply), u"2.04"_s);
    }

    CoapSessionAuth cloudSession(const EcTestKey &cloudKey) {
        CoapSessionAuth session;
        const CoapReply reply =
            request(session, CoapMethod::Post, u"auth/jwt"_s, cloudKey.deviceJwt(deviceId, 3600));
        EXPECT_EQ(codeOf(reply), u"2.01"_s) << reply.payload.toStdString();
        return session;
    }

    QTemporaryDir dir;
    CloudModel model;
    DeviceRegistry registry{dir.filePath(u"registry.jsonl"_s)};
    CoapService service{model, registry};
    EcTestKey identity = EcTestKey::generate();
    QString deviceId = newDeviceId();
};

TEST_F(CoapServiceTest, AuthorisesAClaimedDeviceWithAJwtFromItsIdentityKey) {
    claim();
    CoapSessionAuth session;
    QSignalSpy authorized(&service, &CoapService::deviceAuthorized);
    const CoapReply reply =
        request(session, CoapMethod::Post, u"p/auth-jwt"_s, identity.deviceJwt(deviceId),
                {{u"mver"_s, u"2.0.2"_s}, {u"cver"_s, u"1"_s}});
    EXPECT_EQ(codeOf(reply), u"2.01"_s);
    EXPECT_EQ(session.provisioningDeviceId, deviceId);
    EXPECT_TRUE(session.cloudDeviceId.isEmpty());
    ASSERT_EQ(authorized.size(), 1);
    EXPECT_EQ(authorized.first().at(0).toString(), deviceId);
}

TEST_F(CoapServiceTest, AnswersUnauthorizedForADeviceThatIsNotClaimed) {
    CoapSessionAuth session;
    const CoapReply reply =
        request(session, CoapMethod::Post, u"p/auth-jwt"_s, identity.deviceJwt(deviceId));
    EXPECT_EQ(codeOf(reply), u"4.01"_s);
    EXPECT_TRUE(session.provisioningDeviceId.isEmpty());
}

struct RefusedJwt {
    const char *name;
    std::function<QByteArray(const EcTestKey &identity, const QString &deviceId)> make;
    const char *code;
};

class CoapServiceRefusesJwt
    : public CoapServiceTest
    , public testing::WithParamInterface<RefusedJwt> {};

TEST_P(CoapServiceRefusesJwt, OnTheProvisioningEndpoint) {
    claim();
    CoapSessionAuth session;
    const CoapReply reply =
        request(session, CoapMethod::Post, u"p/auth-jwt"_s, GetParam().make(identity, deviceId));
    EXPECT_EQ(codeOf(reply), QString::fromLatin1(GetParam().code)) << reply.payload.toStdString();
    EXPECT_TRUE(session.provisioningDeviceId.isEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    CoapServiceTest, CoapServiceRefusesJwt,
    testing::Values(
        RefusedJwt{"SignedByAnotherKey",
                   [](const EcTestKey &, const QString &id) {
                       return EcTestKey::generate().deviceJwt(id);
                   },
                   "4.03"},
        RefusedJwt{"Expired",
                   [](const EcTestKey &key, const QString &id) {
                       return key.deviceJwt(id, 300, QDateTime::currentDateTimeUtc().addSecs(-600));
                   },
                   "4.03"},
        RefusedJwt{"WithoutExpiry",
                   [](const EcTestKey &key, const QString &id) {
                       return key.jwt(QJsonObject{{u"iss"_s, id}});
                   },
                   "4.03"},
        RefusedJwt{
            "ForAnUnknownDevice",
            [](const EcTestKey &key, const QString &) { return key.deviceJwt(newDeviceId()); },
            "4.03"},
        RefusedJwt{"NamingAnotherSubject",
                   [](const EcTestKey &key, const QString &id) {
                       const qint64 now = QDateTime::currentSecsSinceEpoch();
                       return key.jwt(QJsonObject{{u"iss"_s, id},
                                                  {u"sub"_s, newDeviceId()},
                                                  {u"iat"_s, now},
                                                  {u"exp"_s, now + 60}});
                   },
                   "4.03"},
        RefusedJwt{"ValidForLongerThan300Seconds",
                   [](const EcTestKey &key, const QString &id) { return key.deviceJwt(id, 3600); },
                   "4.00"},
        RefusedJwt{"ThatIsNotAJwt",
                   [](const EcTestKey &, const QString &) { return QByteArray("not-a-token"); },
                   "4.00"}),
    [](const testing::TestParamInfo<RefusedJwt> &param) { return std::string(param.param.name); });

TEST_F(CoapServiceTest, RefusesCommandRequestsBeforeAuthentication) {
    claim();
    CoapSessionAuth session;
    EXPECT_EQ(codeOf(request(session, CoapMethod::Get, u"p/cmd"_s)), u"4.01"_s);
    EXPECT_EQ(codeOf(request(session, CoapMethod::Post, u"p/rsp"_s, "\x80")), u"4.01"_s);
}

TEST_F(CoapServiceTest, HandsOutTheQueuedCommandsAsACborListAndMarksThemInProgress) {
    claim();
    const auto queued = model.commands(QString::fromLatin1(Owner), deviceId);
    ASSERT_TRUE(queued);
    ASSERT_EQ(queued->size(), 2);
    CoapSessionAuth session = provisioningSession();
    const CoapReply reply =
        request(session, CoapMethod::Get, u"p/cmd"_s, {},
                {{u"after"_s, QString()}, {u"rxMaxSize"_s, u"4096"_s}, {u"limit"_s, u"20"_s}});
    EXPECT_EQ(codeOf(reply), u"2.05"_s);
    EXPECT_EQ(reply.contentFormat, coap::FormatCbor);
    const auto commands = decodeCommands(reply.payload);
    ASSERT_EQ(commands.size(), 2u);
    EXPECT_EQ(commands[0].correlationId, queued->at(0).id);
    EXPECT_EQ(commands[0].type, int(PROV_COMMAND_AT));
    EXPECT_EQ(commands[0].setCommand, u"%KEYGEN"_s);
    EXPECT_EQ(commands[0].parameters, u"16842753,2,1"_s);
    EXPECT_EQ(commands[1].type, int(PROV_COMMAND_FINISHED));
    EXPECT_EQ(statusOf(queued->at(0).id), CommandStatus::InProgress);
    EXPECT_EQ(statusOf(queued->at(1).id), CommandStatus::InProgress);
}

TEST_F(CoapServiceTest, StartsAfterTheLastAnsweredCommandAndHonoursTheLimit) {
    claim();
    const auto queued = model.commands(QString::fromLatin1(Owner), deviceId);
    ASSERT_TRUE(queued);
    CoapSessionAuth session = provisioningSession();
    const auto first = decodeCommands(
        request(session, CoapMethod::Get, u"p/cmd"_s, {}, {{u"limit"_s, u"1"_s}}).payload);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].correlationId, queued->at(0).id);
    const auto rest = decodeCommands(
        request(session, CoapMethod::Get, u"p/cmd"_s, {}, {{u"after"_s, queued->at(0).id}})
            .payload);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].correlationId, queued->at(1).id);
}

TEST_F(CoapServiceTest, AnswersAnEmptyPayloadWhenNothingIsQueued) {
    claim({u"no-rule-matches"_s});
    CoapSessionAuth session = provisioningSession();
    const CoapReply reply = request(session, CoapMethod::Get, u"p/cmd"_s);
    EXPECT_EQ(codeOf(reply), u"2.05"_s);
    EXPECT_TRUE(reply.payload.isEmpty());
}

TEST_F(CoapServiceTest, SendsOnlyAsManyCommandsAsFitTheDevicesBuffer) {
    claim({u"no-rule-matches"_s});
    const QString pem =
        u"-----BEGIN CERTIFICATE-----\n"_s + QString(600, u'A') + u"\n-----END CERTIFICATE-----"_s;
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(model.createCommand(
            QString::fromLatin1(Owner), deviceId, u"certificate"_s,
            QJsonObject{
                {u"serverCertificate"_s, QJsonObject{{u"secTag"_s, 42}, {u"content"_s, pem}}}}));
    }
    CoapSessionAuth session = provisioningSession();
    const CoapReply reply =
        request(session, CoapMethod::Get, u"p/cmd"_s, {}, {{u"rxMaxSize"_s, u"1500"_s}});
    EXPECT_LE(reply.payload.size(), 1500);
    const auto commands = decodeCommands(reply.payload);
    ASSERT_EQ(commands.size(), 2u);
    EXPECT_EQ(commands[0].setCommand, u"%CMNG"_s);
    EXPECT_TRUE(commands[0].parameters.startsWith(u"0,42,0,\"-----BEGIN CERTIFICATE-----"_s));
}

TEST_F(CoapServiceTest, RecordsTheDevicesAnswersAndOnboardsItWithTheKeyItMade) {
    const EcTestKey cloudKey = EcTestKey::generate();
    onboardWith(cloudKey);
    const auto commands = model.commands(QString::fromLatin1(Owner), deviceId);
    ASSERT_TRUE(commands);
    for (const CommandRecord &command : *commands)
        EXPECT_EQ(command.status, CommandStatus::Succeeded) << command.id.toStdString();
    const auto device = model.device(QString::fromLatin1(Owner), deviceId);
    ASSERT_TRUE(device);
    EXPECT_EQ(device->cloudAccessKey, cloudKey.publicDerBase64Url());
}

TEST_F(CoapServiceTest, RecordsAFailedCommandWithItsCmeError) {
    claim();
    CoapSessionAuth session = provisioningSession();
    const auto commands = decodeCommands(request(session, CoapMethod::Get, u"p/cmd"_s).payload);
    ASSERT_EQ(commands.size(), 2u);
    const QByteArray id = commands[0].correlationId.toUtf8();
    const QByteArray message = "+CME ERROR: 518";
    const CoapReply reply = request(
        session, CoapMethod::Post, u"p/rsp"_s,
        encodeResponses({prov_response{view(id), PROV_RESPONSE_ERROR, 518, view(message)}}));
    EXPECT_EQ(codeOf(reply), u"2.04"_s);
    const auto command =
        model.command(QString::fromLatin1(Owner), deviceId, commands[0].correlationId);
    ASSERT_TRUE(command);
    EXPECT_EQ(command->status, CommandStatus::Failed);
    EXPECT_EQ(command->response.value(u"cmeError"_s).toInt(), 518);
    EXPECT_EQ(statusOf(commands[1].correlationId), CommandStatus::Failed);
}

TEST_F(CoapServiceTest, RefusesAResponseListThatDoesNotDecode) {
    claim();
    CoapSessionAuth session = provisioningSession();
    EXPECT_EQ(codeOf(request(session, CoapMethod::Post, u"p/rsp"_s, "\xff\x00")), u"4.00"_s);
}

TEST_F(CoapServiceTest, AuthorisesNrfCloudWithAJwtFromTheCloudAccessKey) {
    const EcTestKey cloudKey = EcTestKey::generate();
    onboardWith(cloudKey);
    CoapSessionAuth session = cloudSession(cloudKey);
    EXPECT_EQ(session.cloudDeviceId, deviceId);
    EXPECT_TRUE(session.provisioningDeviceId.isEmpty());
}

TEST_F(CoapServiceTest, RefusesNrfCloudBeforeOnboardingAndWithTheWrongKey) {
    CoapSessionAuth session;
    claim();
    EXPECT_EQ(
        codeOf(request(session, CoapMethod::Post, u"auth/jwt"_s, identity.deviceJwt(deviceId))),
        u"4.01"_s);
    onboardWith(EcTestKey::generate());
    EXPECT_EQ(
        codeOf(request(session, CoapMethod::Post, u"auth/jwt"_s, identity.deviceJwt(deviceId))),
        u"4.03"_s);
    EXPECT_TRUE(session.cloudDeviceId.isEmpty());
    EXPECT_EQ(codeOf(request(session, CoapMethod::Get, u"state"_s)), u"4.01"_s);
}

TEST_F(CoapServiceTest, AnswersTheShadowDeltaAndClearsItWhenTheDeviceReportsBack) {
    const EcTestKey cloudKey = EcTestKey::generate();
    onboardWith(cloudKey);
    CoapSessionAuth session = cloudSession(cloudKey);
    EXPECT_TRUE(request(session, CoapMethod::Get, u"state"_s).payload.isEmpty());

    const QJsonObject desired{{u"command"_s, QJsonArray{1, 77}}};
    ASSERT_TRUE(model.patchState(QString::fromLatin1(Owner), deviceId, desired, std::nullopt));
    const CoapReply delta =
        request(session, CoapMethod::Get, u"state"_s, {}, {{u"delta"_s, u"true"_s}});
    EXPECT_EQ(codeOf(delta), u"2.05"_s);
    EXPECT_EQ(delta.contentFormat, coap::FormatJson);
    EXPECT_EQ(QJsonDocument::fromJson(delta.payload).object(), desired);

    EXPECT_EQ(codeOf(request(session, CoapMethod::Patch, u"state/reported"_s,
                             QJsonDocument(desired).toJson())),
              u"2.04"_s);
    EXPECT_TRUE(request(session, CoapMethod::Get, u"state"_s).payload.isEmpty());
    const QJsonObject whole =
        QJsonDocument::fromJson(
            request(session, CoapMethod::Get, u"state"_s, {}, {{u"delta"_s, u"false"_s}}).payload)
            .object();
    EXPECT_EQ(whole.value(u"reported"_s).toObject(), desired);
    EXPECT_EQ(whole.value(u"desired"_s).toObject(), desired);
}

TEST_F(CoapServiceTest, PatchOfStateTakesOnlyAReportedSection) {
    const EcTestKey cloudKey = EcTestKey::generate();
    onboardWith(cloudKey);
    CoapSessionAuth session = cloudSession(cloudKey);
    EXPECT_EQ(codeOf(request(session, CoapMethod::Patch, u"state"_s,
                             R"({"reported":{"config":{"update_interval":60}}})")),
              u"2.04"_s);
    EXPECT_EQ(codeOf(request(session, CoapMethod::Patch, u"state"_s, R"({"desired":{"x":1}})")),
              u"4.00"_s);
    EXPECT_EQ(codeOf(request(session, CoapMethod::Patch, u"state"_s, "not json")), u"4.00"_s);
    const auto device = model.device(QString::fromLatin1(Owner), deviceId);
    ASSERT_TRUE(device);
    EXPECT_EQ(device->reported.value(u"config"_s).toObject().value(u"update_interval"_s).toInt(),
              60);
    EXPECT_TRUE(device->desired.isEmpty());
}

TEST_F(CoapServiceTest, PassesDeviceMessagesOn) {
    const EcTestKey cloudKey = EcTestKey::generate();
    onboardWith(cloudKey);
    CoapSessionAuth session = cloudSession(cloudKey);
    QSignalSpy messages(&service, &CoapService::deviceMessage);
    const QByteArray json = R"({"messageType":"DATA","appId":"TEMP","data":"21"})";
    EXPECT_EQ(codeOf(request(session, CoapMethod::Post, u"msg/d2c"_s, json)), u"2.01"_s);
    ASSERT_EQ(messages.size(), 1);
    EXPECT_EQ(messages.first().at(0).toString(), deviceId);
    EXPECT_EQ(messages.first().at(1).toByteArray(), json);
}

} // namespace
