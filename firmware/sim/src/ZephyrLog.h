#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace ps::devsim {

/// Zephyr log levels, in the numeric order of LOG_LEVEL_ERR..LOG_LEVEL_DBG.
enum class LogLevel { Error = 1, Warning = 2, Info = 3, Debug = 4 };

/// One log record exactly as Zephyr's log_output prints it with colours and formatted
/// timestamps (PROTOCOL §2):
///
///   [HH:MM:SS.mmm,uuu] ESC[1;31m<err> module: message ESC[0m CR LF
///
/// The colour before `<lvl>` is ESC[1;31m for errors, ESC[1;33m for warnings and ESC[0m
/// otherwise; ESC[0m follows the message. Debug records carry the function name
/// (`<dbg> module: function: message`). Hours are not limited to two digits. A message with
/// embedded newlines continues on lines without a timestamp; each embedded newline is sent as
/// "\n\r" (PROTOCOL §2).
QByteArray formatLogRecord(qint64 uptimeUs, LogLevel level, QByteArrayView module,
                           QByteArrayView message, QByteArrayView function = {});

/// "[00:00:05.268,859]" for 5.268859 s of uptime.
QByteArray formatLogTimestamp(qint64 uptimeUs);

QByteArrayView logLevelName(LogLevel level);

} // namespace ps::devsim
