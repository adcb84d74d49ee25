#include "CertificateAuthority.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

namespace {

template<auto Free> struct Deleter {
    template<typename T> void operator()(T *pointer) const { Free(pointer); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

constexpr long CaValidityDays = 3650;
constexpr long ServerValidityDays = 397;
constexpr long RenewWithinSeconds = 7L * 24 * 3600;

QString openSslError(const QString &what) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return what;
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return what + u": "_s + QString::fromLatin1(buffer);
}

KeyPtr generateKey() {
    return KeyPtr(EVP_EC_gen("P-256"));
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

std::expected<void, QString> writeFile(const QString &path, const QByteArray &data, bool secret) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return std::unexpected(u"cannot write %1: %2"_s.arg(path, file.errorString()));
    file.write(data);
    if (secret)
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!file.commit())
        return std::unexpected(u"cannot write %1: %2"_s.arg(path, file.errorString()));
    return {};
}

CertPtr certificateFromPem(const QByteArray &pem) {
    if (pem.isEmpty())
        return nullptr;
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return CertPtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

KeyPtr keyFromPem(const QByteArray &pem) {
    if (pem.isEmpty())
        return nullptr;
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return KeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

QByteArray bioContents(BIO *bio) {
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(size));
}

QByteArray certificateToPem(X509 *certificate) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), certificate);
    return bioContents(bio.get());
}

QByteArray keyToPem(EVP_PKEY *key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    return bioContents(bio.get());
}

bool addExtension(X509 *certificate, X509V3_CTX *context, int nid, const char *value) {
    ExtPtr extension(X509V3_EXT_nconf_nid(nullptr, context, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

/// A certificate for `key`, signed by `issuerKey` (self-signed when `issuer` is null).
std::expected<CertPtr, QString> makeCertificate(EVP_PKEY *key, const char *commonName, X509 *issuer,
                                                EVP_PKEY *issuerKey, bool isCa, long validityDays) {
    CertPtr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), 2) != 1)
        return std::unexpected(openSslError(u"X509_new"_s));

    BnPtr serial(BN_new());
    if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        return std::unexpected(openSslError(u"serial number"_s));

    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), validityDays * 24 * 3600);
    X509_set_pubkey(certificate.get(), key);

    X509_NAME *name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("ProvStation"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>(commonName), -1, -1, 0);
    X509_set_issuer_name(certificate.get(), issuer ? X509_get_subject_name(issuer) : name);

    X509V3_CTX context;
    X509V3_set_ctx(&context, issuer ? issuer : certificate.get(), certificate.get(), nullptr,
                   nullptr, 0);
    bool ok = addExtension(certificate.get(), &context, NID_subject_key_identifier, "hash");
    if (isCa) {
        ok = ok &&
             addExtension(certificate.get(), &context, NID_basic_constraints, "critical,CA:TRUE") &&
             addExtension(certificate.get(), &context, NID_key_usage,
                          "critical,keyCertSign,cRLSign");
    } else {
        ok =
            ok &&
            addExtension(certificate.get(), &context, NID_authority_key_identifier, "keyid") &&
            addExtension(certificate.get(), &context, NID_basic_constraints, "critical,CA:FALSE") &&
            addExtension(certificate.get(), &context, NID_key_usage, "critical,digitalSignature") &&
            addExtension(certificate.get(), &context, NID_ext_key_usage, "serverAuth") &&
            addExtension(certificate.get(), &context, NID_subject_alt_name,
                         "DNS:localhost,IP:127.0.0.1,IP:::1");
    }
    if (!ok)
        return std::unexpected(openSslError(u"certificate extensions"_s));
    if (X509_sign(certificate.get(), issuerKey, EVP_sha256()) == 0)
        return std::unexpected(openSslError(u"signing the certificate"_s));
    return certificate;
}

/// Usable when issued by `ca`, signed by its key and valid for at least another week.
bool serverCertificateUsable(X509 *server, X509 *ca, EVP_PKEY *serverKey) {
    if (!server || !ca || !serverKey)
        return false;
    EVP_PKEY *caPublicKey = X509_get0_pubkey(ca);
    if (!caPublicKey || X509_verify(server, caPublicKey) != 1)
        return false;
    if (X509_check_private_key(server, serverKey) != 1)
        return false;
    time_t soon = time(nullptr) + RenewWithinSeconds;
    return X509_cmp_time(X509_get0_notAfter(server), &soon) > 0 &&
           X509_check_ip_asc(server, "127.0.0.1", 0) == 1;
}

} // namespace

std::expected<TlsMaterial, QString> CertificateAuthority::ensure(const QString &stateDir) {
    if (!QDir().mkpath(stateDir))
        return std::unexpected(u"cannot create the state folder %1"_s.arg(stateDir));
    const QDir dir(stateDir);
    TlsMaterial material;
    material.caCertificatePath = dir.absoluteFilePath(u"ca.pem"_s);
    material.serverCertificatePath = dir.absoluteFilePath(u"server.pem"_s);
    material.serverKeyPath = dir.absoluteFilePath(u"server-key.pem"_s);
    const QString caKeyPath = dir.absoluteFilePath(u"ca-key.pem"_s);

    CertPtr ca = certificateFromPem(readFile(material.caCertificatePath));
    KeyPtr caKey = keyFromPem(readFile(caKeyPath));
    time_t soon = time(nullptr) + RenewWithinSeconds;
    const bool caUsable = ca && caKey && X509_check_private_key(ca.get(), caKey.get()) == 1 &&
                          X509_cmp_time(X509_get0_notAfter(ca.get()), &soon) > 0;
    ERR_clear_error();
    if (!caUsable) {
        caKey = generateKey();
        if (!caKey)
            return std::unexpected(openSslError(u"generating the CA key"_s));
        auto made = makeCertificate(caKey.get(), "ProvStation cloud stand-in CA", nullptr,
                                    caKey.get(), true, CaValidityDays);
        if (!made)
            return std::unexpected(made.error());
        ca = std::move(*made);
        if (auto written = writeFile(caKeyPath, keyToPem(caKey.get()), true); !written)
            return std::unexpected(written.error());
        if (auto written = writeFile(material.caCertificatePath, certificateToPem(ca.get()), false);
            !written)
            return std::unexpected(written.error());
        material.created = true;
    }

    CertPtr server = certificateFromPem(readFile(material.serverCertificatePath));
    KeyPtr serverKey = keyFromPem(readFile(material.serverKeyPath));
    const bool serverUsable =
        !material.created && serverCertificateUsable(server.get(), ca.get(), serverKey.get());
    ERR_clear_error();
    if (!serverUsable) {
        serverKey = generateKey();
        if (!serverKey)
            return std::unexpected(openSslError(u"generating the server key"_s));
        auto made = makeCertificate(serverKey.get(), "localhost", ca.get(), caKey.get(), false,
                                    ServerValidityDays);
        if (!made)
            return std::unexpected(made.error());
        server = std::move(*made);
        if (auto written = writeFile(material.serverKeyPath, keyToPem(serverKey.get()), true);
            !written)
            return std::unexpected(written.error());
        if (auto written =
                writeFile(material.serverCertificatePath, certificateToPem(server.get()), false);
            !written)
            return std::unexpected(written.error());
        material.created = true;
    }

    material.caCertificatePem = certificateToPem(ca.get());
    material.serverCertificatePem = certificateToPem(server.get());
    material.serverKeyPem = keyToPem(serverKey.get());
    return material;
}

} // namespace ps::cloudsim
