// The station's device-side helpers against a scripted nRF91 shell on a pseudo-terminal (the
// real DeviceLink, ShellSession and ModemClient on the host side).
#include "station/DeviceSteps.h"

#include "PtyPeer.h"
#include "ScriptedModem.h"
#include "core/AttestationToken.h"
#include "device/DeviceLink.h"
#include "station/DeviceMonitor.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace ps::station;
using ps::device::DeviceLink;
using ps::test::PtyPeer;
using ps::test::ScriptedModem;

namespace {

constexpr int Deadline = 5000;

class DeviceOverPty : public testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(device.open());
        link = std::make_unique<DeviceLink>(device.linkPath());
        link->setAutoReconnect(false);
        ASSERT_TRUE(link->open()) << link->errorString().toStdString();
        monitor = std::make_unique<DeviceMonitor>(link.get());
        device.sendPrompt();
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return link->assembler().pendingText() == u"uart:~$ "_s; }, Deadline));
    }
    void TearDown() override {
        monitor.reset();
        link.reset();
    }

    PtyPeer device;
    ScriptedModem modem{device};
    std::unique_ptr<DeviceLink> link;
    std::unique_ptr<DeviceMonitor> monitor;
};

} // namespace

TEST(FirmwareVersion, FindsTheVersionInABootBannerText) {
    EXPECT_EQ(FirmwareVersion::find(u"Asset Tracker Template v1.2.9"), (FirmwareVersion{1, 2, 9}));
    EXPECT_EQ(FirmwareVersion::find(u"Asset Tracker Template v1.5.0+3"),
              (FirmwareVersion{1, 5, 0}));
    EXPECT_EQ(FirmwareVersion::find(u"vendor v2 build v10.11.12"), (FirmwareVersion{10, 11, 12}));
    EXPECT_FALSE(FirmwareVersion::find(u"Asset Tracker Template").has_value());
    EXPECT_FALSE(FirmwareVersion::find(u"v1.2").has_value());
}

struct SpellingCase {
    const char *name;
    std::optional<FirmwareVersion> version;
    std::optional<ProvisionCommand> expected;
};

// gtest names the case instead of dumping its bytes.
void PrintTo(const SpellingCase &c, std::ostream *os) {
    *os << c.name;
}

class ProvisionSpelling : public testing::TestWithParam<SpellingCase> {};

