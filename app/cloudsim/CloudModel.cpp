#include "CloudModel.h"

#include <QUuid>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

namespace {

constexpr qint64 NrfCloudSecTag = 16842753;

QString newId() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QDateTime now() {
    return QDateTime::currentDateTimeUtc();
}

QString timeText(const QDateTime &time) {
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime timeFrom(const QJsonValue &value) {
    QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    time.setTimeSpec(Qt::UTC);
    return time;
}

ModelError notFound(QString message) {
    return ModelError{ModelError::Kind::NotFound, std::move(message)};
}

ModelError invalid(QString message) {
    return ModelError{ModelError::Kind::Invalid, std::move(message)};
}

std::optional<qint64> secTagOf(const QJsonObject &parameters) {
    const QJsonValue value = parameters.value(u"secTag"_s);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || number > 4294967295.0 || std::floor(number) != number)
        return std::nullopt;
    return qint64(number);
}

QString quoted(const QString &text) {
    return u'"' + text + u'"';
}

QJsonArray stringArray(const QStringList &list) {
    return QJsonArray::fromStringList(list);
}

QStringList stringList(const QJsonValue &value) {
    QStringList list;
    for (const QJsonValue item : value.toArray())
        list.append(item.toString());
    return list;
}

QString commandType(const QJsonObject &request) {
    return request.isEmpty() ? QString() : request.begin().key();
}

/// The public key part of a `%KEYGEN: "<key>.<cose>"` answer, or the whole text when it has
/// another shape.
QString keyFromKeygenOutput(const QString &output) {
    const qsizetype open = output.indexOf(u'"');
    const qsizetype close = output.indexOf(u'"', open + 1);
    QString payload =
        open >= 0 && close > open ? output.mid(open + 1, close - open - 1) : output.trimmed();
    const qsizetype dot = payload.indexOf(u'.');
    return dot > 0 ? payload.left(dot) : payload;
}

} // namespace

QString statusText(CommandStatus status) {
    switch (status) {
    case CommandStatus::Pending:
        return u"PENDING"_s;
    case CommandStatus::InProgress:
        return u"IN_PROGRESS"_s;
    case CommandStatus::Succeeded:
        return u"SUCCEEDED"_s;
    case CommandStatus::Failed:
        return u"FAILED"_s;
    }
    return {};
}

CloudModel::CloudModel(QObject *parent)
    : QObject(parent) {}

QString CloudModel::deviceTypeName(int deviceType) {
    switch (deviceType) {
    case 1:
        return u"nrf9160_SIAA"_s;
    case 2:
        return u"nrf9160_SIBA"_s;
    case 3:
        return u"nrf9160_SICA"_s;
    case 4:
        return u"nrf9161_LACA"_s;
    case 5:
        return u"nrf9131_LACA"_s;
    case 6:
        return u"nrf9151_LACA"_s;
    default:
        return u"unknown_%1"_s.arg(deviceType);
    }
}

