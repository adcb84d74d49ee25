#pragma once

#include "ApiError.h"
#include "CloudSettings.h"
#include "RequestGate.h"
#include "RetryPolicy.h"

#include <QByteArray>
#include <QCoro/QCoroTask>
#include <QList>
#include <QObject>
#include <QPair>
#include <QSslConfiguration>
#include <QUrlQuery>
#include <expected>
#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace ps::cloud {

/// Which of nRF Cloud's two REST APIs a request goes to (PROTOCOL §5 and §6).
enum class Service {
    Provisioning, ///< api.provisioning.nrfcloud.com: claims, provisioning commands, rules
    Main,         ///< api.nrfcloud.com: devices and their shadows
};

/// One REST call. `path` is relative to the service's base URL ("claimed-devices/<id>"), with
/// its segments percent-encoded.
///
/// Deliberately not an aggregate (it has constructors): g++ 12 destroys an aggregate temporary
/// that is brace-initialised inside a co_await expression twice, which corrupts the heap
/// (`co_await client.send({.path = ...})`). With constructors such code does not compile, and
/// a RestRequest made with a constructor is safe anywhere.
struct RestRequest {
    RestRequest() = default;
    RestRequest(Service service, QByteArray method, QString path);
    static RestRequest get(Service service, QString path);
    /// A request with a JSON body; method is POST, PATCH or PUT.
    static RestRequest withBody(Service service, QByteArray method, QString path,
                                QByteArray jsonBody);

    Service service = Service::Provisioning;
    QByteArray method = "GET";
    QString path;
    QUrlQuery query;
    std::optional<QByteArray> jsonBody; ///< sent with Content-Type application/json
    /// Whether sending the request twice does no harm. Decides whether a request that may have
    /// reached the server (connection dropped mid-answer, timeout) is sent again. Defaults to
    /// true for GET, HEAD, PUT, DELETE and PATCH, false for POST.
    std::optional<bool> idempotent;

    [[nodiscard]] bool isIdempotent() const;
};

struct RestResponse {
    int httpStatus = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    int attempts = 0; ///< 1 when the first try succeeded
};

/// nRF Cloud's REST transport: HTTPS with verified TLS, bearer authentication, bounded waits,
/// retries and errors a person can act on.
///
///     RestClient client(settings);
///     client.setApiKey(key);                       // from ApiKeyStore
///     auto reply = co_await client.send(RestRequest::get(Service::Main, u"devices"_s));
///     if (!reply) showProblem(reply.error().toString());
///
/// Every attempt has a transfer timeout. 5xx, 429 and connection errors are retried with
/// exponential backoff and jitter (Retry-After is honoured, in seconds or as an HTTP date);
/// a request that may already have reached the server is only sent again when it is
/// idempotent. Other 4xx are never retried. At most maxConcurrentRequests attempts are in
/// flight; further requests wait their turn. TLS is always verified: the optional extra CA is
/// added to the system's CAs, and there is no switch to turn verification off. Redirects are
/// not followed, so the Authorization header never travels to another host. The API key is
/// kept in memory only and scrubbed from every error text and log line.
class RestClient : public QObject {
    Q_OBJECT

public:
    explicit RestClient(CloudSettings settings, QObject *parent = nullptr);
    ~RestClient() override;

    /// Applies new settings to requests that start from now on.
    void setSettings(CloudSettings settings);
    [[nodiscard]] const CloudSettings &settings() const { return m_settings; }

    void setApiKey(const QString &apiKey);
    [[nodiscard]] bool hasApiKey() const { return !m_apiKey.isEmpty(); }

    /// Replaces the source of retry jitter (uniform in [0, 1)); tests make it fixed.
    void setJitterSource(std::function<double()> jitter);

    /// Sends `request`, retrying as described above. Success means a 2xx answer.
    QCoro::Task<std::expected<RestResponse, ApiError>> send(RestRequest request);

    /// The URL `request` goes to.
    [[nodiscard]] QUrl urlFor(const RestRequest &request) const;

    /// An error message from the server: `message` and `code` of a JSON body, else the HTTP
    /// reason phrase. Public so the API classes and tests read bodies the same way.
    static std::pair<QString, int> serverMessage(const QByteArray &body, const QString &fallback);

Q_SIGNALS:
    /// A failed attempt will be sent again after `delayMs`. For progress displays and tests.
    void retryScheduled(const QString &method, const QString &path, int nextAttempt, int delayMs,
                        const ps::cloud::ApiError &reason);

private:
    struct AttemptResult {
        std::optional<RestResponse> response;
        std::optional<ApiError> error;
        std::optional<qint64> retryAfterMs;
        bool mayHaveReachedServer = false;
    };

    QCoro::Task<AttemptResult> attempt(const RestRequest &request, const QUrl &url);
    std::optional<ApiError> checkConfiguration(const RestRequest &request, const QUrl &url) const;
    void rebuildSslConfiguration();
    QString scrub(QString text) const;
    ApiError scrub(ApiError error) const;

    CloudSettings m_settings;
    QByteArray m_apiKey;
    QSslConfiguration m_sslConfiguration;
    QString m_caProblem; ///< why the extra CA file could not be used, reported per request
    RequestGate m_gate;
    std::function<double()> m_jitter;
    /// A child rather than a member: replies are destroyed after this object's QPointers are
    /// cleared, so a coroutine resumed by an aborting reply sees that the client is gone.
    QNetworkAccessManager *m_network = nullptr;
};

} // namespace ps::cloud

Q_DECLARE_METATYPE(ps::cloud::ApiError)
