#include "CloudTypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <array>
#include <cmath>

using namespace Qt::StringLiterals;

namespace ps::cloud {

namespace {

constexpr std::array AllTypes = {
    CommandRequest::Type::CloudAccessKeyGeneration,
    CommandRequest::Type::ClientPrivateKeyGeneration,
    CommandRequest::Type::CertificateSigningRequest,
    CommandRequest::Type::ServerCertificate,
    CommandRequest::Type::ClientCertificate,
    CommandRequest::Type::Finished,
};

QString optionalString(const QJsonObject &object, const QString &key) {
    const QJsonValue value = object.value(key);
    return value.isString() ? value.toString() : QString();
}

QStringList optionalStringList(const QJsonObject &object, const QString &key) {
    QStringList list;
    const QJsonValue value = object.value(key);
    if (!value.isArray())
        return list;
    for (const QJsonValue item : value.toArray()) {
        if (item.isString())
            list.append(item.toString());
    }
    return list;
}

QJsonObject optionalObject(const QJsonObject &object, const QString &key) {
    const QJsonValue value = object.value(key);
    return value.isObject() ? value.toObject() : QJsonObject();
}

QDateTime optionalTime(const QJsonObject &object, const QString &key) {
    const QJsonValue value = object.value(key);
    if (value.isString())
        return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    return {};
}

std::expected<QString, QString> requiredString(const QJsonObject &object, const QString &key,
                                               const QString &what) {
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return std::unexpected(u"%1 has no \"%2\""_s.arg(what, key));
    if (!value.isString() || value.toString().isEmpty())
        return std::unexpected(u"%1's \"%2\" is not a non-empty string"_s.arg(what, key));
    return value.toString();
}

std::expected<qint64, QString> requiredSecTag(const QJsonObject &parameters, const QString &type) {
    const QJsonValue value = parameters.value(u"secTag"_s);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || number > 4294967295.0 || std::floor(number) != number)
        return std::unexpected(
            u"command %1 needs \"secTag\" as a whole number from 0 to 4294967295"_s.arg(type));
    return qint64(number);
}

} // namespace

std::expected<QJsonObject, QString> parseJsonObject(const QByteArray &body) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return std::unexpected(
            u"broken JSON at byte %1: %2"_s.arg(error.offset).arg(error.errorString()));
    if (!document.isObject())
        return std::unexpected(u"expected a JSON object, got %1"_s.arg(
            document.isArray() ? u"an array"_s : u"an empty body"_s));
    return document.object();
}

QString CommandRequest::typeName(Type type) {
    switch (type) {
    case Type::CloudAccessKeyGeneration:
        return u"cloudAccessKeyGeneration"_s;
    case Type::ClientPrivateKeyGeneration:
        return u"clientPrivateKeyGeneration"_s;
    case Type::CertificateSigningRequest:
        return u"certificateSigningRequest"_s;
    case Type::ServerCertificate:
        return u"serverCertificate"_s;
    case Type::ClientCertificate:
        return u"clientCertificate"_s;
    case Type::Finished:
        return u"finished"_s;
    }
    return {};
}

CommandRequest::CommandRequest(Type type_, qint64 secTag_)
    : type(type_)
    , secTag(secTag_) {}

CommandRequest CommandRequest::cloudAccessKeyGeneration(qint64 secTag) {
    return CommandRequest(Type::CloudAccessKeyGeneration, secTag);
}

CommandRequest CommandRequest::clientPrivateKeyGeneration(qint64 secTag) {
    return CommandRequest(Type::ClientPrivateKeyGeneration, secTag);
}

CommandRequest CommandRequest::certificateSigningRequest(qint64 secTag, QString attributes,
                                                         QString keyUsage) {
    CommandRequest request(Type::CertificateSigningRequest, secTag);
    request.attributes = std::move(attributes);
    request.keyUsage = std::move(keyUsage);
    return request;
}

CommandRequest CommandRequest::serverCertificate(qint64 secTag, QString pem) {
    CommandRequest request(Type::ServerCertificate, secTag);
    request.content = std::move(pem);
    return request;
}

CommandRequest CommandRequest::clientCertificate(qint64 secTag, QString pem) {
    CommandRequest request(Type::ClientCertificate, secTag);
    request.content = std::move(pem);
    return request;
}

CommandRequest CommandRequest::finished() {
    return CommandRequest(Type::Finished);
}

QJsonObject CommandRequest::toJson() const {
    QJsonObject parameters;
    switch (type) {
    case Type::Finished:
        break;
    case Type::CertificateSigningRequest:
        parameters.insert(u"secTag"_s, double(secTag));
        parameters.insert(u"attributes"_s, attributes);
        parameters.insert(u"keyUsage"_s, keyUsage);
        break;
    case Type::ServerCertificate:
    case Type::ClientCertificate:
        parameters.insert(u"secTag"_s, double(secTag));
        parameters.insert(u"content"_s, content);
        break;
    case Type::CloudAccessKeyGeneration:
    case Type::ClientPrivateKeyGeneration:
        parameters.insert(u"secTag"_s, double(secTag));
        break;
    }
    return QJsonObject{{typeName(type), parameters}};
}

