// JWT checks and the cloud access key of the stand-in's CoAP side.
#include "cloudsim/coap/DeviceJwt.h"

#include "CoapTestSupport.h"
#include "SimTestSupport.h"

#include <QUuid>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;
using namespace ps::cloudsim;
using ps::coaptest::EcTestKey;

namespace {

const QString DeviceId = u"5034474b-3731-40ab-809f-152c5c11a9a5"_s;

TEST(DeviceJwt, ReadsTheClaimsOfAModemToken) {
    const EcTestKey key = EcTestKey::generate();
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);
    const auto jwt = DeviceJwt::parse(key.deviceJwt(DeviceId.toUpper(), 300, now));
    ASSERT_TRUE(jwt) << jwt.error().message.toStdString();
    EXPECT_EQ(jwt->deviceId(), DeviceId);
    EXPECT_EQ(jwt->issuedAt(), 1'800'000'000);
    EXPECT_EQ(jwt->expiresAt(), 1'800'000'300);
    EXPECT_TRUE(jwt->verify(key.publicPem(), now.addSecs(10), 300));
}

TEST(DeviceJwt, TakesTheSubjectWhenThereIsNoIssuer) {
    const EcTestKey key = EcTestKey::generate();
    const auto jwt = DeviceJwt::parse(key.jwt(QJsonObject{{u"sub"_s, DeviceId}}));
    ASSERT_TRUE(jwt);
    EXPECT_EQ(jwt->deviceId(), DeviceId);
}

TEST(DeviceJwt, RefusesTextThatIsNotACompactEs256Token) {
    const QByteArray hs256 =
        "eyJhbGciOiJIUzI1NiJ9.e30." + ps::simtest::base64Url(QByteArray(64, 'x')).toLatin1();
    for (const QByteArray &text :
         {QByteArray("abc"), QByteArray("a.b.c"), QByteArray("e30.e30.AAAA"), hs256}) {
        const auto jwt = DeviceJwt::parse(text);
        ASSERT_FALSE(jwt) << text.toStdString();
        EXPECT_EQ(jwt.error().kind, JwtError::Kind::Malformed);
    }
}

TEST(DeviceJwt, TellsWhyAValidLookingTokenIsRefused) {
    const EcTestKey key = EcTestKey::generate();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto check = [&](const QByteArray &token, const QByteArray &pem, qint64 maxLifetime) {
        const auto jwt = DeviceJwt::parse(token);
        EXPECT_TRUE(jwt);
        const auto verified = jwt->verify(pem, now, maxLifetime);
        EXPECT_FALSE(verified);
        return verified ? JwtError::Kind::Malformed : verified.error().kind;
    };
    EXPECT_EQ(check(key.deviceJwt(DeviceId), EcTestKey::generate().publicPem(), 0),
              JwtError::Kind::BadSignature);
    EXPECT_EQ(check(key.deviceJwt(DeviceId, 60, now.addSecs(-120)), key.publicPem(), 0),
              JwtError::Kind::Expired);
    EXPECT_EQ(check(key.jwt(QJsonObject{{u"iss"_s, DeviceId}}), key.publicPem(), 0),
              JwtError::Kind::Expired);
    EXPECT_EQ(check(key.deviceJwt(DeviceId, 301, now), key.publicPem(), 300),
              JwtError::Kind::TooLong);
}

TEST(DeviceJwt, RefusesATokenWhoseSignatureWasCopiedFromAnother) {
    const EcTestKey key = EcTestKey::generate();
    const QByteArray first = key.deviceJwt(DeviceId);
    const QByteArray second = key.deviceJwt(u"11111111-2222-3333-4444-555555555555"_s);
    const QByteArray forged =
        second.left(second.lastIndexOf('.')) + first.mid(first.lastIndexOf('.'));
    const auto jwt = DeviceJwt::parse(forged);
    ASSERT_TRUE(jwt);
    const auto verified = jwt->verify(key.publicPem(), QDateTime::currentDateTimeUtc());
    ASSERT_FALSE(verified);
    EXPECT_EQ(verified.error().kind, JwtError::Kind::BadSignature);
}

TEST(KeygenKey, ReadsTheSubjectPublicKeyInfoOfKeygenFormat1) {
    const EcTestKey key = EcTestKey::generate();
    const auto pem = publicKeyPemFromKeygenDer(key.publicDerBase64Url().toLatin1());
    ASSERT_TRUE(pem) << pem.error().toStdString();
    EXPECT_EQ(*pem, key.publicPem());
}

TEST(KeygenKey, TakesTheKeyOutOfACertificateSigningRequest) {
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509_REQ *request = X509_REQ_new();
    X509_REQ_set_pubkey(request, key);
    X509_REQ_sign(request, key, EVP_sha256());
    unsigned char *der = nullptr;
    const int size = i2d_X509_REQ(request, &der);
    const QByteArray bytes(reinterpret_cast<const char *>(der), size);
    OPENSSL_free(der);
    X509_REQ_free(request);

    const auto pem = publicKeyPemFromKeygenDer(ps::simtest::base64Url(bytes).toLatin1());
    ASSERT_TRUE(pem) << pem.error().toStdString();
    unsigned char *spki = nullptr;
    const int spkiSize = i2d_PUBKEY(key, &spki);
    const QByteArray expected =
        publicKeyPemFromKeygenDer(
            ps::simtest::base64Url(QByteArray(reinterpret_cast<const char *>(spki), spkiSize))
                .toLatin1())
            .value_or(QByteArray());
    OPENSSL_free(spki);
    EVP_PKEY_free(key);
    EXPECT_EQ(*pem, expected);
}

TEST(KeygenKey, RefusesBytesThatHoldNoKey) {
    EXPECT_FALSE(publicKeyPemFromKeygenDer("!!!"));
    EXPECT_FALSE(publicKeyPemFromKeygenDer(ps::simtest::base64Url("not der").toLatin1()));
}

} // namespace
