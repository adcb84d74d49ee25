#include "DeviceApi.h"

#include "JsonCalls.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace ps::cloud {

using detail::segment;
using detail::withHint;

namespace {

const QString NotOnboardedHint =
    u"The device is not in nRF Cloud device management yet: it appears once it has been "
    "claimed and has finished on-device provisioning."_s;

} // namespace

StatePatch::StatePatch(std::optional<QJsonObject> desired_, std::optional<QJsonObject> reported_)
    : desired(std::move(desired_))
    , reported(std::move(reported_)) {}

QJsonObject StatePatch::toJson() const {
    QJsonObject body;
    if (desired)
        body.insert(u"desired"_s, *desired);
    if (reported)
        body.insert(u"reported"_s, *reported);
    return body;
}

QCoro::Task<std::expected<QList<Device>, ApiError>> DeviceApi::listDevices(QStringList deviceIds) {
    RestRequest request = RestRequest::get(Service::Main, u"devices"_s);
    if (!deviceIds.isEmpty())
        request.query.addQueryItem(u"deviceIds"_s, deviceIds.join(u','));
    const int pageLimit = m_client ? m_client->settings().pageLimit : 100;
    auto objects = co_await detail::fetchAllPages(m_client, std::move(request), pageLimit);
    if (!objects)
        co_return std::unexpected(objects.error());
    QList<Device> devices;
    for (const QJsonObject &object : *objects) {
        auto device = Device::fromJson(object);
        if (!device)
            co_return std::unexpected(ApiError::badResponse(u"devices: "_s + device.error()));
        devices.append(std::move(*device));
    }
    co_return devices;
}

QCoro::Task<std::expected<Device, ApiError>> DeviceApi::getDevice(QString deviceId) {
    RestRequest request = RestRequest::get(Service::Main, u"devices/"_s + segment(deviceId));
    auto object = co_await detail::sendForObject(m_client, std::move(request));
    if (!object)
        co_return std::unexpected(withHint(object.error(), 404, NotOnboardedHint));
    auto device = Device::fromJson(*object);
    if (!device)
        co_return std::unexpected(ApiError::badResponse(u"device: "_s + device.error()));
    co_return *device;
}

QCoro::Task<std::expected<void, ApiError>> DeviceApi::patchState(QString deviceId,
                                                                 StatePatch patch) {
    RestRequest request = RestRequest::withBody(
        Service::Main, "PATCH", u"devices/"_s + segment(deviceId) + u"/state"_s,
        QJsonDocument(patch.toJson()).toJson(QJsonDocument::Compact));
    auto result = co_await detail::sendForStatus(m_client, std::move(request));
    if (!result)
        co_return std::unexpected(withHint(result.error(), 404, NotOnboardedHint));
    co_return {};
}

QCoro::Task<std::expected<qint64, ApiError>> DeviceApi::requestReprovision(QString deviceId,
                                                                           qint64 commandId) {
    DeviceApi api = *this; // `this` may be gone after the first co_await
    if (commandId == 0)
        commandId = QDateTime::currentSecsSinceEpoch();
    const QJsonObject clearCommand{{u"command"_s, QJsonValue::Null}};
    auto cleared = co_await api.patchState(deviceId, StatePatch(clearCommand, clearCommand));
    if (!cleared)
        co_return std::unexpected(cleared.error());
    const QJsonObject command{{u"command"_s, QJsonArray{ProvisionCommandType, double(commandId)}}};
    auto set = co_await api.patchState(deviceId, StatePatch(command));
    if (!set)
        co_return std::unexpected(set.error());
    co_return commandId;
}

} // namespace ps::cloud
