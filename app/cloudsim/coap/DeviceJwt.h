#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <expected>
#include <optional>

namespace ps::cloudsim {

/// Why a device's JWT was refused. The CoAP endpoints map Malformed to 4.00 and the others to
/// 4.03 (wrong credentials).
struct JwtError {
    enum class Kind {
        Malformed,    ///< not a compact ES256 JWS with readable JSON parts
        BadSignature, ///< the signature does not verify with the key the cloud knows
        Expired,      ///< no "exp", or "exp" is in the past
        TooLong,      ///< valid for longer than the endpoint allows
    };
    Kind kind = Kind::Malformed;
    QString message;
};

/// A compact JWS as the nRF91 modem's %JWT makes it (firmware/sim ModemFormats.h): header
/// {"alg":"ES256","typ":"JWT"}, claims with "iss" (the device UUID), "sub", "aud", "iat", "exp",
/// signature raw r||s in base64url.
///
///     auto jwt = DeviceJwt::parse(payload);                 // shape only
///     if (jwt) jwt->verify(registryKeyPem, now, 300);       // signature and lifetime
struct DeviceJwt {
    QJsonObject header;
    QJsonObject claims;
    QByteArray signingInput; ///< "<header b64>.<claims b64>" as sent
    QByteArray signature;    ///< 64 bytes

    static std::expected<DeviceJwt, JwtError> parse(QByteArrayView compact);

    /// The device the token speaks for: "iss", or "sub" when there is no "iss"; lower case.
    [[nodiscard]] QString deviceId() const;
    [[nodiscard]] std::optional<qint64> expiresAt() const;
    [[nodiscard]] std::optional<qint64> issuedAt() const;

    /// Checks the ES256 signature with `publicKeyPem` (SubjectPublicKeyInfo PEM), that "exp" is
    /// present and after `now`, and, when `maxLifetimeSeconds` > 0, that "exp" is at most that
    /// far after "iat" (or after `now` when there is no "iat"). A "sub" that is present must name
    /// the same device as "iss".
    [[nodiscard]] std::expected<void, JwtError>
    verify(QByteArrayView publicKeyPem, const QDateTime &now, qint64 maxLifetimeSeconds = 0) const;
};

/// The public key, as a SubjectPublicKeyInfo PEM, in what the cloud keeps from a %KEYGEN answer:
/// base64url DER of either a SubjectPublicKeyInfo (%KEYGEN format 1) or a PKCS#10 CSR (format
/// 0), whose key it then takes.
std::expected<QByteArray, QString> publicKeyPemFromKeygenDer(QByteArrayView base64UrlDer);

} // namespace ps::cloudsim