TEST_P(ProvisionSpelling, PicksTheCommandTheFirmwareUnderstands) {
    EXPECT_EQ(provisionCommandFor(GetParam().version), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Versions, ProvisionSpelling,
    testing::Values(
        SpellingCase{"Unknown", std::nullopt, std::nullopt},
        SpellingCase{"V1_0_0", FirmwareVersion{1, 0, 0}, ProvisionCommand::None},
        SpellingCase{"V1_1_1", FirmwareVersion{1, 1, 1}, ProvisionCommand::AttCloudProvisionNow},
        SpellingCase{"V1_2_5", FirmwareVersion{1, 2, 5}, ProvisionCommand::AttCloudProvisionNow},
        SpellingCase{"V1_2_9", FirmwareVersion{1, 2, 9}, ProvisionCommand::AttCloudProvision},
        SpellingCase{"V1_5_0", FirmwareVersion{1, 5, 0}, ProvisionCommand::AttCloudProvision},
        SpellingCase{"V2_0_0", FirmwareVersion{2, 0, 0}, ProvisionCommand::AttCloudProvision}),
    [](const auto &p) { return std::string(p.param.name); });

TEST_F(DeviceOverPty, IdentifiesTheDeviceAndItsToken) {
    auto found = QCoro::waitFor(identifyDevice(link.get(), u"Asset Tracker Template v1.5.0"_s));
    ASSERT_TRUE(found.has_value()) << found.error().toString().toStdString();
    EXPECT_EQ(found->identity.imei, modem.imei);
    EXPECT_EQ(found->identity.model, u"nRF9151-LACA"_s);
    EXPECT_EQ(found->identity.modemFirmware, u"mfw_nrf91x1_2.0.2"_s);
    EXPECT_EQ(found->identity.deviceId, ps::core::AttestationToken::uuidText(modem.deviceUuid));
    EXPECT_EQ(found->identity.deviceType, u"nRF9151 LACA"_s);
    EXPECT_EQ(found->identity.firmware, u"Asset Tracker Template v1.5.0"_s);
    EXPECT_EQ(found->token.text, modem.token());
    EXPECT_TRUE(found->deviceUuidSupported);
}

TEST_F(DeviceOverPty, RefusesATokenThatNamesAnotherDeviceThanDeviceUuid) {
    const QUuid real = modem.deviceUuid;
    modem.deviceUuid = QUuid(u"{11111111-2222-4333-8444-555555555555}"_s);
    modem.tokenOverride = modem.token();
    modem.deviceUuid = real;

    auto found = QCoro::waitFor(identifyDevice(link.get(), QString()));
    ASSERT_FALSE(found.has_value());
    EXPECT_EQ(found.error().kind, StepError::Kind::Device);
    EXPECT_TRUE(found.error().message.contains(u"11111111-2222-4333-8444-555555555555"_s))
        << found.error().message.toStdString();
    EXPECT_FALSE(found.error().hint.isEmpty());
}

TEST_F(DeviceOverPty, TakesTheDeviceIdFromTheTokenWhenTheModemHasNoDeviceUuid) {
    device.on(u"at AT%DEVICEUUID"_s, QList<QByteArray>{"ERROR"});
    auto found = QCoro::waitFor(identifyDevice(link.get(), QString()));
    ASSERT_TRUE(found.has_value()) << found.error().toString().toStdString();
    EXPECT_FALSE(found->deviceUuidSupported);
    EXPECT_EQ(found->identity.deviceId, ps::core::AttestationToken::uuidText(modem.deviceUuid));
}

TEST_F(DeviceOverPty, ReportsAPulledCableAsUnreachableAndRetryable) {
    device.setSilent(true);
    auto pending = identifyDevice(link.get(), QString());
    QTimer::singleShot(100, &device, [this] { device.close(); });
    auto found = QCoro::waitFor(std::move(pending));
    ASSERT_FALSE(found.has_value());
    EXPECT_EQ(found.error().kind, StepError::Kind::Unreachable);
    EXPECT_TRUE(found.error().retryable);
}

TEST_F(DeviceOverPty, SendsTheNewProvisioningCommandToNewFirmware) {
    device.on(u"att_cloud provision"_s, QList<QByteArray>{});
    auto outcome = QCoro::waitFor(triggerProvisioning(link.get(), FirmwareVersion{1, 5, 0}));
    ASSERT_TRUE(outcome.has_value()) << outcome.error().toString().toStdString();
    EXPECT_EQ(outcome->sent, ProvisionCommand::AttCloudProvision);
    EXPECT_EQ(device.commands(), QStringList{u"att_cloud provision"_s});
}

TEST_F(DeviceOverPty, SendsTheOldSpellingStraightAwayToFirmwareThatNeedsIt) {
    device.on(u"att_cloud_provision now"_s, QList<QByteArray>{});
    auto outcome = QCoro::waitFor(triggerProvisioning(link.get(), FirmwareVersion{1, 2, 5}));
    ASSERT_TRUE(outcome.has_value()) << outcome.error().toString().toStdString();
    EXPECT_EQ(outcome->sent, ProvisionCommand::AttCloudProvisionNow);
    EXPECT_EQ(device.commands(), QStringList{u"att_cloud_provision now"_s});
}

TEST_F(DeviceOverPty, FallsBackToTheOldSpellingWhenTheVersionIsUnknown) {
    device.on(u"att_cloud_provision now"_s, QList<QByteArray>{});
    auto outcome = QCoro::waitFor(triggerProvisioning(link.get(), std::nullopt));
    ASSERT_TRUE(outcome.has_value()) << outcome.error().toString().toStdString();
    EXPECT_EQ(outcome->sent, ProvisionCommand::AttCloudProvisionNow);
    EXPECT_EQ(device.commands(),
              (QStringList{u"att_cloud provision"_s, u"att_cloud_provision now"_s}));
    EXPECT_TRUE(outcome->note.contains(u"not found"_s));
}

TEST_F(DeviceOverPty, LeavesItToTheDeviceWhenNoSpellingExists) {
    auto outcome = QCoro::waitFor(triggerProvisioning(link.get(), std::nullopt));
    ASSERT_TRUE(outcome.has_value()) << outcome.error().toString().toStdString();
    EXPECT_FALSE(outcome->sent.has_value());
    EXPECT_TRUE(outcome->note.contains(u"own attempt"_s));
}

TEST_F(DeviceOverPty, SendsNothingToFirmwareOlderThanOnDeviceProvisioning) {
    auto outcome = QCoro::waitFor(triggerProvisioning(link.get(), FirmwareVersion{1, 0, 0}));
    ASSERT_TRUE(outcome.has_value());
    EXPECT_FALSE(outcome->sent.has_value());
    EXPECT_TRUE(device.commands().isEmpty());
}

TEST_F(DeviceOverPty, ListsTheCredentialTypesOfOneSecTag) {
    modem.credentials = {{16842753, 1, {}}, {16842753, 0, {}}, {189298, 0, {}}, {16842753, 2, {}}};
    auto credentials = QCoro::waitFor(readCredentials(link.get(), 16842753));
    ASSERT_TRUE(credentials.has_value()) << credentials.error().toString().toStdString();
    EXPECT_EQ(credentials->types, (QList<int>{0, 1, 2}));
    EXPECT_EQ(credentials->typeNames().size(), 3);
}

TEST_F(DeviceOverPty, MonitorTurnsTheDeviceLogIntoTimelineEvents) {
    const qsizetype mark = monitor->mark();
    device.send("*** Booting Asset Tracker Template v1.2.5 - 1a2b3c4d5e6f ***\r\n");
    device.injectLog(PtyPeer::logLine("00:00:04.100,000", "inf",
                                      "cloud: Connecting to nRF Cloud CoAP with client ID: x"));
    device.injectLog(PtyPeer::logLine("00:00:05.268,859", "inf", "cloud: Connected to Cloud"));

    auto connected = QCoro::waitFor(monitor->waitForEvent(
        [](const DeviceEvent &event) {
            return event.lane == ps::core::TimelineLane::Cloud && event.state == u"connected";
        },
        mark, std::chrono::milliseconds(Deadline)));
    ASSERT_TRUE(connected.has_value());
    EXPECT_EQ(connected->label, u"Connected to nRF Cloud"_s);
    EXPECT_TRUE(monitor->cloudConnectedSince(mark).has_value());
    EXPECT_FALSE(monitor->cloudConnectedSince(connected->index + 1).has_value());
    EXPECT_EQ(monitor->firmwareVersion(), (FirmwareVersion{1, 2, 5}));
}

TEST_F(DeviceOverPty, MonitorWaitEndsEmptyAfterItsTimeout) {
    QElapsedTimer clock;
    clock.start();
    auto nothing = QCoro::waitFor(monitor->waitForEvent(
        [](const DeviceEvent &) { return true; }, monitor->mark(), std::chrono::milliseconds(100)));
    EXPECT_FALSE(nothing.has_value());
    EXPECT_GE(clock.elapsed(), 100);
}

namespace {

/// One identity answer spoiled by a stray byte on the line, the first `spoiledReads` times.
struct SpoiledAnswer {
    const char *name;
    const char *command; ///< as the shell receives it
    int spoiledReads;
    /// The clean answer's lines -> what the host receives instead.
    std::function<QList<QByteArray>(QList<QByteArray>)> spoil;
    const char *inMessage; ///< when every read is spoiled, the failure says this
};

void PrintTo(const SpoiledAnswer &c, std::ostream *os) {
    *os << c.name;
}

QByteArray inserted(QByteArray line, qsizetype at, char stray) {
    line.insert(at, stray);
    return line;
}

class SpoiledIdentity : public testing::TestWithParam<SpoiledAnswer> {
protected:
    void SetUp() override {
        ASSERT_TRUE(device.open());
        link = std::make_unique<DeviceLink>(device.linkPath());
        link->setAutoReconnect(false);
        ASSERT_TRUE(link->open()) << link->errorString().toStdString();
        device.sendPrompt();
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return link->assembler().pendingText() == u"uart:~$ "_s; }, Deadline));
        // The identity answers as the scripted modem gives them; the parameter's command spoiled.
        device.setHandler([this](const QString &command) -> std::optional<PtyPeer::Reply> {
            const QByteArray ok = "OK";
            QList<QByteArray> lines;
            if (command == u"at AT+CGSN")
                lines = {modem.imei.toLatin1(), ok};
            else if (command == u"at AT+CGMM")
                lines = {modem.model.toLatin1(), ok};
            else if (command == u"at AT+CGMR")
                lines = {modem.firmware.toLatin1(), ok};
            else if (command == u"at AT%DEVICEUUID")
                lines = {"%DEVICEUUID: " + modem.deviceUuid.toByteArray(QUuid::WithoutBraces), ok};
            else if (command == u"at AT%ATTESTTOKEN")
                lines = {"%ATTESTTOKEN: \"" + modem.token().toLatin1() + '"', ok};
            else
                return std::nullopt;
            if (command == QLatin1StringView(GetParam().command) &&
                ++reads[command] <= GetParam().spoiledReads)
                lines = GetParam().spoil(lines);
            return PtyPeer::Reply{lines};
        });
    }
    void TearDown() override { link.reset(); }

    PtyPeer device;
    ScriptedModem modem{device};
    QHash<QString, int> reads;
    std::unique_ptr<DeviceLink> link;
};

} // namespace

