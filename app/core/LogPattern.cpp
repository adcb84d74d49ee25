#include "LogPattern.h"

namespace ps::core {

namespace {

LogLevel levelFromTag(QStringView tag) {
    if (tag == u"err")
        return LogLevel::Error;
    if (tag == u"wrn")
        return LogLevel::Warning;
    if (tag == u"inf")
        return LogLevel::Info;
    if (tag == u"dbg")
        return LogLevel::Debug;
    return LogLevel::None;
}

} // namespace

int fixedDigits(QStringView text, qsizetype pos, int count) {
    if (pos < 0 || pos + count > text.size())
        return -1;
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const QChar c = text[pos + i];
        if (!isAsciiDigit(c))
            return -1;
        value = value * 10 + (c.unicode() - u'0');
    }
    return value;
}

std::optional<qint64> matchUptimeStamp(QStringView text, qsizetype pos, qsizetype *end) {
    // [H+:MM:SS.mmm,uuu]
    if (pos >= text.size() || text[pos] != u'[')
        return std::nullopt;
    qsizetype i = pos + 1;
    qint64 hours = 0;
    int hourDigits = 0;
    while (i < text.size() && isAsciiDigit(text[i])) {
        if (++hourDigits > 9)
            return std::nullopt;
        hours = hours * 10 + (text[i].unicode() - u'0');
        ++i;
    }
    if (hourDigits == 0 || i >= text.size() || text[i] != u':')
        return std::nullopt;
    const int minutes = fixedDigits(text, i + 1, 2);
    if (minutes < 0 || minutes > 59 || i + 3 >= text.size() || text[i + 3] != u':')
        return std::nullopt;
    const int seconds = fixedDigits(text, i + 4, 2);
    if (seconds < 0 || seconds > 59 || i + 6 >= text.size() || text[i + 6] != u'.')
        return std::nullopt;
    const int millis = fixedDigits(text, i + 7, 3);
    if (millis < 0 || i + 10 >= text.size() || text[i + 10] != u',')
        return std::nullopt;
    const int micros = fixedDigits(text, i + 11, 3);
    if (micros < 0 || i + 14 >= text.size() || text[i + 14] != u']')
        return std::nullopt;
    if (end)
        *end = i + 15;
    return ((hours * 60 + minutes) * 60 + seconds) * 1'000'000 + qint64(millis) * 1000 + micros;
}

std::optional<LogRecordHead> matchLogRecordHead(QStringView text, qsizetype pos) {
    qsizetype i = 0;
    const auto uptime = matchUptimeStamp(text, pos, &i);
    if (!uptime)
        return std::nullopt;
    // "] <lvl>": exactly one space in Zephyr's output; tolerate a few in case of re-formatting.
    const qsizetype spaceStart = i;
    while (i < text.size() && text[i] == u' ' && i - spaceStart < 4)
        ++i;
    if (i == spaceStart || i + 5 > text.size() || text[i] != u'<' || text[i + 4] != u'>')
        return std::nullopt;
    const LogLevel level = levelFromTag(text.sliced(i + 1, 3));
    if (level == LogLevel::None)
        return std::nullopt;
    i += 5;
    if (i < text.size() && text[i] == u' ')
        ++i;
    return LogRecordHead{pos, i, *uptime, level};
}

std::optional<LogRecordHead> findLogRecordHead(QStringView text, qsizetype from) {
    for (qsizetype pos = text.indexOf(u'[', from); pos >= 0; pos = text.indexOf(u'[', pos + 1)) {
        if (auto head = matchLogRecordHead(text, pos))
            return head;
    }
    return std::nullopt;
}

} // namespace ps::core
