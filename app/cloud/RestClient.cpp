#include "RestClient.h"

#include "CloudLog.h"

#include <QCoro/QCoroNetworkReply>
#include <QCoro/QCoroTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <chrono>
#include <memory>

using namespace Qt::StringLiterals;

namespace ps::cloud {

namespace {

struct DeleteLater {
    void operator()(QObject *object) const {
        if (object)
            object->deleteLater();
    }
};

/// Transport errors that mean the request never left this machine, so sending it again
/// cannot do anything twice.
bool certainlyNotSent(QNetworkReply::NetworkError error) {
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
    case QNetworkReply::NetworkSessionFailedError:
        return true;
    default:
        return false;
    }
}

QString serviceName(Service service) {
    return service == Service::Provisioning ? u"provisioning"_s : u"main"_s;
}

} // namespace

RestRequest::RestRequest(Service service_, QByteArray method_, QString path_)
    : service(service_)
    , method(std::move(method_))
    , path(std::move(path_)) {}

RestRequest RestRequest::get(Service service, QString path) {
    return RestRequest(service, "GET", std::move(path));
}

RestRequest RestRequest::withBody(Service service, QByteArray method, QString path,
                                  QByteArray jsonBody) {
    RestRequest request(service, std::move(method), std::move(path));
    request.jsonBody = std::move(jsonBody);
    return request;
}

bool RestRequest::isIdempotent() const {
    if (idempotent)
        return *idempotent;
    return method != "POST";
}

RestClient::RestClient(CloudSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_gate(m_settings.maxConcurrentRequests)
    , m_jitter([] { return QRandomGenerator::global()->generateDouble(); })
    , m_network(new QNetworkAccessManager(this)) {
    qRegisterMetaType<ps::cloud::ApiError>();
    m_network->setAutoDeleteReplies(false);
    rebuildSslConfiguration();
}

RestClient::~RestClient() = default;

void RestClient::setSettings(CloudSettings settings) {
    m_settings = std::move(settings);
    m_gate.setCapacity(m_settings.maxConcurrentRequests);
    rebuildSslConfiguration();
}

void RestClient::setApiKey(const QString &apiKey) {
    m_apiKey = apiKey.trimmed().toUtf8();
}

void RestClient::setJitterSource(std::function<double()> jitter) {
    m_jitter = std::move(jitter);
}

void RestClient::rebuildSslConfiguration() {
    // Start from the system's configuration so its CAs stay trusted; verification is on for
    // every client socket and nothing in this class ever ignores an SSL error.
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_caProblem.clear();
    if (!m_settings.extraCaFile.isEmpty()) {
        QFile file(m_settings.extraCaFile);
        if (!file.open(QIODevice::ReadOnly)) {
            m_caProblem =
                u"cannot read the CA file %1: %2"_s.arg(m_settings.extraCaFile, file.errorString());
        } else {
            const QByteArray data = file.readAll();
            QList<QSslCertificate> certificates = QSslCertificate::fromData(data, QSsl::Pem);
            if (certificates.isEmpty())
                certificates = QSslCertificate::fromData(data, QSsl::Der);
            if (certificates.isEmpty())
                m_caProblem = u"the CA file %1 holds no certificate"_s.arg(m_settings.extraCaFile);
            else
                configuration.addCaCertificates(certificates);
        }
    }
    m_sslConfiguration = configuration;
}

QUrl RestClient::urlFor(const RestRequest &request) const {
    const QUrl &base = request.service == Service::Provisioning ? m_settings.provisioningBaseUrl
                                                                : m_settings.mainBaseUrl;
    QUrl url = base;
    QString path = base.path(QUrl::FullyEncoded);
    if (!path.endsWith(u'/'))
        path += u'/';
    QString relative = request.path;
    while (relative.startsWith(u'/'))
        relative.remove(0, 1);
    url.setPath(path + relative, QUrl::TolerantMode);
    url.setQuery(request.query);
    return url;
}

std::optional<ApiError> RestClient::checkConfiguration(const RestRequest &request,
                                                       const QUrl &url) const {
    if (!url.isValid() || url.host().isEmpty())
        return ApiError::configuration(
            u"The %1 API base URL is not a valid URL."_s.arg(serviceName(request.service)),
            u"Set the API base URLs in Settings > Cloud."_s);
    if (url.scheme() != u"https"_s)
        return ApiError::configuration(
            u"The %1 API base URL must use https:// (it is %2)."_s.arg(
                serviceName(request.service), url.toString(QUrl::RemoveQuery)),
            u"Set an https:// URL in Settings > Cloud; the cloud is only reached over "
            "verified TLS."_s);
    if (!m_caProblem.isEmpty())
        return ApiError::configuration(u"The extra CA cannot be used: "_s + m_caProblem + u'.',
                                       u"Fix or clear the CA file in Settings > Cloud."_s);
    if (m_apiKey.isEmpty())
        return ApiError::configuration(u"No API key is set."_s,
                                       u"Enter the API key in Settings > Account."_s);
    return std::nullopt;
}

QString RestClient::scrub(QString text) const {
    if (!m_apiKey.isEmpty())
        text.replace(QString::fromUtf8(m_apiKey), u"<api key>"_s);
    return text;
}

ApiError RestClient::scrub(ApiError error) const {
    error.message = scrub(std::move(error.message));
    error.hint = scrub(std::move(error.hint));
    return error;
}

std::pair<QString, int> RestClient::serverMessage(const QByteArray &body, const QString &fallback) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return {fallback, 0};
    const QJsonObject object = document.object();
    QString message = object.value(u"message"_s).toString();
    if (message.isEmpty())
        message = fallback;
    const QJsonValue codeValue = object.value(u"code"_s);
    int code = 0;
    if (codeValue.isDouble())
        code = codeValue.toInt();
    else if (codeValue.isString())
        code = codeValue.toString().toInt();
    return {message, code};
}

