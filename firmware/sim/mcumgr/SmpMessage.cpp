#include "SmpMessage.h"

namespace ps::mcumgr {

using ps::core::CborReader;
using ps::core::CborValue;
using ps::core::CborWriter;

QByteArray encodeSmpMessage(SmpHeader header, const CborValue &payload) {
    CborWriter writer;
    writer.append(payload);
    const QByteArray cbor = writer.take();
    header.length = quint16(cbor.size());

    QByteArray body;
    body.reserve(SmpHeader::Size + cbor.size());
    body.append(char((quint8(header.op) & 0x07) | ((header.version & 0x03) << 3)));
    body.append(char(header.flags));
    body.append(char(header.length >> 8)).append(char(header.length & 0xff));
    body.append(char(header.group >> 8)).append(char(header.group & 0xff));
    body.append(char(header.sequence));
    body.append(char(header.command));
    body.append(cbor);
    return body;
}

std::expected<SmpMessage, QString> decodeSmpMessage(QByteArrayView body) {
    if (body.size() < SmpHeader::Size)
        return std::unexpected(
            QStringLiteral("SMP message shorter than its 8-byte header (%1 bytes)")
                .arg(body.size()));
    const auto byte = [&](qsizetype i) { return quint8(body[i]); };
    SmpMessage message;
    const quint8 opByte = byte(0);
    if ((opByte & 0x07) > 3)
        return std::unexpected(QStringLiteral("unknown SMP operation %1").arg(opByte & 0x07));
    message.header.op = SmpOp(opByte & 0x07);
    message.header.version = (opByte >> 3) & 0x03;
    message.header.flags = byte(1);
    message.header.length = quint16((byte(2) << 8) | byte(3));
    message.header.group = quint16((byte(4) << 8) | byte(5));
    message.header.sequence = byte(6);
    message.header.command = byte(7);

    const QByteArrayView cbor = body.sliced(SmpHeader::Size);
    if (cbor.size() != message.header.length)
        return std::unexpected(QStringLiteral("SMP header announces %1 bytes of CBOR, %2 arrived")
                                   .arg(message.header.length)
                                   .arg(cbor.size()));
    if (cbor.isEmpty())
        return message;
    // zcbor-based peers encode maps with indefinite lengths.
    auto payload =
        CborReader::decode(cbor, CborReader::DefaultMaxDepth, CborReader::Lengths::AllowIndefinite);
    if (!payload)
        return std::unexpected(QStringLiteral("SMP payload is not valid CBOR at byte %1: %2")
                                   .arg(payload.error().offset)
                                   .arg(payload.error().message));
    if (payload->type != CborValue::Type::Map)
        return std::unexpected(
            QStringLiteral("SMP payload must be a map, found %1").arg(payload->describe()));
    message.payload = std::move(*payload);
    return message;
}

SmpHeader responseHeaderFor(const SmpHeader &request) {
    SmpHeader response = request;
    response.op = request.op == SmpOp::Write ? SmpOp::WriteResponse : SmpOp::ReadResponse;
    response.length = 0;
    return response;
}

std::pair<CborValue, CborValue> smpEntry(QString key, CborValue value) {
    return {CborValue::textString(std::move(key)), std::move(value)};
}

} // namespace ps::mcumgr
