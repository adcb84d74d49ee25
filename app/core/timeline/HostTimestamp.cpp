#include "HostTimestamp.h"

#include "core/LogPattern.h"

namespace ps::core {

namespace {

bool at(QStringView text, qsizetype pos, char16_t c) {
    return pos < text.size() && text[pos].unicode() == c;
}

// `HH:MM:SS[.fff|,fff]` at `pos`; milliseconds of the day, `pos` moved past it.
std::optional<qint64> timeOfDay(QStringView text, qsizetype &pos) {
    const int hours = fixedDigits(text, pos, 2);
    if (hours < 0 || hours > 23 || !at(text, pos + 2, u':'))
        return std::nullopt;
    const int minutes = fixedDigits(text, pos + 3, 2);
    if (minutes < 0 || minutes > 59 || !at(text, pos + 5, u':'))
        return std::nullopt;
    const int seconds = fixedDigits(text, pos + 6, 2);
    if (seconds < 0 || seconds > 60)
        return std::nullopt;
    pos += 8;
    qint64 ms = ((hours * 60 + minutes) * 60 + qint64(seconds)) * 1000;
    if (at(text, pos, u'.') || at(text, pos, u',')) {
        qsizetype i = pos + 1;
        int fraction = 0;
        int scale = 1000;
        while (i < text.size() && isAsciiDigit(text[i]) && i - pos <= 9) {
            scale /= 10;
            fraction += (text[i].unicode() - u'0') * scale;
            ++i;
        }
        if (i == pos + 1)
            return std::nullopt;
        pos = i;
        ms += fraction;
    }
    return ms;
}

// `Z`, `+HH:MM`, `+HHMM` or `+HH`: offset in minutes east of UTC; 0 when there is none.
int zoneOffset(QStringView text, qsizetype &pos) {
    if (at(text, pos, u'Z')) {
        ++pos;
        return 0;
    }
    if (!at(text, pos, u'+') && !at(text, pos, u'-'))
        return 0;
    const int sign = text[pos].unicode() == u'-' ? -1 : 1;
    const int hours = fixedDigits(text, pos + 1, 2);
    if (hours < 0 || hours > 14)
        return 0;
    qsizetype i = pos + 3;
    int minutes = 0;
    if (at(text, i, u':'))
        ++i;
    if (const int m = fixedDigits(text, i, 2); m >= 0 && m < 60) {
        minutes = m;
        i += 2;
    } else if (text[i - 1].unicode() == u':') {
        return 0;
    }
    pos = i;
    return sign * (hours * 60 + minutes);
}

} // namespace

qint64 daysFromCivil(int year, int month, int day) {
    // Count from 1 March so the leap day is the last day of the shifted year; eras are the
    // 400-year Gregorian cycles (146097 days).
    const qint64 y = month <= 2 ? year - 1 : year;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yearOfEra = y - era * 400;
    const qint64 shiftedMonth = month > 2 ? month - 3 : month + 9;
    const qint64 dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1;
    const qint64 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

std::optional<HostTimestamp> parseHostTimestamp(QStringView text) {
    if (text.size() < 10)
        return std::nullopt;
    const QChar first = text.front();
    const bool bracketed = first == u'[';
    if (!bracketed && !isAsciiDigit(first))
        return std::nullopt;
    qsizetype pos = bracketed ? 1 : 0;

    HostTimestamp stamp;
    qint64 ms = 0;
    const int year = fixedDigits(text, pos, 4);
    if (year >= 0 && at(text, pos + 4, u'-')) {
        const int month = fixedDigits(text, pos + 5, 2);
        const int day = fixedDigits(text, pos + 8, 2);
        if (month < 1 || month > 12 || !at(text, pos + 7, u'-') || day < 1 || day > 31)
            return std::nullopt;
        if (!at(text, pos + 10, u'T') && !at(text, pos + 10, u' '))
            return std::nullopt;
        pos += 11;
        const auto time = timeOfDay(text, pos);
        if (!time)
            return std::nullopt;
        const int offsetMinutes = zoneOffset(text, pos);
        ms = daysFromCivil(year, month, day) * 86'400'000 + *time - offsetMinutes * 60'000LL;
    } else {
        // A time of day alone is only taken in brackets, followed directly by ']': the device's
        // own `[HH:MM:SS.mmm,uuu]` has a comma part and fails here.
        if (!bracketed)
            return std::nullopt;
        const auto time = timeOfDay(text, pos);
        if (!time || !at(text, pos, u']'))
            return std::nullopt;
        stamp.hasDate = false;
        ms = *time;
    }

    if (bracketed) {
        if (!at(text, pos, u']'))
            return std::nullopt;
        ++pos;
    } else if (pos < text.size() && !text[pos].isSpace()) {
        return std::nullopt; // "2026-11-26 10:15:03.123abc" is not a stamp followed by a line
    }
    while (pos < text.size() && (text[pos] == u' ' || text[pos] == u'\t'))
        ++pos;
    stamp.msSinceEpoch = ms;
    stamp.length = pos;
    return stamp;
}

} // namespace ps::core
