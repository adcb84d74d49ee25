#pragma once

#include "ZephyrLog.h"

#include <QByteArray>
#include <QObject>
#include <functional>
#include <optional>

namespace ps::devsim {

class SimClock;

/// What the firmware offers to whoever talks to the cloud on its behalf: AT commands to the
/// modem (%JWT, %KEYGEN, %CMNG...), log records, LTE on/off and its state. The ATT application
/// (AttApplication) implements it.
class CloudHost {
public:
    virtual ~CloudHost() = default;
    /// nrf_modem_at_cmd(): the complete response, lines ending in CR LF.
    virtual QByteArray atCommand(QByteArrayView command) = 0;
    virtual void log(LogLevel level, QByteArrayView module, const QByteArray &message,
                     QByteArrayView function = {}) = 0;
    /// "nRF Provisioning requires device to deactivate/activate LTE" (PROTOCOL §7); the
    /// outcome arrives as networkChanged() on the CloudPort.
    virtual void requestLte(bool active) = 0;
    [[nodiscard]] virtual bool isNetworkConnected() const = 0;
    virtual SimClock &clock() = 0;
};

/// The seam between the ATT cloud module and the network side: nRF Cloud CoAP (connect, shadow)
/// and the nRF Provisioning Service (PROTOCOL §7). The cloud module's state machine, its log
/// lines and back-off live in AttApplication; an implementation of this interface does the
/// transport and reports outcomes. Callbacks must run later (never inside the call) and are
/// dropped when `context` is gone.
///
/// UnconfiguredCloud is the implementation for a device that knows no endpoint;
/// ProvisioningCloud (`--cloud HOST:PORT`) runs the provisioning client of firmware/client and
/// the nRF Cloud CoAP connection over DTLS (libcoap), with JWTs from CloudHost::atCommand and
/// the CA in sec tag 189298.
class CloudPort {
public:
    virtual ~CloudPort() = default;

    enum class ConnectResult {
        Connected,    ///< nrf_cloud_coap_connect() == 0
        Unauthorized, ///< -EACCES / -ENOEXEC / -ECONNREFUSED: not provisioned yet
        Failed,       ///< anything else (no route, DNS, timeout)
    };
    enum class ProvisioningResult {
        Finished,   ///< commands ran and `finished` was acknowledged
        NoCommands, ///< nothing queued on the server
        NotClaimed, ///< 4.01: the device is not claimed
        NoTime,     ///< no valid modem time
        WrongCa,    ///< the server certificate does not verify with sec tag 189298
        Failed,     ///< transport or server error
    };

    /// The application of the current boot; nullptr when it goes away (a reboot, power off).
    virtual void attach(CloudHost *host) = 0;
    virtual void connect(QObject *context, std::function<void(ConnectResult)> done) = 0;
    virtual void disconnect() = 0;
    virtual void provision(QObject *context, std::function<void(ProvisioningResult)> done) = 0;
    /// Shadow delta poll: `done` gets the delta as a JSON object (empty when there is none), or
    /// std::nullopt when the poll did not reach the cloud.
    virtual void pollShadowDelta(QObject *context,
                                 std::function<void(std::optional<QByteArray>)> done) = 0;
    /// A JSON object for the shadow's reported section (ATT reports a shadow command back with
    /// it), while connected.
    virtual void reportShadow(const QByteArray &reportedJson) = 0;
    /// A JSON message for the device message topic (`att_cloud publish`), while connected.
    virtual void publish(const QByteArray &json) = 0;
    /// The firmware's network module reports PDN up/down here.
    virtual void networkChanged(bool connected) = 0;
};

/// A device started without a cloud endpoint: every attempt fails as a failed DNS lookup of
/// the nRF Cloud host would, and says why in its log line.
class UnconfiguredCloud final : public CloudPort {
public:
    void attach(CloudHost *host) override { m_host = host; }
    void connect(QObject *context, std::function<void(ConnectResult)> done) override;
    void disconnect() override {}
    void provision(QObject *context, std::function<void(ProvisioningResult)> done) override;
    void pollShadowDelta(QObject *context,
                         std::function<void(std::optional<QByteArray>)> done) override;
    void reportShadow(const QByteArray &) override {} // never connected, so never called
    void publish(const QByteArray &) override {}      // never connected, so never called
    void networkChanged(bool) override {}

private:
    CloudHost *m_host = nullptr;
};

} // namespace ps::devsim
