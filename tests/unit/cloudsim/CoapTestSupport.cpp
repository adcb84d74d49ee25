#include "CoapTestSupport.h"

#include "SimTestSupport.h"

#include <QJsonDocument>
#include <QUuid>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;

namespace ps::coaptest {

EcTestKey EcTestKey::generate() {
    EcTestKey key;
    key.m_key.reset(EVP_EC_gen("P-256"), EVP_PKEY_free);
    return key;
}

QByteArray EcTestKey::publicPem() const {
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, m_key.get());
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, qsizetype(size));
    BIO_free(bio);
    return pem;
}

QString EcTestKey::publicDerBase64Url() const {
    unsigned char *der = nullptr;
    const int size = i2d_PUBKEY(m_key.get(), &der);
    const QByteArray bytes(reinterpret_cast<const char *>(der), size);
    OPENSSL_free(der);
    return simtest::base64Url(bytes);
}

QByteArray EcTestKey::jwt(const QJsonObject &claims) const {
    const QByteArray input =
        simtest::base64Url(R"({"alg":"ES256","typ":"JWT"})").toLatin1() + '.' +
        simtest::base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact)).toLatin1();
    return input + '.' + simtest::base64Url(simtest::signEs256(m_key.get(), input)).toLatin1();
}

QByteArray EcTestKey::deviceJwt(const QString &deviceId, qint64 lifetimeSeconds,
                                const QDateTime &now) const {
    const qint64 issuedAt = now.toSecsSinceEpoch();
    return jwt(QJsonObject{{u"jti"_s, QUuid::createUuid().toString(QUuid::WithoutBraces)},
                           {u"iss"_s, deviceId},
                           {u"iat"_s, issuedAt},
                           {u"exp"_s, issuedAt + lifetimeSeconds}});
}

} // namespace ps::coaptest
