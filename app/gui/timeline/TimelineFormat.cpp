#include "TimelineFormat.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimeZone>
#include <cmath>
#include <cstdlib>

namespace ps::gui {

namespace {

constexpr qint64 SecondMs = 1000;
constexpr qint64 MinuteMs = 60 * SecondMs;
constexpr qint64 HourMs = 60 * MinuteMs;
constexpr qint64 DayMs = 24 * HourMs;

QString tr(const char *text) {
    return QCoreApplication::translate("ps::gui::TimelineFormat", text);
}

// Floor division and remainder that stay right for negative times (before 1970, or an uptime
// axis that starts below zero after a margin).
qint64 floorDiv(qint64 a, qint64 b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

QString twoDigits(qint64 value) {
    return QString::number(value).rightJustified(2, QLatin1Char('0'));
}

QString threeDigits(qint64 value) {
    return QString::number(value).rightJustified(3, QLatin1Char('0'));
}

// "H:MM:SS" plus ".mmm" when asked; negative values get a leading minus.
QString hoursMinutesSeconds(qint64 ms, bool withMillis) {
    const bool negative = ms < 0;
    const qint64 magnitude = std::abs(ms);
    QString text = QString::number(magnitude / HourMs) + QLatin1Char(':') +
                   twoDigits(magnitude / MinuteMs % 60) + QLatin1Char(':') +
                   twoDigits(magnitude / SecondMs % 60);
    if (withMillis)
        text += QLatin1Char('.') + threeDigits(magnitude % SecondMs);
    if (negative)
        text.prepend(QLatin1Char('-'));
    return text;
}

QDateTime dateTimeFor(qint64 ms, TimelineClock clock) {
    if (clock == TimelineClock::HostLocal)
        return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::systemTimeZone());
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}

} // namespace

QString formatTimelineDuration(qint64 ms) {
    const bool negative = ms < 0;
    const qint64 magnitude = std::abs(ms);
    QString text;
    if (magnitude < SecondMs) {
        text = tr("%1 ms").arg(magnitude);
    } else if (magnitude < 10 * SecondMs) {
        text = tr("%1 s").arg(double(magnitude) / 1000.0, 0, 'f', 2);
    } else if (magnitude < MinuteMs) {
        text = tr("%1 s").arg(double(magnitude) / 1000.0, 0, 'f', 1);
    } else if (magnitude < HourMs) {
        const qint64 seconds = (magnitude + 500) / SecondMs;
        text = seconds % 60 == 0 ? tr("%1 min").arg(seconds / 60)
                                 : tr("%1 min %2 s").arg(seconds / 60).arg(twoDigits(seconds % 60));
    } else if (magnitude < DayMs) {
        const qint64 minutes = (magnitude + 30 * SecondMs) / MinuteMs;
        text = minutes % 60 == 0 ? tr("%1 h").arg(minutes / 60)
                                 : tr("%1 h %2 min").arg(minutes / 60).arg(twoDigits(minutes % 60));
    } else {
        const qint64 hours = (magnitude + 30 * MinuteMs) / HourMs;
        text = tr("%1 d %2 h").arg(hours / 24).arg(twoDigits(hours % 24));
    }
    if (negative)
        text.prepend(QLatin1Char('-'));
    return text;
}

QString formatUptime(qint64 microseconds) {
    return hoursMinutesSeconds(floorDiv(microseconds, 1000), true);
}

QString formatAxisTime(qint64 ms, TimelineClock clock) {
    switch (clock) {
    case TimelineClock::DeviceTime:
        return hoursMinutesSeconds(ms, true);
    case TimelineClock::TimeOfDay: {
        const qint64 ofDay = ms - floorDiv(ms, DayMs) * DayMs;
        return hoursMinutesSeconds(ofDay, true).rightJustified(12, QLatin1Char('0'));
    }
    case TimelineClock::HostUtc:
    case TimelineClock::HostLocal:
        break;
    }
    return dateTimeFor(ms, clock).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

qint64 clockOffsetMs(qint64 ms, TimelineClock clock) {
    if (clock != TimelineClock::HostLocal)
        return 0;
    return qint64(QTimeZone::systemTimeZone().offsetFromUtc(
               QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()))) *
           SecondMs;
}

QString formatTickLabel(qint64 ms, qint64 stepMs, TimelineClock clock) {
    if (clock == TimelineClock::DeviceTime) {
        if (stepMs < SecondMs)
            return hoursMinutesSeconds(ms, true);
        return hoursMinutesSeconds(ms, false);
    }
    if (clock == TimelineClock::TimeOfDay) {
        const qint64 ofDay = ms - floorDiv(ms, DayMs) * DayMs;
        const QString full = hoursMinutesSeconds(ofDay, stepMs < SecondMs);
        const QString padded = full.rightJustified(stepMs < SecondMs ? 12 : 8, QLatin1Char('0'));
        return stepMs >= MinuteMs ? padded.left(5) : padded;
    }
    const QDateTime at = dateTimeFor(ms, clock);
    if (stepMs >= DayMs)
        return at.toString(QStringLiteral("yyyy-MM-dd"));
    if (stepMs >= MinuteMs) {
        // Midnight carries the date, so a long view still says which day it is.
        if (at.time().msecsSinceStartOfDay() == 0)
            return at.toString(QStringLiteral("MM-dd HH:mm"));
        return at.toString(QStringLiteral("HH:mm"));
    }
    if (stepMs >= SecondMs)
        return at.toString(QStringLiteral("HH:mm:ss"));
    return at.toString(QStringLiteral("HH:mm:ss.zzz"));
}

QString clockCaption(TimelineClock clock) {
    switch (clock) {
    case TimelineClock::DeviceTime:
        return tr("device uptime (boots laid end to end)");
    case TimelineClock::HostUtc:
        return tr("host time, UTC as in the log");
    case TimelineClock::HostLocal:
        return tr("local time");
    case TimelineClock::TimeOfDay:
        return tr("host time of day");
    }
    return {};
}

} // namespace ps::gui
