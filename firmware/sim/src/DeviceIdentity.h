#pragma once

#include "EcKey.h"

#include <QDateTime>
#include <QString>
#include <QUuid>
#include <expected>

namespace ps::devsim {

/// One modem model the virtual device can be (PROTOCOL §3, §4). Chosen when the device is made
/// and kept in its state folder, so a device never changes model.
struct ModemModel {
    QString model;                    ///< +CGMM, e.g. "nRF9151-LACA"
    int deviceType = 0;               ///< attestation token device type (PROTOCOL §4)
    QString firmware;                 ///< +CGMR, e.g. "mfw_nrf91x1_2.0.2"
    QUuid firmwareUuid;               ///< %XMODEMUUID: the modem firmware build's UUID
    bool hasDeviceUuidCommand = true; ///< %DEVICEUUID exists (nRF91x1, modem fw 2.0.0+)

    /// The known models: nRF9151-LACA (default), nRF9161-LACA, nRF9131-LACA, nRF9160-SICA.
    static std::optional<ModemModel> byName(QStringView name);
    static QStringList names();
};

/// What makes a virtual device the same device across runs: IMEI, device UUID, model and the
/// identity key pair. Stored in `<state>/identity.json` and `<state>/identity-key.pem`.
struct DeviceIdentity {
    QString imei;
    QUuid uuid;
    ModemModel modem;
    QDateTime createdAt;
    EcKey identityKey;

    [[nodiscard]] QString uuidText() const; ///< lower-case 8-4-4-4-12
};

/// Loads the identity from `stateDir`, or makes a new one (P-256 key, Luhn-valid IMEI, random
/// UUID) and stores it when the folder holds none. `created` tells which happened.
std::expected<DeviceIdentity, QString>
loadOrCreateIdentity(const QString &stateDir, const ModemModel &modelForNewDevice, bool *created);

/// Appends the device to a registry file (JSON lines, one object per device: uuid, imei,
/// deviceType, model, modemFirmware, identityPublicKey (PEM), createdAt) unless its UUID is
/// already listed. The file stands in for the manufacturer's database; the cloud stand-in reads
/// it to verify attestation tokens and JWTs. Returns whether a line was appended.
std::expected<bool, QString> addToRegistry(const QString &registryFile,
                                           const DeviceIdentity &identity);

/// Luhn check digit for the first 14 IMEI digits.
int luhnCheckDigit(QStringView fourteenDigits);
bool isValidImei(QStringView imei);

} // namespace ps::devsim
