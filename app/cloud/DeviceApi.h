#pragma once

#include "CloudTypes.h"
#include "RestClient.h"

#include <QPointer>

namespace ps::cloud {

/// A change to a device shadow: the parts present are merged into the shadow, and a key set
/// to JSON null is deleted (PROTOCOL §6).
///
///     co_await devices.patchState(id, StatePatch(desired));            // desired only
///     co_await devices.patchState(id, StatePatch(std::nullopt, reported));
///
/// Not an aggregate on purpose, like RestRequest: g++ 12 destroys brace-initialised aggregate
/// temporaries inside a co_await expression twice.
struct StatePatch {
    StatePatch() = default;
    explicit StatePatch(std::optional<QJsonObject> desired,
                        std::optional<QJsonObject> reported = std::nullopt);

    std::optional<QJsonObject> desired;
    std::optional<QJsonObject> reported;

    [[nodiscard]] QJsonObject toJson() const;
};

/// nRF Cloud's main API (PROTOCOL §6): devices in device management and their shadows.
///
/// A light handle on a RestClient like ProvisioningApi: copy it freely.
class DeviceApi {
public:
    /// Shadow command type that makes ATT run on-device provisioning.
    static constexpr int ProvisionCommandType = 1;

    explicit DeviceApi(RestClient &client)
        : m_client(&client) {}

    /// Every device (all pages), or only those in `deviceIds` when it is not empty.
    QCoro::Task<std::expected<QList<Device>, ApiError>> listDevices(QStringList deviceIds = {});
    /// 404 (code 40412) while the device has not been provisioned yet.
    QCoro::Task<std::expected<Device, ApiError>> getDevice(QString deviceId);
    QCoro::Task<std::expected<void, ApiError>> patchState(QString deviceId, StatePatch patch);

    /// Asks the device to run on-device provisioning through its shadow: first clears the
    /// shadow command on both sides, then sets desired `command` to [1, commandId], so the
    /// device sees a delta even when the previous command had the same id. The device acts at
    /// its next delta poll. Returns the command id used: `commandId`, or when 0 a fresh one
    /// (seconds since the epoch).
    QCoro::Task<std::expected<qint64, ApiError>> requestReprovision(QString deviceId,
                                                                    qint64 commandId = 0);

private:
    QPointer<RestClient> m_client;
};

} // namespace ps::cloud
