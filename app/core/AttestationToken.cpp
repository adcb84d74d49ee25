#include "AttestationToken.h"

#include "Cbor.h"

#include <array>

namespace ps::core {

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype MaxPartLength = 127; // PROTOCOL §4: each part shorter than 128 characters
constexpr quint64 SelfDescribeTag = 55799;
constexpr quint64 CoseSign1Tag = 18;
constexpr int DeviceIdentityMessage = 1;
constexpr int Es256 = -7;
constexpr qsizetype Es256SignatureSize = 64;

QString unexpectedBytes(qsizetype count) {
    return QString::number(count) + (count == 1 ? u" unexpected byte"_s : u" unexpected bytes"_s);
}

std::unexpected<TokenError> fail(QString message) {
    return std::unexpected(TokenError{std::move(message)});
}

// "d9 d9 f7 85" style dump of the first bytes, for error messages.
QString hexPrefix(QByteArrayView bytes, qsizetype count = 4) {
    if (bytes.isEmpty())
        return u"nothing"_s;
    QString out = u"'"_s + QString::fromLatin1(
                               bytes.first(std::min(count, bytes.size())).toByteArray().toHex(' '));
    if (bytes.size() > count)
        out += u" ..."_s;
    return out + u"'"_s;
}

int base64UrlValue(QChar c) {
    const char16_t u = c.unicode();
    if (u >= u'A' && u <= u'Z')
        return u - u'A';
    if (u >= u'a' && u <= u'z')
        return u - u'a' + 26;
    if (u >= u'0' && u <= u'9')
        return u - u'0' + 52;
    if (u == u'-')
        return 62;
    if (u == u'_')
        return 63;
    return -1;
}

// Decodes one base64url part. Padding is optional but must be right when present; the
// normalised (unpadded) text is returned in `unpadded`.
std::expected<QByteArray, TokenError> decodePart(QStringView part, const QString &name,
                                                 QString *unpadded) {
    if (part.isEmpty())
        return fail(name + u" is empty"_s);
    QStringView data = part;
    qsizetype padding = 0;
    while (data.endsWith(u'=')) {
        data.chop(1);
        ++padding;
    }
    if (padding > 0 && (part.size() % 4 != 0 || padding > 2)) {
        return fail(name + u": wrong padding ("_s + QString::number(padding) +
                    u" '=' on a part of "_s + QString::number(part.size()) +
                    u" characters); base64url parts are normally printed without padding"_s);
    }
    if (data.size() > MaxPartLength) {
        return fail(name + u" is "_s + QString::number(data.size()) +
                    u" characters long; a token part is shorter than 128 characters"_s);
    }
    if (data.size() % 4 == 1) {
        return fail(name + u": "_s + QString::number(data.size()) +
                    u" characters is not a possible base64url length"_s);
    }
    QByteArray bytes;
    bytes.reserve(data.size() * 3 / 4 + 2);
    quint32 accumulator = 0;
    int bits = 0;
    for (qsizetype i = 0; i < data.size(); ++i) {
        const int value = base64UrlValue(data[i]);
        if (value < 0) {
            QString shown;
            if (data[i].isPrint()) {
                shown = u"'"_s + data[i] + u"'"_s;
            } else {
                shown = u"U+"_s +
                        QString::number(data[i].unicode(), 16).rightJustified(4, u'0').toUpper();
            }
            QString hint;
            if (data[i] == u'+' || data[i] == u'/')
                hint = u" (standard base64, not base64url)"_s;
            else if (data[i] == u'=')
                hint = u" (padding inside the text)"_s;
            return fail(name + u" is not base64url: character "_s + shown + u" at position "_s +
                        QString::number(i + 1) + hint);
        }
        accumulator = (accumulator << 6) | quint32(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.append(char((accumulator >> bits) & 0xff));
        }
    }
    if (bits > 0 && (accumulator & ((1u << bits) - 1)) != 0) {
        return fail(name + u" is not canonical base64url: the last character carries bits "_s +
                    u"that do not belong to any byte"_s);
    }
    if (unpadded)
        *unpadded = data.toString();
    return bytes;
}

std::expected<QUuid, TokenError> uuidField(const CborValue &value, const QString &what) {
    if (value.type != CborValue::Type::ByteString || value.bytes.size() != 16)
        return fail(u"part 1: "_s + what + u" must be a 16-byte string, found "_s +
                    value.describe());
    return QUuid::fromRfc4122(value.bytes);
}

std::expected<int, TokenError> smallIntField(const CborValue &value, const QString &what) {
    const auto number = value.toInteger();
    if (value.type != CborValue::Type::Unsigned || !number || *number > 0xffff)
        return fail(u"part 1: "_s + what + u" must be a small unsigned integer, found "_s +
                    value.describe());
    return int(*number);
}

QString cborProblem(const QString &part, const CborError &error) {
    return part + u": invalid CBOR at byte "_s + QString::number(error.offset) + u": "_s +
           error.message;
}

std::expected<void, TokenError> parsePart1(const QByteArray &bytes, AttestationToken &token) {
    if (!bytes.startsWith(QByteArrayView("\xd9\xd9\xf7", 3))) {
        return fail(u"part 1: expected the CBOR self-describe tag 55799 (d9 d9 f7), found "_s +
                    hexPrefix(bytes, 3));
    }
    CborReader reader(bytes);
    auto root = reader.read();
    if (!root)
        return fail(cborProblem(u"part 1"_s, root.error()));
    if (!reader.atEnd()) {
        return fail(u"part 1: "_s + unexpectedBytes(reader.remaining()) +
                    u" after the CBOR item"_s);
    }
    Q_ASSERT(root->type == CborValue::Type::Tag && root->number == SelfDescribeTag);
    const CborValue &content = root->items.front();
    if (content.type != CborValue::Type::Array || content.items.size() != 5) {
        return fail(u"part 1: expected an array of 5 items after the self-describe tag, found "_s +
                    content.describe());
    }
    const auto &items = content.items;
    auto messageType = smallIntField(items[0], u"the message type"_s);
    if (!messageType)
        return std::unexpected(messageType.error());
    if (*messageType != DeviceIdentityMessage) {
        return fail(u"part 1: unknown message type "_s + QString::number(*messageType) +
                    u" (1 = device identity is expected)"_s);
    }
    auto deviceUuid = uuidField(items[1], u"the device UUID"_s);
    if (!deviceUuid)
        return std::unexpected(deviceUuid.error());
    auto deviceType = smallIntField(items[2], u"the device type"_s);
    if (!deviceType)
        return std::unexpected(deviceType.error());
    auto firmwareUuid = uuidField(items[3], u"the modem firmware UUID"_s);
    if (!firmwareUuid)
        return std::unexpected(firmwareUuid.error());
    if (items[4].type != CborValue::Type::ByteString || items[4].bytes.size() != 16) {
        return fail(u"part 1: the nonce must be a 16-byte string, found "_s + items[4].describe());
    }
    token.messageType = *messageType;
    token.deviceUuid = *deviceUuid;
    token.deviceType = *deviceType;
    token.modemFirmwareUuid = *firmwareUuid;
    token.nonce = items[4].bytes;
    token.part1Cbor = bytes;
    return {};
}

std::expected<void, TokenError> parsePart2(const QByteArray &bytes, AttestationToken &token) {
    if (bytes.isEmpty() || quint8(bytes.front()) != 0xd2) {
        return fail(u"part 2: expected a COSE_Sign1 structure (CBOR tag 18, byte d2), found "_s +
                    hexPrefix(bytes, 2));
    }
    CborReader reader(bytes);
    auto root = reader.read();
    if (!root)
        return fail(cborProblem(u"part 2"_s, root.error()));
    if (!reader.atEnd()) {
        return fail(u"part 2: "_s + unexpectedBytes(reader.remaining()) +
                    u" after the COSE_Sign1 structure"_s);
    }
    Q_ASSERT(root->type == CborValue::Type::Tag && root->number == CoseSign1Tag);
    const CborValue &sign1 = root->items.front();
    if (sign1.type != CborValue::Type::Array || sign1.items.size() != 4) {
        return fail(u"part 2: COSE_Sign1 must be an array of 4 items, found "_s + sign1.describe());
    }
    const CborValue &protectedHeader = sign1.items[0];
    if (protectedHeader.type != CborValue::Type::ByteString) {
        return fail(u"part 2: the protected header must be a byte string, found "_s +
                    protectedHeader.describe());
    }
    auto header = CborReader::decode(protectedHeader.bytes);
    if (!header) {
        return fail(u"part 2: the protected header is not valid CBOR: "_s + header.error().message);
    }
    const CborValue *algorithm = header->find(1);
    if (header->type != CborValue::Type::Map || header->entries.size() != 1 || !algorithm ||
        algorithm->toInteger() != Es256) {
        QString found = header->describe();
        if (algorithm && algorithm->isInteger())
            found += u" with algorithm "_s + QString::number(algorithm->toInteger().value_or(0));
        return fail(u"part 2: the protected header must be {1: -7} (ES256), found "_s + found);
    }
    const CborValue &unprotectedHeader = sign1.items[1];
    if (unprotectedHeader.type != CborValue::Type::Map) {
        return fail(u"part 2: the unprotected header must be a map, found "_s +
                    unprotectedHeader.describe());
    }
    QByteArray keyId;
    if (const CborValue *kid = unprotectedHeader.find(4)) {
        if (kid->type != CborValue::Type::ByteString) {
            return fail(u"part 2: the key id (unprotected header label 4) must be a byte "_s
                        u"string, found "_s +
                        kid->describe());
        }
        keyId = kid->bytes;
    }
    if (!sign1.items[2].isNull()) {
        return fail(u"part 2: the COSE payload must be null (detached), found "_s +
                    sign1.items[2].describe());
    }
    const CborValue &signature = sign1.items[3];
    if (signature.type != CborValue::Type::ByteString ||
        signature.bytes.size() != Es256SignatureSize) {
        return fail(u"part 2: the signature must be a 64-byte string (ES256), found "_s +
                    signature.describe());
    }
    token.coseAlgorithm = Es256;
    token.coseKeyId = keyId;
    token.signature = signature.bytes;
    return {};
}

} // namespace

