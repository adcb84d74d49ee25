// The whole provisioning path with real processes on loopback: provstation-devsim running the
// firmware provisioning client over DTLS/CoAP against provstation-cloudsim, the station's
// DeviceLink on the device's pty and the station's REST client on the stand-in's APIs.
#include "E2eHarness.h"
#include "cloudsim/CertificateAuthority.h"
#include "core/AttestationToken.h"
#include "device/ModemClient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace Qt::StringLiterals;
using ps::cloud::CommandRequest;
using ps::cloud::DeviceApi;
using ps::cloud::ProvisioningApi;
using ps::cloud::ProvisioningCommand;
using ps::e2e::E2eWorld;

namespace {

/// The lines of `world` from `from` on, for failure messages.
std::string linesFrom(const E2eWorld &world, qsizetype from) {
    return world.lines().mid(std::max<qsizetype>(from, 0)).join(u'\n').toStdString();
}

/// Asserts that the texts appear in this order from `from` on; returns the last index.
qsizetype expectInOrder(const E2eWorld &world, qsizetype from, const QStringList &texts) {
    qsizetype at = from;
    for (const QString &text : texts) {
        const qsizetype found = world.find(text, at);
        EXPECT_GE(found, 0) << "missing after line " << at << ": " << text.toStdString() << "\n"
                            << linesFrom(world, from);
        if (found < 0)
            return -1;
        at = found + 1;
    }
    return at - 1;
}

QList<ProvisioningCommand> commandsOf(E2eWorld &world) {
    ProvisioningApi api(world.rest());
    auto commands = QCoro::waitFor(api.listCommands(world.deviceId()));
    EXPECT_TRUE(commands) << commands.error().toString().toStdString();
    return commands ? *commands : QList<ProvisioningCommand>();
}

std::optional<ProvisioningCommand> commandById(E2eWorld &world, const QString &id) {
    ProvisioningApi api(world.rest());
    auto command = QCoro::waitFor(api.getCommand(world.deviceId(), id));
    EXPECT_TRUE(command) << command.error().toString().toStdString();
    return command ? std::optional(*command) : std::nullopt;
}

QString queueKeyGeneration(E2eWorld &world) {
    ProvisioningApi api(world.rest());
    CommandRequest request = CommandRequest::cloudAccessKeyGeneration();
    auto id = QCoro::waitFor(api.createCommand(world.deviceId(), request, u"e2e rekey"_s));
    EXPECT_TRUE(id) << id.error().toString().toStdString();
    return id ? *id : QString();
}

/// The SHA-256 the modem lists for the key in sec tag 16842753.
QString cloudKeyDigest(E2eWorld &world) {
    auto credentials = QCoro::waitFor(world.link().modem()->credentials(16842753u));
    EXPECT_TRUE(credentials) << credentials.error().message.toStdString();
    if (!credentials)
        return {};
    for (const auto &credential : *credentials) {
        if (credential.type == 2)
            return credential.sha256;
    }
    return {};
}

TEST(ProvisioningE2e, AnUnclaimedDevicePrintsItsTokenAndBacksOff) {
    E2eWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();

    const qsizetype backoff = world.waitForLine(u"Connection attempt failed, backoff time"_s);
    ASSERT_GE(backoff, 0) << linesFrom(world, 0);
    expectInOrder(world, 0,
                  {u"PDN connection activated"_s,
                   u"nRF Cloud CoAP connection failed, unauthorized or invalid credentials"_s,
                   u"nrf_provisioning_coap: DTLS setup"_s, u"nrf_provisioning_coap: Connected"_s,
                   u"nrf_provisioning_coap: Device not authorized"_s,
                   u"Provisioning failed, device not claimed"_s,
                   u"Claim the device on nrfcloud.com using the attestation token below"_s,
                   u"----- BEGIN ATTESTATION TOKEN -----"_s, u"----- END ATTESTATION TOKEN -----"_s,
                   u"Connection attempt failed, backoff time: 60 seconds"_s});

    // The printed token is the device's own, in the v1.5 block: the line after BEGIN.
    const qsizetype begin = world.find(u"----- BEGIN ATTESTATION TOKEN -----"_s);
    ASSERT_GE(begin, 0);
    const auto token = ps::core::AttestationToken::parse(world.lines().value(begin + 1).trimmed());
    ASSERT_TRUE(token) << world.lines().value(begin + 1).toStdString();
    EXPECT_EQ(ps::core::AttestationToken::uuidText(token->deviceUuid), world.deviceId());

    // During the back-off `att_cloud provision` starts an attempt at once: the cloud module
    // leaves the back-off straight into provisioning (no connection attempt of its own), which
    // fails the same way and backs off for as long as before (a timer-driven attempt would count
    // one more and back off longer). A request that lands while an attempt runs is ignored, as
    // on ATT; then the test tries again in the next back-off.
    bool triggered = false;
    for (int round = 0; round < 3 && !triggered; ++round) {
        const qsizetype mark = world.mark();
        ASSERT_TRUE(world.shell(u"att_cloud provision"_s));
        const qsizetype received = world.waitForLine(u"Provisioning request received"_s, mark);
        ASSERT_GE(received, 0) << linesFrom(world, mark);
        const qsizetype next = world.waitForLine(u"cloud: state_"_s, received);
        ASSERT_GE(next, 0) << linesFrom(world, mark);
        if (!world.lines().at(next).contains(u"state_connecting_backoff_exit"_s)) {
            ASSERT_GE(world.waitForLine(u"Connection attempt failed, backoff time"_s, next), 0);
            continue;
        }
        triggered = true;
        ASSERT_GE(world.waitForLine(u"Connection attempt failed, backoff time"_s, next), 0)
            << linesFrom(world, received);
        QString previousBackoff; // "60 seconds": the last back-off before the request
        for (qsizetype i = mark - 1; i >= 0 && previousBackoff.isEmpty(); --i)
            previousBackoff = world.lines().at(i).section(u"backoff time: "_s, 1);
        ASSERT_FALSE(previousBackoff.isEmpty());
        EXPECT_TRUE(
            world.lines().value(next + 1).contains(u"state_connecting_provisioning_entry"_s))
            << linesFrom(world, received);
        expectInOrder(world, next,
                      {u"nrf_provisioning_coap: DTLS setup"_s,
                       u"Provisioning failed, device not claimed"_s,
                       u"Connection attempt failed, backoff time: "_s + previousBackoff});
        EXPECT_LT(world.find(u"Connecting to nRF Cloud CoAP"_s, received,
                             world.find(u"Provisioning failed, device not claimed"_s, received)),
                  0)
            << linesFrom(world, received);
    }
    EXPECT_TRUE(triggered) << linesFrom(world, 0);
    EXPECT_LT(world.find(u"Connected to Cloud"_s), 0);
}

TEST(ProvisioningE2e, AClaimedDeviceProvisionsOverDtlsAndConnectsToNrfCloud) {
    E2eWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    // Modem notifications in the log: the +CGEV lines show LTE going down and up.
    ASSERT_TRUE(world.shell(u"at events_enable"_s));

    const qsizetype start = world.claimAndProvision();
    ASSERT_GE(start, 0) << world.problem().toStdString() << "\n" << linesFrom(world, 0);

    expectInOrder(world, start,
                  {u"Provisioning request received"_s,
                   u"nrf_provisioning_coap: DTLS setup"_s,
                   u"nrf_provisioning_coap: Connected"_s,
                   u"nrf_provisioning_coap: Requesting commands"_s,
                   u"nrf_provisioning_coap: Processing commands"_s,
                   u"nRF Provisioning requires device to deactivate LTE"_s,
                   u"+CGEV: ME DETACH"_s,
                   u"PDN connection network detached"_s,
                   u"exec_at_cmd: command: AT%KEYGEN"_s,
                   u"nRF Provisioning requires device to activate LTE"_s,
                   u"+CGEV: ME PDN ACT 0"_s,
                   u"PDN connection activated"_s,
                   u"nrf_provisioning_coap: Sending response to server"_s,
                   u"Provisioning finished"_s,
                   u"Device provisioning completed"_s,
                   u"Connecting to nRF Cloud CoAP with client ID: "_s + world.deviceId(),
                   u"Request authorization with JWT"_s,
                   u"Authorization result_code: 2.01"_s,
                   u"nrf_cloud_coap_transport: Authorized"_s,
                   u"Connected to Cloud"_s});

    const QList<ProvisioningCommand> commands = commandsOf(world);
    ASSERT_EQ(commands.size(), 2);
    for (const ProvisioningCommand &command : commands)
        EXPECT_EQ(command.status, ProvisioningCommand::Status::Succeeded)
            << command.statusText.toStdString();
    EXPECT_TRUE(commands.first().response.value(u"output"_s).toString().startsWith(u"%KEYGEN:"_s));

    DeviceApi devices(world.rest());
    auto listed = QCoro::waitFor(devices.listDevices({world.deviceId()}));
    ASSERT_TRUE(listed) << listed.error().toString().toStdString();
    ASSERT_EQ(listed->size(), 1);
    EXPECT_EQ(listed->first().id, world.deviceId());
    EXPECT_FALSE(cloudKeyDigest(world).isEmpty());
}

TEST(ProvisioningE2e, ReprovisionsThroughTheShellWithANewCloudKey) {
    E2eWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_GE(world.claimAndProvision(), 0) << world.problem().toStdString();
    const QString keyBefore = cloudKeyDigest(world);

    const QString commandId = queueKeyGeneration(world);
    ASSERT_FALSE(commandId.isEmpty());
    const qsizetype start = world.mark();
    ASSERT_TRUE(world.shell(u"att_cloud provision"_s));
    ASSERT_GE(world.waitForLine(u"Connected to Cloud"_s, start, 30000), 0)
        << linesFrom(world, start);
    expectInOrder(world, start,
                  {u"Provisioning request received"_s, u"Processing commands"_s,
                   u"nRF Provisioning requires device to deactivate LTE"_s,
                   u"nRF Provisioning requires device to activate LTE"_s,
                   u"Sending response to server"_s, u"No commands to process on server side"_s,
                   u"Treating as provisioning finished"_s, u"Authorization result_code: 2.01"_s,
                   u"Connected to Cloud"_s});

    const auto command = commandById(world, commandId);
    ASSERT_TRUE(command);
    EXPECT_EQ(command->status, ProvisioningCommand::Status::Succeeded);
    // The modem holds a new key, and nRF Cloud accepted a JWT signed with it.
    const QString keyAfter = cloudKeyDigest(world);
    EXPECT_FALSE(keyAfter.isEmpty());
    EXPECT_NE(keyAfter, keyBefore);
}

TEST(ProvisioningE2e, ReprovisionsThroughTheShadowAndReportsTheCommandBack) {
    E2eWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_GE(world.claimAndProvision(), 0) << world.problem().toStdString();

    const QString commandId = queueKeyGeneration(world);
    ASSERT_FALSE(commandId.isEmpty());
    DeviceApi devices(world.rest());
    auto shadowCommand = QCoro::waitFor(devices.requestReprovision(world.deviceId()));
    ASSERT_TRUE(shadowCommand) << shadowCommand.error().toString().toStdString();

    const qsizetype start = world.mark();
    ASSERT_TRUE(world.shell(u"att_cloud poll_shadow_delta"_s));
    ASSERT_GE(world.waitForLine(u"Connected to Cloud"_s, start, 30000), 0)
        << linesFrom(world, start);
    expectInOrder(world, start,
                  {u"Configuration: Requesting device shadow delta from cloud"_s,
                   u"Received provisioning command from cloud, requesting reprovisioning"_s,
                   u"Provisioning request received"_s, u"Processing commands"_s,
                   u"Sending response to server"_s, u"Connected to Cloud"_s});

    const auto command = commandById(world, commandId);
    ASSERT_TRUE(command);
    EXPECT_EQ(command->status, ProvisioningCommand::Status::Succeeded);
    // The device reported the command back, so the shadow holds no delta for it any more.
    auto device = QCoro::waitFor(devices.getDevice(world.deviceId()));
    ASSERT_TRUE(device) << device.error().toString().toStdString();
    const QJsonArray reported = device->reported.value(u"command"_s).toArray();
    ASSERT_EQ(reported.size(), 2);
    EXPECT_EQ(reported.at(0).toInt(), DeviceApi::ProvisionCommandType);
    EXPECT_EQ(qint64(reported.at(1).toDouble()), *shadowCommand);
    EXPECT_FALSE(device->delta.contains(u"command"_s));

    // A second poll finds nothing to do.
    const qsizetype again = world.mark();
    ASSERT_TRUE(world.shell(u"att_cloud poll_shadow_delta"_s));
    EXPECT_GE(world.waitForLine(u"Shadow delta section not present"_s, again), 0)
        << linesFrom(world, again);
}

TEST(ProvisioningE2e, ADeviceWithTheWrongCaFailsProvisioningAndKeepsRunning) {
    QTemporaryDir otherState;
    const auto otherCa = ps::cloudsim::CertificateAuthority::ensure(otherState.path());
    ASSERT_TRUE(otherCa) << otherCa.error().toStdString();
    E2eWorld world(otherCa->caCertificatePath);
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();

    ASSERT_GE(world.waitForLine(u"Connection attempt failed, backoff time"_s), 0)
        << linesFrom(world, 0);
    expectInOrder(world, 0,
                  {u"nRF Cloud CoAP connection failed, unauthorized or invalid credentials"_s,
                   u"nrf_provisioning_coap: DTLS setup"_s,
                   u"Failed to connect socket, error: -111"_s,
                   u"Provisioning failed, wrong CA certificate"_s,
                   u"Connection attempt failed, backoff time: 60 seconds"_s});
    EXPECT_LT(world.find(u"Device not authorized"_s), 0);

    // The device keeps running and answering its shell.
    const auto model = QCoro::waitFor(world.link().modem()->model());
    ASSERT_TRUE(model) << model.error().message.toStdString();
    EXPECT_EQ(*model, u"nRF9151-LACA"_s);
}

TEST(ProvisioningE2e, ARebootInTheMiddleOfProvisioningEndsTheAttemptAndTheNextBootFinishesIt) {
    // Every command request waits two seconds: long enough to reboot the device inside one.
    E2eWorld world(std::nullopt, {u"--latency"_s, u"2000"_s, u"--fault-path"_s, u"coaps/p/cmd"_s});
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    ASSERT_TRUE(world.claim()) << world.problem().toStdString();

    const qsizetype start = world.mark();
    ASSERT_TRUE(world.shell(u"att_cloud provision"_s));
    ASSERT_GE(world.waitForLine(u"nrf_provisioning_coap: Requesting commands"_s, start), 0)
        << linesFrom(world, start);
    ASSERT_TRUE(world.link().send("kernel reboot cold\r\n"));
    const qsizetype boot = world.waitForLine(u"*** Booting Asset Tracker Template"_s, start);
    ASSERT_GE(boot, 0) << linesFrom(world, start);
    // Nothing of the old attempt shows up in the new boot, and the new boot provisions.
    ASSERT_GE(world.waitForLine(u"Connected to Cloud"_s, boot, 30000), 0) << linesFrom(world, boot);
    EXPECT_LT(world.find(u"Processing commands"_s, start, boot), 0) << linesFrom(world, start);
    for (const ProvisioningCommand &command : commandsOf(world))
        EXPECT_EQ(command.status, ProvisioningCommand::Status::Succeeded)
            << command.statusText.toStdString();

    // Quitting in the middle of a request does not wait for its answer.
    const qsizetype again = world.mark();
    ASSERT_TRUE(world.shell(u"att_cloud provision"_s));
    ASSERT_GE(world.waitForLine(u"nrf_provisioning_coap: Requesting commands"_s, again), 0)
        << linesFrom(world, again);
    QElapsedTimer clock;
    clock.start();
    EXPECT_EQ(world.devsim().stop(), 0);
    EXPECT_LT(clock.elapsed(), 1500);
}

} // namespace
