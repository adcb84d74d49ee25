#include "device/ModemClient.h"

#include "DeviceTestSupport.h"
#include "PtyPeer.h"
#include "ScriptedModem.h"
#include "core/AttestationToken.h"
#include "device/DeviceLink.h"

#include <QTest>
#include <gtest/gtest.h>

using ps::device::DeviceError;
using ps::device::DeviceLink;
using ps::device::ModemClient;
using ps::device::StoredCredential;
using ps::test::PtyPeer;
using ps::test::ScriptedModem;

namespace {

constexpr int Deadline = 5000;

// A DeviceLink on a pty whose far end is a scripted nRF91 shell and modem.
class ModemOverPty : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(device.open());
        link = std::make_unique<DeviceLink>(device.linkPath());
        ASSERT_TRUE(link->open()) << link->errorString().toStdString();
        device.sendPrompt();
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return link->assembler().pendingText() == QStringLiteral("uart:~$ "); },
            Deadline));
    }

    template<typename T> T wait(QCoro::Task<T> &&task) { return QCoro::waitFor(std::move(task)); }

    ModemClient &modem() { return *link->modem(); }

    PtyPeer device;
    ScriptedModem script{device};
    std::unique_ptr<DeviceLink> link;
};

class ImeiForms
    : public ModemOverPty
    , public ::testing::WithParamInterface<bool> {};

TEST_P(ImeiForms, ReadsTheImeiFromEitherAnswerForm) {
    script.imeiInCgsnForm = GetParam();
    const auto imei = wait(modem().imei());
    ASSERT_TRUE(imei) << why(imei);
    EXPECT_EQ(*imei, QStringLiteral("490154203237518"));
}

INSTANTIATE_TEST_SUITE_P(BareAndCgsnForm, ImeiForms, ::testing::Bool());

TEST_F(ModemOverPty, RefusesAnImeiWithAWrongCheckDigit) {
    script.imei = QStringLiteral("490154203237519");
    const auto imei = wait(modem().imei());
    ASSERT_FALSE(imei);
    EXPECT_EQ(imei.error().kind, DeviceError::Kind::BadResponse);
    EXPECT_TRUE(imei.error().response.contains(QStringLiteral("490154203237519")));
}

TEST_F(ModemOverPty, ReadsModelFirmwareAndDeviceUuid) {
    const auto model = wait(modem().model());
    const auto firmware = wait(modem().modemFirmware());
    const auto uuid = wait(modem().deviceUuid());
    ASSERT_TRUE(model) << why(model);
    ASSERT_TRUE(firmware) << why(firmware);
    ASSERT_TRUE(uuid) << why(uuid);
    EXPECT_EQ(*model, script.model);
    EXPECT_EQ(*firmware, script.firmware);
    EXPECT_EQ(*uuid, script.deviceUuid.toString(QUuid::WithoutBraces));
}

TEST_F(ModemOverPty, DecodesTheAttestationToken) {
    const auto token = wait(modem().attestationToken());
    ASSERT_TRUE(token) << why(token);
    EXPECT_EQ(token->text, script.token());
    EXPECT_EQ(token->deviceUuid, script.deviceUuid);
    EXPECT_EQ(token->modemFirmwareUuid, script.firmwareUuid);
    EXPECT_EQ(token->deviceType, 6);
    EXPECT_EQ(token->deviceTypeName(), QStringLiteral("nRF9151 LACA"));
    EXPECT_EQ(token->signature.size(), 64);
}

TEST_F(ModemOverPty, ExplainsATokenThatDoesNotDecode) {
    script.tokenOverride = QStringLiteral("hQFQSi9sHpO3TQWOIXw.0oRDoQEmoQRBIfZYQAMK");
    const auto token = wait(modem().attestationToken());
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().kind, DeviceError::Kind::BadResponse);
    EXPECT_TRUE(token.error().message.startsWith(
        QStringLiteral("The modem's attestation token is not valid: ")))
        << token.error().message.toStdString();
}

