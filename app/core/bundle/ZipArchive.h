#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <expected>

namespace ps::bundle {

/// A minimal ZIP (PKWARE APPNOTE) reader and writer for firmware bundles: stored and deflate
/// entries, no ZIP64, no encryption, no multi-disk archives. Qt has no public zip API.
///
/// The reader is meant for untrusted files. Everything is checked against the archive's size
/// before it is used: the end record, the central directory, each local header and its data.
/// Sizes announced by the archive are checked against ZipLimits before anything is allocated,
/// and inflating stops at the announced size, so a zip bomb costs at most maxEntrySize bytes.
/// Names must be relative paths without "..", backslashes, drive letters or NUL characters,
/// and unique; directory entries ("dir/") are skipped.

struct ZipEntry {
    QString name;
    QByteArray data;
};

struct ZipLimits {
    qsizetype maxEntries = 64;
    qsizetype maxEntrySize = qsizetype(64) * 1024 * 1024;  ///< uncompressed, per entry
    qsizetype maxTotalSize = qsizetype(256) * 1024 * 1024; ///< uncompressed, all entries
};

enum class ZipMethod : quint16 { Stored = 0, Deflate = 8 };

/// Reads every file entry of `archive` (CRC-32 checked). The error says what is wrong and where.
std::expected<QList<ZipEntry>, QString> readZip(QByteArrayView archive, ZipLimits limits = {});

/// Writes a zip archive. Deflate falls back to stored for an entry that would not shrink.
/// Timestamps are fixed (1980-01-01 00:00), so the same entries give the same bytes.
QByteArray writeZip(const QList<ZipEntry> &entries, ZipMethod method = ZipMethod::Deflate);

/// Whether `name` is acceptable as an entry name (see the reader's rules above).
bool isSafeZipName(QStringView name);

} // namespace ps::bundle
