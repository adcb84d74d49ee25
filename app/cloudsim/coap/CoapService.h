#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <functional>

namespace ps::cloudsim {

class CloudModel;
class DeviceRegistry;

/// CoAP codes as on the wire: class in the top three bits, detail in the low five (RFC 7252).
namespace coap {
constexpr quint8 code(int cls, int detail) {
    return quint8((cls << 5) | detail);
}
inline constexpr quint8 Created = code(2, 1);
inline constexpr quint8 Changed = code(2, 4);
inline constexpr quint8 Content = code(2, 5);
inline constexpr quint8 BadRequest = code(4, 0);
inline constexpr quint8 Unauthorized = code(4, 1);
inline constexpr quint8 Forbidden = code(4, 3);
inline constexpr quint8 NotFound = code(4, 4);
inline constexpr quint8 InternalServerError = code(5, 0);
inline constexpr quint8 BadGateway = code(5, 2);
inline constexpr quint8 ServiceUnavailable = code(5, 3);
inline constexpr quint8 GatewayTimeout = code(5, 4);

inline constexpr int FormatTextPlain = 0;
inline constexpr int FormatJson = 50;
inline constexpr int FormatCbor = 60;

/// "2.05" for Content.
QString codeText(quint8 code);
} // namespace coap

/// Request methods (RFC 7252, RFC 8132); the values are the request codes 0.01 ... 0.07.
enum class CoapMethod { Get = 1, Post = 2, Put = 3, Delete = 4, Fetch = 5, Patch = 6, IPatch = 7 };

/// One request as the endpoints see it, independent of libcoap.
struct CoapRequest {
    CoapMethod method = CoapMethod::Get;
    QString path; ///< the Uri-Path options joined with '/', e.g. "p/cmd"
    QList<QPair<QString, QString>>
        query; ///< one entry per Uri-Query option, split at the first '='
    QByteArray payload;
    int contentFormat = -1; ///< -1: no Content-Format option

    /// The value of the first query option called `name`, or an empty string.
    [[nodiscard]] QString queryValue(QStringView name) const;
};

struct CoapReply {
    quint8 code = 0;
    QByteArray payload;
    int contentFormat = -1; ///< -1: no Content-Format option
};

/// What a DTLS session has proven so far; it lives as long as the session.
struct CoapSessionAuth {
    QString provisioningDeviceId; ///< set by POST p/auth-jwt
    QString cloudDeviceId;        ///< set by POST auth/jwt
};

/// The device side of the stand-in over CoAP: the nRF Cloud provisioning service's endpoints
/// (PROTOCOL §7) and the nRF Cloud CoAP endpoints ATT uses once provisioned. app/cloudsim/COAP.md
/// lists every path, its codes and which of them are the stand-in's own choices.
///
/// The service holds no transport state: CoapServer gives it each request together with the
/// session's CoapSessionAuth, which the authentication requests fill in. It works on the shared
/// CloudModel (commands, responses, shadows) and checks JWTs against the device registry
/// (identity keys) and the cloud access key CloudModel keeps per onboarded device.
class CoapService : public QObject {
    Q_OBJECT

public:
    /// The longest validity the provisioning service accepts for an auth JWT (PROTOCOL §7).
    static constexpr qint64 ProvisioningJwtMaxLifetimeSeconds = 300;

    struct Resource {
        QString path;
        QList<CoapMethod> methods;
    };
    /// Every resource with the methods it answers; others get 4.04 / 4.05 from the transport.
    static QList<Resource> resources();

    CoapService(CloudModel &model, DeviceRegistry &registry, QObject *parent = nullptr);

    CoapReply handle(CoapSessionAuth &session, const CoapRequest &request);

    /// The clock JWT expiry is checked against (tests move it).
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

Q_SIGNALS:
    /// A device sent a message to `msg/d2c` (ATT's `att_cloud publish`).
    void deviceMessage(const QString &deviceId, const QByteArray &json);
    /// A session proved to be `deviceId`: on the provisioning endpoint or on nRF Cloud CoAP.
    void deviceAuthorized(const QString &deviceId, bool cloud);

private:
    CoapReply provisioningAuth(CoapSessionAuth &session, const CoapRequest &request);
    CoapReply commands(const CoapSessionAuth &session, const CoapRequest &request);
    CoapReply responses(const CoapSessionAuth &session, const CoapRequest &request);
    CoapReply cloudAuth(CoapSessionAuth &session, const CoapRequest &request);
    CoapReply getState(const CoapSessionAuth &session, const CoapRequest &request);
    CoapReply patchState(const CoapSessionAuth &session, const CoapRequest &request);
    CoapReply message(const CoapSessionAuth &session, const CoapRequest &request);

    CloudModel &m_model;
    DeviceRegistry &m_registry;
    std::function<QDateTime()> m_clock;
};

} // namespace ps::cloudsim
