#pragma once

#include "CloudPort.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace ps::devsim {

class CoapDtlsClient;
class CredentialStore;
class ProvisioningRun;

/// `--cloud HOST:PORT`: where the device finds the provisioning service and nRF Cloud CoAP (on a
/// real device both are coap.nrfcloud.com:5684).
struct CloudEndpoint {
    QString host;
    quint16 port = 0;

    /// "127.0.0.1:5684", "localhost:5684", "[::1]:5684".
    static std::expected<CloudEndpoint, QString> parse(const QString &text);
    [[nodiscard]] QString toString() const;
};

/// The CloudPort of a device that talks to a real endpoint (the stand-in, provstation-cloudsim)
/// over CoAP and DTLS: the provisioning client of firmware/client (prov_client_run) for the
/// nRF Cloud provisioning service, and the nRF Cloud CoAP connection (auth/jwt, shadow,
/// messages) for ATT's cloud module. Paths and codes: app/cloudsim/COAP.md.
///
/// Threads: everything on the network runs on one worker thread, one job after the other, so
/// the Qt thread (the shell, the modem, the LTE model) never waits for the network. The worker
/// reaches the device only through the Qt thread: AT commands run on the emulated modem there
/// (the worker waits for the answer), log records and LTE requests are posted there in order,
/// and outcomes come back as queued callbacks, dropped when their context is gone.
///
/// How the port behaves like a modem:
///  - The server is verified with the root CA in sec tag 189298 (provisioning), or for nRF Cloud
///    CoAP with the CA in sec tag 16842753 when one is stored there, else 189298's.
///  - LTE going down ends the provisioning service's DTLS session (the next request reports
///    PROV_ERR_NOTCONN and the client reconnects and authenticates again); the nRF Cloud CoAP
///    session survives it, as with DTLS connection IDs on the nRF91, but carries nothing while
///    LTE is down.
///  - Device-time bounds (the client's 120 s LTE wait, 30 s per request) are scaled by `--speed`
///    but never shorter than ten host seconds, since the network itself is not simulated.
///  - Settings (the last correlation id, config commands) live in `<state>/provisioning.json`.
///
/// Cancellation: disconnect() ends the connect, poll or provisioning in progress (reports and
/// publishes already queued still go out); a new attach() - a reboot - ends everything of the
/// previous boot. The destructor stops the worker and waits for it.
class ProvisioningCloud final
    : public QObject
    , public CloudPort {
    Q_OBJECT
public:
    ProvisioningCloud(CloudEndpoint endpoint, QString stateDir, const CredentialStore &credentials,
                      double speed, QObject *parent = nullptr);
    ~ProvisioningCloud() override;

    void attach(CloudHost *host) override;
    void connect(QObject *context, std::function<void(ConnectResult)> done) override;
    void disconnect() override;
    void provision(QObject *context, std::function<void(ProvisioningResult)> done) override;
    void pollShadowDelta(QObject *context,
                         std::function<void(std::optional<QByteArray>)> done) override;
    void reportShadow(const QByteArray &reportedJson) override;
    void publish(const QByteArray &json) override;
    void networkChanged(bool connected) override;

    static constexpr quint32 ProvisioningCaSecTag = 189298;
    static constexpr quint32 NrfCloudSecTag = 16842753;

private:
    friend class ProvisioningRun;

    /// Who a job works for: the boot (epoch) and, for cancellable jobs, the connection attempt
    /// (generation) it belongs to.
    struct Ticket {
        quint64 epoch = 0;
        quint64 generation = 0;
        bool cancellable = true;
    };
    struct Job {
        Ticket ticket;
        std::function<void(const Ticket &)> run;
    };

    void enqueue(bool cancellable, std::function<void(const Ticket &)> run);
    void workerLoop();
    [[nodiscard]] bool isStale(const Ticket &ticket) const; ///< m_mutex held
    bool stale(const Ticket &ticket);

    /// Runs `call` on the Qt thread with the attached host and waits for its result; nullopt
    /// when the ticket went stale first (a reboot, a disconnect, the port's end).
    template<class T>
    std::optional<T> onHost(const Ticket &ticket, std::function<T(CloudHost &)> call);
    /// Posts `call` to the Qt thread without waiting (log records, LTE requests), in order.
    void postToHost(const Ticket &ticket, std::function<void(CloudHost &)> call);
    /// Calls `done` on the Qt thread if `context` still exists. The guard is made on the Qt
    /// thread (in the CloudPort calls) and only read there.
    void deliver(const QPointer<QObject> &context, std::function<void()> done);
    void log(const Ticket &ticket, LogLevel level, QByteArray module, QByteArray message,
             QByteArray function = {});

    /// Waits on the worker until `ready` holds (checked when the network state changes, and
    /// every `recheck`), the host-time `timeout` passes or the ticket goes stale.
    bool waitUntil(const Ticket &ticket, std::chrono::milliseconds timeout,
                   std::chrono::milliseconds recheck, const std::function<bool()> &ready);
    /// Host time for a device-time bound, never below the network floor.
    [[nodiscard]] std::chrono::milliseconds networkBound(std::chrono::milliseconds device) const;

    /// The PEM root CA stored under `secTag` (type 0), read on the Qt thread.
    std::optional<QByteArray> rootCa(const Ticket &ticket, quint32 secTag);
    std::function<bool()> abortCheck(const Ticket &ticket);

    void runConnect(const Ticket &ticket, const QPointer<QObject> &context,
                    std::function<void(ConnectResult)> done);
    void runProvision(const Ticket &ticket, const QPointer<QObject> &context,
                      std::function<void(ProvisioningResult)> done);
    void runPoll(const Ticket &ticket, const QPointer<QObject> &context,
                 std::function<void(std::optional<QByteArray>)> done);
    void runCloudRequest(const Ticket &ticket, int method, const QByteArray &path,
                         const QByteArray &json);
    /// The nRF Cloud session, if there is one and LTE is up.
    CoapDtlsClient *cloudSession();

    const CloudEndpoint m_endpoint;
    const QString m_stateDir;
    const CredentialStore &m_credentials;
    const double m_speed;

    // Qt thread only.
    CloudHost *m_host = nullptr;

    // Shared between the Qt thread and the worker, under m_mutex.
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_jobs;
    bool m_stopping = false;
    quint64 m_epoch = 0;
    quint64 m_generation = 0;
    bool m_networkUp = false;
    quint64 m_networkLosses = 0; ///< times LTE went down; a session made before is gone

    // Worker only.
    std::unique_ptr<CoapDtlsClient> m_cloud;
    std::unique_ptr<ProvisioningRun> m_provisioning;

    std::thread m_worker; ///< last: starts after everything above exists
};

} // namespace ps::devsim