std::expected<AttestationToken, TokenError> AttestationToken::parse(QStringView input) {
    QStringView text = input.trimmed();
    static constexpr QStringView Prefix = u"%ATTESTTOKEN:";
    if (text.startsWith(Prefix, Qt::CaseInsensitive))
        text = text.sliced(Prefix.size()).trimmed();
    if (text.size() >= 2 && ((text.front() == u'"' && text.back() == u'"') ||
                             (text.front() == u'\'' && text.back() == u'\''))) {
        text = text.sliced(1, text.size() - 2).trimmed();
    } else if (text.startsWith(u'"') || text.endsWith(u'"')) {
        return fail(u"the token has an unmatched quote"_s);
    }
    if (text.isEmpty())
        return fail(u"the token is empty"_s);

    const qsizetype dot = text.indexOf(u'.');
    if (dot < 0) {
        return fail(u"expected two base64url parts separated by '.', but there is no '.'"_s);
    }
    if (text.indexOf(u'.', dot + 1) >= 0) {
        return fail(u"expected two base64url parts separated by one '.', found "_s +
                    QString::number(text.count(u'.')) + u" dots"_s);
    }

    AttestationToken token;
    QString part1Text;
    QString part2Text;
    auto part1 = decodePart(text.first(dot), u"part 1"_s, &part1Text);
    if (!part1)
        return std::unexpected(part1.error());
    auto part2 = decodePart(text.sliced(dot + 1), u"part 2"_s, &part2Text);
    if (!part2)
        return std::unexpected(part2.error());
    if (auto ok = parsePart1(*part1, token); !ok)
        return std::unexpected(ok.error());
    if (auto ok = parsePart2(*part2, token); !ok)
        return std::unexpected(ok.error());
    token.text = part1Text + u'.' + part2Text;
    return token;
}

