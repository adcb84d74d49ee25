#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <expected>
#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace ps::devsim {

/// A NIST P-256 key pair (OpenSSL), as the nRF91 modem keeps them: the device identity key and
/// the keys %KEYGEN makes per sec tag. Move-only; a default-constructed key is null.
class EcKey {
public:
    EcKey();
    ~EcKey();
    EcKey(EcKey &&) noexcept;
    EcKey &operator=(EcKey &&) noexcept;

    static std::expected<EcKey, QString> generate();
    /// PKCS#8 or SEC1 PEM, as written by privatePem().
    static std::expected<EcKey, QString> fromPrivatePem(QByteArrayView pem);

    [[nodiscard]] bool isNull() const { return !m_key; }
    [[nodiscard]] QByteArray privatePem() const; ///< PKCS#8 "BEGIN PRIVATE KEY"
    [[nodiscard]] QByteArray publicPem() const;  ///< "BEGIN PUBLIC KEY" (SubjectPublicKeyInfo)
    [[nodiscard]] QByteArray publicDer() const;  ///< SubjectPublicKeyInfo, DER

    /// ES256: ECDSA P-256 over SHA-256(message), returned as raw r||s (64 bytes), the form JOSE
    /// and COSE use. Empty on failure.
    [[nodiscard]] QByteArray signEs256(QByteArrayView message) const;

    /// A PKCS#10 certificate signing request in DER, signed by this key. `subject` is a list of
    /// (short name, value) like {"CN", "<uuid>"}; `keyUsageBits` is the modem's 9-character bit
    /// string ("101010000": digitalSignature, nonRepudiation, keyEncipherment, ...) or empty.
    [[nodiscard]] std::expected<QByteArray, QString>
    certificateRequestDer(const QList<QPair<QString, QString>> &subject,
                          QStringView keyUsageBits) const;

private:
    struct Deleter {
        void operator()(EVP_PKEY *key) const;
    };
    explicit EcKey(EVP_PKEY *key);
    std::unique_ptr<EVP_PKEY, Deleter> m_key;
};

QByteArray sha256(QByteArrayView data);
/// base64url without padding (JOSE, the attestation token, %KEYGEN).
QByteArray base64Url(QByteArrayView data);

} // namespace ps::devsim
