#include "ZephyrLog.h"

#include <QStringBuilder>

namespace ps::devsim {

namespace {

constexpr QByteArrayView ColourRed = "\x1b[1;31m";
constexpr QByteArrayView ColourYellow = "\x1b[1;33m";
constexpr QByteArrayView ColourDefault = "\x1b[0m";

} // namespace

QByteArrayView logLevelName(LogLevel level) {
    switch (level) {
    case LogLevel::Error:
        return "err";
    case LogLevel::Warning:
        return "wrn";
    case LogLevel::Info:
        return "inf";
    case LogLevel::Debug:
        break;
    }
    return "dbg";
}

QByteArray formatLogTimestamp(qint64 uptimeUs) {
    const qint64 us = uptimeUs % 1000;
    const qint64 ms = (uptimeUs / 1000) % 1000;
    const qint64 seconds = (uptimeUs / 1000000) % 60;
    const qint64 minutes = (uptimeUs / 60000000) % 60;
    const qint64 hours = uptimeUs / 3600000000LL;
    return QByteArray("[") + QByteArray::number(hours).rightJustified(2, '0') + ':' +
           QByteArray::number(minutes).rightJustified(2, '0') + ':' +
           QByteArray::number(seconds).rightJustified(2, '0') + '.' +
           QByteArray::number(ms).rightJustified(3, '0') + ',' +
           QByteArray::number(us).rightJustified(3, '0') + ']';
}

QByteArray formatLogRecord(qint64 uptimeUs, LogLevel level, QByteArrayView module,
                           QByteArrayView message, QByteArrayView function) {
    QByteArray record = formatLogTimestamp(uptimeUs);
    record.append(' ');
    switch (level) {
    case LogLevel::Error:
        record.append(ColourRed);
        break;
    case LogLevel::Warning:
        record.append(ColourYellow);
        break;
    case LogLevel::Info:
    case LogLevel::Debug:
        record.append(ColourDefault);
        break;
    }
    record.append('<').append(logLevelName(level)).append("> ").append(module).append(": ");
    if (level == LogLevel::Debug && !function.isEmpty())
        record.append(function).append(": ");
    for (const char c : message) {
        if (c == '\n')
            record.append("\n\r");
        else
            record.append(c);
    }
    record.append(ColourDefault);
    record.append("\r\n");
    return record;
}

} // namespace ps::devsim
