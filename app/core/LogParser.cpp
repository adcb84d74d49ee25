#include "LogParser.h"

#include "LogPattern.h"

namespace ps::core {

using namespace Qt::StringLiterals;

namespace {

// Log records are produced in order, but a record made by a preempted thread can be printed
// slightly after a newer one. Only a clear step back counts as a reboot: more than this, or back
// to an uptime below it (a fresh boot always starts near zero).
constexpr qint64 RebootToleranceUs = 1'000'000;

bool isSpace(QChar c) {
    return c.isSpace();
}

// A Zephyr module or function name: non-empty, no white space.
bool isName(QStringView text) {
    return !text.isEmpty() && std::none_of(text.begin(), text.end(), isSpace);
}

// Splits "name: rest" into name and rest; nullopt when the text does not start with a name.
std::optional<std::pair<QStringView, QStringView>> splitName(QStringView text) {
    const qsizetype colon = text.indexOf(u':');
    if (colon <= 0 || !isName(text.first(colon)))
        return std::nullopt;
    QStringView rest = text.sliced(colon + 1);
    if (!rest.isEmpty() && !rest.front().isSpace())
        return std::nullopt; // "a:b" is not "module: message"
    if (!rest.isEmpty())
        rest = rest.sliced(1);
    return std::pair{text.first(colon), rest};
}

// Removes ESC sequences for callers that pass text which did not go through LineAssembler.
QString withoutEscapes(QStringView text) {
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] != u'\x1b') {
            out.append(text[i]);
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == u'[') {
            i += 2;
            while (i < text.size() && !(text[i].unicode() >= 0x40 && text[i].unicode() <= 0x7e))
                ++i;
        } else {
            ++i;
        }
    }
    return out;
}

std::optional<int> parseDropped(QStringView text) {
    static constexpr QStringView Tail = u" messages dropped ---";
    const qsizetype tail = text.indexOf(Tail);
    if (tail < 0)
        return std::nullopt;
    const qsizetype head = text.first(tail).lastIndexOf(u"--- ");
    if (head < 0)
        return std::nullopt;
    bool ok = false;
    const int count = text.sliced(head + 4, tail - head - 4).toInt(&ok);
    if (!ok || count < 0)
        return std::nullopt;
    return count;
}

// "<name> v<version>": splits at the last " v" followed by a digit.
std::pair<QStringView, QStringView> splitVersion(QStringView text) {
    for (qsizetype i = text.size() - 2; i >= 0; --i) {
        if (text[i] == u'v' && (i == 0 || text[i - 1] == u' ') && text[i + 1].isDigit())
            return {text.first(i).trimmed(), text.sliced(i + 1).trimmed()};
    }
    return {text.trimmed(), {}};
}

} // namespace

void LogParser::reset() {
    m_lastUptimeUs.reset();
    m_inRecord = false;
    m_recordLevel = LogLevel::None;
    m_recordModule.clear();
}

QString LogParser::levelName(LogLevel level) {
    switch (level) {
    case LogLevel::Error:
        return u"err"_s;
    case LogLevel::Warning:
        return u"wrn"_s;
    case LogLevel::Info:
        return u"inf"_s;
    case LogLevel::Debug:
        return u"dbg"_s;
    case LogLevel::None:
        break;
    }
    return {};
}

std::optional<qint64> LogParser::parseUptime(QStringView stamp) {
    stamp = stamp.trimmed();
    QString bracketed;
    if (!stamp.startsWith(u'[')) {
        bracketed = u'[' + stamp.toString() + u']';
        stamp = bracketed;
    }
    qsizetype end = 0;
    auto value = matchUptimeStamp(stamp, 0, &end);
    if (!value || end != stamp.size())
        return std::nullopt;
    return value;
}

LogRecord LogParser::parse(const Line &line) {
    return parse(QStringView(line.text));
}

