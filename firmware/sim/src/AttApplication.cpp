#include "AttApplication.h"

#include "CredentialStore.h"
#include "DeviceIdentity.h"
#include "Modem.h"
#include "SimClock.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace ps::devsim {

using namespace std::chrono_literals;

namespace {

constexpr qsizetype AtResponseMaxLength = 2700; // CONFIG_AT_SHELL_CMD_RESPONSE_MAX_LEN
constexpr int BackoffInitialSeconds = 60;
constexpr int BackoffIncrementSeconds = 60;
constexpr int BackoffMaxSeconds = 3600;
constexpr auto ProvisioningCompletedPause = 10s;

const QByteArray AtUsage = "Usage: at <subcommand>\n"
                           "\n"
                           "Subcommands:\n"
                           "  events_enable     Enable AT event handler which prints AT "
                           "notifications\n"
                           "  events_disable    Disable AT event handler\n"
                           "\n"
                           "Any other subcommand is interpreted as AT command and sent to the "
                           "modem.\n";

// 3GPP TS 24.008 GPRS timer 3 (T3412 extended) and GPRS timer 2 (T3324) in seconds, -1 when
// deactivated, as lte_lc reports them.
int decodeTau(QByteArrayView bits) {
    if (bits.size() != 8)
        return -1;
    const int unit = bits.first(3).toInt(nullptr, 2);
    const int value = bits.sliced(3).toInt(nullptr, 2);
    static constexpr int Multipliers[] = {600, 3600, 36000, 2, 30, 60, 1152000, -1};
    return Multipliers[unit] < 0 ? -1 : value * Multipliers[unit];
}

int decodeActiveTime(QByteArrayView bits) {
    if (bits.size() != 8)
        return -1;
    const int unit = bits.first(3).toInt(nullptr, 2);
    const int value = bits.sliced(3).toInt(nullptr, 2);
    switch (unit) {
    case 0:
        return value * 2;
    case 1:
        return value * 60;
    case 2:
        return value * 360;
    default:
        return -1;
    }
}

QByteArray unquote(QByteArray text) {
    text = text.trimmed();
    if (text.size() >= 2 && text.startsWith('"') && text.endsWith('"'))
        return text.mid(1, text.size() - 2);
    return text;
}

} // namespace

