#pragma once

#include "DeviceIdentity.h"

#include <QByteArray>
#include <QDateTime>
#include <expected>

/// The one place that defines what the virtual modem signs and how (PROTOCOL §3, §4, §7).
/// The cloud stand-in verifies exactly these formats; change them together.
///
/// Attestation token (`AT%ATTESTTOKEN`): "<base64url part 1>.<base64url part 2>", no padding.
///  - Part 1: CBOR tag 55799 (d9 d9 f7) + array of 5: [1 (device identity), h'<device UUID, 16
///    bytes>', <device type>, h'<modem firmware UUID, 16 bytes>', h'<nonce, 16 random bytes>'].
///  - Part 2: COSE_Sign1 (tag 18) [h'a10126' (protected {1: -7}, ES256), {4: h'21'} (key id),
///    null (detached payload), h'<64-byte signature>'].
///  - Signature: ES256 by the device identity key, raw r||s, over the COSE Sig_structure
///    ["Signature1", h'a10126', h'', <part 1 bytes, exactly as decoded from base64url, tag
///    included>] encoded in CBOR. A verifier rebuilds that array from the token and checks it with
///    the public key from the registry.
///
/// %KEYGEN (`AT%KEYGEN=<tag>,2,<0|1>[,"<attributes>"[,"<key usage>"]]`):
/// `%KEYGEN: "<base64url DER>.<base64url COSE>"` where DER is a PKCS#10 CSR (format 0) or the
/// SubjectPublicKeyInfo (format 1) of the new key, and COSE is a COSE_Sign1 (tag 18)
/// [h'a10126', {4: h'21'}, h'<payload>', h'<signature>'] with the payload embedded:
/// payload = CBOR [2 (key attestation), h'<device UUID>', h'<SHA-256 of the DER>', h'<nonce>'];
/// signature = ES256 by the identity key over ["Signature1", h'a10126', h'', payload].
/// (The message type 2 and the payload layout are this project's choice: Nordic documents the
/// shape, not the content, of that object.)
///
/// %JWT (`AT%JWT=0,<exp>,"<sub>","<aud>"[,<tag>,2]`): compact JWS, header
/// {"alg":"ES256","typ":"JWT"}, claims {"jti": <random UUID>, "iss": "<device UUID>",
/// "sub": <sub, if given>, "aud": <aud, if given>, "iat": <now>, "exp": <now + exp, if exp > 0>},
/// signed ES256 (raw r||s, base64url) by the identity key, or by the key %KEYGEN made at <tag>.
namespace ps::devsim::formats {

inline constexpr int TokenMessageDeviceIdentity = 1;
inline constexpr int KeygenMessageKeyAttestation = 2;
inline constexpr char CoseKeyId = 0x21;

/// Part 1 bytes (tag 55799 included).
QByteArray attestationPart1(const DeviceIdentity &identity, QByteArrayView nonce);
/// "<part1>.<part2>" with a fresh random nonce, or with `nonce` when given (16 bytes).
QByteArray attestationToken(const DeviceIdentity &identity, QByteArrayView nonce = {});

/// CBOR of ["Signature1", protected, h'', payload] (RFC 9052 §4.4).
QByteArray coseSigStructure(QByteArrayView protectedHeader, QByteArrayView payload);
/// The encoded protected header {1: -7}.
QByteArray coseProtectedEs256();

/// The text inside the quotes of a %KEYGEN response.
QByteArray keygenResponse(const DeviceIdentity &identity, QByteArrayView der,
                          QByteArrayView nonce = {});

struct JwtRequest {
    qint64 expiresInSeconds = 0;
    QByteArray subject;
    QByteArray audience;
    QDateTime now;
};
/// The compact JWT, signed by `key`.
QByteArray jwt(const DeviceIdentity &identity, const EcKey &key, const JwtRequest &request);

} // namespace ps::devsim::formats
