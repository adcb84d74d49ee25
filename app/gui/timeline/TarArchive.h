#pragma once

#include <QByteArray>
#include <QString>
#include <expected>
#include <vector>

class QIODevice;

namespace ps::gui {

/// Writes a POSIX ustar archive (the format `tar` reads everywhere) to a device, file by file,
/// so a support bundle is one file that any system unpacks (`tar xf bundle.tar`). Qt has no
/// public archive writer and the format is simple: per file a 512-byte header (name, octal
/// mode, size, mtime, checksum, "ustar" magic), the data padded to 512 bytes; two zero blocks
/// end the archive.
///
///   TarWriter tar(&file);
///   tar.addFile(u"bundle/summary.txt"_s, summaryBytes, mtime);
///   tar.addFile(u"bundle/device.log"_s, logFile, logFile.size(), mtime); // streamed
///   if (!tar.finish()) ... tar.errorString()
class TarWriter {
public:
    explicit TarWriter(QIODevice *device);

    /// Names are relative paths with '/' separators; up to 255 bytes of UTF-8 (split into the
    /// header's prefix and name fields at a '/').
    bool addFile(const QString &name, const QByteArray &data, qint64 mtimeSeconds);
    /// Copies `size` bytes from `source` (from its current position) in chunks.
    bool addFile(const QString &name, QIODevice &source, qint64 size, qint64 mtimeSeconds);
    /// Writes the end-of-archive blocks. The archive is complete only after this.
    bool finish();
    [[nodiscard]] QString errorString() const { return m_error; }

private:
    bool writeHeader(const QString &name, qint64 size, qint64 mtimeSeconds);
    bool writePadding(qint64 size);
    bool fail(const QString &message);

    QIODevice *m_device;
    QString m_error;
};

/// One file in an archive.
struct TarEntry {
    QString name;
    qint64 size = 0;
    qint64 mtimeSeconds = 0;
    qint64 dataOffset = 0; ///< where its bytes start in the archive
};

/// Reads what TarWriter writes (and plain files of other ustar and old-style tar archives):
/// lists entries, checks each header's checksum, and reads an entry's bytes.
class TarReader {
public:
    TarReader() = delete;

    /// True when the device (read from its start, position restored) begins with a valid tar
    /// header.
    static bool looksLikeTar(QIODevice &device);
    static std::expected<std::vector<TarEntry>, QString> list(QIODevice &device);
    static std::expected<QByteArray, QString> read(QIODevice &device, const TarEntry &entry);
    /// The entry whose name is `baseName` or ends in "/baseName".
    static const TarEntry *find(const std::vector<TarEntry> &entries, const QString &baseName);
};

} // namespace ps::gui