std::expected<DeviceCommand, QString> CloudModel::deviceCommandFor(const QString &correlationId,
                                                                   const QJsonObject &request) {
    if (request.size() != 1)
        return std::unexpected(
            u"\"request\" must hold exactly one command, it has %1 keys"_s.arg(request.size()));
    const QString type = commandType(request);
    const QJsonValue value = request.begin().value();
    if (!value.isObject())
        return std::unexpected(u"command %1 must be an object"_s.arg(type));
    const QJsonObject parameters = value.toObject();

    DeviceCommand command;
    command.correlationId = correlationId;
    if (type == u"finished"_s) {
        command.type = DeviceCommand::Type::Finished;
        return command;
    }
    static const QStringList known = {
        u"cloudAccessKeyGeneration"_s, u"clientPrivateKeyGeneration"_s,
        u"certificateSigningRequest"_s, u"serverCertificate"_s, u"clientCertificate"_s};
    if (!known.contains(type))
        return std::unexpected(u"unknown command type \"%1\""_s.arg(type));
    const std::optional<qint64> secTag = secTagOf(parameters);
    if (!secTag)
        return std::unexpected(
            u"command %1 needs \"secTag\" as a whole number from 0 to 4294967295"_s.arg(type));
    const QString tag = QString::number(*secTag);
    command.type = DeviceCommand::Type::At;

    if (type == u"cloudAccessKeyGeneration"_s) {
        command.atCommand = u"%KEYGEN"_s;
        command.atParameters = tag + u",2,1"_s; // ECC key pair, answer the public key
    } else if (type == u"clientPrivateKeyGeneration"_s) {
        command.atCommand = u"%KEYGEN"_s;
        command.atParameters = tag + u",2,0"_s; // ECC key pair, answer a CSR
    } else if (type == u"certificateSigningRequest"_s) {
        const QString attributes = parameters.value(u"attributes"_s).toString();
        const QString keyUsage = parameters.value(u"keyUsage"_s).toString();
        command.atCommand = u"%KEYGEN"_s;
        command.atParameters = tag + u",2,0"_s;
        if (!attributes.isEmpty() || !keyUsage.isEmpty())
            command.atParameters += u',' + quoted(attributes);
        if (!keyUsage.isEmpty())
            command.atParameters += u',' + quoted(keyUsage);
    } else {
        const QString content = parameters.value(u"content"_s).toString();
        if (!content.contains(u"-----BEGIN"_s))
            return std::unexpected(u"command %1 needs \"content\" holding a PEM"_s.arg(type));
        const int credentialType = type == u"serverCertificate"_s ? 0 : 1;
        command.atCommand = u"%CMNG"_s;
        command.atParameters =
            u"0,%1,%2,"_s.arg(tag).arg(credentialType) + quoted(content.trimmed());
    }
    return command;
}

// ---- lookups ---------------------------------------------------------------------------------

const ClaimRecord *CloudModel::findClaim(const QString &deviceId) const {
    const auto it = std::ranges::find(m_claims, deviceId, &ClaimRecord::deviceId);
    return it == m_claims.end() ? nullptr : &*it;
}

ClaimRecord *CloudModel::findClaim(const QString &deviceId) {
    const auto it = std::ranges::find(m_claims, deviceId, &ClaimRecord::deviceId);
    return it == m_claims.end() ? nullptr : &*it;
}

const ShadowRecord *CloudModel::findShadow(const QString &deviceId) const {
    const auto it = std::ranges::find(m_shadows, deviceId, &ShadowRecord::deviceId);
    return it == m_shadows.end() ? nullptr : &*it;
}

ShadowRecord *CloudModel::findShadow(const QString &deviceId) {
    const auto it = std::ranges::find(m_shadows, deviceId, &ShadowRecord::deviceId);
    return it == m_shadows.end() ? nullptr : &*it;
}

std::expected<void, ModelError> CloudModel::checkOwner(const QString &ownerId,
                                                       const QString &deviceId) const {
    const ClaimRecord *claimed = findClaim(deviceId);
    if (!claimed || claimed->ownerId != ownerId)
        return std::unexpected(
            notFound(u"Device %1 is not claimed by this account."_s.arg(deviceId)));
    return {};
}

int CloudModel::queuedCount(const QString &deviceId) const {
    return int(std::ranges::count_if(m_commands, [&](const CommandRecord &command) {
        return command.deviceId == deviceId && !command.isFinal();
    }));
}

CommandRecord CloudModel::appendCommand(const QString &deviceId, const QString &description,
                                        const QJsonObject &request) {
    CommandRecord command;
    command.id = newId();
    command.deviceId = deviceId;
    command.description = description;
    command.request = request;
    command.status = CommandStatus::Pending;
    command.createdAt = command.updatedAt = now();
    m_commands.push_back(command);
    return command;
}

// ---- claims ----------------------------------------------------------------------------------

