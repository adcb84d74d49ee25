#include "ProvisioningApi.h"

#include "JsonCalls.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace ps::cloud {

using detail::segment;
using detail::withHint;

namespace {

// Every member coroutine copies what it needs (the client pointer) before its first co_await
// and never touches `this` afterwards, so the handle may be a temporary. Requests are built as
// named variables before the co_await (see RestRequest on g++ 12 and aggregate temporaries).

QByteArray claimBody(const QString &token, const QStringList &tags) {
    return QJsonDocument(QJsonObject{{u"claimToken"_s, token.trimmed()},
                                     {u"tags"_s, QJsonArray::fromStringList(tags)}})
        .toJson(QJsonDocument::Compact);
}

ApiError claimHints(ApiError error) {
    error = withHint(std::move(error), 400,
                     u"Read a fresh attestation token from the device (AT%ATTESTTOKEN) and try "
                     "again; if it is refused again, the device is not known to nRF Cloud."_s);
    return withHint(std::move(error), 409,
                    u"The device is already claimed; if another account owns it, that account "
                    "must unclaim it first."_s);
}

template<typename T>
std::expected<T, ApiError> parsed(std::expected<T, QString> value, const QString &what) {
    if (!value)
        return std::unexpected(ApiError::badResponse(what + u": "_s + value.error()));
    return std::move(*value);
}

template<typename T>
std::expected<QList<T>, ApiError> parsedList(const QList<QJsonObject> &objects,
                                             const QString &what) {
    QList<T> items;
    items.reserve(objects.size());
    for (const QJsonObject &object : objects) {
        auto item = T::fromJson(object);
        if (!item)
            return std::unexpected(ApiError::badResponse(what + u": "_s + item.error()));
        items.append(std::move(*item));
    }
    return items;
}

} // namespace

QCoro::Task<std::expected<ClaimedDevice, ApiError>> ProvisioningApi::claim(QString token,
                                                                           QStringList tags) {
    RestRequest request = RestRequest::withBody(Service::Provisioning, "POST", u"claimed-devices"_s,
                                                claimBody(token, tags));
    auto object = co_await detail::sendForObject(m_client, std::move(request));
    if (!object)
        co_return std::unexpected(claimHints(object.error()));
    co_return parsed(ClaimedDevice::fromJson(*object), u"claim"_s);
}

QCoro::Task<std::expected<void, ApiError>> ProvisioningApi::claimDryRun(QString token,
                                                                        QStringList tags) {
    RestRequest request = RestRequest::withBody(Service::Provisioning, "POST", u"claimed-devices"_s,
                                                claimBody(token, tags));
    request.query.addQueryItem(u"dryrun"_s, u"true"_s);
    request.idempotent = true; // a check changes nothing on the server
    auto result = co_await detail::sendForStatus(m_client, std::move(request));
    if (!result)
        co_return std::unexpected(claimHints(result.error()));
    co_return {};
}

QCoro::Task<std::expected<void, ApiError>> ProvisioningApi::unclaim(QString deviceId) {
    RestRequest request(Service::Provisioning, "DELETE", u"claimed-devices/"_s + segment(deviceId));
    auto result = co_await detail::sendForStatus(m_client, std::move(request));
    if (!result)
        co_return std::unexpected(withHint(result.error(), 404,
                                           u"The device is not claimed by this account, so there "
                                           "is nothing to unclaim."_s));
    co_return {};
}

QCoro::Task<std::expected<QList<ClaimedDevice>, ApiError>> ProvisioningApi::listClaimedDevices() {
    const int pageLimit = m_client ? m_client->settings().pageLimit : 100;
    RestRequest request = RestRequest::get(Service::Provisioning, u"claimed-devices"_s);
    auto objects = co_await detail::fetchAllPages(m_client, std::move(request), pageLimit);
    if (!objects)
        co_return std::unexpected(objects.error());
    co_return parsedList<ClaimedDevice>(*objects, u"claimed devices"_s);
}

QCoro::Task<std::expected<ClaimedDevice, ApiError>>
ProvisioningApi::getClaimedDevice(QString deviceId) {
    RestRequest request =
        RestRequest::get(Service::Provisioning, u"claimed-devices/"_s + segment(deviceId));
    auto object = co_await detail::sendForObject(m_client, std::move(request));
    if (!object)
        co_return std::unexpected(withHint(object.error(), 404,
                                           u"The device is not claimed by this account; claim it "
                                           "with its attestation token first."_s));
    co_return parsed(ClaimedDevice::fromJson(*object), u"claimed device"_s);
}

