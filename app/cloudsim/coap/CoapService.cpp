#include "CoapService.h"

#include "DeviceJwt.h"
#include "cloudsim/CloudModel.h"
#include "cloudsim/DeviceRegistry.h"
#include "cloudsim/SimLog.h"
#include "provclient/messages.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <deque>

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

namespace coap {
QString codeText(quint8 code) {
    return u"%1.%2"_s.arg(code >> 5).arg(code & 0x1f, 2, 10, QLatin1Char('0'));
}
} // namespace coap

namespace {

// Resource paths; COAP.md says which come from PROTOCOL.md and which are the stand-in's choice.
const QString ProvisioningAuthPath = QString::fromLatin1(PROV_PATH_AUTH_JWT);
const QString CommandsPath = QString::fromLatin1(PROV_PATH_COMMANDS);
const QString ResponsesPath = QString::fromLatin1(PROV_PATH_RESPONSES);
const QString CloudAuthPath = u"auth/jwt"_s;
const QString StatePath = u"state"_s;
const QString StateReportedPath = u"state/reported"_s;
const QString MessagePath = u"msg/d2c"_s;

CoapReply reply(quint8 code, QByteArray payload = {}, int format = -1) {
    return CoapReply{code, std::move(payload), format};
}

/// Problems are answered with a short text payload, as diagnostic payloads are (RFC 7252 5.5.2).
CoapReply problem(quint8 code, const QString &message) {
    qCDebug(lcCloudSim).noquote() << "coap:" << coap::codeText(code) << message;
    return reply(code, message.toUtf8(), coap::FormatTextPlain);
}

quint8 codeForJwtError(const JwtError &error) {
    return error.kind == JwtError::Kind::Malformed || error.kind == JwtError::Kind::TooLong
               ? coap::BadRequest
               : coap::Forbidden;
}

/// Keeps the bytes a prov_command list points into alive while it is encoded.
class CommandStorage {
public:
    prov_str view(const QString &text) {
        const QByteArray &bytes = m_bytes.emplace_back(text.toUtf8());
        return prov_str{bytes.constData(), size_t(bytes.size())};
    }

private:
    std::deque<QByteArray> m_bytes;
};

std::optional<prov_command> toWire(const DeviceCommand &command, CommandStorage &storage) {
    prov_command wire{};
    wire.corr_id = storage.view(command.correlationId);
    switch (command.type) {
    case DeviceCommand::Type::At:
        wire.type = PROV_COMMAND_AT;
        wire.set_command = storage.view(command.atCommand);
        wire.parameters = storage.view(command.atParameters);
        if (command.ignoredCmeErrors.size() > PROV_MAX_IGNORED_CME)
            return std::nullopt;
        for (const int cme : command.ignoredCmeErrors)
            wire.ignored_cme[wire.ignored_cme_count++] = uint32_t(cme);
        break;
    case DeviceCommand::Type::Config:
        wire.type = PROV_COMMAND_CONFIG;
        if (command.config.size() > PROV_MAX_CONFIG_PAIRS)
            return std::nullopt;
        for (auto it = command.config.begin(); it != command.config.end(); ++it) {
            const QJsonValue value = it.value();
            const QString text = value.isString()
                                     ? value.toString()
                                     : QString::fromUtf8(QJsonDocument(QJsonArray{value})
                                                             .toJson(QJsonDocument::Compact)
                                                             .chopped(1)
                                                             .mid(1));
            wire.config[wire.config_count++] = prov_kv{storage.view(it.key()), storage.view(text)};
        }
        break;
    case DeviceCommand::Type::Finished:
        wire.type = PROV_COMMAND_FINISHED;
        break;
    }
    return wire;
}

/// The CBOR command list for as many of `commands` as fit `maxSize` bytes (at least one, so a
/// device whose buffer is too small learns about it).
std::expected<QByteArray, QString> encodeCommands(const QList<DeviceCommand> &commands,
                                                  qsizetype maxSize) {
    CommandStorage storage;
    std::vector<prov_command> wire;
    for (const DeviceCommand &command : commands) {
        auto entry = toWire(command, storage);
        if (!entry)
            return std::unexpected(
                u"command %1 does not fit the wire format"_s.arg(command.correlationId));
        wire.push_back(*entry);
    }
    for (size_t count = wire.size(); count > 0; --count) {
        size_t needed = 0;
        (void)prov_encode_command_list(wire.data(), count, nullptr, 0, &needed);
        QByteArray out(qsizetype(needed), Qt::Uninitialized);
        size_t written = 0;
        const prov_codec_status status = prov_encode_command_list(
            wire.data(), count, reinterpret_cast<uint8_t *>(out.data()), needed, &written);
        if (status != PROV_CODEC_OK)
            return std::unexpected(u"cannot encode the command list: %1"_s.arg(
                QString::fromLatin1(prov_codec_status_name(status))));
        out.truncate(qsizetype(written));
        if (maxSize <= 0 || out.size() <= maxSize || count == 1)
            return out;
    }
    return QByteArray();
}

QString fromView(prov_str text) {
    return QString::fromUtf8(text.ptr, qsizetype(text.len));
}

std::optional<QJsonObject> jsonObject(const QByteArray &payload) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(payload, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

} // namespace

QString CoapRequest::queryValue(QStringView name) const {
    for (const auto &[key, value] : query) {
        if (key == name)
            return value;
    }
    return {};
}

QList<CoapService::Resource> CoapService::resources() {
    return {
        {ProvisioningAuthPath, {CoapMethod::Post}},
        {CommandsPath, {CoapMethod::Get}},
        {ResponsesPath, {CoapMethod::Post}},
        {CloudAuthPath, {CoapMethod::Post}},
        {StatePath, {CoapMethod::Get, CoapMethod::Patch}},
        {StateReportedPath, {CoapMethod::Patch}},
        {MessagePath, {CoapMethod::Post}},
    };
}

CoapService::CoapService(CloudModel &model, DeviceRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_registry(registry)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); }) {}