std::expected<ClaimRecord, ModelError> CloudModel::claim(const QString &ownerId,
                                                         const ClaimInput &input, bool dryRun) {
    if (const ClaimRecord *existing = findClaim(input.deviceId)) {
        if (existing->ownerId == ownerId)
            return std::unexpected(
                ModelError{ModelError::Kind::Conflict,
                           u"Device %1 is already claimed by this account."_s.arg(input.deviceId)});
        return std::unexpected(
            ModelError{ModelError::Kind::Conflict,
                       u"Device %1 is claimed by another account; it must be unclaimed there "
                       "first."_s.arg(input.deviceId)});
    }
    ClaimRecord record;
    record.deviceId = input.deviceId;
    record.ownerId = ownerId;
    record.deviceType = input.deviceType;
    record.firmwareId = input.firmwareId;
    record.imei = input.imei;
    record.tags = input.tags;
    record.claimedAt = now();
    if (dryRun)
        return record;

    m_claims.push_back(record);
    bool queued = false;
    for (const RuleRecord &rule : m_rules) {
        const bool matches = std::ranges::any_of(
            rule.tags, [&](const QString &tag) { return input.tags.contains(tag); });
        if (rule.ownerId != ownerId || !rule.active || !matches)
            continue;
        for (const QJsonValue entry : rule.commands) {
            if (queuedCount(input.deviceId) >= MaxQueuedCommands)
                break;
            appendCommand(input.deviceId, u"rule %1"_s.arg(rule.name),
                          entry.toObject().value(u"request"_s).toObject());
            queued = true;
        }
    }
    Q_EMIT changed();
    if (queued)
        Q_EMIT commandsQueued(input.deviceId);
    return record;
}

std::expected<void, ModelError> CloudModel::unclaim(const QString &ownerId,
                                                    const QString &deviceId) {
    if (auto owned = checkOwner(ownerId, deviceId); !owned)
        return std::unexpected(owned.error());
    std::erase_if(m_claims, [&](const ClaimRecord &c) { return c.deviceId == deviceId; });
    std::erase_if(m_commands, [&](const CommandRecord &c) { return c.deviceId == deviceId; });
    std::erase_if(m_shadows, [&](const ShadowRecord &s) { return s.deviceId == deviceId; });
    Q_EMIT changed();
    return {};
}

QList<ClaimRecord> CloudModel::claims(const QString &ownerId) const {
    QList<ClaimRecord> list;
    for (const ClaimRecord &record : m_claims) {
        if (record.ownerId == ownerId)
            list.append(record);
    }
    return list;
}

std::optional<ClaimRecord> CloudModel::claim(const QString &ownerId,
                                             const QString &deviceId) const {
    const ClaimRecord *record = findClaim(deviceId);
    if (!record || record->ownerId != ownerId)
        return std::nullopt;
    return *record;
}

std::optional<ClaimRecord> CloudModel::claimOfDevice(const QString &deviceId) const {
    const ClaimRecord *record = findClaim(deviceId);
    return record ? std::optional(*record) : std::nullopt;
}

QString CloudModel::provisioningStatus(const QString &deviceId) const {
    const CommandRecord *latest = nullptr;
    for (const CommandRecord &command : m_commands) {
        if (command.deviceId != deviceId)
            continue;
        if (!command.isFinal())
            return u"PROVISIONING"_s;
        latest = &command;
    }
    if (latest && latest->status == CommandStatus::Failed)
        return u"PROVISIONING_FAILED"_s;
    return latest || findShadow(deviceId) ? u"PROVISIONED"_s : u"CLAIMED"_s;
}

// ---- commands --------------------------------------------------------------------------------

std::expected<CommandRecord, ModelError> CloudModel::createCommand(const QString &ownerId,
                                                                   const QString &deviceId,
                                                                   const QString &description,
                                                                   const QJsonObject &request) {
    if (auto owned = checkOwner(ownerId, deviceId); !owned)
        return std::unexpected(owned.error());
    if (auto valid = deviceCommandFor(QString(), request); !valid)
        return std::unexpected(invalid(valid.error()));
    if (queuedCount(deviceId) >= MaxQueuedCommands)
        return std::unexpected(
            ModelError{ModelError::Kind::LimitReached,
                       u"Device %1 already has %2 queued provisioning commands, the most allowed."_s
                           .arg(deviceId)
                           .arg(MaxQueuedCommands)});
    CommandRecord command = appendCommand(deviceId, description, request);
    Q_EMIT changed();
    Q_EMIT commandsQueued(deviceId);
    return command;
}

std::expected<CommandRecord, ModelError> CloudModel::command(const QString &ownerId,
                                                             const QString &deviceId,
                                                             const QString &commandId) const {
    if (auto owned = checkOwner(ownerId, deviceId); !owned)
        return std::unexpected(owned.error());
    for (const CommandRecord &command : m_commands) {
        if (command.deviceId == deviceId && command.id == commandId)
            return command;
    }
    return std::unexpected(
        notFound(u"No provisioning command %1 for device %2."_s.arg(commandId, deviceId)));
}

