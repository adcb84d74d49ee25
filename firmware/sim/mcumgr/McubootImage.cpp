#include "McubootImage.h"

#include <QCryptographicHash>
#include <QStringList>
#include <QtEndian>

namespace ps::mcumgr {

namespace {

quint16 le16(QByteArrayView bytes, qsizetype offset) {
    return qFromLittleEndian<quint16>(bytes.data() + offset);
}

quint32 le32(QByteArrayView bytes, qsizetype offset) {
    return qFromLittleEndian<quint32>(bytes.data() + offset);
}

void appendLe16(QByteArray &out, quint16 value) {
    char buffer[2];
    qToLittleEndian(value, buffer);
    out.append(buffer, 2);
}

void appendLe32(QByteArray &out, quint32 value) {
    char buffer[4];
    qToLittleEndian(value, buffer);
    out.append(buffer, 4);
}

QString hex32(quint32 value) {
    return QStringLiteral("0x%1").arg(value, 8, 16, QLatin1Char('0'));
}

// Reads one TLV area starting at `offset`; returns the offset after it.
std::expected<qsizetype, QString> readTlvArea(QByteArrayView bytes, qsizetype offset, quint16 magic,
                                              bool isProtected, QList<ImageTlv> &tlvs) {
    if (offset + 4 > bytes.size())
        return std::unexpected(QStringLiteral("image is truncated: the TLV area at offset %1 is "
                                              "missing (the file has %2 bytes)")
                                   .arg(offset)
                                   .arg(bytes.size()));
    const quint16 foundMagic = le16(bytes, offset);
    if (foundMagic != magic)
        return std::unexpected(
            QStringLiteral("expected TLV info magic 0x%1 at offset %2, found 0x%3")
                .arg(magic, 4, 16, QLatin1Char('0'))
                .arg(offset)
                .arg(foundMagic, 4, 16, QLatin1Char('0')));
    const qsizetype total = le16(bytes, offset + 2);
    if (total < 4 || offset + total > bytes.size())
        return std::unexpected(QStringLiteral("image is truncated: the TLV area at offset %1 "
                                              "announces %2 bytes, %3 are left")
                                   .arg(offset)
                                   .arg(total)
                                   .arg(bytes.size() - offset));
    const qsizetype end = offset + total;
    qsizetype at = offset + 4;
    while (at < end) {
        if (at + 4 > end)
            return std::unexpected(
                QStringLiteral("TLV entry at offset %1 overruns its area").arg(at));
        ImageTlv tlv;
        tlv.type = le16(bytes, at);
        const qsizetype length = le16(bytes, at + 2);
        if (at + 4 + length > end)
            return std::unexpected(QStringLiteral("TLV 0x%1 at offset %2 is %3 bytes long and "
                                                  "overruns its area")
                                       .arg(tlv.type, 2, 16, QLatin1Char('0'))
                                       .arg(at)
                                       .arg(length));
        tlv.value = bytes.sliced(at + 4, length).toByteArray();
        tlv.isProtected = isProtected;
        tlvs.append(tlv);
        at += 4 + length;
    }
    return end;
}

} // namespace

QString ImageVersion::toString() const {
    QString text = QStringLiteral("%1.%2.%3").arg(major).arg(minor).arg(revision);
    if (build != 0)
        text += QStringLiteral(".%1").arg(build);
    return text;
}

std::expected<ImageVersion, QString> ImageVersion::parse(QStringView text) {
    QString normalized = text.trimmed().toString();
    normalized.replace(QLatin1Char('+'), QLatin1Char('.'));
    if (normalized.startsWith(QLatin1Char('v')))
        normalized.remove(0, 1);
    const QStringList parts = normalized.split(QLatin1Char('.'));
    if (parts.size() < 2 || parts.size() > 4)
        return std::unexpected(QStringLiteral("'%1' is not a version like 1.5.0").arg(text));
    quint64 numbers[4] = {0, 0, 0, 0};
    const quint64 limits[4] = {0xff, 0xff, 0xffff, 0xffffffff};
    for (qsizetype i = 0; i < parts.size(); ++i) {
        bool ok = false;
        numbers[i] = parts[i].toULongLong(&ok);
        if (!ok || numbers[i] > limits[i])
            return std::unexpected(QStringLiteral("'%1' is not a version like 1.5.0").arg(text));
    }
    return ImageVersion{quint8(numbers[0]), quint8(numbers[1]), quint16(numbers[2]),
                        quint32(numbers[3])};
}

std::expected<McubootImage, QString> parseMcubootImage(QByteArrayView bytes) {
    if (bytes.size() < ImageHeaderStructSize)
        return std::unexpected(QStringLiteral("image is truncated: %1 bytes, the header alone "
                                              "has 32")
                                   .arg(bytes.size()));
    const quint32 magic = le32(bytes, 0);
    if (magic != ImageMagic)
        return std::unexpected(QStringLiteral("not an MCUboot image: magic %1, expected %2")
                                   .arg(hex32(magic), hex32(ImageMagic)));
    McubootImage image;
    image.loadAddress = le32(bytes, 4);
    image.headerSize = le16(bytes, 8);
    image.protectedTlvSize = le16(bytes, 10);
    image.payloadSize = le32(bytes, 12);
    image.flags = le32(bytes, 16);
    image.version.major = quint8(bytes[20]);
    image.version.minor = quint8(bytes[21]);
    image.version.revision = le16(bytes, 22);
    image.version.build = le32(bytes, 24);
    if (image.headerSize < ImageHeaderStructSize)
        return std::unexpected(QStringLiteral("header size %1 is smaller than the 32-byte header")
                                   .arg(image.headerSize));

    qsizetype offset = qsizetype(image.headerSize) + image.payloadSize;
    if (offset > bytes.size())
        return std::unexpected(QStringLiteral("image is truncated: header and payload need %1 "
                                              "bytes, the file has %2")
                                   .arg(offset)
                                   .arg(bytes.size()));
    if (image.protectedTlvSize > 0) {
        auto end = readTlvArea(bytes, offset, ProtectedTlvInfoMagic, true, image.tlvs);
        if (!end)
            return std::unexpected(end.error());
        if (*end - offset != image.protectedTlvSize)
            return std::unexpected(QStringLiteral("protected TLV area is %1 bytes, the header "
                                                  "says %2")
                                       .arg(*end - offset)
                                       .arg(image.protectedTlvSize));
        offset = *end;
    }
    auto end = readTlvArea(bytes, offset, TlvInfoMagic, false, image.tlvs);
    if (!end)
        return std::unexpected(end.error());
    image.totalSize = *end;
    for (const ImageTlv &tlv : std::as_const(image.tlvs)) {
        if (tlv.type == TlvSha256 && !tlv.isProtected)
            image.sha256 = tlv.value;
    }
    return image;
}

std::expected<McubootImage, QString> verifyMcubootImage(QByteArrayView bytes) {
    auto image = parseMcubootImage(bytes);
    if (!image)
        return image;
    if (image->sha256.isEmpty())
        return std::unexpected(QStringLiteral("image has no SHA-256 TLV (type 0x10)"));
    if (image->sha256.size() != 32)
        return std::unexpected(
            QStringLiteral("SHA-256 TLV is %1 bytes long, expected 32").arg(image->sha256.size()));
    const QByteArray computed =
        QCryptographicHash::hash(bytes.first(image->hashedSize()), QCryptographicHash::Sha256);
    if (computed != image->sha256)
        return std::unexpected(QStringLiteral("image hash mismatch: the SHA-256 TLV says %1, the "
                                              "image hashes to %2")
                                   .arg(QString::fromLatin1(image->sha256.toHex()),
                                        QString::fromLatin1(computed.toHex())));
    return image;
}

QByteArray buildMcubootImage(ImageVersion version, QByteArrayView payload, quint16 headerSize,
                             quint32 loadAddress) {
    headerSize = std::max<quint16>(headerSize, quint16(ImageHeaderStructSize));
    QByteArray image;
    image.reserve(headerSize + payload.size() + 40);
    appendLe32(image, ImageMagic);
    appendLe32(image, loadAddress);
    appendLe16(image, headerSize);
    appendLe16(image, 0); // no protected TLVs
    appendLe32(image, quint32(payload.size()));
    appendLe32(image, 0); // flags
    image.append(char(version.major)).append(char(version.minor));
    appendLe16(image, version.revision);
    appendLe32(image, version.build);
    appendLe32(image, 0); // pad
    image.append(QByteArray(headerSize - ImageHeaderStructSize, '\0'));
    image.append(payload);

    const QByteArray hash = QCryptographicHash::hash(image, QCryptographicHash::Sha256);
    appendLe16(image, TlvInfoMagic);
    appendLe16(image, quint16(4 + 4 + hash.size()));
    appendLe16(image, TlvSha256);
    appendLe16(image, quint16(hash.size()));
    image.append(hash);
    return image;
}

} // namespace ps::mcumgr