QCoro::Task<std::expected<RestResponse, ApiError>> RestClient::send(RestRequest request) {
    QPointer<RestClient> self = this;
    const QUrl url = urlFor(request);
    const QString method = QString::fromLatin1(request.method);
    const QString path = url.path();
    if (std::optional<ApiError> problem = checkConfiguration(request, url)) {
        qCWarning(lcCloud).noquote() << method << path << "not sent:" << problem->message;
        co_return std::unexpected(*problem);
    }
    const RetryPolicy policy = RetryPolicy::fromSettings(m_settings);

    for (int attemptNumber = 1;; ++attemptNumber) {
        AttemptResult result;
        {
            RequestGate::Permit permit = co_await m_gate.acquire();
            if (!self)
                co_return std::unexpected(ApiError::clientClosed());
            result = co_await attempt(request, url);
            if (!self)
                co_return std::unexpected(ApiError::clientClosed());
        }
        if (result.response) {
            result.response->attempts = attemptNumber;
            co_return std::move(*result.response);
        }

        ApiError error = scrub(std::move(*result.error));
        error.attempts = attemptNumber;
        // An HTTP error answer means the server decided; a dropped connection or a timeout may
        // hide a request that was carried out, which only an idempotent request may repeat.
        const bool safeToRepeat = error.kind == ApiError::Kind::Http ||
                                  !result.mayHaveReachedServer || request.isIdempotent();
        if (!error.retryable || !safeToRepeat || attemptNumber >= policy.maxAttempts) {
            qCWarning(lcCloud).noquote() << method << path << "failed after" << attemptNumber
                                         << "attempt(s):" << error.toString();
            co_return std::unexpected(error);
        }
        const std::optional<int> delay =
            policy.delayMs(attemptNumber, result.retryAfterMs, m_jitter ? m_jitter() : 0.5);
        if (!delay) {
            error.hint =
                u"nRF Cloud asked to wait %1 s before trying again; try again later."_s.arg(
                    (*result.retryAfterMs + 999) / 1000);
            qCWarning(lcCloud).noquote() << method << path << "gave up:" << error.toString();
            co_return std::unexpected(error);
        }
        qCInfo(lcCloud).noquote() << method << path << "attempt" << attemptNumber << "failed ("
                                  << error.toString() << "), retrying in" << *delay << "ms";
        Q_EMIT retryScheduled(method, path, attemptNumber + 1, *delay, error);
        co_await QCoro::sleepFor(std::chrono::milliseconds(*delay));
        if (!self)
            co_return std::unexpected(ApiError::clientClosed());
    }
}

