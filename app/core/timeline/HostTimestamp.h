#pragma once

#include <QStringView>
#include <optional>

namespace ps::core {

/// A time stamp that a terminal program (not the device) put in front of a captured line.
struct HostTimestamp {
    qint64 msSinceEpoch = 0; ///< UTC; a stamp without zone is taken as UTC, one without date as
                             ///< a time of day on 1970-01-01
    qsizetype length = 0;    ///< characters to skip: the stamp and the blanks after it
    bool hasDate = true;
};

/// Recognises the host stamps terminal programs write at the start of a line:
///   `[2026-11-26 10:15:03.123] `   `2026-11-26T10:15:03.123Z `   `2026-11-26 10:15:03,123 `
///   `[2026-11-26T10:15:03.123+01:00] `   `[10:15:03.123] ` (time of day only, in brackets)
/// Fractions of 1 to 9 digits, or none. A device uptime stamp `[00:00:05.268,859]` is not a host
/// stamp and is never taken for one. Hand-written: it runs on every line.
std::optional<HostTimestamp> parseHostTimestamp(QStringView text);

/// Days since 1970-01-01 of a proleptic Gregorian date.
qint64 daysFromCivil(int year, int month, int day);

} // namespace ps::core
