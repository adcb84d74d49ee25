#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <expected>
#include <optional>

namespace ps::cloudsim {

/// One device the "manufacturer" made: its identity public key is what attestation tokens
/// and JWTs from the device are verified against.
struct RegistryEntry {
    QString uuid; ///< lower-case 8-4-4-4-12
    QString imei;
    int deviceType = 0;
    QString model;
    QString modemFirmware;
    QByteArray identityPublicKeyPem; ///< "BEGIN PUBLIC KEY" (SubjectPublicKeyInfo)
};

/// The registry file virtual devices write when they are first made (firmware/sim,
/// addToRegistry()): JSON lines, one object per device with "uuid", "imei", "deviceType",
/// "model", "modemFirmware", "identityPublicKey" (PEM) and "createdAt". It stands in for the
/// manufacturer's database of device identity keys.
///
/// The file is read again whenever its size or modification time changed since the last
/// look-up, so devices made while the stand-in runs are known at once. Lines that cannot be
/// read are skipped and counted.
class DeviceRegistry {
public:
    explicit DeviceRegistry(QString path)
        : m_path(std::move(path)) {}

    [[nodiscard]] const QString &path() const { return m_path; }
    std::optional<RegistryEntry> find(const QString &uuid);
    /// Entries known after re-reading the file if it changed.
    int size();
    /// Lines skipped in the last read, for the startup summary.
    [[nodiscard]] int skippedLines() const { return m_skipped; }

    /// Appends one entry in the registry's format (tests and tools that make devices).
    static std::expected<void, QString> append(const QString &path, const RegistryEntry &entry);

private:
    void refresh();

    QString m_path;
    QHash<QString, RegistryEntry> m_entries;
    QDateTime m_modified;
    qint64 m_size = -1;
    int m_skipped = 0;
};

} // namespace ps::cloudsim