std::expected<QList<CommandRecord>, ModelError>
CloudModel::commands(const QString &ownerId, const QString &deviceId) const {
    if (auto owned = checkOwner(ownerId, deviceId); !owned)
        return std::unexpected(owned.error());
    QList<CommandRecord> list;
    for (const CommandRecord &command : m_commands) {
        if (command.deviceId == deviceId)
            list.append(command);
    }
    return list;
}

// ---- rules -----------------------------------------------------------------------------------

QList<RuleRecord> CloudModel::rules(const QString &ownerId) const {
    QList<RuleRecord> list;
    for (const RuleRecord &rule : m_rules) {
        if (rule.ownerId == ownerId)
            list.append(rule);
    }
    return list;
}

std::expected<RuleRecord, ModelError>
CloudModel::createRule(const QString &ownerId, const QString &name, const QString &description,
                       bool active, const QJsonArray &commands, const QStringList &tags) {
    if (name.trimmed().isEmpty())
        return std::unexpected(invalid(u"A rule needs a \"name\"."_s));
    if (tags.isEmpty())
        return std::unexpected(invalid(u"A rule needs at least one tag in \"tags\"."_s));
    if (commands.isEmpty() || commands.size() > MaxQueuedCommands)
        return std::unexpected(
            invalid(u"A rule needs 1 to %1 entries in \"commands\"."_s.arg(MaxQueuedCommands)));
    for (qsizetype i = 0; i < commands.size(); ++i) {
        const QJsonObject request = commands.at(i).toObject().value(u"request"_s).toObject();
        if (auto valid = deviceCommandFor(QString(), request); !valid)
            return std::unexpected(invalid(u"commands[%1]: %2"_s.arg(i).arg(valid.error())));
    }
    const bool duplicate = std::ranges::any_of(m_rules, [&](const RuleRecord &rule) {
        return rule.ownerId == ownerId && rule.name == name;
    });
    if (duplicate)
        return std::unexpected(ModelError{ModelError::Kind::Conflict,
                                          u"A rule named \"%1\" exists already."_s.arg(name)});
    RuleRecord rule;
    rule.id = newId();
    rule.ownerId = ownerId;
    rule.name = name;
    rule.description = description;
    rule.active = active;
    rule.commands = commands;
    rule.tags = tags;
    rule.createdAt = now();
    m_rules.push_back(rule);
    Q_EMIT changed();
    return rule;
}

void CloudModel::ensureDefaultRule(const QString &ownerId) {
    const QString name = QString::fromLatin1(OnboardingRuleName);
    const bool exists = std::ranges::any_of(m_rules, [&](const RuleRecord &rule) {
        return rule.ownerId == ownerId && rule.name == name;
    });
    if (exists)
        return;
    const QJsonArray commands{
        QJsonObject{
            {u"request"_s, QJsonObject{{u"cloudAccessKeyGeneration"_s,
                                        QJsonObject{{u"secTag"_s, double(NrfCloudSecTag)}}}}}},
        QJsonObject{{u"request"_s, QJsonObject{{u"finished"_s, QJsonObject()}}}},
    };
    createRule(ownerId, name, u"Generate the nRF Cloud access key, then finish."_s, true, commands,
               {name});
}

// ---- device management -----------------------------------------------------------------------

QList<ShadowRecord> CloudModel::devices(const QString &ownerId) const {
    QList<ShadowRecord> list;
    for (const ShadowRecord &shadow : m_shadows) {
        if (shadow.ownerId == ownerId)
            list.append(shadow);
    }
    return list;
}

std::expected<ShadowRecord, ModelError> CloudModel::device(const QString &ownerId,
                                                           const QString &deviceId) const {
    const ShadowRecord *shadow = findShadow(deviceId);
    if (!shadow || shadow->ownerId != ownerId)
        return std::unexpected(notFound(u"no device found for this id, not yet provisioned"_s));
    return *shadow;
}

QJsonObject CloudModel::merged(QJsonObject target, const QJsonObject &patch) {
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        const QJsonValue value = it.value();
        if (value.isNull()) {
            target.remove(it.key());
        } else if (value.isObject() && target.value(it.key()).isObject()) {
            target.insert(it.key(), merged(target.value(it.key()).toObject(), value.toObject()));
        } else if (value.isObject()) {
            // A new object still drops its own null members: they delete nothing but are not kept.
            target.insert(it.key(), merged(QJsonObject(), value.toObject()));
        } else {
            target.insert(it.key(), value);
        }
    }
    return target;
}

