#include "TarArchive.h"

#include <QCoreApplication>
#include <QIODevice>
#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

namespace ps::gui {

namespace {

constexpr qint64 Block = 512;
constexpr qint64 CopyChunk = 256 * 1024;

// Offsets and lengths of the ustar header fields (POSIX.1-1988).
constexpr int NameOffset = 0, NameLength = 100;
constexpr int ModeOffset = 100;
constexpr int UidOffset = 108;
constexpr int GidOffset = 116;
constexpr int SizeOffset = 124, SizeLength = 12;
constexpr int MtimeOffset = 136, MtimeLength = 12;
constexpr int ChecksumOffset = 148, ChecksumLength = 8;
constexpr int TypeOffset = 156;
constexpr int MagicOffset = 257;
constexpr int VersionOffset = 263;
constexpr int UnameOffset = 265;
constexpr int GnameOffset = 297;
constexpr int PrefixOffset = 345, PrefixLength = 155;

QString tr(const char *text) {
    return QCoreApplication::translate("ps::gui::TarArchive", text);
}

void putText(std::array<char, Block> &header, int offset, QByteArrayView text) {
    // An empty (null) QByteArray has no data pointer, and memcpy from null is undefined even
    // for zero bytes (UBSan, found by fuzz_support_bundle).
    if (!text.isEmpty())
        std::memcpy(header.data() + offset, text.data(), size_t(text.size()));
}

// An octal number in `length - 1` digits and a NUL, as tar expects.
bool putOctal(std::array<char, Block> &header, int offset, int length, qint64 value) {
    const QByteArray digits = QByteArray::number(value, 8).rightJustified(length - 1, '0');
    if (value < 0 || digits.size() > length - 1)
        return false;
    putText(header, offset, digits);
    header[size_t(offset + length - 1)] = '\0';
    return true;
}

qint64 checksumOf(const char *header) {
    qint64 sum = 0;
    for (int i = 0; i < Block; ++i) {
        const bool inChecksum = i >= ChecksumOffset && i < ChecksumOffset + ChecksumLength;
        sum += inChecksum ? ' ' : static_cast<unsigned char>(header[i]);
    }
    return sum;
}

std::optional<qint64> octalField(const char *header, int offset, int length) {
    qint64 value = 0;
    bool digits = false;
    for (int i = 0; i < length; ++i) {
        const char c = header[offset + i];
        if (c == '\0' || c == ' ') {
            if (digits)
                break;
            continue;
        }
        if (c < '0' || c > '7')
            return std::nullopt;
        value = value * 8 + (c - '0');
        digits = true;
    }
    return value;
}

QString textField(const char *header, int offset, int length) {
    const char *start = header + offset;
    const auto size = qsizetype(strnlen(start, size_t(length)));
    return QString::fromUtf8(start, size);
}

bool isZeroBlock(const char *block) {
    return std::all_of(block, block + Block, [](char c) { return c == '\0'; });
}

} // namespace

TarWriter::TarWriter(QIODevice *device)
    : m_device(device) {}

bool TarWriter::fail(const QString &message) {
    m_error = message;
    return false;
}

bool TarWriter::writeHeader(const QString &name, qint64 size, qint64 mtimeSeconds) {
    std::array<char, Block> header{};
    const QByteArray path = name.toUtf8();
    QByteArray prefix;
    QByteArray base = path;
    if (path.size() > NameLength) {
        // Split at a '/' so the prefix takes the directories and the name the rest.
        const qsizetype slash = path.lastIndexOf('/', PrefixLength);
        if (slash <= 0 || path.size() - slash - 1 > NameLength)
            return fail(tr("The name %1 is too long for a tar archive.").arg(name));
        prefix = path.left(slash);
        base = path.mid(slash + 1);
    }
    putText(header, NameOffset, base);
    putText(header, PrefixOffset, prefix);
    putOctal(header, ModeOffset, 8, 0644);
    putOctal(header, UidOffset, 8, 0);
    putOctal(header, GidOffset, 8, 0);
    if (!putOctal(header, SizeOffset, SizeLength, size))
        return fail(tr("%1 is too large for a tar archive.").arg(name));
    putOctal(header, MtimeOffset, MtimeLength, std::max<qint64>(0, mtimeSeconds));
    header[TypeOffset] = '0';
    putText(header, MagicOffset, QByteArrayView("ustar", 6)); // with its NUL
    putText(header, VersionOffset, "00");
    putText(header, UnameOffset, "provstation");
    putText(header, GnameOffset, "provstation");
    // Six octal digits, NUL, space: the classic checksum layout.
    const QByteArray checksum =
        QByteArray::number(checksumOf(header.data()), 8).rightJustified(6, '0');
    putText(header, ChecksumOffset, checksum);
    header[ChecksumOffset + 6] = '\0';
    header[ChecksumOffset + 7] = ' ';
    if (m_device->write(header.data(), Block) != Block)
        return fail(m_device->errorString());
    return true;
}

bool TarWriter::writePadding(qint64 size) {
    const qint64 padding = (Block - size % Block) % Block;
    if (padding == 0)
        return true;
    const QByteArray zeros(padding, '\0');
    if (m_device->write(zeros) != padding)
        return fail(m_device->errorString());
    return true;
}

bool TarWriter::addFile(const QString &name, const QByteArray &data, qint64 mtimeSeconds) {
    if (!writeHeader(name, data.size(), mtimeSeconds))
        return false;
    if (m_device->write(data) != data.size())
        return fail(m_device->errorString());
    return writePadding(data.size());
}

bool TarWriter::addFile(const QString &name, QIODevice &source, qint64 size, qint64 mtimeSeconds) {
    if (!writeHeader(name, size, mtimeSeconds))
        return false;
    qint64 left = size;
    while (left > 0) {
        const QByteArray chunk = source.read(std::min(left, CopyChunk));
        if (chunk.isEmpty())
            return fail(
                tr("Reading %1 for the archive stopped early: %2").arg(name, source.errorString()));
        if (m_device->write(chunk) != chunk.size())
            return fail(m_device->errorString());
        left -= chunk.size();
    }
    return writePadding(size);
}

bool TarWriter::finish() {
    const QByteArray end(2 * Block, '\0');
    if (m_device->write(end) != end.size())
        return fail(m_device->errorString());
    return true;
}

bool TarReader::looksLikeTar(QIODevice &device) {
    const qint64 position = device.pos();
    if (!device.seek(0))
        return false;
    const QByteArray header = device.read(Block);
    device.seek(position);
    if (header.size() != Block || isZeroBlock(header.constData()))
        return false;
    const auto stored = octalField(header.constData(), ChecksumOffset, ChecksumLength);
    return stored && *stored == checksumOf(header.constData());
}

std::expected<std::vector<TarEntry>, QString> TarReader::list(QIODevice &device) {
    std::vector<TarEntry> entries;
    qint64 offset = 0;
    while (true) {
        if (!device.seek(offset))
            return std::unexpected(tr("The archive ends without its end blocks."));
        const QByteArray header = device.read(Block);
        if (header.size() != Block)
            return std::unexpected(tr("The archive ends without its end blocks."));
        const char *h = header.constData();
        if (isZeroBlock(h))
            return entries;
        const auto stored = octalField(h, ChecksumOffset, ChecksumLength);
        if (!stored || *stored != checksumOf(h))
            return std::unexpected(
                tr("The archive header at byte %1 is damaged (checksum).").arg(offset));
        const auto size = octalField(h, SizeOffset, SizeLength);
        const auto mtime = octalField(h, MtimeOffset, MtimeLength);
        if (!size || !mtime)
            return std::unexpected(tr("The archive header at byte %1 is damaged.").arg(offset));
        QString name = textField(h, NameOffset, NameLength);
        if (std::memcmp(h + MagicOffset, "ustar", 5) == 0) {
            const QString prefix = textField(h, PrefixOffset, PrefixLength);
            if (!prefix.isEmpty())
                name = prefix + QLatin1Char('/') + name;
        }
        const char type = h[TypeOffset];
        if (type == '0' || type == '\0')
            entries.push_back({name, *size, *mtime, offset + Block});
        offset += Block + (*size + Block - 1) / Block * Block;
    }
}

std::expected<QByteArray, QString> TarReader::read(QIODevice &device, const TarEntry &entry) {
    if (!device.seek(entry.dataOffset))
        return std::unexpected(tr("Cannot read %1 from the archive.").arg(entry.name));
    QByteArray data = device.read(entry.size);
    if (data.size() != entry.size)
        return std::unexpected(tr("%1 is cut short in the archive.").arg(entry.name));
    return data;
}

const TarEntry *TarReader::find(const std::vector<TarEntry> &entries, const QString &baseName) {
    const QString suffix = QLatin1Char('/') + baseName;
    for (const TarEntry &entry : entries) {
        if (entry.name == baseName || entry.name.endsWith(suffix))
            return &entry;
    }
    return nullptr;
}

} // namespace ps::gui
