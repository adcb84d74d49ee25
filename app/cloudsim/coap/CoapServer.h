#pragma once

#include "CoapService.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <expected>
#include <memory>
#include <unordered_map>
#include <vector>

class QSocketNotifier;

struct coap_context_t;
struct coap_session_t;

namespace ps::cloudsim {

class CloudModel;
class DeviceRegistry;
class FaultInjector;
struct TlsMaterial;

/// The stand-in's CoAP side: DTLS 1.2 with the stand-in's server certificate (PKI, no client
/// certificate) on 127.0.0.1, answering CoapService's resources.
///
/// libcoap runs on the Qt thread without ever blocking it: a QSocketNotifier watches libcoap's
/// epoll descriptor (its sockets and its timer) and each activation runs coap_io_process() with
/// a zero timeout; a single-shot QTimer covers the next retransmission or delayed answer
/// libcoap reports. Requests reach CoapService with the CoapSessionAuth of their DTLS session,
/// which is dropped when libcoap deletes the session.
///
/// Faults: every request passes the FaultInjector as "coaps/<path>" (so `--fault-path coaps/`
/// picks the CoAP side only). Latency delays the answer (an empty ACK first, then a separate
/// response); an error answers 5.00/5.02/5.03/5.04 for HTTP 500/502/503/504; a rate limit
/// answers 5.03 with Max-Age set to the Retry-After seconds; a hang never answers. Dropped and
/// garbage answers are HTTPS-only faults and pass here untouched.
///
/// One CoapServer per process at a time is the tested use (libcoap keeps some global state).
class CoapServer : public QObject {
    Q_OBJECT

public:
    CoapServer(CloudModel &model, DeviceRegistry &registry, FaultInjector &faults,
               QObject *parent = nullptr);
    ~CoapServer() override;

    /// Serves CoAP over DTLS on 127.0.0.1:`port` (0 picks a free port); returns the port.
    std::expected<quint16, QString> listen(quint16 port, const TlsMaterial &tls);
    [[nodiscard]] quint16 port() const { return m_port; }

    CoapService &service() { return m_service; }
    /// Requests answered so far (faults included, delayed ones once).
    [[nodiscard]] int requestCount() const { return m_requestCount; }
    /// DTLS sessions libcoap currently keeps.
    [[nodiscard]] int sessionCount() const { return int(m_sessions.size()); }

private:
    struct Pending;
    friend struct CoapServerCallbacks;

    void process();
    void armTimer();
    void sessionGone(coap_session_t *session);

    CoapService m_service;
    FaultInjector &m_faults;
    coap_context_t *m_context = nullptr;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_timer;
    quint16 m_port = 0;
    int m_requestCount = 0;
    QByteArray m_certificatePem; ///< libcoap reads the PEM buffers when a session starts
    QByteArray m_keyPem;
    QHash<coap_session_t *, CoapSessionAuth> m_sessions;
    /// Requests whose answer waits out injected latency, per session; libcoap frees its own
    /// async entry, these hold what the delayed answer needs.
    std::unordered_map<coap_session_t *, std::vector<std::unique_ptr<Pending>>> m_pending;
};

} // namespace ps::cloudsim
