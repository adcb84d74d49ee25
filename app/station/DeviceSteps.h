#pragma once

#include "DeviceMonitor.h"
#include "FlowTypes.h"
#include "core/AttestationToken.h"
#include "device/DeviceLink.h"

#include <QPointer>
#include <QString>
#include <chrono>
#include <expected>
#include <optional>
#include <qcoro/qcorotask.h>

namespace ps::station {

/// What identifying a device found: the identity for the record and the attestation token
/// for a claim (kept in memory only: it is never journalled or recorded).
struct IdentifiedDevice {
    DeviceIdentity identity;
    ps::core::AttestationToken token;
    bool deviceUuidSupported = true; ///< false when the modem has no %DEVICEUUID (nRF9160)
};

/// Reads IMEI, model, modem firmware, %DEVICEUUID and the attestation token through the
/// device's shell, and checks that the token's UUID and %DEVICEUUID agree. A modem without
/// %DEVICEUUID (ERROR, as on nRF9160) is accepted: the token's UUID is the device id then.
/// `firmware` is the application firmware the monitor saw in a boot banner (may be empty).
QCoro::Task<std::expected<IdentifiedDevice, StepError>>
identifyDevice(QPointer<ps::device::DeviceLink> link, QString firmware);

/// How the station asks the device to run on-device provisioning (PROTOCOL §1).
enum class ProvisionCommand {
    AttCloudProvision,    ///< `att_cloud provision` (ATT v1.2.9 and later)
    AttCloudProvisionNow, ///< `att_cloud_provision now` (ATT v1.1.1 to v1.2.5)
    None,                 ///< before v1.1.1: no command, the device provisions on its own
};
QString provisionCommandText(ProvisionCommand command);
/// The spelling for a firmware version; nullopt (unknown version) means "try the new
/// spelling first and fall back on 'command not found'".
std::optional<ProvisionCommand> provisionCommandFor(std::optional<FirmwareVersion> version);

/// What triggering did: the command that the shell accepted, or none (then the device's own
/// retry has to do it) and why.
struct TriggerOutcome {
    std::optional<ProvisionCommand> sent;
    QString note;
};

/// Sends the provisioning command the firmware understands; with an unknown version, tries
/// `att_cloud provision` and on "command not found" `att_cloud_provision now`. When neither
/// exists, the outcome says so and the caller waits for the device's own attempt.
QCoro::Task<std::expected<TriggerOutcome, StepError>>
triggerProvisioning(QPointer<ps::device::DeviceLink> link, std::optional<FirmwareVersion> version);

/// Sends `att_cloud poll_shadow_delta` so the device reads its shadow now.
QCoro::Task<std::expected<void, StepError>> pollShadowDelta(QPointer<ps::device::DeviceLink> link);

/// The device's sec tag credential listing (AT%CMNG=1,<tag>) as "type names", e.g.
/// ["root CA", "client certificate", "client private key"].
struct TagCredentials {
    quint32 secTag = 0;
    QList<int> types;
    [[nodiscard]] QStringList typeNames() const;
};
QCoro::Task<std::expected<TagCredentials, StepError>>
readCredentials(QPointer<ps::device::DeviceLink> link, quint32 secTag);

} // namespace ps::station
