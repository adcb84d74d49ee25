#pragma once

// Helpers for the tests of the stand-in's CoAP side: P-256 keys that sign JWTs the way the
// nRF91 modem's %JWT does, written out here independently of the stand-in's checks.

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace ps::coaptest {

class EcTestKey {
public:
    static EcTestKey generate();

    [[nodiscard]] QByteArray publicPem() const;
    /// The SubjectPublicKeyInfo DER in base64url: what %KEYGEN format 1 answers first.
    [[nodiscard]] QString publicDerBase64Url() const;
    /// A compact JWS, header {"alg":"ES256","typ":"JWT"}, signed with this key.
    [[nodiscard]] QByteArray jwt(const QJsonObject &claims) const;
    /// A JWT as the modem makes it: iss = `deviceId`, iat = now, exp = now + `lifetime`.
    [[nodiscard]] QByteArray
    deviceJwt(const QString &deviceId, qint64 lifetimeSeconds = 300,
              const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

private:
    std::shared_ptr<EVP_PKEY> m_key;
};

} // namespace ps::coaptest