CoapReply CoapService::handle(CoapSessionAuth &session, const CoapRequest &request) {
    const QString &path = request.path;
    const CoapMethod method = request.method;
    if (path == ProvisioningAuthPath && method == CoapMethod::Post)
        return provisioningAuth(session, request);
    if (path == CommandsPath && method == CoapMethod::Get)
        return commands(session, request);
    if (path == ResponsesPath && method == CoapMethod::Post)
        return responses(session, request);
    if (path == CloudAuthPath && method == CoapMethod::Post)
        return cloudAuth(session, request);
    if (path == StatePath && method == CoapMethod::Get)
        return getState(session, request);
    if ((path == StatePath || path == StateReportedPath) && method == CoapMethod::Patch)
        return patchState(session, request);
    if (path == MessagePath && method == CoapMethod::Post)
        return message(session, request);
    return problem(coap::NotFound, u"no resource %1 for this method"_s.arg(path));
}

// ---- provisioning service (PROTOCOL §7) ------------------------------------------------------

CoapReply CoapService::provisioningAuth(CoapSessionAuth &session, const CoapRequest &request) {
    session.provisioningDeviceId.clear();
    const auto jwt = DeviceJwt::parse(request.payload);
    if (!jwt)
        return problem(coap::BadRequest, jwt.error().message);
    const QString deviceId = jwt->deviceId();
    const auto entry = m_registry.find(deviceId);
    if (!entry)
        return problem(coap::Forbidden, u"device %1 is not in the registry"_s.arg(deviceId));
    if (auto verified =
            jwt->verify(entry->identityPublicKeyPem, m_clock(), ProvisioningJwtMaxLifetimeSeconds);
        !verified)
        return problem(codeForJwtError(verified.error()), verified.error().message);
    if (!m_model.claimOfDevice(deviceId))
        return problem(coap::Unauthorized, u"device %1 is not claimed"_s.arg(deviceId));
    session.provisioningDeviceId = deviceId;
    qCDebug(lcCloudSim).noquote() << "coap: provisioning session of" << deviceId << "mver"
                                  << request.queryValue(u"mver") << "cver"
                                  << request.queryValue(u"cver");
    Q_EMIT deviceAuthorized(deviceId, false);
    return reply(coap::Created);
}

CoapReply CoapService::commands(const CoapSessionAuth &session, const CoapRequest &request) {
    if (session.provisioningDeviceId.isEmpty())
        return problem(coap::Unauthorized, u"authenticate with p/auth-jwt first"_s);
    bool ok = false;
    int limit = request.queryValue(u"limit").toInt(&ok);
    if (!ok || limit <= 0 || limit > PROV_MAX_COMMANDS)
        limit = PROV_MAX_COMMANDS;
    const qsizetype rxMaxSize = request.queryValue(u"rxMaxSize").toLongLong();
    const QList<DeviceCommand> list = m_model.commandsForDevice(
        session.provisioningDeviceId, request.queryValue(u"after"), limit);
    if (list.isEmpty())
        return reply(coap::Content);
    auto payload = encodeCommands(list, rxMaxSize);
    if (!payload)
        return problem(coap::InternalServerError, payload.error());
    return reply(coap::Content, *payload, coap::FormatCbor);
}

