#pragma once

#include "Line.h"
#include "LogRecord.h"

namespace ps::core {

/// Parses Zephyr log output (PROTOCOL §2) one Line at a time.
///
/// Stateful: a line without a timestamp that follows a log record is a Continuation of it
/// (Zephyr prints multi-line records and hex dumps that way) until a line that is clearly
/// something else arrives (a new record, a banner, the prompt, an empty line). A boot banner or
/// an uptime that goes backwards sets `reboot`. The log pattern is searched anywhere in the line
/// (a prompt fragment may precede it). Never throws, never allocates without bound.
class LogParser {
public:
    LogRecord parse(const Line &line);
    LogRecord parse(QStringView text);
    void reset();

    /// The shell prompt; a line that starts with it ends a multi-line record.
    void setPrompt(const QString &prompt) { m_prompt = prompt; }
    [[nodiscard]] QString prompt() const { return m_prompt; }

    /// Parses `[HH:MM:SS.mmm,uuu]` (hours may exceed two digits) into microseconds.
    static std::optional<qint64> parseUptime(QStringView stamp);
    static QString levelName(LogLevel level);

private:
    LogRecord parseClean(QStringView text);
    bool endsRecord(QStringView text) const;

    QString m_prompt = QStringLiteral("uart:~$ ");
    std::optional<qint64> m_lastUptimeUs;
    bool m_inRecord = false;
    LogLevel m_recordLevel = LogLevel::None;
    QString m_recordModule;
};

} // namespace ps::core