TEST_F(ModemOverPty, ListsStoredCredentialsAllOrByTag) {
    const QString hash =
        QStringLiteral("2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD1");
    script.credentials = {{16842753, 0, hash}, {16842753, 1, {}}, {189298, 0, hash}};

    const auto all = wait(modem().credentials());
    ASSERT_TRUE(all) << why(all);
    EXPECT_EQ(*all,
              QList<StoredCredential>({{16842753, 0, hash}, {16842753, 1, {}}, {189298, 0, hash}}));

    const auto cloud = wait(modem().credentials(16842753));
    ASSERT_TRUE(cloud) << why(cloud);
    EXPECT_EQ(*cloud, QList<StoredCredential>({{16842753, 0, hash}, {16842753, 1, {}}}));

    const auto none = wait(modem().credentials(42));
    ASSERT_TRUE(none) << why(none);
    EXPECT_TRUE(none->isEmpty());
}

TEST_F(ModemOverPty, SetsAndReadsTheFunctionalMode) {
    const auto before = wait(modem().functionalMode());
    ASSERT_TRUE(before) << why(before);
    EXPECT_EQ(*before, 1);

    const auto set = wait(modem().setFunctionalMode(4));
    ASSERT_TRUE(set) << why(set);
    EXPECT_EQ(script.functionalMode, 4);

    const auto after = wait(modem().functionalMode());
    ASSERT_TRUE(after) << why(after);
    EXPECT_EQ(*after, 4);
}

TEST_F(ModemOverPty, RefusesACredentialWriteWhileOnlineWithTheNextStep) {
    const QString write = QStringLiteral("AT%CMNG=0,42,0,\"MIIBszCCAVmgAwIBAgIJAOz6\"");
    const auto online = wait(modem().at(write));
    ASSERT_FALSE(online);
    EXPECT_EQ(online.error().kind, DeviceError::Kind::CmeError);
    EXPECT_EQ(online.error().code, 518);
    EXPECT_TRUE(online.error().message.contains(
        QStringLiteral("not allowed while the modem is online: set it offline with AT+CFUN=4")))
        << online.error().message.toStdString();
    // The shell received the command quoted, as one argument.
    EXPECT_EQ(device.commands().last(), QStringLiteral("at '") + write + u'\'');

    ASSERT_TRUE(wait(modem().setFunctionalMode(4)));
    const auto offline = wait(modem().at(write));
    ASSERT_TRUE(offline) << why(offline);
    EXPECT_TRUE(offline->isEmpty());
    ASSERT_EQ(script.credentials.size(), 1);
    EXPECT_EQ(script.credentials.first().secTag, 42u);
}

TEST_F(ModemOverPty, ReturnsTheLinesOfAnyAtCommand) {
    device.on(QStringLiteral("at AT%XMODEMUUID"),
              {"%XMODEMUUID: 0aa0e1f2-7d3c-4e5f-8a9b-112233445566", "OK"});
    const auto answer = wait(modem().at(QStringLiteral("AT%XMODEMUUID")));
    ASSERT_TRUE(answer) << why(answer);
    EXPECT_EQ(*answer,
              QStringList({QStringLiteral("%XMODEMUUID: 0aa0e1f2-7d3c-4e5f-8a9b-112233445566")}));
}

TEST_F(ModemOverPty, SaysSoWhenTheAnswerHasNoFinalLine) {
    device.on(QStringLiteral("at AT+CGMM"), {"nRF9151-LACA"}); // prompt, but no OK
    const auto model = wait(modem().model());
    ASSERT_FALSE(model);
    EXPECT_EQ(model.error().kind, DeviceError::Kind::BadResponse);
    EXPECT_TRUE(model.error().message.contains(QStringLiteral("without OK")));
}

TEST(ModemClient, ReportsNotConnectedWithoutAShell) {
    ModemClient modem(nullptr);
    const auto imei = QCoro::waitFor(modem.imei());
    ASSERT_FALSE(imei);
    EXPECT_EQ(imei.error().kind, DeviceError::Kind::NotConnected);
}

} // namespace