QJsonObject CloudModel::delta(const QJsonObject &desired, const QJsonObject &reported) {
    QJsonObject difference;
    for (auto it = desired.begin(); it != desired.end(); ++it) {
        const QJsonValue want = it.value();
        const QJsonValue have = reported.value(it.key());
        if (want.isObject() && have.isObject()) {
            const QJsonObject nested = delta(want.toObject(), have.toObject());
            if (!nested.isEmpty())
                difference.insert(it.key(), nested);
        } else if (want != have) {
            difference.insert(it.key(), want);
        }
    }
    return difference;
}

std::expected<ShadowRecord, ModelError>
CloudModel::patchState(const QString &ownerId, const QString &deviceId,
                       const std::optional<QJsonObject> &desired,
                       const std::optional<QJsonObject> &reported) {
    ShadowRecord *shadow = findShadow(deviceId);
    if (!shadow || shadow->ownerId != ownerId)
        return std::unexpected(notFound(u"no device found for this id, not yet provisioned"_s));
    if (desired)
        shadow->desired = merged(shadow->desired, *desired);
    if (reported)
        shadow->reported = merged(shadow->reported, *reported);
    ++shadow->version;
    Q_EMIT changed();
    return *shadow;
}

// ---- the device's side -----------------------------------------------------------------------

QList<DeviceCommand> CloudModel::commandsForDevice(const QString &deviceId,
                                                   const QString &afterCorrelationId, int limit) {
    QList<DeviceCommand> list;
    if (!findClaim(deviceId))
        return list;
    // Start after the named command when it is in this device's queue; a device that names an
    // unknown or old id simply gets everything that is still open.
    auto start = m_commands.begin();
    if (!afterCorrelationId.isEmpty()) {
        const auto found = std::ranges::find_if(m_commands, [&](const CommandRecord &c) {
            return c.deviceId == deviceId && c.id == afterCorrelationId;
        });
        if (found != m_commands.end())
            start = std::next(found);
    }
    bool changedAny = false;
    for (auto it = start; it != m_commands.end() && list.size() < limit; ++it) {
        if (it->deviceId != deviceId || it->isFinal())
            continue;
        auto deviceCommand = deviceCommandFor(it->id, it->request);
        if (!deviceCommand)
            continue; // validated on creation; a hand-edited state file may still hold junk
        list.append(*deviceCommand);
        if (it->status == CommandStatus::Pending) {
            it->status = CommandStatus::InProgress;
            it->updatedAt = now();
            changedAny = true;
        }
    }
    if (changedAny)
        Q_EMIT changed();
    return list;
}

std::expected<void, ModelError> CloudModel::recordResponse(const QString &deviceId,
                                                           const DeviceResponse &response) {
    if (!findClaim(deviceId))
        return std::unexpected(notFound(u"Device %1 is not claimed."_s.arg(deviceId)));
    const auto found = std::ranges::find_if(m_commands, [&](const CommandRecord &c) {
        return c.deviceId == deviceId && c.id == response.correlationId;
    });
    if (found == m_commands.end())
        return std::unexpected(
            notFound(u"No command %1 for device %2."_s.arg(response.correlationId, deviceId)));
    if (found->isFinal())
        return {};

    const auto expected = deviceCommandFor(found->id, found->request);
    const DeviceCommand::Type type = expected ? expected->type : DeviceCommand::Type::At;
    const bool matches =
        response.type == DeviceResponse::Type::Error ||
        (response.type == DeviceResponse::Type::AtOutput && type == DeviceCommand::Type::At) ||
        (response.type == DeviceResponse::Type::ConfigAck && type == DeviceCommand::Type::Config) ||
        (response.type == DeviceResponse::Type::FinishedAck &&
         type == DeviceCommand::Type::Finished);
    if (!matches)
        return std::unexpected(invalid(
            u"Response type %1 does not fit command %2."_s.arg(int(response.type)).arg(found->id)));

    const QDateTime time = now();
    found->updatedAt = time;
    if (response.type == DeviceResponse::Type::Error) {
        found->status = CommandStatus::Failed;
        found->response =
            QJsonObject{{u"cmeError"_s, response.cmeError}, {u"message"_s, response.message}};
        const QString failedId = found->id;
        for (auto it = std::next(found); it != m_commands.end(); ++it) {
            if (it->deviceId != deviceId || it->isFinal())
                continue;
            it->status = CommandStatus::Failed;
            it->updatedAt = time;
            it->response = QJsonObject{
                {u"message"_s, u"Not run: command %1 before it failed."_s.arg(failedId)}};
        }
    } else {
        found->status = CommandStatus::Succeeded;
        if (response.type == DeviceResponse::Type::AtOutput)
            found->response = QJsonObject{{u"output"_s, response.output}};
        if (commandType(found->request) == u"cloudAccessKeyGeneration"_s)
            onboard(deviceId, keyFromKeygenOutput(response.output));
    }
    Q_EMIT changed();
    return {};
}

