#pragma once

#include "CloudTypes.h"
#include "RestClient.h"

#include <QJsonObject>
#include <QList>
#include <QPointer>

namespace ps::cloud::detail {

// Shared plumbing of ProvisioningApi and DeviceApi: JSON answers in, typed errors out.
// They take the client as a QPointer and check it before every request, so a flow that
// outlives the client ends with an error instead of touching a destroyed object.

/// Sends `request` and reads the answer as a JSON object.
QCoro::Task<std::expected<QJsonObject, ApiError>> sendForObject(QPointer<RestClient> client,
                                                                RestRequest request);

/// Sends `request` and only checks that it succeeded; the body is ignored.
QCoro::Task<std::expected<void, ApiError>> sendForStatus(QPointer<RestClient> client,
                                                         RestRequest request);

/// GETs every page of a list (`pageLimit`/`pageNextToken` in, `items`/`pageNextToken` out,
/// PROTOCOL §6) and returns all items. Stops with BadResponse if the server repeats a page
/// token, so a broken server cannot keep the loop going forever.
QCoro::Task<std::expected<QList<QJsonObject>, ApiError>>
fetchAllPages(QPointer<RestClient> client, RestRequest firstPage, int pageLimit);

/// A path segment (device id, command id) percent-encoded for RestRequest::path.
QString segment(const QString &value);

/// Replaces the generic hint of an HTTP error with one that knows the operation.
ApiError withHint(ApiError error, int httpStatus, const QString &hint);

} // namespace ps::cloud::detail