LogRecord LogParser::parse(QStringView text) {
    if (text.contains(u'\x1b')) {
        const QString clean = withoutEscapes(text);
        return parseClean(clean);
    }
    return parseClean(text);
}

bool LogParser::endsRecord(QStringView text) const {
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return true;
    const QStringView prompt = QStringView(m_prompt).trimmed();
    if (!prompt.isEmpty() && trimmed.startsWith(prompt))
        return true;
    // Shell and modem output that can follow a record directly.
    return trimmed == u"OK" || trimmed == u"ERROR" || trimmed.startsWith(u"+CME ERROR") ||
           trimmed.startsWith(u"AT event handler:") ||
           trimmed.startsWith(u"Sending AT command failed");
}

LogRecord LogParser::parseClean(QStringView text) {
    LogRecord record;

    if (const auto head = findLogRecordHead(text)) {
        record.kind = LogRecord::Kind::Log;
        record.uptimeUs = head->uptimeUs;
        record.level = head->level;
        QStringView rest = text.sliced(head->end);
        if (const auto module = splitName(rest)) {
            record.module = module->first.toString();
            rest = module->second;
            if (record.level == LogLevel::Debug) {
                if (const auto function = splitName(rest)) {
                    record.function = function->first.toString();
                    rest = function->second;
                }
            }
        }
        while (!rest.isEmpty() && rest.back().isSpace())
            rest.chop(1);
        record.message = rest.toString();
        if (m_lastUptimeUs && head->uptimeUs < *m_lastUptimeUs &&
            (*m_lastUptimeUs - head->uptimeUs > RebootToleranceUs ||
             head->uptimeUs < RebootToleranceUs)) {
            record.reboot = true;
        }
        m_lastUptimeUs = head->uptimeUs;
        m_inRecord = true;
        m_recordLevel = record.level;
        m_recordModule = record.module;
        return record;
    }

    if (const auto dropped = parseDropped(text)) {
        record.kind = LogRecord::Kind::Dropped;
        record.droppedCount = *dropped;
        record.message = text.trimmed().toString();
        m_inRecord = false;
        return record;
    }

    const qsizetype booting = text.indexOf(u"*** Booting ");
    const qsizetype using_ = booting < 0 ? text.indexOf(u"*** Using ") : -1;
    if (booting >= 0 || using_ >= 0) {
        QStringView body = text.sliced(std::max(booting, using_) + 4).trimmed();
        if (body.endsWith(u"***"))
            body.chop(3);
        body = body.trimmed();
        record.kind = LogRecord::Kind::Banner;
        record.message = body.toString();
        m_inRecord = false;
        if (booting >= 0) {
            QStringView nameAndVersion = body.mid(8); // after "Booting ", if any
            const qsizetype dash = nameAndVersion.lastIndexOf(u" - ");
            if (dash >= 0) {
                record.firmwareCommit = nameAndVersion.sliced(dash + 3).trimmed().toString();
                nameAndVersion = nameAndVersion.first(dash);
            }
            const auto [name, version] = splitVersion(nameAndVersion);
            record.firmwareName = name.toString();
            record.firmwareVersion = version.toString();
            record.reboot = true;
            m_lastUptimeUs.reset();
        } else {
            const auto [name, version] = splitVersion(body.mid(6)); // after "Using ", if any
            if (name.contains(u"Zephyr"))
                record.zephyrVersion = version.toString();
            else if (name.contains(u"SDK"))
                record.sdkVersion = version.toString();
        }
        return record;
    }

    if (m_inRecord && !endsRecord(text)) {
        record.kind = LogRecord::Kind::Continuation;
        record.level = m_recordLevel;
        record.module = m_recordModule;
        QStringView rest = text;
        while (!rest.isEmpty() && rest.back().isSpace())
            rest.chop(1);
        record.message = rest.toString();
        return record;
    }

    m_inRecord = false;
    record.kind = LogRecord::Kind::Other;
    record.message = text.toString();
    return record;
}

} // namespace ps::core
