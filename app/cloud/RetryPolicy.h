#pragma once

#include <QByteArrayView>
#include <QDateTime>
#include <optional>

namespace ps::cloud {

struct CloudSettings;

/// When to try a failed request again: exponential backoff with jitter, honouring Retry-After.
///
/// Pure arithmetic so that it is tested without a network: RestClient asks it for the delay
/// before each retry and passes the random jitter in.
struct RetryPolicy {
    int maxAttempts = 4;
    int initialBackoffMs = 500;
    int maxBackoffMs = 30'000;
    int maxRetryAfterMs = 120'000;

    static RetryPolicy fromSettings(const CloudSettings &settings);

    /// The exponential delay before retry number `retry` (1 = the first retry), capped at
    /// maxBackoffMs, with "equal jitter": half of it fixed, the other half scaled by `jitter`
    /// (0 <= jitter < 1) so that many stations that failed together do not retry together.
    [[nodiscard]] int backoffMs(int retry, double jitter) const;

    /// The delay before retry number `retry`, or nullopt when the server asked for a wait
    /// longer than maxRetryAfterMs. A Retry-After is never shortened; a little jitter is added
    /// on top of it.
    [[nodiscard]] std::optional<int> delayMs(int retry, std::optional<qint64> retryAfterMs,
                                             double jitter) const;
};

/// A Retry-After header value in milliseconds from `now`: delta-seconds ("120") or an HTTP
/// date (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", or the obsolete RFC 850 and asctime
/// forms). A date in the past gives 0. nullopt when the value is neither.
std::optional<qint64> parseRetryAfter(QByteArrayView value, const QDateTime &now);

} // namespace ps::cloud
