#include "ModemFormats.h"

#include "core/Cbor.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace ps::devsim::formats {

using ps::core::CborValue;
using ps::core::CborWriter;

namespace {

QByteArray uuidBytes(const QUuid &uuid) {
    return uuid.toRfc4122();
}

QByteArray randomNonce() {
    QByteArray nonce(16, '\0');
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
    return nonce;
}

CborValue coseUnprotected() {
    return CborValue::map(
        {{CborValue::integer(4), CborValue::byteString(QByteArray(1, CoseKeyId))}});
}

QByteArray encode(const CborValue &value) {
    CborWriter writer;
    writer.append(value);
    return writer.take();
}

} // namespace

QByteArray coseProtectedEs256() {
    return encode(CborValue::map({{CborValue::integer(1), CborValue::integer(-7)}}));
}

QByteArray coseSigStructure(QByteArrayView protectedHeader, QByteArrayView payload) {
    return encode(CborValue::array({
        CborValue::textString(QStringLiteral("Signature1")),
        CborValue::byteString(protectedHeader.toByteArray()),
        CborValue::byteString({}),
        CborValue::byteString(payload.toByteArray()),
    }));
}

QByteArray attestationPart1(const DeviceIdentity &identity, QByteArrayView nonce) {
    return encode(
        CborValue::tagged(55799, CborValue::array({
                                     CborValue::integer(TokenMessageDeviceIdentity),
                                     CborValue::byteString(uuidBytes(identity.uuid)),
                                     CborValue::integer(identity.modem.deviceType),
                                     CborValue::byteString(uuidBytes(identity.modem.firmwareUuid)),
                                     CborValue::byteString(nonce.toByteArray()),
                                 })));
}

QByteArray attestationToken(const DeviceIdentity &identity, QByteArrayView nonce) {
    const QByteArray usedNonce = nonce.size() == 16 ? nonce.toByteArray() : randomNonce();
    const QByteArray part1 = attestationPart1(identity, usedNonce);
    const QByteArray protectedHeader = coseProtectedEs256();
    const QByteArray signature =
        identity.identityKey.signEs256(coseSigStructure(protectedHeader, part1));
    const QByteArray part2 =
        encode(CborValue::tagged(18, CborValue::array({
                                         CborValue::byteString(protectedHeader),
                                         coseUnprotected(),
                                         CborValue::null(),
                                         CborValue::byteString(signature),
                                     })));
    return base64Url(part1) + '.' + base64Url(part2);
}

QByteArray keygenResponse(const DeviceIdentity &identity, QByteArrayView der,
                          QByteArrayView nonce) {
    const QByteArray usedNonce = nonce.size() == 16 ? nonce.toByteArray() : randomNonce();
    const QByteArray payload = encode(CborValue::array({
        CborValue::integer(KeygenMessageKeyAttestation),
        CborValue::byteString(uuidBytes(identity.uuid)),
        CborValue::byteString(sha256(der)),
        CborValue::byteString(usedNonce),
    }));
    const QByteArray protectedHeader = coseProtectedEs256();
    const QByteArray signature =
        identity.identityKey.signEs256(coseSigStructure(protectedHeader, payload));
    const QByteArray cose = encode(CborValue::tagged(18, CborValue::array({
                                                             CborValue::byteString(protectedHeader),
                                                             coseUnprotected(),
                                                             CborValue::byteString(payload),
                                                             CborValue::byteString(signature),
                                                         })));
    return base64Url(der) + '.' + base64Url(cose);
}

QByteArray jwt(const DeviceIdentity &identity, const EcKey &key, const JwtRequest &request) {
    const QByteArray header = QByteArrayLiteral(R"({"alg":"ES256","typ":"JWT"})");
    QJsonObject claims;
    claims.insert(u"jti", QUuid::createUuid().toString(QUuid::WithoutBraces).toLower());
    claims.insert(u"iss", identity.uuidText());
    if (!request.subject.isEmpty())
        claims.insert(u"sub", QString::fromUtf8(request.subject));
    if (!request.audience.isEmpty())
        claims.insert(u"aud", QString::fromUtf8(request.audience));
    const qint64 now = request.now.toSecsSinceEpoch();
    claims.insert(u"iat", now);
    if (request.expiresInSeconds > 0)
        claims.insert(u"exp", now + request.expiresInSeconds);
    const QByteArray signingInput =
        base64Url(header) + '.' + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return signingInput + '.' + base64Url(key.signEs256(signingInput));
}

} // namespace ps::devsim::formats