TEST_P(SpoiledIdentity, ReadsASpoiledAnswerAgainInsteadOfFailing) {
    auto found = QCoro::waitFor(identifyDevice(link.get(), QString()));
    ASSERT_TRUE(found.has_value()) << found.error().toString().toStdString();
    EXPECT_EQ(found->identity.imei, modem.imei);
    EXPECT_EQ(found->identity.model, modem.model);
    EXPECT_EQ(found->identity.modemFirmware, modem.firmware);
    EXPECT_EQ(found->identity.deviceId, ps::core::AttestationToken::uuidText(modem.deviceUuid));
    EXPECT_EQ(found->token.text, modem.token());
    EXPECT_EQ(reads.value(QLatin1StringView(GetParam().command)), GetParam().spoiledReads + 1);
}

TEST_P(SpoiledIdentity, SaysTheAnswerWasSpoiledWhenEveryReadIs) {
    reads[QLatin1StringView(GetParam().command)] = -100;
    auto found = QCoro::waitFor(identifyDevice(link.get(), QString()));
    ASSERT_FALSE(found.has_value());
    EXPECT_TRUE(found.error().message.contains(QLatin1StringView(GetParam().inMessage)))
        << found.error().message.toStdString();
    EXPECT_FALSE(found.error().message.contains(u"may be missing"_s))
        << found.error().message.toStdString();
    EXPECT_EQ(device.commands().count(QLatin1StringView(GetParam().command)), 3)
        << "read three times, then given up";
}

