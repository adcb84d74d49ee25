#pragma once

#include <QString>
#include <optional>

namespace ps::core {

enum class LogLevel : quint8 { None, Error, Warning, Info, Debug };

/// What LogParser made of one Line.
struct LogRecord {
    enum class Kind : quint8 {
        Log,          ///< `[uptime] <lvl> module: message`
        Continuation, ///< a line without timestamp that continues the previous record
        Dropped,      ///< `--- <n> messages dropped ---`
        Banner,       ///< `*** Booting <name> v<version> - <commit> ***` and the SDK/Zephyr lines
        Other,        ///< shell output, AT responses, anything else
    };

    Kind kind = Kind::Other;
    std::optional<qint64> uptimeUs; ///< device uptime in microseconds (Log only)
    LogLevel level = LogLevel::None; ///< Log and Continuation (inherits the record's level)
    QString module;                  ///< Log and Continuation
    QString function;                ///< debug records: `<dbg> module: function: message`
    QString message;                 ///< the message, or the continuation text, or the banner
    int droppedCount = 0;            ///< Dropped
    QString firmwareName;            ///< Banner `*** Booting ...`: e.g. "Asset Tracker Template"
    QString firmwareVersion;         ///< Banner: e.g. "1.5.0"; SDK/Zephyr lines fill sdkVersion etc.
    QString firmwareCommit;          ///< Banner: the commit after " - "
    QString sdkVersion;              ///< `*** Using nRF Connect SDK v<x> ***`
    QString zephyrVersion;           ///< `*** Using Zephyr OS v<x> ***`
    bool reboot = false; ///< this line starts a new boot (a booting banner, or uptime going back)
};

} // namespace ps::core