QCoro::Task<RestClient::AttemptResult> RestClient::attempt(const RestRequest &request,
                                                           const QUrl &url) {
    QPointer<RestClient> self = this;
    QNetworkRequest networkRequest(url);
    const int timeoutMs = m_settings.transferTimeoutMs;
    networkRequest.setTransferTimeout(timeoutMs);
    networkRequest.setSslConfiguration(m_sslConfiguration);
    networkRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                                QNetworkRequest::ManualRedirectPolicy);
    networkRequest.setRawHeader("Authorization", "Bearer " + m_apiKey);
    networkRequest.setRawHeader("Accept", "application/json");
    if (request.jsonBody)
        networkRequest.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);

    QElapsedTimer elapsed;
    elapsed.start();
    std::unique_ptr<QNetworkReply, DeleteLater> reply(
        request.jsonBody
            ? m_network->sendCustomRequest(networkRequest, request.method, *request.jsonBody)
            : m_network->sendCustomRequest(networkRequest, request.method));
    // Collected for the error text only; the errors are never ignored, so the handshake fails.
    auto sslErrors = std::make_shared<QStringList>();
    connect(reply.get(), &QNetworkReply::sslErrors, reply.get(),
            [sslErrors](const QList<QSslError> &errors) {
                for (const QSslError &sslError : errors)
                    sslErrors->append(sslError.errorString());
            });

    co_await reply.get();
    AttemptResult result;
    if (!self) {
        result.error = ApiError::clientClosed();
        co_return result;
    }

    const QString method = QString::fromLatin1(request.method);
    const QNetworkReply::NetworkError networkError = reply->error();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString host = url.port() > 0 ? u"%1:%2"_s.arg(url.host()).arg(url.port()) : url.host();

    // Codes below 200 are the network and proxy layers: the answer, if any, is incomplete.
    if (networkError != QNetworkReply::NoError && networkError < 200) {
        result.mayHaveReachedServer = !certainlyNotSent(networkError);
        switch (networkError) {
        case QNetworkReply::SslHandshakeFailedError:
            result.error = ApiError::tls(sslErrors->isEmpty() ? reply->errorString()
                                                              : sslErrors->join(u"; "_s));
            break;
        case QNetworkReply::OperationCanceledError: // the transfer timeout aborts the reply
        case QNetworkReply::TimeoutError:
            result.error = ApiError::timeout(timeoutMs);
            break;
        case QNetworkReply::ConnectionRefusedError:
            result.error = ApiError::network(u"%1 refused the connection"_s.arg(host), host);
            break;
        case QNetworkReply::HostNotFoundError:
            result.error = ApiError::network(u"Host %1 not found"_s.arg(url.host()), host);
            break;
        case QNetworkReply::RemoteHostClosedError:
            result.error = ApiError::network(
                u"%1 closed the connection before the answer was complete"_s.arg(host), host);
            break;
        default:
            result.error = ApiError::network(reply->errorString(), host);
            break;
        }
        qCDebug(lcCloud).noquote() << method << url.path() << "->" << kindName(result.error->kind)
                                   << "error after" << elapsed.elapsed() << "ms";
        co_return result;
    }

    const QByteArray body = reply->readAll();
    qCDebug(lcCloud).noquote() << method << url.path() << "->" << status << "in"
                               << elapsed.elapsed() << "ms";
    if (status == 0) {
        result.error = ApiError::badResponse(u"no HTTP status (%1)"_s.arg(reply->errorString()));
        co_return result;
    }
    if (status >= 200 && status < 300) {
        RestResponse response;
        response.httpStatus = status;
        response.body = body;
        response.headers = reply->rawHeaderPairs();
        result.response = std::move(response);
        co_return result;
    }

    const QString reason =
        reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().trimmed();
    auto [message, code] =
        serverMessage(body, reason.isEmpty() ? u"HTTP %1"_s.arg(status) : reason);
    result.error = ApiError::fromHttp(status, code, std::move(message));
    if (status == 429 || status == 503) {
        result.retryAfterMs =
            parseRetryAfter(reply->rawHeader("Retry-After"), QDateTime::currentDateTimeUtc());
    }
    co_return result;
}

} // namespace ps::cloud
