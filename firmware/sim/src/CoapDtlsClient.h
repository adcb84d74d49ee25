#pragma once

#include <QByteArray>
#include <QString>
#include <chrono>
#include <expected>
#include <functional>
#include <memory>

namespace ps::devsim {

/// One CoAP-over-DTLS client session (libcoap, OpenSSL), blocking, for the virtual modem's
/// socket: the device side of the provisioning service and of nRF Cloud CoAP.
///
/// Every call blocks the calling thread until it is done, its timeout passes or `aborted`
/// returns true (checked about every 20 ms). All calls of one object must come from the same
/// thread; objects on one thread may coexist. The server is verified against the PEM root CA
/// given to connect() - and nothing else - including its host name or address.
///
///     CoapDtlsClient session;
///     if (auto ok = session.connect("127.0.0.1", 5684, ca, 10s, never); !ok) ...
///     auto answer = session.request(CoapDtlsClient::Post, "p/auth-jwt?mver=2.0.2", jwt, 0, 10s,
///                                   never);
class CoapDtlsClient {
public:
    enum Method { Get = 1, Post = 2, Put = 3, Delete = 4, Patch = 6 };

    enum class Error {
        Unresolved,       ///< the host name did not resolve
        HandshakeRefused, ///< the DTLS handshake failed: the server is not trusted by the CA
        Timeout,          ///< no handshake or answer in time, or nobody listening
        SessionLost,      ///< the session closed; connect again
        NotConnected,     ///< request() without a session
        Aborted,          ///< `aborted` said so
        Failed,           ///< libcoap could not set up or send
    };

    struct Response {
        quint8 code = 0; ///< class << 5 | detail, e.g. 0x41 for 2.01
        QByteArray payload;
        int contentFormat = -1;
    };

    using AbortCheck = std::function<bool()>;

    CoapDtlsClient();
    ~CoapDtlsClient();
    CoapDtlsClient(const CoapDtlsClient &) = delete;
    CoapDtlsClient &operator=(const CoapDtlsClient &) = delete;

    /// Resolves `host`, starts the DTLS handshake and waits for it to finish.
    std::expected<void, Error> connect(const QString &host, quint16 port, const QByteArray &caPem,
                                       std::chrono::milliseconds timeout,
                                       const AbortCheck &aborted);
    /// One confirmable request. `pathAndQuery` is like "p/cmd?after=x&limit=20" with
    /// percent-encoded segments; each path segment and query item becomes one option, decoded.
    /// `contentFormat` -1 sends no Content-Format. Large payloads go block-wise both ways.
    std::expected<Response, Error> request(Method method, QByteArrayView pathAndQuery,
                                           const QByteArray &payload, int contentFormat,
                                           std::chrono::milliseconds timeout,
                                           const AbortCheck &aborted);
    /// Ends the session (close_notify); harmless without one.
    void close();
    [[nodiscard]] bool isConnected() const;

    static QString errorText(Error error);

private:
    struct Private;
    friend struct CoapClientCallbacks;
    std::unique_ptr<Private> d;
};

} // namespace ps::devsim
