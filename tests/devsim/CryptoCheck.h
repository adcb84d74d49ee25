#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace ps::devsim::test {

/// Signature checks done with OpenSSL directly, independent of the device's own EcKey code, so
/// a test fails when the device signs the wrong bytes or with the wrong key.

/// ES256 check of a raw r||s signature with a public key in PEM ("BEGIN PUBLIC KEY").
bool verifyEs256WithPem(const QByteArray &publicKeyPem, const QByteArray &message,
                        const QByteArray &rawSignature);
/// The same with a DER SubjectPublicKeyInfo.
bool verifyEs256WithDer(const QByteArray &publicKeyDer, const QByteArray &message,
                        const QByteArray &rawSignature);

struct CertificateRequest {
    bool signatureValid = false;
    QString subject;         ///< one-line form, e.g. "CN=..."
    QByteArray publicKeyDer; ///< SubjectPublicKeyInfo
    QString keyUsage;        ///< the requested key usage extension as text, or empty
};
std::optional<CertificateRequest> readCertificateRequest(const QByteArray &der);

QByteArray base64UrlDecode(const QByteArray &text);

} // namespace ps::devsim::test