std::expected<void, ModelError> CloudModel::onboard(const QString &deviceId,
                                                    const QString &cloudAccessKey) {
    const ClaimRecord *claimed = findClaim(deviceId);
    if (!claimed)
        return std::unexpected(notFound(u"Device %1 is not claimed."_s.arg(deviceId)));
    ShadowRecord *shadow = findShadow(deviceId);
    if (!shadow) {
        ShadowRecord record;
        record.deviceId = deviceId;
        record.ownerId = claimed->ownerId;
        record.onboardedAt = now();
        m_shadows.push_back(record);
        shadow = &m_shadows.back();
    }
    if (!cloudAccessKey.isEmpty())
        shadow->cloudAccessKey = cloudAccessKey;
    Q_EMIT changed();
    return {};
}

std::expected<ShadowRecord, ModelError>
CloudModel::patchShadowFromDevice(const QString &deviceId,
                                  const std::optional<QJsonObject> &reported) {
    ShadowRecord *shadow = findShadow(deviceId);
    if (!shadow)
        return std::unexpected(notFound(u"Device %1 is not onboarded."_s.arg(deviceId)));
    return patchState(shadow->ownerId, deviceId, std::nullopt, reported);
}

// ---- persistence -----------------------------------------------------------------------------

QJsonObject CloudModel::toJson() const {
    QJsonArray claims;
    for (const ClaimRecord &c : m_claims) {
        claims.append(QJsonObject{{u"deviceId"_s, c.deviceId},
                                  {u"ownerId"_s, c.ownerId},
                                  {u"deviceType"_s, c.deviceType},
                                  {u"firmwareId"_s, c.firmwareId},
                                  {u"imei"_s, c.imei},
                                  {u"tags"_s, stringArray(c.tags)},
                                  {u"claimedAt"_s, timeText(c.claimedAt)}});
    }
    QJsonArray commands;
    for (const CommandRecord &c : m_commands) {
        commands.append(QJsonObject{{u"id"_s, c.id},
                                    {u"deviceId"_s, c.deviceId},
                                    {u"description"_s, c.description},
                                    {u"request"_s, c.request},
                                    {u"status"_s, statusText(c.status)},
                                    {u"response"_s, c.response},
                                    {u"createdAt"_s, timeText(c.createdAt)},
                                    {u"updatedAt"_s, timeText(c.updatedAt)}});
    }
    QJsonArray rules;
    for (const RuleRecord &r : m_rules) {
        rules.append(QJsonObject{{u"id"_s, r.id},
                                 {u"ownerId"_s, r.ownerId},
                                 {u"name"_s, r.name},
                                 {u"description"_s, r.description},
                                 {u"active"_s, r.active},
                                 {u"commands"_s, r.commands},
                                 {u"tags"_s, stringArray(r.tags)},
                                 {u"createdAt"_s, timeText(r.createdAt)}});
    }
    QJsonArray shadows;
    for (const ShadowRecord &s : m_shadows) {
        shadows.append(QJsonObject{{u"deviceId"_s, s.deviceId},
                                   {u"ownerId"_s, s.ownerId},
                                   {u"desired"_s, s.desired},
                                   {u"reported"_s, s.reported},
                                   {u"version"_s, double(s.version)},
                                   {u"onboardedAt"_s, timeText(s.onboardedAt)},
                                   {u"cloudAccessKey"_s, s.cloudAccessKey}});
    }
    return QJsonObject{{u"version"_s, 1},
                       {u"claims"_s, claims},
                       {u"commands"_s, commands},
                       {u"rules"_s, rules},
                       {u"devices"_s, shadows}};
}