AttApplication::AttApplication(AttProfile profile, AppEnvironment environment, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_env(std::move(environment))
    , m_shell(m_env.transmit) {
    registerCommands();
    connect(&m_env.modem, &Modem::notification, this, &AttApplication::onModemNotification);
    m_env.cloud.attach(this);
}

AttApplication::~AttApplication() {
    m_env.cloud.disconnect();
    m_env.cloud.attach(nullptr);
}

void AttApplication::feed(QByteArrayView bytes) {
    m_shell.feed(bytes);
}

SimClock &AttApplication::clock() {
    return m_env.clock;
}

QByteArray AttApplication::atCommand(QByteArrayView command) {
    return m_env.modem.execute(command);
}

void AttApplication::log(LogLevel level, QByteArrayView module, const QByteArray &message,
                         QByteArrayView function) {
    if (int(level) > int(m_env.maxLevel))
        return;
    m_shell.log(formatLogRecord(m_env.clock.uptimeUs(), level, module, message, function));
}

bool AttApplication::isNetworkConnected() const {
    return m_network == NetworkState::Connected;
}

void AttApplication::boot() {
    m_env.transmit("*** Booting Asset Tracker Template v" + m_profile.versionText() + " - " +
                   m_env.commit + " ***\r\n*** Using nRF Connect SDK " + m_profile.ncsVersion +
                   " ***\r\n*** Using Zephyr OS " + m_profile.zephyrVersion + " ***\r\n");
    bootSequence();
}

void AttApplication::bootSequence() {
    // Device-time instants of a real ATT boot (see the ATT getting-started log).
    struct Step {
        qint64 atUs;
        std::function<void()> run;
    };
    const bool provisioning = m_profile.provisionCommand != AttProfile::ProvisionCommand::None;
    const std::vector<Step> steps = {
        {250000, [this] { m_shell.start(); }},
        {522857, [this] { log(LogLevel::Debug, "main", "Main has started", "main"); }},
        {523406,
         [this] {
             log(LogLevel::Debug, "cloud", "Cloud module task started", "cloud_module_thread");
             log(LogLevel::Debug, "cloud", "state_running_entry", "state_running_entry");
         }},
        {523559,
         [this, provisioning] {
             if (provisioning)
                 log(LogLevel::Info, "nrf_provisioning_coap", "Init CoAP client");
         }},
        {524078,
         [this] {
             log(LogLevel::Debug, "cloud", "state_disconnected_entry", "state_disconnected_entry");
         }},
        {526092,
         [this] {
             log(LogLevel::Debug, "network", "state_running_entry", "state_running_entry");
             log(LogLevel::Debug, "network",
                 "Bringing network interface up and connecting to the network",
                 "state_running_entry");
         }},
        {808898,
         [this] {
             // lte_lc init subscribes to what it parses.
             m_env.modem.execute("AT+CEREG=5");
             m_env.modem.execute("AT+CGEREP=1");
         }},
        {963165, [this] { installProvisioningCa(); }},
        {963348,
         [this] {
             log(LogLevel::Debug, "network", "Network module started", "state_running_entry");
             log(LogLevel::Debug, "network", "state_disconnected_entry",
                 "state_disconnected_entry");
             networkConnect();
         }},
    };
    const qint64 now = m_env.clock.uptimeUs();
    for (const Step &step : steps)
        m_env.clock.after(this, std::chrono::microseconds(step.atUs - now), step.run);
}

void AttApplication::installProvisioningCa() {
    if (m_env.caCertificate.isEmpty())
        return;
    const auto existing = m_env.credentials.find(ProvisioningCaSecTag, 0);
    if (existing && existing->content == m_env.caCertificate) {
        log(LogLevel::Debug, "nrf_provisioning", "Certificate already provisioned",
            "cert_provision");
        return;
    }
    const QByteArray command = "AT%CMNG=0," + QByteArray::number(ProvisioningCaSecTag) + ",0,\"" +
                               m_env.caCertificate + '"';
    const QByteArray response = atCommand(command);
    if (!response.endsWith("OK\r\n"))
        log(LogLevel::Error, "nrf_provisioning",
            "Failed to provision the root CA certificate: " + response.trimmed());
}

void AttApplication::registerCommands() {
    ShellCommand at;
    at.name = "at";
    at.help = "Execute an AT command";
    at.handler = [this](ShellContext &context, const QList<QByteArray> &argv) {
        if (argv.size() < 2) {
            context.print(AtUsage);
            return 0;
        }
        const QByteArray &command = argv.at(1);
        if (command == "events_enable") {
            m_atEvents = true;
            context.print("AT command event handler enabled");
            return 0;
        }
        if (command == "events_disable") {
            m_atEvents = false;
            context.print("AT command event handler disabled");
            return 0;
        }
        const QByteArray response = m_env.modem.execute(command);
        if (response.size() > AtResponseMaxLength) {
            // nrf_modem_at_cmd() cannot fit the response into the shell's buffer: -E2BIG.
            context.print("Sending AT command failed with error code -7");
            return -7;
        }
        context.print(response);
        return response.endsWith("OK\r\n") ? 0 : -22;
    };
    m_shell.addCommand(std::move(at));

    const auto publish = [this](QByteArray usage) {
        return [this, usage](ShellContext &context, const QList<QByteArray> &argv) {
            if (argv.size() != 3) {
                context.print("Invalid number of arguments (" + QByteArray::number(argv.size()) +
                              ')');
                context.print(usage);
                return 1;
            }
            const QByteArray clock = m_env.modem.execute("AT%CCLK?");
            if (!clock.endsWith("OK\r\n")) {
                context.print("Failed to get current time, error: -61");
                return 1;
            }
            const QByteArray json =
                QJsonDocument(QJsonObject{
                                  {QStringLiteral("messageType"), QStringLiteral("DATA")},
                                  {QStringLiteral("appId"), QString::fromUtf8(argv.at(1))},
                                  {QStringLiteral("data"), QString::fromUtf8(argv.at(2))},
                                  {QStringLiteral("ts"), QDateTime::currentMSecsSinceEpoch()},
                              })
                    .toJson(QJsonDocument::Compact);
            context.print("Sending on payload channel: " + json + " (" +
                          QByteArray::number(json.size()) + " bytes)");
            if (m_cloud == CloudState::Connected)
                m_env.cloud.publish(json);
            return 0;
        };
    };
    const auto provision = [this](ShellContext &, const QList<QByteArray> &) {
        cloudProvisioningRequest();
        return 0;
    };

    switch (m_profile.provisionCommand) {
    case AttProfile::ProvisionCommand::AttCloudProvision: {
        ShellCommand cloud;
        cloud.name = "att_cloud";
        cloud.help = "Asset Tracker Template Cloud module commands";
        cloud.subcommands.push_back({"publish",
                                     "Publish custom data message to cloud. Usage: publish "
                                     "<appid> <data>",
                                     publish("Usage: att_cloud publish <appid> <data>"),
                                     {}});
        cloud.subcommands.push_back({"provision",
                                     "Perform provisioning. The application will connect to the "
                                     "nRF Cloud provisioning service and check for pending "
                                     "commands",
                                     provision,
                                     {}});
        cloud.subcommands.push_back({"poll_shadow_delta",
                                     "Poll the device shadow delta to receive pending "
                                     "configuration updates",
                                     [this](ShellContext &, const QList<QByteArray> &) {
                                         cloudPollShadowDelta();
                                         return 0;
                                     },
                                     {}});
        m_shell.addCommand(std::move(cloud));
        break;
    }
    case AttProfile::ProvisionCommand::AttCloudProvisionNow: {
        ShellCommand provisionRoot;
        provisionRoot.name = "att_cloud_provision";
        provisionRoot.help = "Asset Tracker Template Provisioning CMDs";
        provisionRoot.subcommands.push_back({"now", "Perform provisioning now", provision, {}});
        m_shell.addCommand(std::move(provisionRoot));
        [[fallthrough]];
    }
    case AttProfile::ProvisionCommand::None:
        m_shell.addCommand({"att_cloud_publish",
                            "Asset Tracker Template Cloud CMDs",
                            publish("Usage: att_cloud_publish <appid> <data>"),
                            {}});
        break;
    }

    ShellCommand network;
    network.name = "att_network";
    network.help = "Asset Tracker Template Network CMDs";
    network.subcommands.push_back({"connect",
                                   "Connect to LTE",
                                   [this](ShellContext &, const QList<QByteArray> &) {
                                       networkConnect();
                                       return 0;
                                   },
                                   {}});
    network.subcommands.push_back({"disconnect",
                                   "Disconnect from LTE",
                                   [this](ShellContext &, const QList<QByteArray> &) {
                                       networkDisconnect();
                                       return 0;
                                   },
                                   {}});
    m_shell.addCommand(std::move(network));

    const auto reboot = [this](ShellContext &context, const QList<QByteArray> &) {
        context.halt(); // sys_reboot() does not return: no prompt
        QTimer::singleShot(0, this, [this] { Q_EMIT rebootRequested(); });
        return 0;
    };
    ShellCommand kernel;
    kernel.name = "kernel";
    kernel.help = "Kernel commands";
    kernel.subcommands.push_back(
        {"reboot",
         "Reboot.",
         reboot,
         {{"cold", "Cold reboot.", reboot, {}}, {"warm", "Warm reboot.", reboot, {}}}});
    kernel.subcommands.push_back(
        {"uptime",
         "Kernel uptime.",
         [this](ShellContext &context, const QList<QByteArray> &) {
             context.print("Uptime: " + QByteArray::number(m_env.clock.uptimeUs() / 1000) + " ms");
             return 0;
         },
         {}});
    kernel.subcommands.push_back({"version",
                                  "Kernel version.",
                                  [this](ShellContext &context, const QList<QByteArray> &) {
                                      context.print("Zephyr version " +
                                                    m_profile.zephyrVersion.mid(1));
                                      return 0;
                                  },
                                  {}});
    m_shell.addCommand(std::move(kernel));
}

void AttApplication::onModemNotification(const QByteArray &line) {
    // The AT monitor of the shell's `at` command and lte_lc both see every notification.
    if (m_atEvents)
        m_shell.printAsync("AT event handler:\n" + line + "\r\n");

    if (line.startsWith("+CEREG: ")) {
        onRegistration(line.mid(8).split(','));
    } else if (line.startsWith("+CGEV: ")) {
        const QByteArray event = line.mid(7).trimmed();
        if (event == "ME PDN ACT 0")
            onPdnUp();
        else if (event == "ME PDN DEACT 0" || event == "NW PDN DEACT 0")
            onPdnDown("PDN connection deactivated");
        else if (event == "ME DETACH" || event == "NW DETACH")
            onPdnDown("PDN connection network detached");
    }
}

void AttApplication::onRegistration(const QList<QByteArray> &fields) {
    bool ok = false;
    const int stat = fields.value(0).toInt(&ok);
    if (!ok)
        return;
    const bool wasConnected = m_registered && m_pdnActive;
    m_registered = stat == 1 || stat == 5;

    if (stat == 90) {
        log(LogLevel::Error, "network", "No SIM card detected!");
    } else if (stat == 0 && m_profile.pdnEventLogs) {
        log(LogLevel::Warning, "network", "Not registered, check rejection cause");
    } else if (stat == 3 && fields.size() >= 6 && !fields.at(5).isEmpty()) {
        const QByteArray cell = unquote(fields.value(2));
        const QByteArray area = unquote(fields.value(1));
        log(LogLevel::Warning, "lte_lc",
            "Registration rejected, EMM cause: " + fields.at(5).trimmed() +
                ", Cell ID: " + QByteArray::number(cell.toLongLong(nullptr, 16)) +
                ", Tracking area: " + QByteArray::number(area.toLongLong(nullptr, 16)) +
                ", LTE mode: " + fields.value(3).trimmed());
    }
    if (m_registered && fields.size() >= 8 && m_profile.pdnEventLogs) {
        log(LogLevel::Debug, "network",
            "PSM parameters received, TAU: " +
                QByteArray::number(decodeTau(unquote(fields.at(7)))) +
                ", Active time: " + QByteArray::number(decodeActiveTime(unquote(fields.at(6)))),
            "lte_lc_evt_handler");
    }

    // Before v1.2.9 the network module followed the L4 state, which needs registration and
    // a PDN connection both.
    if (!m_profile.pdnEventLogs && m_pdnActive) {
        const bool connected = m_registered && m_pdnActive;
        if (wasConnected && !connected) {
            log(LogLevel::Info, "network", "Network connectivity lost");
            networkDown();
        } else if (!wasConnected && connected) {
            log(LogLevel::Info, "network", "Network connectivity established");
            networkUp();
        }
    }
}

void AttApplication::onPdnUp() {
    if (m_pdnActive)
        return;
    m_pdnActive = true;
    if (m_profile.pdnEventLogs) {
        log(LogLevel::Debug, "network", "PDN connection activated", "lte_lc_evt_handler");
        networkUp();
    } else if (m_registered) {
        log(LogLevel::Info, "network", "Network connectivity established");
        networkUp();
    }
}

void AttApplication::onPdnDown(const QByteArray &event) {
    if (!m_pdnActive)
        return;
    const bool wasConnected = m_registered && m_pdnActive;
    m_pdnActive = false;
    if (m_profile.pdnEventLogs) {
        log(LogLevel::Debug, "network", event, "lte_lc_evt_handler");
        networkDown();
    } else if (wasConnected) {
        log(LogLevel::Info, "network", "Network connectivity lost");
        networkDown();
    }
}

void AttApplication::networkUp() {
    if (m_network == NetworkState::Connected)
        return;
    m_network = NetworkState::Connected;
    // The port first: the cloud module's reaction (a connection attempt) needs the network up.
    m_env.cloud.networkChanged(true);
    cloudNetworkChanged(true);
    log(LogLevel::Debug, "network", "state_connected_entry", "state_connected_entry");
}

void AttApplication::networkDown() {
    if (m_network != NetworkState::Connected && m_network != NetworkState::Disconnecting)
        return;
    m_network = NetworkState::Idle;
    log(LogLevel::Debug, "network", "state_disconnected_entry", "state_disconnected_entry");
    m_env.cloud.networkChanged(false);
    cloudNetworkChanged(false);
}

void AttApplication::networkConnect() {
    if (m_network != NetworkState::Idle)
        return;
    m_network = NetworkState::Searching;
    log(LogLevel::Debug, "network", "state_disconnected_searching_entry",
        "state_disconnected_searching_entry");
    m_env.modem.execute("AT+CFUN=1");
}

void AttApplication::networkDisconnect() {
    switch (m_network) {
    case NetworkState::Connected:
        m_network = NetworkState::Disconnecting;
        log(LogLevel::Debug, "network", "state_disconnecting_entry", "state_disconnecting_entry");
        m_env.modem.execute("AT+CFUN=4");
        break;
    case NetworkState::Searching:
        m_network = NetworkState::Idle;
        m_env.modem.execute("AT+CFUN=4");
        break;
    case NetworkState::Idle:
    case NetworkState::Disconnecting:
        break;
    }
}

void AttApplication::requestLte(bool active) {
    if (active) {
        log(LogLevel::Info, "cloud", "nRF Provisioning requires device to activate LTE");
        networkConnect();
    } else {
        log(LogLevel::Info, "cloud", "nRF Provisioning requires device to deactivate LTE");
        networkDisconnect();
    }
}

QObject *AttApplication::cloudOperation() {
    m_cloudOperation = std::make_unique<QObject>();
    return m_cloudOperation.get();
}

void AttApplication::cloudNetworkChanged(bool connected) {
    if (connected) {
        if (m_cloud == CloudState::Disconnected) {
            cloudConnecting();
        } else if (m_cloud == CloudState::Paused) {
            m_cloud = CloudState::Connected;
            log(LogLevel::Debug, "cloud", "state_connected_ready_entry",
                "state_connected_ready_entry");
        }
        return;
    }
    switch (m_cloud) {
    case CloudState::Backoff:
        log(LogLevel::Debug, "cloud", "state_connecting_backoff_exit",
            "state_connecting_backoff_exit");
        [[fallthrough]];
    case CloudState::Connecting:
        cloudDisconnected();
        break;
    case CloudState::Connected:
        m_cloud = CloudState::Paused;
        log(LogLevel::Debug, "cloud", "state_connected_paused_entry",
            "state_connected_paused_entry");
        break;
    case CloudState::Provisioning: // LTE going down and up is part of provisioning
    case CloudState::Disconnected:
    case CloudState::Paused:
        break;
    }
}

void AttApplication::cloudConnecting() {
    log(LogLevel::Debug, "cloud", "state_connecting_entry", "state_connecting_entry");
    m_attempts = 0;
    m_provisioningOngoing = m_provisioningRequested;
    m_provisioningRequested = false;
    cloudAttempt();
}

void AttApplication::cloudAttempt() {
    m_cloud = CloudState::Connecting;
    ++m_attempts;
    log(LogLevel::Debug, "cloud", "state_connecting_attempt_entry",
        "state_connecting_attempt_entry");
    if (m_provisioningOngoing) {
        cloudProvisioning();
        return;
    }
    log(LogLevel::Debug, "cloud", "state_connecting_provisioned_entry",
        "state_connecting_provisioned_entry");
    log(LogLevel::Info, "cloud",
        "Connecting to nRF Cloud CoAP with client ID: " + m_env.identity.uuidText().toLatin1());
    m_env.cloud.connect(cloudOperation(),
                        [this](CloudPort::ConnectResult result) { cloudConnectResult(result); });
}

void AttApplication::cloudConnectResult(CloudPort::ConnectResult result) {
    switch (result) {
    case CloudPort::ConnectResult::Connected:
        cloudConnected();
        break;
    case CloudPort::ConnectResult::Unauthorized:
        log(LogLevel::Warning, "cloud",
            "nRF Cloud CoAP connection failed, unauthorized or invalid credentials");
        cloudProvisioning();
        break;
    case CloudPort::ConnectResult::Failed:
        log(LogLevel::Warning, "cloud", "nRF Cloud CoAP connection refused");
        cloudBackoff();
        break;
    }
}

void AttApplication::cloudProvisioning() {
    m_cloud = CloudState::Provisioning;
    m_provisioningOngoing = true;
    log(LogLevel::Debug, "cloud", "state_connecting_provisioning_entry",
        "state_connecting_provisioning_entry");
    m_env.cloud.provision(cloudOperation(), [this](CloudPort::ProvisioningResult result) {
        cloudProvisioningResult(result);
    });
}

void AttApplication::cloudProvisioningResult(CloudPort::ProvisioningResult result) {
    const auto provisioned = [this] {
        m_provisioningOngoing = false;
        m_cloud = CloudState::Connecting;
        log(LogLevel::Debug, "cloud", "state_connecting_provisioned_entry",
            "state_connecting_provisioned_entry");
        log(LogLevel::Info, "cloud",
            "Connecting to nRF Cloud CoAP with client ID: " + m_env.identity.uuidText().toLatin1());
        m_env.cloud.connect(cloudOperation(), [this](CloudPort::ConnectResult connectResult) {
            cloudConnectResult(connectResult);
        });
    };
    const auto failed = [this] {
        if (m_network == NetworkState::Connected)
            cloudBackoff();
        else
            cloudDisconnected();
    };
    switch (result) {
    case CloudPort::ProvisioningResult::Finished:
        log(LogLevel::Debug, "cloud", "Provisioning finished", "handle_provisioning_event");
        m_env.clock.after(cloudOperation(), ProvisioningCompletedPause, [this, provisioned] {
            log(LogLevel::Debug, "main", "Device provisioning completed", "cloud_callback");
            provisioned();
        });
        break;
    case CloudPort::ProvisioningResult::NoCommands:
        log(LogLevel::Info, "cloud", "No commands from the nRF Provisioning Service to process");
        log(LogLevel::Info, "cloud", "Treating as provisioning finished");
        provisioned();
        break;
    case CloudPort::ProvisioningResult::NotClaimed:
        log(LogLevel::Warning, "cloud", "Provisioning failed, device not claimed");
        log(LogLevel::Warning, "cloud",
            "Claim the device on nrfcloud.com using the attestation token below");
        printAttestationToken();
        failed();
        break;
    case CloudPort::ProvisioningResult::NoTime:
        log(LogLevel::Warning, "cloud", "Provisioning failed, no valid datetime reference");
        failed();
        break;
    case CloudPort::ProvisioningResult::WrongCa:
        log(LogLevel::Warning, "cloud", "Provisioning failed, wrong CA certificate");
        failed();
        break;
    case CloudPort::ProvisioningResult::Failed:
        log(LogLevel::Error, "cloud", "Provisioning failed");
        failed();
        break;
    }
}

void AttApplication::printAttestationToken() {
    const QByteArray response = atCommand("AT%ATTESTTOKEN");
    const qsizetype start = response.indexOf('"');
    const qsizetype end = response.indexOf('"', start + 1);
    if (start < 0 || end < 0)
        return;
    const QByteArray token = response.mid(start + 1, end - start - 1);
    constexpr QByteArrayView Begin = "----- BEGIN ATTESTATION TOKEN -----";
    constexpr QByteArrayView End = "----- END ATTESTATION TOKEN -----";
    switch (m_profile.tokenPrint) {
    case AttProfile::TokenPrint::Block:
        log(LogLevel::Warning, "cloud",
            Begin.toByteArray() + '\n' + token + '\n' + End.toByteArray());
        break;
    case AttProfile::TokenPrint::ThreeLines:
        log(LogLevel::Warning, "cloud", Begin.toByteArray());
        log(LogLevel::Warning, "cloud", token);
        log(LogLevel::Warning, "cloud", End.toByteArray());
        break;
    case AttProfile::TokenPrint::Bare:
        log(LogLevel::Warning, "cloud", token);
        break;
    }
}

void AttApplication::cloudBackoff() {
    m_cloud = CloudState::Backoff;
    log(LogLevel::Debug, "cloud", "state_connecting_backoff_entry",
        "state_connecting_backoff_entry");
    const int seconds = std::min(BackoffInitialSeconds + (m_attempts - 1) * BackoffIncrementSeconds,
                                 BackoffMaxSeconds);
    log(LogLevel::Debug, "cloud", "Backoff time: " + QByteArray::number(seconds) + " seconds",
        "calculate_backoff_time");
    log(LogLevel::Warning, "cloud",
        "Connection attempt failed, backoff time: " + QByteArray::number(seconds) + " seconds");
    m_env.clock.after(cloudOperation(), std::chrono::seconds(seconds), [this] {
        log(LogLevel::Debug, "cloud", "state_connecting_backoff_exit",
            "state_connecting_backoff_exit");
        cloudAttempt();
    });
}

void AttApplication::cloudConnected() {
    m_cloud = CloudState::Connected;
    m_cloudOperation.reset();
    log(LogLevel::Info, "cloud", "nRF Cloud CoAP connection successful");
    log(LogLevel::Debug, "cloud", "state_connected_entry", "state_connected_entry");
    log(LogLevel::Info, "cloud", "Connected to Cloud");
    log(LogLevel::Debug, "cloud", "state_connected_ready_entry", "state_connected_ready_entry");
}

void AttApplication::cloudDisconnected() {
    m_cloud = CloudState::Disconnected;
    m_cloudOperation.reset();
    log(LogLevel::Debug, "cloud", "state_disconnected_entry", "state_disconnected_entry");
}

void AttApplication::cloudProvisioningRequest() {
    log(LogLevel::Debug, "cloud", "Provisioning request received", "handle_cloud_channel_message");
    switch (m_cloud) {
    case CloudState::Connected:
        m_env.cloud.disconnect();
        log(LogLevel::Debug, "cloud", "state_connected_exit", "state_connected_exit");
        cloudProvisioning();
        break;
    case CloudState::Backoff:
        log(LogLevel::Debug, "cloud", "state_connecting_backoff_exit",
            "state_connecting_backoff_exit");
        [[fallthrough]];
    case CloudState::Connecting:
        cloudProvisioning();
        break;
    case CloudState::Disconnected:
    case CloudState::Paused:
        // No network now: provision at the next connection.
        m_provisioningRequested = true;
        break;
    case CloudState::Provisioning:
        break;
    }
}

void AttApplication::cloudPollShadowDelta() {
    if (m_cloud != CloudState::Connected)
        return; // the cloud module handles the trigger only while connected
    log(LogLevel::Debug, "cloud", "Poll shadow delta trigger received",
        "handle_cloud_channel_message");
    log(LogLevel::Debug, "cloud", "Configuration: Requesting device shadow delta from cloud",
        "cloud_configuration_poll");
    m_env.cloud.pollShadowDelta(cloudOperation(), [this](std::optional<QByteArray> delta) {
        if (delta)
            cloudShadowDelta(*delta);
    });
}

void AttApplication::cloudShadowDelta(const QByteArray &delta) {
    if (delta.isEmpty()) {
        log(LogLevel::Debug, "cloud", "Shadow delta section not present",
            "cloud_configuration_poll");
        return;
    }
    // The main module applies the delta, reports a command back (which clears the delta) and
    // then runs it; type 1 is "provision" (PROTOCOL §6).
    const QJsonArray command = QJsonDocument::fromJson(delta).object().value(u"command").toArray();
    if (command.size() != 2 || !command.at(0).isDouble() || !command.at(1).isDouble()) {
        log(LogLevel::Debug, "main", "No configuration parameters to update", "config_apply");
        return;
    }
    log(LogLevel::Debug, "cloud", "Configuration: Reporting config to cloud",
        "cloud_configuration_reported_update");
    m_env.cloud.reportShadow(QJsonDocument(QJsonObject{{QStringLiteral("command"), command}})
                                 .toJson(QJsonDocument::Compact));
    if (command.at(0).toInt() == ProvisionCommandType) {
        log(LogLevel::Debug, "main",
            "Received provisioning command from cloud, requesting reprovisioning...",
            "command_execute");
        cloudProvisioningRequest();
    } else {
        log(LogLevel::Debug, "main", "No valid command to process", "command_execute");
    }
}

} // namespace ps::devsim
