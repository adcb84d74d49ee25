#pragma once

#include "ProvisioningCloud.h"
#include "provclient/client.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <memory>
#include <vector>

namespace ps::devsim {

/// The provisioning client of firmware/client on the virtual device, for one boot: its
/// prov_port made of the modem (AT commands on the Qt thread), a CoapDtlsClient session to the
/// endpoint, the device clock (scaled by `--speed`) and `<state>/provisioning.json`.
///
/// Lives on ProvisioningCloud's worker thread; run() blocks it for a whole provisioning session.
/// A new boot makes a new ProvisioningRun, as the firmware's library starts afresh (the last
/// correlation id comes back from the settings file).
class ProvisioningRun {
public:
    ProvisioningRun(ProvisioningCloud &cloud, quint64 epoch);
    ~ProvisioningRun();
    ProvisioningRun(const ProvisioningRun &) = delete;
    ProvisioningRun &operator=(const ProvisioningRun &) = delete;

    [[nodiscard]] quint64 epoch() const { return m_epoch; }

    /// One prov_client_run(), translated for ATT's cloud module.
    CloudPort::ProvisioningResult run(const ProvisioningCloud::Ticket &ticket);

    /// Buffer sizes (the nRF91 library's defaults are smaller; PEM certificates need room).
    static constexpr size_t RxSize = 4096;
    static constexpr size_t TxSize = 4096;
    static constexpr size_t AtCommandSize = 4096;
    static constexpr size_t AtResponseSize = 4096;

private:
    friend struct ProvisioningPortCallbacks;

    int atCommand(const char *command, char *response, size_t responseSize, prov_at_reply *reply);
    int coapConnect();
    int coapRequest(const prov_coap_request *request, prov_coap_response *response);
    void coapDisconnect();
    quint64 uptimeMs();
    bool modemTimeValid();
    void sleepMs(quint32 ms);
    int waitModemState(prov_modem_state state, quint32 timeoutMs);
    int settingsLoad(const char *key, char *value, size_t valueSize, size_t *valueLength);
    int settingsStore(const char *key, const char *value, size_t valueLength);
    void log(prov_log_level level, const char *module, const char *message);
    void onEvent(const prov_event *event);

    [[nodiscard]] QJsonObject readSettings() const;
    [[nodiscard]] QString settingsPath() const;

    ProvisioningCloud &m_cloud;
    const quint64 m_epoch;
    ProvisioningCloud::Ticket m_ticket;
    std::unique_ptr<CoapDtlsClient> m_session;
    quint64 m_sessionLosses = 0; ///< network losses counted when the session was made
    QElapsedTimer m_uptime;
    /// Added to the uptime once a run is called off, so the client's time-bounded loops end at
    /// once; only grows, so the uptime never goes backwards.
    quint64 m_skippedMs = 0;
    bool m_skippedThisRun = false;

    std::vector<unsigned char> m_rx;
    std::vector<unsigned char> m_tx;
    std::vector<char> m_atCommand;
    std::vector<char> m_atResponse;
    std::unique_ptr<prov_client> m_client;
    bool m_ready = false;
};

} // namespace ps::devsim