CoapReply CoapService::responses(const CoapSessionAuth &session, const CoapRequest &request) {
    if (session.provisioningDeviceId.isEmpty())
        return problem(coap::Unauthorized, u"authenticate with p/auth-jwt first"_s);
    // The decoded list points into the payload, which lives until the end of this function.
    const QByteArray payload = request.payload;
    auto list = std::make_unique<prov_response_list>();
    const prov_codec_status status = prov_decode_response_list(
        reinterpret_cast<const uint8_t *>(payload.constData()), size_t(payload.size()), list.get());
    if (status != PROV_CODEC_OK)
        return problem(coap::BadRequest, u"the response list does not decode: %1"_s.arg(
                                             QString::fromLatin1(prov_codec_status_name(status))));
    for (size_t i = 0; i < list->count; ++i) {
        const prov_response &entry = list->items[i];
        DeviceResponse response;
        response.correlationId = fromView(entry.corr_id);
        response.type = DeviceResponse::Type(int(entry.type));
        if (entry.type == PROV_RESPONSE_ERROR) {
            response.cmeError = int(entry.cme_error);
            response.message = fromView(entry.message);
        } else if (entry.type == PROV_RESPONSE_AT) {
            response.output = fromView(entry.message);
        }
        if (auto recorded = m_model.recordResponse(session.provisioningDeviceId, response);
            !recorded)
            qCWarning(lcCloudSim).noquote()
                << "coap: response" << response.correlationId << "from"
                << session.provisioningDeviceId << "not recorded:" << recorded.error().message;
    }
    return reply(coap::Changed);
}

// ---- nRF Cloud CoAP (the stand-in's choice of resources, see COAP.md) -----------------------

CoapReply CoapService::cloudAuth(CoapSessionAuth &session, const CoapRequest &request) {
    session.cloudDeviceId.clear();
    const auto jwt = DeviceJwt::parse(request.payload);
    if (!jwt)
        return problem(coap::BadRequest, jwt.error().message);
    const QString deviceId = jwt->deviceId();
    const auto claim = m_model.claimOfDevice(deviceId);
    const auto device =
        claim ? m_model.device(claim->ownerId, deviceId)
              : std::expected<ShadowRecord, ModelError>(std::unexpected(ModelError{}));
    if (!device || device->cloudAccessKey.isEmpty())
        return problem(coap::Unauthorized,
                       u"device %1 is not onboarded to nRF Cloud"_s.arg(deviceId));
    const auto key = publicKeyPemFromKeygenDer(device->cloudAccessKey.toLatin1());
    if (!key)
        return problem(coap::Forbidden, key.error());
    if (auto verified = jwt->verify(*key, m_clock()); !verified)
        return problem(codeForJwtError(verified.error()), verified.error().message);
    session.cloudDeviceId = deviceId;
    qCDebug(lcCloudSim).noquote() << "coap: nRF Cloud session of" << deviceId;
    Q_EMIT deviceAuthorized(deviceId, true);
    return reply(coap::Created);
}

CoapReply CoapService::getState(const CoapSessionAuth &session, const CoapRequest &request) {
    if (session.cloudDeviceId.isEmpty())
        return problem(coap::Unauthorized, u"authenticate with auth/jwt first"_s);
    const auto claim = m_model.claimOfDevice(session.cloudDeviceId);
    const auto device = claim ? m_model.device(claim->ownerId, session.cloudDeviceId)
                              : std::expected<ShadowRecord, ModelError>(
                                    std::unexpected(ModelError{ModelError::Kind::NotFound, {}}));
    if (!device)
        return problem(coap::NotFound, u"the device has no shadow"_s);
    const QString delta = request.queryValue(u"delta");
    if (delta == u"false"_s) {
        const QJsonObject state{{u"desired"_s, device->desired}, {u"reported"_s, device->reported}};
        return reply(coap::Content, QJsonDocument(state).toJson(QJsonDocument::Compact),
                     coap::FormatJson);
    }
    if (!delta.isEmpty() && delta != u"true"_s)
        return problem(coap::BadRequest, u"delta must be true or false"_s);
    const QJsonObject difference = CloudModel::delta(device->desired, device->reported);
    if (difference.isEmpty())
        return reply(coap::Content);
    return reply(coap::Content, QJsonDocument(difference).toJson(QJsonDocument::Compact),
                 coap::FormatJson);
}

CoapReply CoapService::patchState(const CoapSessionAuth &session, const CoapRequest &request) {
    if (session.cloudDeviceId.isEmpty())
        return problem(coap::Unauthorized, u"authenticate with auth/jwt first"_s);
    const auto body = jsonObject(request.payload);
    if (!body)
        return problem(coap::BadRequest, u"the body is not a JSON object"_s);
    QJsonObject reported = *body;
    if (request.path == StatePath) {
        if (body->contains(u"desired"_s) || !body->value(u"reported"_s).isObject() ||
            body->size() != 1)
            return problem(coap::BadRequest,
                           u"PATCH state takes {\"reported\": {...}} and nothing else"_s);
        reported = body->value(u"reported"_s).toObject();
    }
    if (auto patched = m_model.patchShadowFromDevice(session.cloudDeviceId, reported); !patched)
        return problem(coap::NotFound, patched.error().message);
    return reply(coap::Changed);
}

CoapReply CoapService::message(const CoapSessionAuth &session, const CoapRequest &request) {
    if (session.cloudDeviceId.isEmpty())
        return problem(coap::Unauthorized, u"authenticate with auth/jwt first"_s);
    if (!jsonObject(request.payload))
        return problem(coap::BadRequest, u"the message is not a JSON object"_s);
    Q_EMIT deviceMessage(session.cloudDeviceId, request.payload);
    return reply(coap::Created);
}

} // namespace ps::cloudsim