std::expected<CommandRequest, QString> CommandRequest::fromJson(const QJsonObject &object) {
    if (object.size() != 1)
        return std::unexpected(
            u"a command request holds exactly one command, this one has %1 keys"_s.arg(
                object.size()));
    const QString key = object.begin().key();
    const QJsonValue value = object.begin().value();
    for (const Type type : AllTypes) {
        if (typeName(type) != key)
            continue;
        if (!value.isObject())
            return std::unexpected(u"command %1 is not an object"_s.arg(key));
        const QJsonObject parameters = value.toObject();
        CommandRequest request(type);
        if (type == Type::Finished)
            return request;
        auto secTag = requiredSecTag(parameters, key);
        if (!secTag)
            return std::unexpected(secTag.error());
        request.secTag = *secTag;
        request.attributes = optionalString(parameters, u"attributes"_s);
        request.keyUsage = optionalString(parameters, u"keyUsage"_s);
        request.content = optionalString(parameters, u"content"_s);
        if ((type == Type::ServerCertificate || type == Type::ClientCertificate) &&
            request.content.isEmpty())
            return std::unexpected(u"command %1 needs \"content\" (PEM)"_s.arg(key));
        return request;
    }
    return std::unexpected(u"unknown command type \"%1\""_s.arg(key));
}

std::expected<ClaimedDevice, QString> ClaimedDevice::fromJson(const QJsonObject &object) {
    auto id = requiredString(object, u"id"_s, u"the claimed device"_s);
    if (!id)
        return std::unexpected(id.error());
    ClaimedDevice device;
    device.id = *id;
    device.deviceType = optionalString(object, u"deviceType"_s);
    device.firmwareId = optionalString(object, u"firmwareId"_s);
    device.imei = optionalString(object, u"imei"_s);
    device.ownerId = optionalString(object, u"ownerId"_s);
    device.ownershipStatus = optionalString(object, u"ownershipStatus"_s);
    device.tags = optionalStringList(object, u"tags"_s);
    device.status = optionalString(object, u"status"_s);
    device.claimedAt = optionalTime(object, u"claimedAt"_s);
    device.raw = object;
    return device;
}

ProvisioningCommand::Status ProvisioningCommand::statusFromText(const QString &text) {
    if (text == u"PENDING"_s)
        return Status::Pending;
    if (text == u"IN_PROGRESS"_s)
        return Status::InProgress;
    if (text == u"SUCCEEDED"_s)
        return Status::Succeeded;
    if (text == u"FAILED"_s)
        return Status::Failed;
    return Status::Other;
}

std::expected<ProvisioningCommand, QString>
ProvisioningCommand::fromJson(const QJsonObject &object) {
    auto id = requiredString(object, u"id"_s, u"the provisioning command"_s);
    if (!id)
        return std::unexpected(id.error());
    auto status = requiredString(object, u"status"_s, u"the provisioning command"_s);
    if (!status)
        return std::unexpected(status.error());
    ProvisioningCommand command;
    command.id = *id;
    command.statusText = *status;
    command.status = statusFromText(*status);
    command.description = optionalString(object, u"description"_s);
    command.requestJson = optionalObject(object, u"request"_s);
    if (auto request = CommandRequest::fromJson(command.requestJson))
        command.request = *request;
    command.response = optionalObject(object, u"response"_s);
    command.createdAt = optionalTime(object, u"createdAt"_s);
    command.updatedAt = optionalTime(object, u"updatedAt"_s);
    command.raw = object;
    return command;
}

QJsonObject ProvisioningRule::toJson() const {
    QJsonArray commandArray;
    for (const CommandRequest &command : commands)
        commandArray.append(QJsonObject{{u"request"_s, command.toJson()}});
    return QJsonObject{{u"name"_s, name},
                       {u"description"_s, description},
                       {u"active"_s, active},
                       {u"commands"_s, commandArray},
                       {u"tags"_s, QJsonArray::fromStringList(tags)}};
}

std::expected<ProvisioningRule, QString> ProvisioningRule::fromJson(const QJsonObject &object) {
    auto name = requiredString(object, u"name"_s, u"the provisioning rule"_s);
    if (!name)
        return std::unexpected(name.error());
    ProvisioningRule rule;
    rule.name = *name;
    rule.id = optionalString(object, u"id"_s);
    rule.description = optionalString(object, u"description"_s);
    rule.active = object.value(u"active"_s).toBool(true);
    rule.tags = optionalStringList(object, u"tags"_s);
    const QJsonValue commands = object.value(u"commands"_s);
    if (commands.isArray()) {
        for (const QJsonValue entry : commands.toArray()) {
            // A command type this version does not know stays in `raw` only, so one new type
            // in one rule does not make the whole list unreadable.
            auto request =
                CommandRequest::fromJson(entry.toObject().value(u"request"_s).toObject());
            if (request)
                rule.commands.append(*request);
        }
    }
    rule.raw = object;
    return rule;
}

ProvisioningRule ProvisioningRule::defaultOnboardingRule() {
    ProvisioningRule rule;
    rule.name = QString::fromLatin1(OnboardingTag);
    rule.description = u"Generate the nRF Cloud access key on the device, then finish."_s;
    rule.active = true;
    rule.commands = {CommandRequest::cloudAccessKeyGeneration(), CommandRequest::finished()};
    rule.tags = {QString::fromLatin1(OnboardingTag)};
    return rule;
}

std::expected<Device, QString> Device::fromJson(const QJsonObject &object) {
    auto id = requiredString(object, u"id"_s, u"the device"_s);
    if (!id)
        return std::unexpected(id.error());
    Device device;
    device.id = *id;
    device.name = optionalString(object, u"name"_s);
    device.type = optionalString(object, u"type"_s);
    device.tags = optionalStringList(object, u"tags"_s);
    const QJsonObject state = optionalObject(object, u"state"_s);
    device.reported = optionalObject(state, u"reported"_s);
    device.desired = optionalObject(state, u"desired"_s);
    device.delta = optionalObject(state, u"delta"_s);
    device.stateVersion = qint64(state.value(u"version"_s).toDouble(0));
    device.raw = object;
    return device;
}

} // namespace ps::cloud