QString AttestationToken::base64Url(QByteArrayView bytes) {
    return QString::fromLatin1(bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding |
                                                            QByteArray::OmitTrailingEquals));
}

QByteArray AttestationToken::encodePart1() const {
    CborWriter writer;
    writer.appendTag(SelfDescribeTag)
        .startArray(5)
        .appendInteger(messageType)
        .appendBytes(deviceUuid.toRfc4122())
        .appendInteger(deviceType)
        .appendBytes(modemFirmwareUuid.toRfc4122())
        .appendBytes(nonce);
    return writer.take();
}

QByteArray AttestationToken::encodePart2() const {
    CborWriter header;
    header.startMap(1).appendInteger(1).appendInteger(coseAlgorithm);
    CborWriter writer;
    writer.appendTag(CoseSign1Tag).startArray(4).appendBytes(header.data());
    if (coseKeyId.isEmpty())
        writer.startMap(0);
    else
        writer.startMap(1).appendInteger(4).appendBytes(coseKeyId);
    writer.appendNull().appendBytes(signature);
    return writer.take();
}

QString AttestationToken::encode() const {
    return base64Url(encodePart1()) + u'.' + base64Url(encodePart2());
}

QString AttestationToken::deviceTypeName(int deviceType) {
    static constexpr std::array<QStringView, 6> Names = {
        u"nRF9160 SIAA", u"nRF9160 SIBA", u"nRF9160 SICA",
        u"nRF9161 LACA", u"nRF9131 LACA", u"nRF9151 LACA",
    };
    if (deviceType >= 1 && deviceType <= int(Names.size()))
        return Names[deviceType - 1].toString();
    return u"unknown ("_s + QString::number(deviceType) + u')';
}

QString AttestationToken::uuidText(const QUuid &uuid) {
    return uuid.toString(QUuid::WithoutBraces);
}

} // namespace ps::core
