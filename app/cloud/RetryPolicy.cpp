#include "RetryPolicy.h"

#include "CloudSettings.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace ps::cloud {

RetryPolicy RetryPolicy::fromSettings(const CloudSettings &settings) {
    return RetryPolicy{.maxAttempts = settings.maxAttempts,
                       .initialBackoffMs = settings.initialBackoffMs,
                       .maxBackoffMs = settings.maxBackoffMs,
                       .maxRetryAfterMs = settings.maxRetryAfterMs};
}

int RetryPolicy::backoffMs(int retry, double jitter) const {
    jitter = std::clamp(jitter, 0.0, 1.0);
    const int exponent = std::clamp(retry - 1, 0, 30);
    const double exponential =
        std::min(double(maxBackoffMs), double(initialBackoffMs) * std::ldexp(1.0, exponent));
    return int(std::lround(exponential / 2 + exponential / 2 * jitter));
}

std::optional<int> RetryPolicy::delayMs(int retry, std::optional<qint64> retryAfterMs,
                                        double jitter) const {
    if (!retryAfterMs)
        return backoffMs(retry, jitter);
    if (*retryAfterMs > maxRetryAfterMs)
        return std::nullopt;
    const double spread = std::min(1000, initialBackoffMs) * std::clamp(jitter, 0.0, 1.0);
    return int(*retryAfterMs + std::lround(spread));
}

std::optional<qint64> parseRetryAfter(QByteArrayView value, const QDateTime &now) {
    const QString text = QString::fromLatin1(value).trimmed();
    if (text.isEmpty())
        return std::nullopt;

    bool isNumber = !text.isEmpty();
    for (const QChar c : text)
        isNumber = isNumber && c.isDigit();
    if (isNumber) {
        bool ok = false;
        const qint64 seconds = text.toLongLong(&ok);
        if (!ok || seconds > 10LL * 365 * 24 * 3600)
            return std::nullopt;
        return seconds * 1000;
    }

    // HTTP dates are always GMT and in English (RFC 9110 §5.6.7).
    const QLocale c = QLocale::c();
    const QString simplified = text.simplified();
    QDateTime when;
    for (const QString &format :
         {u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s, u"dddd, dd-MMM-yy HH:mm:ss 'GMT'"_s,
          u"ddd MMM d HH:mm:ss yyyy"_s}) {
        when = c.toDateTime(simplified, format);
        if (when.isValid())
            break;
    }
    if (!when.isValid())
        return std::nullopt;
    when.setTimeSpec(Qt::UTC);
    // Two-digit years of RFC 850 dates: Qt reads them as 19xx; RFC 9110 says a date more than
    // 50 years in the future is in the past, so read them as the nearest century instead.
    if (when.date().year() < 1970)
        when = when.addYears(100);
    return std::max<qint64>(0, now.msecsTo(when));
}

} // namespace ps::cloud