QCoro::Task<std::expected<QString, ApiError>>
ProvisioningApi::createCommand(QString deviceId, CommandRequest request, QString description) {
    QJsonObject body{{u"request"_s, request.toJson()}};
    if (!description.isEmpty())
        body.insert(u"description"_s, description);
    RestRequest post =
        RestRequest::withBody(Service::Provisioning, "POST",
                              u"claimed-devices/"_s + segment(deviceId) + u"/provisioning"_s,
                              QJsonDocument(body).toJson(QJsonDocument::Compact));
    auto object = co_await detail::sendForObject(m_client, std::move(post));
    if (!object) {
        ApiError error = withHint(object.error(), 404,
                                  u"The device is not claimed by this account; claim it first."_s);
        co_return std::unexpected(withHint(
            std::move(error), 400,
            u"Check the command; a device holds at most 20 queued commands, so let it run the "
            "queued ones (start provisioning on the device) before adding more."_s));
    }
    const QJsonValue id = object->value(u"id"_s);
    if (!id.isString() || id.toString().isEmpty())
        co_return std::unexpected(
            ApiError::badResponse(u"the new command's answer has no \"id\""_s));
    co_return id.toString();
}

QCoro::Task<std::expected<ProvisioningCommand, ApiError>>
ProvisioningApi::getCommand(QString deviceId, QString commandId) {
    RestRequest request =
        RestRequest::get(Service::Provisioning, u"claimed-devices/"_s + segment(deviceId) +
                                                    u"/provisioning/"_s + segment(commandId));
    auto object = co_await detail::sendForObject(m_client, std::move(request));
    if (!object)
        co_return std::unexpected(
            withHint(object.error(), 404,
                     u"No such command for this device: it may have been removed after an "
                     "earlier command failed, or the device was unclaimed."_s));
    co_return parsed(ProvisioningCommand::fromJson(*object), u"provisioning command"_s);
}

QCoro::Task<std::expected<QList<ProvisioningCommand>, ApiError>>
ProvisioningApi::listCommands(QString deviceId) {
    const int pageLimit = m_client ? m_client->settings().pageLimit : 100;
    RestRequest request = RestRequest::get(
        Service::Provisioning, u"claimed-devices/"_s + segment(deviceId) + u"/provisioning"_s);
    auto objects = co_await detail::fetchAllPages(m_client, std::move(request), pageLimit);
    if (!objects)
        co_return std::unexpected(
            withHint(objects.error(), 404, u"The device is not claimed by this account."_s));
    co_return parsedList<ProvisioningCommand>(*objects, u"provisioning commands"_s);
}

QCoro::Task<std::expected<QList<ProvisioningRule>, ApiError>> ProvisioningApi::listRules() {
    const int pageLimit = m_client ? m_client->settings().pageLimit : 100;
    RestRequest request = RestRequest::get(Service::Provisioning, u"provisioning-rules"_s);
    auto objects = co_await detail::fetchAllPages(m_client, std::move(request), pageLimit);
    if (!objects)
        co_return std::unexpected(objects.error());
    co_return parsedList<ProvisioningRule>(*objects, u"provisioning rules"_s);
}

QCoro::Task<std::expected<ProvisioningRule, ApiError>>
ProvisioningApi::createRule(ProvisioningRule rule) {
    RestRequest request =
        RestRequest::withBody(Service::Provisioning, "POST", u"provisioning-rules"_s,
                              QJsonDocument(rule.toJson()).toJson(QJsonDocument::Compact));
    auto object = co_await detail::sendForObject(m_client, std::move(request));
    if (!object)
        co_return std::unexpected(withHint(object.error(), 409,
                                           u"A rule with this name exists already; list the "
                                           "rules and reuse it."_s));
    // Some answers carry only the id; fall back to what was sent.
    auto created = ProvisioningRule::fromJson(*object);
    if (created)
        co_return *created;
    const QJsonValue id = object->value(u"id"_s);
    if (!id.isString())
        co_return std::unexpected(
            ApiError::badResponse(u"the new rule's answer: "_s + created.error()));
    rule.id = id.toString();
    rule.raw = *object;
    co_return rule;
}

QCoro::Task<std::expected<ProvisioningRule, ApiError>> ProvisioningApi::ensureOnboardingRule() {
    // Copy the handle: the coroutine must not depend on `this` after suspending.
    ProvisioningApi api = *this;
    auto rules = co_await api.listRules();
    if (!rules)
        co_return std::unexpected(rules.error());
    const QString tag = QString::fromLatin1(OnboardingTag);
    for (const ProvisioningRule &rule : *rules) {
        if (rule.active && rule.tags.contains(tag))
            co_return rule;
    }
    co_return co_await api.createRule(ProvisioningRule::defaultOnboardingRule());
}

} // namespace ps::cloud
