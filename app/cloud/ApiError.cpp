#include "ApiError.h"

using namespace Qt::StringLiterals;

namespace ps::cloud {

QString ApiError::toString() const {
    QString text;
    switch (kind) {
    case Kind::Http:
        text = u"HTTP %1"_s.arg(httpStatus);
        if (code != 0)
            text += u" (code %1)"_s.arg(code);
        text += u": "_s + (message.isEmpty() ? u"no message"_s : message);
        break;
    case Kind::Network:
    case Kind::Tls:
    case Kind::Timeout:
    case Kind::BadResponse:
    case Kind::Configuration:
        text = message;
        break;
    }
    if (!hint.isEmpty())
        text += u" \u2014 "_s + hint;
    return text;
}

QString ApiError::hintForStatus(int httpStatus) {
    switch (httpStatus) {
    case 400:
        return u"The cloud refused the request as invalid; the message says which part."_s;
    case 401:
        return u"Check the API key in Settings > Account."_s;
    case 403:
        return u"The API key is valid but not allowed to do this; check the account's role "
               "in nRF Cloud and the API key in Settings > Account."_s;
    case 404:
        return u"The device or item does not exist for this account; check the device id."_s;
    case 409:
        return u"The request conflicts with the item's current state; refresh and decide "
               "again."_s;
    case 429:
        return u"nRF Cloud is limiting the request rate; wait a little, or run fewer stations "
               "at once."_s;
    default:
        break;
    }
    if (httpStatus >= 500)
        return u"nRF Cloud had a problem answering; try again in a few minutes, and check "
               "the nRF Cloud status page if it persists."_s;
    if (httpStatus >= 300 && httpStatus < 400)
        return u"The server answered with a redirect, which is not followed; check the API "
               "base URL in Settings > Cloud."_s;
    return u"Unexpected answer from the cloud; check the API base URL in Settings > Cloud."_s;
}

ApiError ApiError::fromHttp(int httpStatus, int code, QString message) {
    ApiError error;
    error.kind = Kind::Http;
    error.httpStatus = httpStatus;
    error.code = code;
    error.message = std::move(message);
    error.hint = hintForStatus(httpStatus);
    error.retryable = httpStatus == 429 || httpStatus >= 500;
    return error;
}

ApiError ApiError::network(QString message, QString host) {
    ApiError error;
    error.kind = Kind::Network;
    error.message = std::move(message);
    error.hint = u"Cannot reach %1: check the network connection, any proxy, and the API base "
                 "URL in Settings > Cloud."_s.arg(host);
    error.retryable = true;
    return error;
}

ApiError ApiError::tls(QString reason) {
    ApiError error;
    error.kind = Kind::Tls;
    error.message = u"TLS handshake failed: "_s + reason;
    error.hint = u"The server's certificate is not trusted: %1. Check the computer's clock and "
                 "any proxy that intercepts HTTPS; for a local stand-in, set its CA file in "
                 "Settings > Cloud."_s.arg(reason);
    error.retryable = false;
    return error;
}

ApiError ApiError::timeout(int timeoutMs) {
    ApiError error;
    error.kind = Kind::Timeout;
    error.message = u"No answer within %1 s"_s.arg(timeoutMs / 1000.0, 0, 'g', 3);
    error.hint = u"Check the network connection, or raise the request timeout in "
                 "Settings > Cloud."_s;
    error.retryable = true;
    return error;
}

ApiError ApiError::badResponse(QString what) {
    ApiError error;
    error.kind = Kind::BadResponse;
    error.message = u"The cloud's answer could not be read: "_s + what;
    error.hint = u"Check that the API base URLs in Settings > Cloud point at nRF Cloud."_s;
    error.retryable = false;
    return error;
}

ApiError ApiError::configuration(QString message, QString hint) {
    ApiError error;
    error.kind = Kind::Configuration;
    error.message = std::move(message);
    error.hint = std::move(hint);
    error.retryable = false;
    return error;
}

ApiError ApiError::clientClosed() {
    return configuration(u"The request was cancelled: the cloud client was closed."_s,
                         u"Start the operation again."_s);
}

QString kindName(ApiError::Kind kind) {
    switch (kind) {
    case ApiError::Kind::Http:
        return u"HTTP"_s;
    case ApiError::Kind::Network:
        return u"network"_s;
    case ApiError::Kind::Tls:
        return u"TLS"_s;
    case ApiError::Kind::Timeout:
        return u"timeout"_s;
    case ApiError::Kind::BadResponse:
        return u"bad response"_s;
    case ApiError::Kind::Configuration:
        return u"configuration"_s;
    }
    return u"unknown"_s;
}

} // namespace ps::cloud
