#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <expected>

namespace ps::core {
struct AttestationToken;
}

namespace ps::cloudsim {

/// Checks an ES256 signature: SHA-256 of `message`, ECDSA P-256, signature as r||s (64 bytes,
/// the COSE and JWS form). `publicKeyPem` is a SubjectPublicKeyInfo PEM.
std::expected<void, QString> verifyEs256(QByteArrayView publicKeyPem, QByteArrayView message,
                                         QByteArrayView signature);

/// COSE_Sign1 checks of attestation tokens (PROTOCOL §4).
///
/// The signature covers the COSE Sig_structure ["Signature1", protected header bytes, h'',
/// part 1 bytes]: part 2 carries no payload (null), part 1 is the detached payload.
class TokenVerifier {
public:
    /// The encoded Sig_structure for a protected header and a detached payload.
    static QByteArray signatureInput(QByteArrayView protectedHeader, QByteArrayView payload);

    /// Verifies `token` (already decoded by ps::core::AttestationToken::parse) against the
    /// device's identity public key.
    static std::expected<void, QString> verify(const core::AttestationToken &token,
                                               QByteArrayView publicKeyPem);
};

} // namespace ps::cloudsim
