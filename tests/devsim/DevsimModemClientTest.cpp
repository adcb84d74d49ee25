// The station's own device stack (DeviceLink, ShellSession, ModemClient over QSerialPort)
// against the real provstation-devsim: the two must agree on every byte of the shell.
#include "DevsimHarness.h"
#include "core/AttestationToken.h"
#include "device/DeviceLink.h"
#include "device/ModemClient.h"

#include <QCryptographicHash>
#include <QTest>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace ps::devsim::test;

namespace {

class DevsimModemClient : public testing::Test {
protected:
    void SetUp() override {
        process = std::make_unique<DevsimProcess>(QStringList{
            QStringLiteral("--state"), box.state(), QStringLiteral("--registry"), box.registry(),
            QStringLiteral("--speed"), QStringLiteral("100"), QStringLiteral("--boot-on-open")});
        ASSERT_TRUE(process->start());
        link = std::make_unique<ps::device::DeviceLink>(process->ptyPath());
        QObject::connect(link.get(), &ps::device::DeviceLink::linesReceived, link.get(),
                         [this](const std::vector<ps::core::Line> &lines) {
                             for (const auto &line : lines)
                                 text.append(line.text + QLatin1Char('\n'));
                         });
        ASSERT_TRUE(link->open());
        // The shell runs and ATT has switched LTE on: now commands are safe to send.
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return text.contains(u"state_disconnected_searching_entry"); }, 5000));
    }

    DevsimSandbox box;
    std::unique_ptr<DevsimProcess> process;
    std::unique_ptr<ps::device::DeviceLink> link;
    QString text;
};

TEST_F(DevsimModemClient, ReadsTheDeviceIdentity) {
    const auto imei = QCoro::waitFor(link->modem()->imei());
    ASSERT_TRUE(imei) << imei.error().message.toStdString();
    EXPECT_EQ(imei->size(), 15);
    const auto model = QCoro::waitFor(link->modem()->model());
    ASSERT_TRUE(model) << model.error().message.toStdString();
    EXPECT_EQ(*model, QStringLiteral("nRF9151-LACA"));
    const auto uuid = QCoro::waitFor(link->modem()->deviceUuid());
    ASSERT_TRUE(uuid) << uuid.error().message.toStdString();
    const auto device = process->waitForLine(QStringLiteral("DEVICE uuid="));
    ASSERT_TRUE(device);
    EXPECT_TRUE(device->contains(QStringLiteral("uuid=") + *uuid));
    EXPECT_TRUE(device->contains(QStringLiteral("imei=") + *imei));
}

TEST_F(DevsimModemClient, DecodesTheAttestationToken) {
    const auto token = QCoro::waitFor(link->modem()->attestationToken());
    ASSERT_TRUE(token) << token.error().message.toStdString();
    EXPECT_EQ(token->deviceType, 6);
    const auto uuid = QCoro::waitFor(link->modem()->deviceUuid());
    ASSERT_TRUE(uuid);
    EXPECT_EQ(ps::core::AttestationToken::uuidText(token->deviceUuid), *uuid);
}

TEST_F(DevsimModemClient, SwitchesOfflineAndListsWrittenCredentials) {
    ASSERT_TRUE(QCoro::waitFor(link->modem()->setFunctionalMode(4)));
    const auto mode = QCoro::waitFor(link->modem()->functionalMode());
    ASSERT_TRUE(mode);
    EXPECT_EQ(*mode, 4);

    const auto written =
        QCoro::waitFor(link->modem()->at(QStringLiteral("AT%CMNG=0,321,0,\"abc\"")));
    ASSERT_TRUE(written) << written.error().message.toStdString();
    const auto credentials = QCoro::waitFor(link->modem()->credentials(321u));
    ASSERT_TRUE(credentials) << credentials.error().message.toStdString();
    ASSERT_EQ(credentials->size(), 1);
    EXPECT_EQ(credentials->first().secTag, 321u);
    EXPECT_EQ(credentials->first().type, 0);
    EXPECT_EQ(credentials->first().sha256.toUpper(),
              QString::fromLatin1(
                  QCryptographicHash::hash("abc", QCryptographicHash::Sha256).toHex().toUpper()));
}

TEST_F(DevsimModemClient, ReportsTheCmeErrorOfAWriteWhileOnline) {
    ASSERT_TRUE(QTest::qWaitFor([&] { return text.contains(u"PDN connection activated"); }, 5000));
    const auto written =
        QCoro::waitFor(link->modem()->at(QStringLiteral("AT%CMNG=0,321,0,\"abc\"")));
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, ps::device::DeviceError::Kind::CmeError);
    EXPECT_EQ(written.error().code, 518);
}

} // namespace
