#include "HttpsFrontend.h"

#include "CertificateAuthority.h"
#include "CloudModel.h"
#include "DeviceRegistry.h"
#include "SimLog.h"
#include "TokenVerifier.h"
#include "core/AttestationToken.h"

#include <QCryptographicHash>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

namespace {

constexpr int DefaultPageLimit = 20;
constexpr int MaxPageLimit = 100;

QByteArray json(const QJsonObject &object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray httpDate(const QDateTime &time) {
    return QLocale::c().toString(time.toUTC(), u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s).toLatin1();
}

QString methodName(QHttpServerRequest::Method method) {
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return u"GET"_s;
    case QHttpServerRequest::Method::Post:
        return u"POST"_s;
    case QHttpServerRequest::Method::Put:
        return u"PUT"_s;
    case QHttpServerRequest::Method::Delete:
        return u"DELETE"_s;
    case QHttpServerRequest::Method::Patch:
        return u"PATCH"_s;
    case QHttpServerRequest::Method::Head:
        return u"HEAD"_s;
    default:
        return u"OTHER"_s;
    }
}

QByteArray headerValue(const QHttpServerRequest &request, QByteArrayView name) {
    for (const auto &[key, value] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

/// The opaque page token: base64url of "offset:<n>".
QString pageToken(qsizetype offset) {
    return QString::fromLatin1(
        QByteArray("offset:" + QByteArray::number(offset))
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::expected<qsizetype, QString> pageOffset(const QString &token) {
    if (token.isEmpty())
        return 0;
    const auto decoded = QByteArray::fromBase64Encoding(
        token.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    bool ok = false;
    const qsizetype offset = decoded && decoded.decoded.startsWith("offset:")
                                 ? decoded.decoded.mid(7).toLongLong(&ok)
                                 : -1;
    if (!ok || offset < 0)
        return std::unexpected(u"pageNextToken is not a token this service issued"_s);
    return offset;
}

/// One page of `all` following the main API's convention (PROTOCOL §6).
std::expected<QJsonObject, QString> page(const QJsonArray &all, const QUrlQuery &query) {
    int limit = DefaultPageLimit;
    if (query.hasQueryItem(u"pageLimit"_s)) {
        bool ok = false;
        limit = query.queryItemValue(u"pageLimit"_s).toInt(&ok);
        if (!ok || limit < 1 || limit > MaxPageLimit)
            return std::unexpected(
                u"pageLimit must be a whole number from 1 to %1"_s.arg(MaxPageLimit));
    }
    const auto offset = pageOffset(query.queryItemValue(u"pageNextToken"_s, QUrl::FullyDecoded));
    if (!offset)
        return std::unexpected(offset.error());
    QJsonArray items;
    for (qsizetype i = *offset; i < all.size() && items.size() < limit; ++i)
        items.append(all.at(i));
    QJsonObject result{{u"items"_s, items}, {u"total"_s, all.size()}};
    if (*offset + items.size() < all.size())
        result.insert(u"pageNextToken"_s, pageToken(*offset + items.size()));
    return result;
}

QJsonObject claimJson(const ClaimRecord &claim, const QString &status) {
    return QJsonObject{{u"id"_s, claim.deviceId},
                       {u"deviceType"_s, CloudModel::deviceTypeName(claim.deviceType)},
                       {u"firmwareId"_s, claim.firmwareId},
                       {u"imei"_s, claim.imei},
                       {u"ownerId"_s, claim.ownerId},
                       {u"ownershipStatus"_s, u"CLAIMED"_s},
                       {u"tags"_s, QJsonArray::fromStringList(claim.tags)},
                       {u"status"_s, status},
                       {u"claimedAt"_s, claim.claimedAt.toString(Qt::ISODateWithMs)}};
}

QJsonObject commandJson(const CommandRecord &command) {
    QJsonObject object{{u"id"_s, command.id},
                       {u"description"_s, command.description},
                       {u"status"_s, statusText(command.status)},
                       {u"request"_s, command.request},
                       {u"createdAt"_s, command.createdAt.toString(Qt::ISODateWithMs)},
                       {u"updatedAt"_s, command.updatedAt.toString(Qt::ISODateWithMs)}};
    if (!command.response.isEmpty())
        object.insert(u"response"_s, command.response);
    return object;
}

QJsonObject ruleJson(const RuleRecord &rule) {
    return QJsonObject{{u"id"_s, rule.id},
                       {u"name"_s, rule.name},
                       {u"description"_s, rule.description},
                       {u"active"_s, rule.active},
                       {u"commands"_s, rule.commands},
                       {u"tags"_s, QJsonArray::fromStringList(rule.tags)},
                       {u"createdAt"_s, rule.createdAt.toString(Qt::ISODateWithMs)}};
}

QJsonObject deviceJson(const ShadowRecord &shadow, const std::optional<ClaimRecord> &claim) {
    QJsonObject object{
        {u"id"_s, shadow.deviceId},
        {u"name"_s, shadow.deviceId},
        {u"type"_s, u"Generic"_s},
        {u"tags"_s, QJsonArray::fromStringList(claim ? claim->tags : QStringList())},
        {u"createdAt"_s, shadow.onboardedAt.toString(Qt::ISODateWithMs)},
        {u"state"_s, QJsonObject{{u"reported"_s, shadow.reported},
                                 {u"desired"_s, shadow.desired},
                                 {u"delta"_s, CloudModel::delta(shadow.desired, shadow.reported)},
                                 {u"version"_s, double(shadow.version)}}}};
    if (claim)
        object.insert(u"firmware"_s, QJsonObject{{u"modem"_s, claim->firmwareId}});
    return object;
}

int statusFor(ModelError::Kind kind) {
    switch (kind) {
    case ModelError::Kind::NotFound:
        return 404;
    case ModelError::Kind::Conflict:
        return 409;
    case ModelError::Kind::Invalid:
    case ModelError::Kind::LimitReached:
        return 400;
    }
    return 500;
}

} // namespace

HttpsFrontend::HttpsFrontend(CloudModel &model, DeviceRegistry &registry, FaultInjector &faults,
                             QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_registry(registry)
    , m_faults(faults) {
    // One handler for every request: the fault injector and authentication come before any
    // route, and no route is registered with the router.
    m_server.setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handle(request, std::move(responder));
        });
}

HttpsFrontend::~HttpsFrontend() {
    releaseHungRequests();
}

void HttpsFrontend::setApiKeys(const QStringList &keys) {
    m_owners.clear();
    for (const QString &key : keys) {
        m_owners.insert(QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256),
                        ownerIdForKey(key));
    }
}

QString HttpsFrontend::ownerIdForKey(const QString &key) {
    return u"acct-"_s +
           QString::fromLatin1(
               QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex().left(12));
}

std::expected<quint16, QString> HttpsFrontend::listen(quint16 port, const TlsMaterial &tls) {
    const QSslCertificate certificate(tls.serverCertificatePem, QSsl::Pem);
    const QSslKey key(tls.serverKeyPem, QSsl::Ec, QSsl::Pem);
    if (certificate.isNull() || key.isNull())
        return std::unexpected(u"the server certificate or key cannot be loaded"_s);
    m_server.sslSetup(certificate, key);
    const quint16 bound = m_server.listen(QHostAddress::LocalHost, port);
    if (bound == 0)
        return std::unexpected(u"cannot listen on 127.0.0.1:%1"_s.arg(port));
    m_port = bound;
    return bound;
}

void HttpsFrontend::releaseHungRequests() {
    for (auto &[responder, socket] : m_hung) {
        if (socket)
            socket->abort();
    }
    m_hung.clear();
}

void HttpsFrontend::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder) {
    const QPointer<QTcpSocket> socket = responder.socket();
    auto shared = std::make_shared<QHttpServerResponder>(std::move(responder));

    const QString encodedPath = request.url().path(QUrl::FullyEncoded);
    QStringList path;
    for (const QString &part : encodedPath.split(u'/', Qt::SkipEmptyParts))
        path.append(QUrl::fromPercentEncoding(part.toLatin1()));
    Api api = Api::Unknown;
    if (path.size() >= 2 && path[0] == u"provisioning"_s && path[1] == u"v1"_s) {
        api = Api::Provisioning;
        path = path.mid(2);
    } else if (!path.isEmpty() && path[0] == u"v1"_s) {
        api = Api::Main;
        path = path.mid(1);
    } else if (!path.isEmpty() && path[0] == u"_sim"_s) {
        api = Api::Admin;
        path = path.mid(1);
    }

    FaultDecision fault;
    if (api != Api::Admin)
        fault = m_faults.decide(encodedPath);
    const QString method = methodName(request.method());

    if (fault.action == FaultDecision::Action::Hang) {
        qCDebug(lcCloudSim).noquote() << method << encodedPath << "-> (hang)";
        std::erase_if(m_hung, [](const auto &entry) { return entry.second.isNull(); });
        m_hung.emplace_back(shared, socket);
        return;
    }

    Reply reply;
    if (fault.action == FaultDecision::Action::Garbage) {
        reply.body = "{\"items\": [ this is not JSON";
    } else if (fault.action == FaultDecision::Action::Error ||
               fault.action == FaultDecision::Action::RateLimit) {
        reply.status = fault.status;
        const bool rateLimited = fault.action == FaultDecision::Action::RateLimit;
        QJsonObject body{{u"message"_s, rateLimited ? u"Too many requests"_s
                                                    : u"Service temporarily unavailable"_s}};
        if (api == Api::Main)
            body.insert(u"code"_s, fault.status * 100);
        reply.body = json(body);
        if (rateLimited || fault.status == 503) {
            const QByteArray retryAfter =
                fault.retryAfterAsDate
                    ? httpDate(QDateTime::currentDateTimeUtc().addSecs(fault.retryAfterSeconds))
                    : QByteArray::number(fault.retryAfterSeconds);
            reply.headers.append({"Retry-After", retryAfter});
        }
    } else {
        const QString key = QString::fromUtf8(headerValue(request, "Authorization"));
        const QString token =
            key.startsWith(u"Bearer "_s, Qt::CaseInsensitive) ? key.mid(7).trimmed() : QString();
        const QString ownerId =
            m_owners.value(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256));
        if (token.isEmpty() || ownerId.isEmpty()) {
            reply.status = 401;
            QJsonObject body{{u"message"_s, token.isEmpty()
                                                ? u"Unauthorized: no bearer API key"_s
                                                : u"Unauthorized: the API key is not valid"_s}};
            if (api == Api::Main)
                body.insert(u"code"_s, 40100);
            reply.body = json(body);
        } else {
            reply = route(request, api, path, ownerId);
        }
    }
    if (api != Api::Admin)
        ++m_requestCount;
    qCDebug(lcCloudSim).noquote() << method << encodedPath << "->" << reply.status
                                  << (fault.action == FaultDecision::Action::Drop ? "(dropped)"
                                                                                  : "");

    const bool cutShort = fault.action == FaultDecision::Action::Drop;
    if (fault.latencyMs > 0) {
        m_maxInFlight = std::max(m_maxInFlight, ++m_inFlight);
        QTimer::singleShot(fault.latencyMs, this, [this, shared, socket, reply, cutShort] {
            --m_inFlight;
            send(shared, socket, reply, cutShort);
        });
    } else {
        send(shared, socket, reply, cutShort);
    }
}

void HttpsFrontend::send(const std::shared_ptr<QHttpServerResponder> &responder,
                         const QPointer<QTcpSocket> &socket, const Reply &reply, bool cutShort) {
    // The client may have given up meanwhile (its transfer timeout); the responder writes
    // through a plain socket pointer, so check first.
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    const auto status = QHttpServerResponder::StatusCode(reply.status);
    responder->writeStatusLine(status);
    if (reply.status != 204) {
        responder->writeHeader("Content-Type", "application/json");
        responder->writeHeader("Content-Length", QByteArray::number(reply.body.size()));
    }
    for (const auto &[name, value] : reply.headers)
        responder->writeHeader(name, value);
    if (cutShort) {
        // Announce the whole body, send half of it, then close: the client sees the connection
        // end in the middle of the answer.
        responder->writeBody(reply.body.left(reply.body.size() / 2));
        socket->flush();
        socket->disconnectFromHost();
        return;
    }
    responder->writeBody(reply.status == 204 ? QByteArray() : reply.body);
}

HttpsFrontend::Reply HttpsFrontend::route(const QHttpServerRequest &request, Api api,
                                          const QStringList &path, const QString &ownerId) {
    switch (api) {
    case Api::Provisioning:
        return routeProvisioning(request, path, ownerId);
    case Api::Main:
        return routeMain(request, path, ownerId);
    case Api::Admin:
        return routeAdmin(request, path);
    case Api::Unknown:
        break;
    }
    return Reply{404,
                 json({{u"message"_s, u"No such API; the provisioning API is under "
                                      "/provisioning/v1/, the main API under /v1/."_s}}),
                 {}};
}

HttpsFrontend::Reply HttpsFrontend::claim(const QHttpServerRequest &request,
                                          const QString &ownerId) {
    auto error = [](int status, const QString &message) {
        return Reply{status, json({{u"message"_s, message}}), {}};
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return error(400, u"The body must be a JSON object."_s);
    const QJsonObject body = document.object();
    const QJsonValue tokenValue = body.value(u"claimToken"_s);
    if (!tokenValue.isString() || tokenValue.toString().isEmpty())
        return error(400, u"\"claimToken\" is required."_s);
    QStringList tags;
    const QJsonValue tagsValue = body.value(u"tags"_s);
    if (!tagsValue.isUndefined()) {
        if (!tagsValue.isArray())
            return error(400, u"\"tags\" must be an array of strings."_s);
        for (const QJsonValue tag : tagsValue.toArray()) {
            if (!tag.isString())
                return error(400, u"\"tags\" must be an array of strings."_s);
            tags.append(tag.toString());
        }
    }

    const auto token = core::AttestationToken::parse(tokenValue.toString());
    if (!token)
        return error(400, u"Invalid claim token: "_s + token.error().message);
    const QString deviceId = core::AttestationToken::uuidText(token->deviceUuid);
    const std::optional<RegistryEntry> entry = m_registry.find(deviceId);
    if (!entry)
        return error(400, u"Invalid claim token: device %1 is not a known device."_s.arg(deviceId));
    if (auto verified = TokenVerifier::verify(*token, entry->identityPublicKeyPem); !verified)
        return error(400, u"Invalid claim token: "_s + verified.error() + u'.');

    const bool dryRun = QUrlQuery(request.url()).queryItemValue(u"dryrun"_s) == u"true"_s;
    auto claimed =
        m_model.claim(ownerId,
                      {.deviceId = deviceId,
                       .deviceType = token->deviceType,
                       .firmwareId = core::AttestationToken::uuidText(token->modemFirmwareUuid),
                       .imei = entry->imei,
                       .tags = tags},
                      dryRun);
    if (!claimed)
        return error(statusFor(claimed.error().kind), claimed.error().message);
    if (dryRun)
        return Reply{202, json({{u"message"_s, u"The device can be claimed."_s}}), {}};
    return Reply{201, json(claimJson(*claimed, m_model.provisioningStatus(deviceId))), {}};
}

HttpsFrontend::Reply HttpsFrontend::routeProvisioning(const QHttpServerRequest &request,
                                                      const QStringList &path,
                                                      const QString &ownerId) {
    using Method = QHttpServerRequest::Method;
    auto error = [](int status, const QString &message) {
        return Reply{status, json({{u"message"_s, message}}), {}};
    };
    auto fromModel = [&](const ModelError &e) { return error(statusFor(e.kind), e.message); };
    auto methodNotAllowed = [&] {
        return error(405, u"Method %1 is not allowed here."_s.arg(methodName(request.method())));
    };
    const Method method = request.method();
    const QUrlQuery query(request.url());

    if (path.size() == 1 && path[0] == u"claimed-devices"_s) {
        if (method == Method::Post)
            return claim(request, ownerId);
        if (method != Method::Get)
            return methodNotAllowed();
        QJsonArray all;
        for (const ClaimRecord &record : m_model.claims(ownerId))
            all.append(claimJson(record, m_model.provisioningStatus(record.deviceId)));
        auto result = page(all, query);
        return result ? Reply{200, json(*result), {}} : error(400, result.error());
    }
    if (path.size() >= 2 && path[0] == u"claimed-devices"_s) {
        const QString &deviceId = path[1];
        if (path.size() == 2) {
            if (method == Method::Delete) {
                auto removed = m_model.unclaim(ownerId, deviceId);
                return removed ? Reply{204, {}, {}} : fromModel(removed.error());
            }
            if (method != Method::Get)
                return methodNotAllowed();
            const auto record = m_model.claim(ownerId, deviceId);
            if (!record)
                return error(404, u"Device %1 is not claimed by this account."_s.arg(deviceId));
            return Reply{200, json(claimJson(*record, m_model.provisioningStatus(deviceId))), {}};
        }
        if (path[2] != u"provisioning"_s || path.size() > 4)
            return error(404, u"No such resource."_s);
        if (path.size() == 4) {
            if (method != Method::Get)
                return methodNotAllowed();
            auto command = m_model.command(ownerId, deviceId, path[3]);
            return command ? Reply{200, json(commandJson(*command)), {}}
                           : fromModel(command.error());
        }
        if (method == Method::Post) {
            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(request.body(), &parseError);
            if (parseError.error != QJsonParseError::NoError || !document.isObject())
                return error(400, u"The body must be a JSON object."_s);
            const QJsonObject body = document.object();
            if (!body.value(u"request"_s).isObject())
                return error(400, u"\"request\" must be an object holding one command."_s);
            auto created =
                m_model.createCommand(ownerId, deviceId, body.value(u"description"_s).toString(),
                                      body.value(u"request"_s).toObject());
            return created ? Reply{201, json({{u"id"_s, created->id}}), {}}
                           : fromModel(created.error());
        }
        if (method != Method::Get)
            return methodNotAllowed();
        auto commands = m_model.commands(ownerId, deviceId);
        if (!commands)
            return fromModel(commands.error());
        QJsonArray all;
        for (const CommandRecord &command : *commands)
            all.append(commandJson(command));
        auto result = page(all, query);
        return result ? Reply{200, json(*result), {}} : error(400, result.error());
    }
    if (path.size() == 1 && path[0] == u"provisioning-rules"_s) {
        if (method == Method::Post) {
            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(request.body(), &parseError);
            if (parseError.error != QJsonParseError::NoError || !document.isObject())
                return error(400, u"The body must be a JSON object."_s);
            const QJsonObject body = document.object();
            QStringList tags;
            for (const QJsonValue tag : body.value(u"tags"_s).toArray())
                tags.append(tag.toString());
            auto created = m_model.createRule(
                ownerId, body.value(u"name"_s).toString(), body.value(u"description"_s).toString(),
                body.value(u"active"_s).toBool(true), body.value(u"commands"_s).toArray(), tags);
            return created ? Reply{201, json(ruleJson(*created)), {}} : fromModel(created.error());
        }
        if (method != Method::Get)
            return methodNotAllowed();
        QJsonArray all;
        for (const RuleRecord &rule : m_model.rules(ownerId))
            all.append(ruleJson(rule));
        auto result = page(all, query);
        return result ? Reply{200, json(*result), {}} : error(400, result.error());
    }
    return error(404, u"No such resource."_s);
}

HttpsFrontend::Reply HttpsFrontend::routeMain(const QHttpServerRequest &request,
                                              const QStringList &path, const QString &ownerId) {
    using Method = QHttpServerRequest::Method;
    auto error = [](int status, int code, const QString &message) {
        return Reply{status, json({{u"message"_s, message}, {u"code"_s, code}}), {}};
    };
    const Method method = request.method();
    const QUrlQuery query(request.url());
    auto notAllowed = [&] {
        return error(405, 40500,
                     u"Method %1 is not allowed here."_s.arg(methodName(request.method())));
    };
    auto noDevice = [&](const ModelError &e) {
        return e.kind == ModelError::Kind::NotFound ? error(404, 40412, e.message)
                                                    : error(400, 40000, e.message);
    };

    if (path.size() == 1 && path[0] == u"devices"_s) {
        if (method != Method::Get)
            return notAllowed();
        QStringList filter;
        if (query.hasQueryItem(u"deviceIds"_s))
            filter = query.queryItemValue(u"deviceIds"_s, QUrl::FullyDecoded)
                         .split(u',', Qt::SkipEmptyParts);
        QJsonArray all;
        for (const ShadowRecord &shadow : m_model.devices(ownerId)) {
            if (filter.isEmpty() || filter.contains(shadow.deviceId))
                all.append(deviceJson(shadow, m_model.claim(ownerId, shadow.deviceId)));
        }
        auto result = page(all, query);
        return result ? Reply{200, json(*result), {}} : error(400, 40000, result.error());
    }
    if (path.size() == 2 && path[0] == u"devices"_s) {
        if (method != Method::Get)
            return notAllowed();
        auto shadow = m_model.device(ownerId, path[1]);
        if (!shadow)
            return noDevice(shadow.error());
        return Reply{200, json(deviceJson(*shadow, m_model.claim(ownerId, path[1]))), {}};
    }
    if (path.size() == 3 && path[0] == u"devices"_s && path[2] == u"state"_s) {
        if (method != Method::Patch)
            return notAllowed();
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(request.body(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            return error(400, 40000, u"The body must be a JSON object."_s);
        const QJsonObject body = document.object();
        std::optional<QJsonObject> desired;
        std::optional<QJsonObject> reported;
        for (auto it = body.begin(); it != body.end(); ++it) {
            if (it.key() != u"desired"_s && it.key() != u"reported"_s)
                return error(400, 40000,
                             u"Unknown key \"%1\"; a state patch holds \"desired\" and/or "
                             "\"reported\"."_s.arg(it.key()));
            if (!it.value().isObject())
                return error(400, 40000, u"\"%1\" must be an object."_s.arg(it.key()));
            (it.key() == u"desired"_s ? desired : reported) = it.value().toObject();
        }
        if (!desired && !reported)
            return error(400, 40000, u"A state patch needs \"desired\" or \"reported\"."_s);
        auto patched = m_model.patchState(ownerId, path[1], desired, reported);
        return patched ? Reply{202, {}, {}} : noDevice(patched.error());
    }
    return error(404, 40400, u"No such resource."_s);
}

HttpsFrontend::Reply HttpsFrontend::routeAdmin(const QHttpServerRequest &request,
                                               const QStringList &path) {
    using Method = QHttpServerRequest::Method;
    auto error = [](int status, const QString &message) {
        return Reply{status, json({{u"message"_s, message}}), {}};
    };
    if (path != QStringList{u"faults"_s})
        return error(404, u"The admin API has only /_sim/faults."_s);
    auto current = [this] {
        return QJsonObject{{u"plan"_s, m_faults.plan().toJson()},
                           {u"statistics"_s, m_faults.statistics()}};
    };
    switch (request.method()) {
    case Method::Get:
        return Reply{200, json(current()), {}};
    case Method::Delete:
        m_faults.setPlan({});
        releaseHungRequests();
        return Reply{204, {}, {}};
    case Method::Post: {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(request.body(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            return error(400, u"The body must be a JSON object."_s);
        auto plan = FaultPlan::fromJson(document.object());
        if (!plan)
            return error(400, plan.error());
        m_faults.setPlan(*plan);
        return Reply{200, json(current()), {}};
    }
    default:
        return error(405, u"Use GET, POST or DELETE."_s);
    }
}

} // namespace ps::cloudsim
