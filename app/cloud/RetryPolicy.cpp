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
    QDateTime when = c.toDateTime(simplified, u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s);
    if (!when.isValid())
        when = c.toDateTime(simplified, u"ddd MMM d HH:mm:ss yyyy"_s); // asctime
    if (!when.isValid()) {
        // RFC 850 has a two-digit year, which Qt reads as 19xx; its weekday would then not
        // match, so drop the weekday and move the year to the century RFC 9110 asks for (a date
        // more than 50 years ahead is in the past).
        const qsizetype comma = simplified.indexOf(u", "_s);
        when = c.toDateTime(simplified.mid(comma + 2), u"dd-MMM-yy HH:mm:ss 'GMT'"_s);
        if (when.isValid()) {
            while (when.date().year() < now.date().year() - 50)
                when = when.addYears(100);
        }
    }
    if (!when.isValid())
        return std::nullopt;
    when.setTimeSpec(Qt::UTC);
    return std::max<qint64>(0, now.msecsTo(when));
}

} // namespace ps::cloud
