#include "ZipArchive.h"

#include <QSet>
#include <zlib.h>

namespace ps::bundle {
namespace {

constexpr quint32 LocalHeaderSignature = 0x04034b50;
constexpr quint32 CentralHeaderSignature = 0x02014b50;
constexpr quint32 EndRecordSignature = 0x06054b50;
constexpr qsizetype LocalHeaderSize = 30;
constexpr qsizetype CentralHeaderSize = 46;
constexpr qsizetype EndRecordSize = 22;
constexpr quint16 DosDate1980 = (0 << 9) | (1 << 5) | 1; // 1980-01-01
constexpr quint16 FlagEncrypted = 0x0001;
constexpr quint16 FlagUtf8 = 0x0800;

quint16 u16(QByteArrayView bytes, qsizetype at) {
    return quint16(quint8(bytes[at]) | (quint8(bytes[at + 1]) << 8));
}
quint32 u32(QByteArrayView bytes, qsizetype at) {
    return quint32(u16(bytes, at)) | (quint32(u16(bytes, at + 2)) << 16);
}
void put16(QByteArray &out, quint16 value) {
    out.append(char(value & 0xff));
    out.append(char(value >> 8));
}
void put32(QByteArray &out, quint32 value) {
    put16(out, quint16(value & 0xffff));
    put16(out, quint16(value >> 16));
}

quint32 crc32Of(QByteArrayView data) {
    uLong crc = crc32(0L, Z_NULL, 0);
    qsizetype done = 0;
    while (done < data.size()) { // zlib takes uInt lengths
        const auto step = uInt(std::min<qsizetype>(data.size() - done, 1 << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef *>(data.data() + done), step);
        done += step;
    }
    return quint32(crc);
}

/// Raw deflate (no zlib header), as zip stores it.
QByteArray deflateRaw(QByteArrayView data) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return {};
    QByteArray out(qsizetype(deflateBound(&stream, uLong(data.size()))), Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int status = deflate(&stream, Z_FINISH);
    const auto produced = qsizetype(stream.total_out);
    deflateEnd(&stream);
    if (status != Z_STREAM_END)
        return {};
    out.truncate(produced);
    return out;
}

/// Inflates exactly `size` bytes; more output or a stream that ends early is an error.
std::expected<QByteArray, QString> inflateRaw(QByteArrayView compressed, qsizetype size) {
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
        return std::unexpected(QStringLiteral("zlib could not start"));
    QByteArray out(size, Qt::Uninitialized);
    // One spare byte tells "exactly size" from "more than size" without writing past the end.
    char spare = 0;
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.data()));
    stream.avail_in = uInt(compressed.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(size);
    int status = inflate(&stream, Z_FINISH);
    if (status != Z_STREAM_END && stream.avail_out == 0) {
        stream.next_out = reinterpret_cast<Bytef *>(&spare);
        stream.avail_out = 1;
        status = inflate(&stream, Z_FINISH);
        if (stream.avail_out == 0) {
            inflateEnd(&stream);
            return std::unexpected(
                QStringLiteral("inflates to more than the announced %1 bytes").arg(size));
        }
    }
    const auto produced = qsizetype(stream.total_out);
    inflateEnd(&stream);
    if (status != Z_STREAM_END)
        return std::unexpected(QStringLiteral("the compressed data is damaged or truncated"));
    if (produced != size)
        return std::unexpected(
            QStringLiteral("inflates to %1 bytes, not the announced %2").arg(produced).arg(size));
    return out;
}

} // namespace

bool isSafeZipName(QStringView name) {
    if (name.isEmpty() || name.size() > 255)
        return false;
    if (name.startsWith(u'/') || name.contains(u'\\') || name.contains(QChar(0)))
        return false;
    if (name.size() >= 2 && name[1] == u':')
        return false; // "C:..." would be a drive on Windows
    for (const QStringView part : name.split(u'/')) {
        if (part == u".." || part == u".")
            return false;
    }
    return true;
}

std::expected<QList<ZipEntry>, QString> readZip(QByteArrayView archive, ZipLimits limits) {
    const auto fail = [](QString message) { return std::unexpected(std::move(message)); };
    if (archive.size() < EndRecordSize)
        return fail(QStringLiteral("not a zip file: %1 bytes is too short").arg(archive.size()));

    // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
    qsizetype end = -1;
    const qsizetype lowest = std::max<qsizetype>(0, archive.size() - EndRecordSize - 0xffff);
    for (qsizetype at = archive.size() - EndRecordSize; at >= lowest; --at) {
        if (u32(archive, at) == EndRecordSignature &&
            at + EndRecordSize + u16(archive, at + 20) == archive.size()) {
            end = at;
            break;
        }
    }
    if (end < 0)
        return fail(QStringLiteral("not a zip file (no end of central directory record); "
                                   "the file may be truncated"));
    if (u16(archive, end + 4) != 0 || u16(archive, end + 6) != 0 ||
        u16(archive, end + 8) != u16(archive, end + 10))
        return fail(QStringLiteral("multi-part zip archives are not supported"));
    const qsizetype count = u16(archive, end + 10);
    const qsizetype directorySize = u32(archive, end + 12);
    const qsizetype directoryOffset = u32(archive, end + 16);
    if (count == 0xffff || directorySize == 0xffffffff || directoryOffset == 0xffffffff)
        return fail(QStringLiteral("ZIP64 archives are not supported"));
    if (count > limits.maxEntries)
        return fail(QStringLiteral("%1 entries, more than the %2 allowed")
                        .arg(count)
                        .arg(limits.maxEntries));
    if (directoryOffset + directorySize > end)
        return fail(QStringLiteral("the central directory lies outside the file (truncated?)"));

    QList<ZipEntry> entries;
    QSet<QString> names;
    qsizetype total = 0;
    qsizetype at = directoryOffset;
    for (qsizetype index = 0; index < count; ++index) {
        if (at + CentralHeaderSize > directoryOffset + directorySize ||
            u32(archive, at) != CentralHeaderSignature)
            return fail(QStringLiteral("central directory entry %1 is damaged").arg(index + 1));
        const quint16 flags = u16(archive, at + 8);
        const quint16 method = u16(archive, at + 10);
        const quint32 crc = u32(archive, at + 16);
        const qsizetype compressedSize = u32(archive, at + 20);
        const qsizetype size = u32(archive, at + 24);
        const qsizetype nameLength = u16(archive, at + 28);
        const qsizetype extraLength = u16(archive, at + 30);
        const qsizetype commentLength = u16(archive, at + 32);
        const qsizetype localOffset = u32(archive, at + 42);
        const qsizetype next = at + CentralHeaderSize + nameLength + extraLength + commentLength;
        if (next > directoryOffset + directorySize)
            return fail(QStringLiteral("central directory entry %1 is damaged").arg(index + 1));
        const QByteArrayView rawName = archive.sliced(at + CentralHeaderSize, nameLength);
        const QString name =
            (flags & FlagUtf8) ? QString::fromUtf8(rawName) : QString::fromLatin1(rawName);
        at = next;

        if (!isSafeZipName(name))
            return fail(QStringLiteral("entry name \"%1\" is not a safe relative path").arg(name));
        if (names.contains(name))
            return fail(QStringLiteral("entry \"%1\" appears twice").arg(name));
        names.insert(name);
        if (flags & FlagEncrypted)
            return fail(QStringLiteral("entry \"%1\" is encrypted").arg(name));
        if (method != quint16(ZipMethod::Stored) && method != quint16(ZipMethod::Deflate))
            return fail(QStringLiteral("entry \"%1\" uses compression method %2 (only stored and "
                                       "deflate are supported)")
                            .arg(name)
                            .arg(method));
        if (size > limits.maxEntrySize)
            return fail(QStringLiteral("entry \"%1\" is %2 bytes, more than the %3 allowed")
                            .arg(name)
                            .arg(size)
                            .arg(limits.maxEntrySize));
        total += size;
        if (total > limits.maxTotalSize)
            return fail(QStringLiteral("the entries add up to more than the %1 bytes allowed")
                            .arg(limits.maxTotalSize));
        if (method == quint16(ZipMethod::Stored) && compressedSize != size)
            return fail(QStringLiteral("stored entry \"%1\" announces %2 bytes but holds %3")
                            .arg(name)
                            .arg(size)
                            .arg(compressedSize));

        // The local header repeats the name; its own extra field may differ in length.
        if (localOffset + LocalHeaderSize > directoryOffset ||
            u32(archive, localOffset) != LocalHeaderSignature)
            return fail(QStringLiteral("the local header of \"%1\" is missing").arg(name));
        const qsizetype localNameLength = u16(archive, localOffset + 26);
        const qsizetype localExtraLength = u16(archive, localOffset + 28);
        const qsizetype dataOffset =
            localOffset + LocalHeaderSize + localNameLength + localExtraLength;
        if (dataOffset > directoryOffset)
            return fail(QStringLiteral("the local header of \"%1\" is damaged").arg(name));
        if (localNameLength != nameLength ||
            archive.sliced(localOffset + LocalHeaderSize, localNameLength) != rawName)
            return fail(QStringLiteral("the local header of \"%1\" names another file").arg(name));
        if (dataOffset + compressedSize > directoryOffset)
            return fail(QStringLiteral("the data of \"%1\" runs past the end of the file area "
                                       "(truncated or wrong size)")
                            .arg(name));
        if (name.endsWith(u'/')) {
            if (size != 0)
                return fail(QStringLiteral("directory entry \"%1\" holds data").arg(name));
            continue;
        }
        const QByteArrayView stored = archive.sliced(dataOffset, compressedSize);
        QByteArray data;
        if (method == quint16(ZipMethod::Stored)) {
            data = stored.toByteArray();
        } else {
            auto inflated = inflateRaw(stored, size);
            if (!inflated)
                return fail(QStringLiteral("entry \"%1\": %2").arg(name, inflated.error()));
            data = std::move(*inflated);
        }
        if (crc32Of(data) != crc)
            return fail(QStringLiteral("entry \"%1\" fails its CRC-32 check").arg(name));
        entries.push_back({name, std::move(data)});
    }
    return entries;
}

QByteArray writeZip(const QList<ZipEntry> &entries, ZipMethod method) {
    QByteArray out;
    QByteArray directory;
    for (const ZipEntry &entry : entries) {
        const QByteArray name = entry.name.toUtf8();
        const quint32 crc = crc32Of(entry.data);
        quint16 entryMethod = quint16(ZipMethod::Stored);
        QByteArray stored = entry.data;
        if (method == ZipMethod::Deflate && !entry.data.isEmpty()) {
            QByteArray packed = deflateRaw(entry.data);
            if (!packed.isEmpty() && packed.size() < entry.data.size()) {
                stored = std::move(packed);
                entryMethod = quint16(ZipMethod::Deflate);
            }
        }
        const auto localOffset = quint32(out.size());
        const quint16 needed = entryMethod == quint16(ZipMethod::Deflate) ? 20 : 10;

        put32(out, LocalHeaderSignature);
        put16(out, needed);
        put16(out, FlagUtf8);
        put16(out, entryMethod);
        put16(out, 0); // time 00:00
        put16(out, DosDate1980);
        put32(out, crc);
        put32(out, quint32(stored.size()));
        put32(out, quint32(entry.data.size()));
        put16(out, quint16(name.size()));
        put16(out, 0);
        out.append(name);
        out.append(stored);

        put32(directory, CentralHeaderSignature);
        put16(directory, 0x0300 | 20); // made by: Unix, spec 2.0
        put16(directory, needed);
        put16(directory, FlagUtf8);
        put16(directory, entryMethod);
        put16(directory, 0);
        put16(directory, DosDate1980);
        put32(directory, crc);
        put32(directory, quint32(stored.size()));
        put32(directory, quint32(entry.data.size()));
        put16(directory, quint16(name.size()));
        put16(directory, 0);                      // extra
        put16(directory, 0);                      // comment
        put16(directory, 0);                      // disk
        put16(directory, 0);                      // internal attributes
        put32(directory, quint32(0100644) << 16); // regular file, rw-r--r--
        put32(directory, localOffset);
        directory.append(name);
    }
    const auto directoryOffset = quint32(out.size());
    out.append(directory);
    put32(out, EndRecordSignature);
    put16(out, 0);
    put16(out, 0);
    put16(out, quint16(entries.size()));
    put16(out, quint16(entries.size()));
    put32(out, quint32(directory.size()));
    put32(out, directoryOffset);
    put16(out, 0);
    return out;
}

} // namespace ps::bundle
