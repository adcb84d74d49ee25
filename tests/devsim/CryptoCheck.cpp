#include "CryptoCheck.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace ps::devsim::test {

namespace {

bool verifyEs256(EVP_PKEY *key, const QByteArray &message, const QByteArray &rawSignature) {
    if (!key || rawSignature.size() != 64)
        return false;
    ECDSA_SIG *signature = ECDSA_SIG_new();
    const auto *raw = reinterpret_cast<const unsigned char *>(rawSignature.constData());
    ECDSA_SIG_set0(signature, BN_bin2bn(raw, 32, nullptr), BN_bin2bn(raw + 32, 32, nullptr));
    unsigned char *der = nullptr;
    const int derLength = i2d_ECDSA_SIG(signature, &der);
    ECDSA_SIG_free(signature);
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    const bool valid =
        derLength > 0 && EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key) == 1 &&
        EVP_DigestVerify(context, der, size_t(derLength),
                         reinterpret_cast<const unsigned char *>(message.constData()),
                         size_t(message.size())) == 1;
    EVP_MD_CTX_free(context);
    OPENSSL_free(der);
    return valid;
}

} // namespace

bool verifyEs256WithPem(const QByteArray &publicKeyPem, const QByteArray &message,
                        const QByteArray &rawSignature) {
    BIO *bio = BIO_new_mem_buf(publicKeyPem.constData(), int(publicKeyPem.size()));
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    const bool valid = verifyEs256(key, message, rawSignature);
    EVP_PKEY_free(key);
    return valid;
}

bool verifyEs256WithDer(const QByteArray &publicKeyDer, const QByteArray &message,
                        const QByteArray &rawSignature) {
    const auto *cursor = reinterpret_cast<const unsigned char *>(publicKeyDer.constData());
    EVP_PKEY *key = d2i_PUBKEY(nullptr, &cursor, long(publicKeyDer.size()));
    const bool valid = verifyEs256(key, message, rawSignature);
    EVP_PKEY_free(key);
    return valid;
}

std::optional<CertificateRequest> readCertificateRequest(const QByteArray &der) {
    const auto *cursor = reinterpret_cast<const unsigned char *>(der.constData());
    X509_REQ *request = d2i_X509_REQ(nullptr, &cursor, long(der.size()));
    if (!request)
        return std::nullopt;
    CertificateRequest result;
    EVP_PKEY *key = X509_REQ_get0_pubkey(request);
    result.signatureValid = key && X509_REQ_verify(request, key) == 1;
    char subject[512] = {};
    X509_NAME_oneline(X509_REQ_get_subject_name(request), subject, sizeof subject);
    result.subject = QString::fromUtf8(subject);
    unsigned char *keyDer = nullptr;
    const int keyLength = i2d_PUBKEY(key, &keyDer);
    if (keyLength > 0)
        result.publicKeyDer = QByteArray(reinterpret_cast<const char *>(keyDer), keyLength);
    OPENSSL_free(keyDer);
    STACK_OF(X509_EXTENSION) *extensions = X509_REQ_get_extensions(request);
    for (int i = 0; extensions && i < sk_X509_EXTENSION_num(extensions); ++i) {
        X509_EXTENSION *extension = sk_X509_EXTENSION_value(extensions, i);
        if (OBJ_obj2nid(X509_EXTENSION_get_object(extension)) != NID_key_usage)
            continue;
        BIO *out = BIO_new(BIO_s_mem());
        X509V3_EXT_print(out, extension, 0, 0);
        char *data = nullptr;
        const long size = BIO_get_mem_data(out, &data);
        result.keyUsage = QString::fromUtf8(data, size);
        BIO_free(out);
    }
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
    X509_REQ_free(request);
    return result;
}

QByteArray base64UrlDecode(const QByteArray &text) {
    return QByteArray::fromBase64(text, QByteArray::Base64UrlEncoding);
}

} // namespace ps::devsim::test
