#pragma once

#include <QString>

namespace ps::cloud {

/// Why a cloud call failed, in a form a person can act on.
///
/// Every failure of RestClient, ProvisioningApi and DeviceApi ends up here: HTTP errors keep the
/// server's own `message` (and the main API's numeric `code`), transport problems say what went
/// wrong on the way, and `hint` is one sentence saying what the user can do about it. No field
/// ever holds the API key.
struct ApiError {
    enum class Kind {
        Http,          ///< the server answered with a status outside 2xx
        Network,       ///< no connection: host not found, refused, reset, dropped
        Tls,           ///< the TLS handshake failed, usually an untrusted certificate
        Timeout,       ///< no complete answer within the transfer timeout
        BadResponse,   ///< an answer arrived but could not be read (broken JSON, missing fields)
        Configuration, ///< the request was not sent: no API key, bad base URL
    };

    Kind kind = Kind::Http;
    int httpStatus = 0;     ///< 0 when no HTTP answer arrived
    int code = 0;           ///< the main API's error code (e.g. 40412), 0 when the server gave none
    QString message;        ///< the server's message, or what went wrong on the way
    QString hint;           ///< what the user can do, one sentence
    bool retryable = false; ///< trying the same request again later may succeed
    int attempts = 0;       ///< how many times the request was sent

    /// One line for a status bar or a log: "HTTP 401: Unauthorized. Check the API key in ...".
    [[nodiscard]] QString toString() const;

    /// The error for an HTTP answer outside 2xx, with the hint for that status.
    static ApiError fromHttp(int httpStatus, int code, QString message);
    static ApiError network(QString message, QString host);
    static ApiError tls(QString reason);
    static ApiError timeout(int timeoutMs);
    static ApiError badResponse(QString what);
    static ApiError configuration(QString message, QString hint);
    /// The client was destroyed while the request was under way.
    static ApiError clientClosed();

    /// The hint RestClient attaches to an HTTP status; callers that know more replace it.
    static QString hintForStatus(int httpStatus);
};

/// "HTTP", "network", "TLS", ... for logs and tests.
QString kindName(ApiError::Kind kind);

} // namespace ps::cloud
