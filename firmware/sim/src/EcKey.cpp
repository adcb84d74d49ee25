#include "EcKey.h"

#include <QCryptographicHash>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace ps::devsim {

namespace {

QString openSslError(const char *what) {
    const unsigned long code = ERR_get_error();
    char buffer[256] = {};
    if (code != 0)
        ERR_error_string_n(code, buffer, sizeof buffer);
    ERR_clear_error();
    return QStringLiteral("%1 failed: %2")
        .arg(QLatin1StringView(what),
             code != 0 ? QString::fromLatin1(buffer) : QStringLiteral("unknown OpenSSL error"));
}

struct BioDeleter {
    void operator()(BIO *bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;

QByteArray bioContents(BIO *bio) {
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? QByteArray(data, size) : QByteArray();
}

struct ReqDeleter {
    void operator()(X509_REQ *req) const { X509_REQ_free(req); }
};

// The modem's key usage bit string, in RFC 5280 KeyUsage bit order.
constexpr const char *KeyUsageNames[] = {
    "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
    "keyCertSign",      "cRLSign",        "encipherOnly",    "decipherOnly",
};

} // namespace

void EcKey::Deleter::operator()(EVP_PKEY *key) const {
    EVP_PKEY_free(key);
}

EcKey::EcKey() = default;
EcKey::~EcKey() = default;
EcKey::EcKey(EcKey &&) noexcept = default;
EcKey &EcKey::operator=(EcKey &&) noexcept = default;
EcKey::EcKey(EVP_PKEY *key)
    : m_key(key) {}

std::expected<EcKey, QString> EcKey::generate() {
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (!key)
        return std::unexpected(openSslError("P-256 key generation"));
    return EcKey(key);
}

std::expected<EcKey, QString> EcKey::fromPrivatePem(QByteArrayView pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (!key)
        return std::unexpected(openSslError("reading the private key PEM"));
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC || EVP_PKEY_get_bits(key) != 256) {
        EVP_PKEY_free(key);
        return std::unexpected(QStringLiteral("the private key is not a P-256 key"));
    }
    return EcKey(key);
}

QByteArray EcKey::privatePem() const {
    if (!m_key)
        return {};
    Bio bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
        1)
        return {};
    return bioContents(bio.get());
}

QByteArray EcKey::publicPem() const {
    if (!m_key)
        return {};
    Bio bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1)
        return {};
    return bioContents(bio.get());
}

QByteArray EcKey::publicDer() const {
    if (!m_key)
        return {};
    unsigned char *der = nullptr;
    const int length = i2d_PUBKEY(m_key.get(), &der);
    if (length <= 0)
        return {};
    QByteArray result(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return result;
}

QByteArray EcKey::signEs256(QByteArrayView message) const {
    if (!m_key)
        return {};
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    size_t derLength = 0;
    QByteArray der;
    bool ok = EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, m_key.get()) == 1 &&
              EVP_DigestSign(context, nullptr, &derLength,
                             reinterpret_cast<const unsigned char *>(message.data()),
                             size_t(message.size())) == 1;
    if (ok) {
        der.resize(qsizetype(derLength));
        ok = EVP_DigestSign(context, reinterpret_cast<unsigned char *>(der.data()), &derLength,
                            reinterpret_cast<const unsigned char *>(message.data()),
                            size_t(message.size())) == 1;
        der.resize(qsizetype(derLength));
    }
    EVP_MD_CTX_free(context);
    if (!ok)
        return {};

    // DER ECDSA-Sig-Value -> fixed-size r || s.
    const unsigned char *cursor = reinterpret_cast<const unsigned char *>(der.constData());
    ECDSA_SIG *signature = d2i_ECDSA_SIG(nullptr, &cursor, long(der.size()));
    if (!signature)
        return {};
    QByteArray raw(64, '\0');
    const BIGNUM *r = nullptr;
    const BIGNUM *s = nullptr;
    ECDSA_SIG_get0(signature, &r, &s);
    ok = BN_bn2binpad(r, reinterpret_cast<unsigned char *>(raw.data()), 32) == 32 &&
         BN_bn2binpad(s, reinterpret_cast<unsigned char *>(raw.data()) + 32, 32) == 32;
    ECDSA_SIG_free(signature);
    return ok ? raw : QByteArray();
}

std::expected<QByteArray, QString>
EcKey::certificateRequestDer(const QList<QPair<QString, QString>> &subject,
                             QStringView keyUsageBits) const {
    if (!m_key)
        return std::unexpected(QStringLiteral("no key"));
    std::unique_ptr<X509_REQ, ReqDeleter> request(X509_REQ_new());
    X509_REQ_set_version(request.get(), 0);
    X509_NAME *name = X509_REQ_get_subject_name(request.get());
    for (const auto &[field, value] : subject) {
        const QByteArray fieldUtf8 = field.toUtf8();
        const QByteArray valueUtf8 = value.toUtf8();
        if (X509_NAME_add_entry_by_txt(
                name, fieldUtf8.constData(), MBSTRING_UTF8,
                reinterpret_cast<const unsigned char *>(valueUtf8.constData()),
                int(valueUtf8.size()), -1, 0) != 1)
            return std::unexpected(
                QStringLiteral("unknown or invalid subject attribute '%1=%2'").arg(field, value));
    }
    if (X509_REQ_set_pubkey(request.get(), m_key.get()) != 1)
        return std::unexpected(openSslError("setting the CSR public key"));

    if (!keyUsageBits.isEmpty()) {
        QByteArray usages;
        for (qsizetype bit = 0; bit < keyUsageBits.size() && bit < 9; ++bit) {
            if (keyUsageBits[bit] == QLatin1Char('1')) {
                if (!usages.isEmpty())
                    usages.append(',');
                usages.append(KeyUsageNames[bit]);
            } else if (keyUsageBits[bit] != QLatin1Char('0')) {
                return std::unexpected(
                    QStringLiteral("key usage '%1' is not a string of 0 and 1").arg(keyUsageBits));
            }
        }
        if (!usages.isEmpty()) {
            X509_EXTENSION *extension =
                X509V3_EXT_conf_nid(nullptr, nullptr, NID_key_usage, usages.constData());
            if (!extension)
                return std::unexpected(openSslError("building the key usage extension"));
            STACK_OF(X509_EXTENSION) *extensions = sk_X509_EXTENSION_new_null();
            sk_X509_EXTENSION_push(extensions, extension);
            const int added = X509_REQ_add_extensions(request.get(), extensions);
            sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
            if (added != 1)
                return std::unexpected(openSslError("adding the key usage extension"));
        }
    }
    if (X509_REQ_sign(request.get(), m_key.get(), EVP_sha256()) <= 0)
        return std::unexpected(openSslError("signing the CSR"));
    unsigned char *der = nullptr;
    const int length = i2d_X509_REQ(request.get(), &der);
    if (length <= 0)
        return std::unexpected(openSslError("encoding the CSR"));
    QByteArray result(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return result;
}

QByteArray sha256(QByteArrayView data) {
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

QByteArray base64Url(QByteArrayView data) {
    return data.toByteArray().toBase64(QByteArray::Base64UrlEncoding |
                                       QByteArray::OmitTrailingEquals);
}

} // namespace ps::devsim
