#pragma once

#include "LogRecord.h"

#include <QStringView>
#include <optional>

namespace ps::core {

/// The start of a Zephyr log record, `[HH:MM:SS.mmm,uuu] <lvl> `, as found in a line.
///
/// Shared by LineAssembler (to recognise a log record behind a prompt fragment) and LogParser,
/// so both agree on what a record looks like. Hand-written rather than a regular expression
/// because it runs on every line of a busy console.
struct LogRecordHead {
    qsizetype start = 0; ///< index of '['
    qsizetype end = 0;   ///< index just after `<lvl>` (and the space after it, when present)
    qint64 uptimeUs = 0;
    LogLevel level = LogLevel::None;
};

/// An ASCII digit (what timestamps are written in, whatever the locale).
inline bool isAsciiDigit(QChar c) {
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

/// Reads exactly `count` ASCII digits at `pos`; -1 when any is missing or the text ends first.
int fixedDigits(QStringView text, qsizetype pos, int count);

/// Matches `[HH:MM:SS.mmm,uuu]` at `pos` (hours: 1 to 9 digits). Returns the uptime in
/// microseconds and sets `end` to the index after ']'.
std::optional<qint64> matchUptimeStamp(QStringView text, qsizetype pos, qsizetype *end = nullptr);

/// Matches a record head exactly at `pos`.
std::optional<LogRecordHead> matchLogRecordHead(QStringView text, qsizetype pos);

/// Finds the first record head at or after `from`.
std::optional<LogRecordHead> findLogRecordHead(QStringView text, qsizetype from = 0);

} // namespace ps::core