std::expected<void, QString> CloudModel::loadJson(const QJsonObject &state) {
    if (state.value(u"version"_s).toInt() != 1)
        return std::unexpected(
            u"unknown state version %1"_s.arg(state.value(u"version"_s).toVariant().toString()));
    std::vector<ClaimRecord> claims;
    for (const QJsonValue value : state.value(u"claims"_s).toArray()) {
        const QJsonObject o = value.toObject();
        ClaimRecord c;
        c.deviceId = o.value(u"deviceId"_s).toString();
        c.ownerId = o.value(u"ownerId"_s).toString();
        c.deviceType = o.value(u"deviceType"_s).toInt();
        c.firmwareId = o.value(u"firmwareId"_s).toString();
        c.imei = o.value(u"imei"_s).toString();
        c.tags = stringList(o.value(u"tags"_s));
        c.claimedAt = timeFrom(o.value(u"claimedAt"_s));
        if (c.deviceId.isEmpty() || c.ownerId.isEmpty())
            return std::unexpected(u"a claim without deviceId or ownerId"_s);
        claims.push_back(c);
    }
    std::vector<CommandRecord> commands;
    for (const QJsonValue value : state.value(u"commands"_s).toArray()) {
        const QJsonObject o = value.toObject();
        CommandRecord c;
        c.id = o.value(u"id"_s).toString();
        c.deviceId = o.value(u"deviceId"_s).toString();
        c.description = o.value(u"description"_s).toString();
        c.request = o.value(u"request"_s).toObject();
        const QString status = o.value(u"status"_s).toString();
        c.status = status == u"SUCCEEDED"_s     ? CommandStatus::Succeeded
                   : status == u"FAILED"_s      ? CommandStatus::Failed
                   : status == u"IN_PROGRESS"_s ? CommandStatus::InProgress
                                                : CommandStatus::Pending;
        c.response = o.value(u"response"_s).toObject();
        c.createdAt = timeFrom(o.value(u"createdAt"_s));
        c.updatedAt = timeFrom(o.value(u"updatedAt"_s));
        if (c.id.isEmpty() || c.deviceId.isEmpty())
            return std::unexpected(u"a command without id or deviceId"_s);
        commands.push_back(c);
    }
    std::vector<RuleRecord> rules;
    for (const QJsonValue value : state.value(u"rules"_s).toArray()) {
        const QJsonObject o = value.toObject();
        RuleRecord r;
        r.id = o.value(u"id"_s).toString();
        r.ownerId = o.value(u"ownerId"_s).toString();
        r.name = o.value(u"name"_s).toString();
        r.description = o.value(u"description"_s).toString();
        r.active = o.value(u"active"_s).toBool(true);
        r.commands = o.value(u"commands"_s).toArray();
        r.tags = stringList(o.value(u"tags"_s));
        r.createdAt = timeFrom(o.value(u"createdAt"_s));
        if (r.id.isEmpty() || r.ownerId.isEmpty())
            return std::unexpected(u"a rule without id or ownerId"_s);
        rules.push_back(r);
    }
    std::vector<ShadowRecord> shadows;
    for (const QJsonValue value : state.value(u"devices"_s).toArray()) {
        const QJsonObject o = value.toObject();
        ShadowRecord s;
        s.deviceId = o.value(u"deviceId"_s).toString();
        s.ownerId = o.value(u"ownerId"_s).toString();
        s.desired = o.value(u"desired"_s).toObject();
        s.reported = o.value(u"reported"_s).toObject();
        s.version = qint64(o.value(u"version"_s).toDouble());
        s.onboardedAt = timeFrom(o.value(u"onboardedAt"_s));
        s.cloudAccessKey = o.value(u"cloudAccessKey"_s).toString();
        if (s.deviceId.isEmpty() || s.ownerId.isEmpty())
            return std::unexpected(u"a device without deviceId or ownerId"_s);
        shadows.push_back(s);
    }
    m_claims = std::move(claims);
    m_commands = std::move(commands);
    m_rules = std::move(rules);
    m_shadows = std::move(shadows);
    return {};
}

} // namespace ps::cloudsim
