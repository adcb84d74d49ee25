#pragma once

#include "AttProfile.h"
#include "CloudPort.h"
#include "ZephyrLog.h"
#include "ZephyrShell.h"

#include <QObject>
#include <functional>
#include <memory>

namespace ps::devsim {

class CredentialStore;
class Modem;
class SimClock;
struct DeviceIdentity;

/// What one boot of the application runs against; all of it outlives the boot.
struct AppEnvironment {
    SimClock &clock;
    Modem &modem;
    CredentialStore &credentials;
    const DeviceIdentity &identity;
    CloudPort &cloud;
    std::function<void(const QByteArray &)> transmit; ///< the UART
    LogLevel maxLevel = LogLevel::Debug;              ///< ATT builds log debug by default
    QByteArray caCertificate; ///< `--ca`: nrf_provisioning installs it in sec tag 189298
    QByteArray commit;        ///< shown in the boot banner
};

/// One boot of the Asset Tracker Template on the nRF91 application core: boot banner, Zephyr
/// shell with ATT's commands, and the modules the station watches (network, cloud, the
/// nrf_provisioning init and the lte_lc event handling), logging in ATT's wording for the
/// profile's version (PROTOCOL §2, §7).
///
/// The network module follows the modem's notifications the way lte_lc does (it parses
/// +CEREG / +CGEV lines), so AT commands typed into the shell move it exactly as they would on a
/// device. Modelling choice: after LTE goes down (CFUN=4 typed by hand, `att_network
/// disconnect`) the module stays idle until `att_network connect` or AT+CFUN=1.
///
/// Destroying the object is the reset: everything it scheduled dies with it.
class AttApplication
    : public QObject
    , public CloudHost {
    Q_OBJECT
public:
    AttApplication(AttProfile profile, AppEnvironment environment, QObject *parent = nullptr);
    ~AttApplication() override;

    /// Banner now, then the boot sequence on the device clock.
    void boot();
    /// Bytes from the UART.
    void feed(QByteArrayView bytes);

    [[nodiscard]] const AttProfile &profile() const { return m_profile; }

    // CloudHost
    QByteArray atCommand(QByteArrayView command) override;
    void log(LogLevel level, QByteArrayView module, const QByteArray &message,
             QByteArrayView function = {}) override;
    void requestLte(bool active) override;
    [[nodiscard]] bool isNetworkConnected() const override;
    SimClock &clock() override;

    static constexpr quint32 ProvisioningCaSecTag = 189298;
    /// Shadow `command: [type, id]` type that requests provisioning (PROTOCOL §6).
    static constexpr int ProvisionCommandType = 1;

Q_SIGNALS:
    /// `kernel reboot`: the caller resets the device.
    void rebootRequested();

private:
    enum class NetworkState { Idle, Searching, Connected, Disconnecting };
    enum class CloudState { Disconnected, Connecting, Provisioning, Backoff, Connected, Paused };

    void registerCommands();
    void bootSequence();
    void onModemNotification(const QByteArray &line);
    void onRegistration(const QList<QByteArray> &fields);
    void onPdnUp();
    void onPdnDown(const QByteArray &event);
    void networkUp();
    void networkDown();
    void networkConnect();
    void networkDisconnect();
    void installProvisioningCa();

    // Cloud module.
    void cloudNetworkChanged(bool connected);
    void cloudConnecting();
    void cloudAttempt();
    void cloudConnectResult(CloudPort::ConnectResult result);
    void cloudProvisioning();
    void cloudProvisioningResult(CloudPort::ProvisioningResult result);
    void cloudBackoff();
    void cloudLeaveBackoff();
    void cloudConnected();
    void cloudDisconnected();
    void cloudProvisioningRequest();
    void cloudPollShadowDelta();
    void cloudShadowDelta(const QByteArray &delta);
    void printAttestationToken();
    QObject *cloudOperation();

    AttProfile m_profile;
    AppEnvironment m_env;
    ZephyrShell m_shell;
    bool m_atEvents = false;

    NetworkState m_network = NetworkState::Idle;
    bool m_pdnActive = false;
    bool m_registered = false;

    CloudState m_cloud = CloudState::Disconnected;
    int m_attempts = 0;
    bool m_provisioningOngoing = false;
    bool m_provisioningRequested = false;
    std::unique_ptr<QObject> m_cloudOperation; ///< context of the pending attempt or back-off
};

} // namespace ps::devsim
