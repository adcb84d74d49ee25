#include "DeviceJwt.h"

#include "cloudsim/TokenVerifier.h"

#include <QJsonDocument>
#include <memory>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

namespace {

template<auto Free> struct Deleter {
    template<typename T> void operator()(T *pointer) const { Free(pointer); }
};

JwtError malformed(QString message) {
    return JwtError{JwtError::Kind::Malformed, std::move(message)};
}

std::optional<QByteArray> base64UrlDecode(QByteArrayView text) {
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toByteArray(),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return decoded.decoded;
}

std::optional<QJsonObject> jsonPart(QByteArrayView text) {
    const auto bytes = base64UrlDecode(text);
    if (!bytes)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

std::optional<qint64> numericClaim(const QJsonObject &claims, QStringView name) {
    const QJsonValue value = claims.value(name);
    if (!value.isDouble())
        return std::nullopt;
    return qint64(value.toDouble());
}

} // namespace

std::expected<DeviceJwt, JwtError> DeviceJwt::parse(QByteArrayView compact) {
    const QByteArray text = compact.toByteArray().trimmed();
    const QList<QByteArray> parts = text.split('.');
    if (parts.size() != 3)
        return std::unexpected(malformed(u"a JWT has three dot-separated parts"_s));
    DeviceJwt jwt;
    const auto header = jsonPart(parts.at(0));
    const auto claims = jsonPart(parts.at(1));
    const auto signature = base64UrlDecode(parts.at(2));
    if (!header || !claims || !signature)
        return std::unexpected(malformed(u"the JWT's parts are not base64url JSON"_s));
    if (header->value(u"alg"_s).toString() != u"ES256"_s)
        return std::unexpected(malformed(u"the JWT is not signed with ES256"_s));
    if (signature->size() != 64)
        return std::unexpected(malformed(u"an ES256 signature has 64 bytes"_s));
    jwt.header = *header;
    jwt.claims = *claims;
    jwt.signingInput = parts.at(0) + '.' + parts.at(1);
    jwt.signature = *signature;
    return jwt;
}

QString DeviceJwt::deviceId() const {
    const QString issuer = claims.value(u"iss"_s).toString();
    return (issuer.isEmpty() ? claims.value(u"sub"_s).toString() : issuer).toLower();
}

std::optional<qint64> DeviceJwt::expiresAt() const {
    return numericClaim(claims, u"exp");
}

std::optional<qint64> DeviceJwt::issuedAt() const {
    return numericClaim(claims, u"iat");
}

std::expected<void, JwtError> DeviceJwt::verify(QByteArrayView publicKeyPem, const QDateTime &now,
                                                qint64 maxLifetimeSeconds) const {
    const QString subject = claims.value(u"sub"_s).toString().toLower();
    if (!subject.isEmpty() && subject != deviceId())
        return std::unexpected(JwtError{JwtError::Kind::BadSignature,
                                        u"the JWT's sub names another device than its iss"_s});
    if (auto verified = verifyEs256(publicKeyPem, signingInput, signature); !verified)
        return std::unexpected(JwtError{JwtError::Kind::BadSignature, verified.error()});
    const auto expires = expiresAt();
    const qint64 nowSeconds = now.toSecsSinceEpoch();
    if (!expires)
        return std::unexpected(JwtError{JwtError::Kind::Expired, u"the JWT has no exp"_s});
    if (*expires <= nowSeconds)
        return std::unexpected(JwtError{JwtError::Kind::Expired, u"the JWT has expired"_s});
    if (maxLifetimeSeconds > 0 && *expires - issuedAt().value_or(nowSeconds) > maxLifetimeSeconds)
        return std::unexpected(
            JwtError{JwtError::Kind::TooLong,
                     u"the JWT is valid for longer than %1 seconds"_s.arg(maxLifetimeSeconds)});
    return {};
}

std::expected<QByteArray, QString> publicKeyPemFromKeygenDer(QByteArrayView base64UrlDer) {
    const auto der = base64UrlDecode(base64UrlDer);
    if (!der || der->isEmpty())
        return std::unexpected(u"the stored key is not base64url"_s);
    const auto *bytes = reinterpret_cast<const unsigned char *>(der->constData());

    const unsigned char *cursor = bytes;
    std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>> key(
        d2i_PUBKEY(nullptr, &cursor, long(der->size())));
    if (!key) {
        cursor = bytes;
        std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>> request(
            d2i_X509_REQ(nullptr, &cursor, long(der->size())));
        if (request)
            key.reset(X509_REQ_get_pubkey(request.get()));
    }
    ERR_clear_error();
    if (!key)
        return std::unexpected(
            u"the stored key is neither a public key nor a certificate signing request"_s);

    std::unique_ptr<BIO, Deleter<BIO_free>> out(BIO_new(BIO_s_mem()));
    if (!out || PEM_write_bio_PUBKEY(out.get(), key.get()) != 1) {
        ERR_clear_error();
        return std::unexpected(u"cannot write the public key as PEM"_s);
    }
    char *data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return QByteArray(data, qsizetype(size));
}

} // namespace ps::cloudsim