INSTANTIATE_TEST_SUITE_P(
    StrayBytes, SpoiledIdentity,
    testing::Values(SpoiledAnswer{"OkLineOfModemFirmware", "at AT+CGMR", 1,
                                  [](QList<QByteArray> lines) {
                                      lines.last() = inserted(lines.last(), 1, 'q');
                                      return lines;
                                  },
                                  "without a readable OK"},
                    SpoiledAnswer{"ModelWithAByteThatIsNotText", "at AT+CGMM", 2,
                                  [](QList<QByteArray> lines) {
                                      lines.first() = inserted(lines.first(), 4, '\xb1');
                                      return lines;
                                  },
                                  "stray byte"},
                    SpoiledAnswer{"TokenPrefix", "at AT%ATTESTTOKEN", 1,
                                  [](QList<QByteArray> lines) {
                                      lines.first() = inserted(lines.first(), 12, '\x93');
                                      return lines;
                                  },
                                  "stray byte"},
                    SpoiledAnswer{"TokenPartTwo", "at AT%ATTESTTOKEN", 2,
                                  [](QList<QByteArray> lines) {
                                      lines.first() =
                                          inserted(lines.first(), lines.first().size() - 6, '\xa7');
                                      return lines;
                                  },
                                  "stray byte"},
                    SpoiledAnswer{"ImeiLine", "at AT+CGSN", 1,
                                  [](QList<QByteArray> lines) {
                                      lines.first() = inserted(lines.first(), 7, '\xe2');
                                      return lines;
                                  },
                                  "stray byte"}),
    [](const testing::TestParamInfo<SpoiledAnswer> &spoiled) {
        return std::string(spoiled.param.name);
    });
