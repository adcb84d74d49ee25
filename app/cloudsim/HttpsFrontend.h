#pragma once

#include "FaultInjector.h"

#include <QByteArray>
#include <QHash>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <expected>
#include <memory>
#include <vector>

class QTcpSocket;

namespace ps::cloudsim {

class CloudModel;
class DeviceRegistry;
struct TlsMaterial;

/// The stand-in's HTTPS side: nRF Cloud's provisioning API under /provisioning/v1/ and its
/// main API under /v1/ (PROTOCOL §5, §6), plus /_sim/faults for tests.
///
/// Requests are authenticated with `Authorization: Bearer <key>`; each configured key is an
/// account of its own, so a second key can play "another account". Error bodies carry
/// `message`, and on the main API also a numeric `code`. Every request first passes the fault
/// injector (latency, 5xx, 429 with Retry-After, a connection dropped mid-answer, no answer at
/// all); /_sim/ requests are exempt.
class HttpsFrontend : public QObject {
    Q_OBJECT

public:
    HttpsFrontend(CloudModel &model, DeviceRegistry &registry, FaultInjector &faults,
                  QObject *parent = nullptr);
    ~HttpsFrontend() override;

    /// Accepts these API keys from now on.
    void setApiKeys(const QStringList &keys);
    /// The account id for a key: "acct-" and 12 hex digits of its SHA-256.
    static QString ownerIdForKey(const QString &key);

    /// Serves HTTPS on 127.0.0.1:`port` (0 picks a free port) and returns the port.
    std::expected<quint16, QString> listen(quint16 port, const TlsMaterial &tls);
    [[nodiscard]] quint16 port() const { return m_port; }

    /// Requests answered or refused so far (not counting /_sim/).
    [[nodiscard]] int requestCount() const { return m_requestCount; }
    /// The most requests that were waiting out injected latency at the same time: shows how
    /// many requests a client had in flight at once.
    [[nodiscard]] int maxInFlight() const { return m_maxInFlight; }
    /// Closes the connections of requests held by the hang fault.
    void releaseHungRequests();

private:
    struct Reply {
        int status = 200;
        QByteArray body; ///< JSON
        QList<QPair<QByteArray, QByteArray>> headers;
    };
    enum class Api { Provisioning, Main, Admin, Unknown };

    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    Reply route(const QHttpServerRequest &request, Api api, const QStringList &path,
                const QString &ownerId);
    Reply routeProvisioning(const QHttpServerRequest &request, const QStringList &path,
                            const QString &ownerId);
    Reply routeMain(const QHttpServerRequest &request, const QStringList &path,
                    const QString &ownerId);
    Reply routeAdmin(const QHttpServerRequest &request, const QStringList &path);
    Reply claim(const QHttpServerRequest &request, const QString &ownerId);
    void send(const std::shared_ptr<QHttpServerResponder> &responder,
              const QPointer<QTcpSocket> &socket, const Reply &reply, bool cutShort);

    CloudModel &m_model;
    DeviceRegistry &m_registry;
    FaultInjector &m_faults;
    QHttpServer m_server;
    QHash<QByteArray, QString> m_owners; ///< SHA-256 of a key -> account id
    quint16 m_port = 0;
    int m_requestCount = 0;
    int m_inFlight = 0;
    int m_maxInFlight = 0;
    std::vector<std::pair<std::shared_ptr<QHttpServerResponder>, QPointer<QTcpSocket>>> m_hung;
};

} // namespace ps::cloudsim
