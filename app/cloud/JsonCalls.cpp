#include "JsonCalls.h"

#include <QJsonArray>
#include <QSet>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace ps::cloud::detail {

QCoro::Task<std::expected<QJsonObject, ApiError>> sendForObject(QPointer<RestClient> client,
                                                                RestRequest request) {
    if (!client)
        co_return std::unexpected(ApiError::clientClosed());
    const QString what = QString::fromLatin1(request.method) + u' ' + request.path;
    auto response = co_await client->send(std::move(request));
    if (!response)
        co_return std::unexpected(response.error());
    auto object = parseJsonObject(response->body);
    if (!object) {
        ApiError error = ApiError::badResponse(u"%1: %2"_s.arg(what, object.error()));
        error.attempts = response->attempts;
        co_return std::unexpected(error);
    }
    co_return *object;
}

QCoro::Task<std::expected<void, ApiError>> sendForStatus(QPointer<RestClient> client,
                                                         RestRequest request) {
    if (!client)
        co_return std::unexpected(ApiError::clientClosed());
    auto response = co_await client->send(std::move(request));
    if (!response)
        co_return std::unexpected(response.error());
    co_return {};
}

QCoro::Task<std::expected<QList<QJsonObject>, ApiError>>
fetchAllPages(QPointer<RestClient> client, RestRequest firstPage, int pageLimit) {
    QList<QJsonObject> items;
    QSet<QString> seenTokens;
    QString nextToken;
    const QString what = firstPage.path;
    do {
        RestRequest page = firstPage;
        page.query.addQueryItem(u"pageLimit"_s, QString::number(pageLimit));
        if (!nextToken.isEmpty())
            page.query.addQueryItem(u"pageNextToken"_s,
                                    QString::fromLatin1(QUrl::toPercentEncoding(nextToken)));
        auto object = co_await sendForObject(client, std::move(page));
        if (!object)
            co_return std::unexpected(object.error());
        const QJsonValue itemsValue = object->value(u"items"_s);
        if (!itemsValue.isArray())
            co_return std::unexpected(
                ApiError::badResponse(u"the list of %1 has no \"items\" array"_s.arg(what)));
        for (const QJsonValue item : itemsValue.toArray()) {
            if (!item.isObject())
                co_return std::unexpected(ApiError::badResponse(
                    u"an item in the list of %1 is not a JSON object"_s.arg(what)));
            items.append(item.toObject());
        }
        const QJsonValue tokenValue = object->value(u"pageNextToken"_s);
        nextToken = tokenValue.isString() ? tokenValue.toString() : QString();
        if (!nextToken.isEmpty() && seenTokens.contains(nextToken))
            co_return std::unexpected(ApiError::badResponse(
                u"the list of %1 repeats a page token; paging would never end"_s.arg(what)));
        seenTokens.insert(nextToken);
    } while (!nextToken.isEmpty());
    co_return items;
}

QString segment(const QString &value) {
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

ApiError withHint(ApiError error, int httpStatus, const QString &hint) {
    if (error.kind == ApiError::Kind::Http && error.httpStatus == httpStatus)
        error.hint = hint;
    return error;
}

} // namespace ps::cloud::detail
