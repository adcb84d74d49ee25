#include "ConsoleModel.h"

#include <QDateTime>
#include <QIODevice>
#include <algorithm>

namespace ps::gui {

namespace {

using ps::core::LogLevel;
using ps::core::LogRecord;

// Bounds the module table: a device that prints garbage in the module position cannot make it
// grow without end. Lines of modules past the limit keep no module (and cannot be hidden).
constexpr qsizetype MaxModules = 4096;

// What one heap block costs beyond its payload (allocator header, Qt's array header).
constexpr qint64 AllocationOverhead = 32;

qint64 footprint(const ConsoleLine &line) {
    qint64 bytes = qint64(sizeof(ConsoleLine)) + 16; // deque slot and bookkeeping
    if (!line.text.isEmpty())
        bytes += line.text.capacity() * qint64(sizeof(QChar)) + AllocationOverhead;
    if (!line.raw.isEmpty())
        bytes += line.raw.capacity() + AllocationOverhead;
    if (!line.spans.empty())
        bytes += qint64(line.spans.capacity() * sizeof(ConsoleSpan)) + AllocationOverhead;
    return bytes;
}

qint8 colourIndex(qint8 colour) {
    return colour >= 0 && colour <= 15 ? colour : qint8(-1);
}

} // namespace

LevelClass ConsoleLine::levelClass() const {
    switch (level) {
    case LogLevel::Error:
        return LevelClass::Error;
    case LogLevel::Warning:
        return LevelClass::Warning;
    case LogLevel::Info:
        return LevelClass::Info;
    case LogLevel::Debug:
        return LevelClass::Debug;
    case LogLevel::None:
        break;
    }
    return LevelClass::Other;
}

bool ConsoleFilter::shows(LevelClass level) const {
    switch (level) {
    case LevelClass::Error:
        return showError;
    case LevelClass::Warning:
        return showWarning;
    case LevelClass::Info:
        return showInfo;
    case LevelClass::Debug:
        return showDebug;
    case LevelClass::Other:
        break;
    }
    return showOther;
}

void ConsoleFilter::setShown(LevelClass level, bool shown) {
    switch (level) {
    case LevelClass::Error:
        showError = shown;
        return;
    case LevelClass::Warning:
        showWarning = shown;
        return;
    case LevelClass::Info:
        showInfo = shown;
        return;
    case LevelClass::Debug:
        showDebug = shown;
        return;
    case LevelClass::Other:
        showOther = shown;
        return;
    }
}

ConsoleModel::ConsoleModel(QObject *parent)
    : QObject(parent) {
    m_moduleIds.insert(QString(), 0);
    m_hiddenModuleIds.push_back(false);
}

void ConsoleModel::setLimits(int maxLines, qint64 maxBytes) {
    m_maxLines = std::max(1, maxLines);
    m_maxBytes = std::max<qint64>(4096, maxBytes);
    const auto before = m_lines.size();
    evict();
    if (m_lines.size() != before)
        Q_EMIT contentsChanged();
}

void ConsoleModel::appendLines(const std::vector<ps::core::Line> &lines) {
    if (lines.empty())
        return;
    for (const auto &line : lines) {
        const LogRecord record = m_parser.parse(line);
        ConsoleLine stored;
        stored.text = line.text;
        stored.text.replace(QLatin1Char('\t'), QLatin1Char(' '));
        stored.raw = line.raw;
        stored.hostTimeMs = line.hostTimeMs;
        if (record.kind == LogRecord::Kind::Log || record.kind == LogRecord::Kind::Continuation) {
            stored.level = record.level;
            stored.moduleId = moduleIdFor(record.module);
        }
        stored.spans.reserve(size_t(line.spans.size()));
        const qsizetype textLength = stored.text.size();
        for (const auto &span : line.spans) {
            if (span.start < 0 || span.length <= 0 || span.start >= textLength)
                continue;
            ConsoleSpan compact;
            compact.start = quint32(span.start);
            compact.length = quint32(std::min(span.length, textLength - span.start));
            compact.foreground = colourIndex(span.foreground);
            compact.background = colourIndex(span.background);
            compact.flags = quint8((span.bold ? ConsoleSpan::Bold : 0) |
                                   (span.underline ? ConsoleSpan::Underline : 0));
            stored.spans.push_back(compact);
        }
        store(std::move(stored));
    }
    evict();
    Q_EMIT contentsChanged();
}

void ConsoleModel::appendLine(const ps::core::Line &line) {
    appendLines(std::vector<ps::core::Line>{line});
}

void ConsoleModel::appendNotice(const QString &text, qint64 hostTimeMs) {
    ConsoleLine notice;
    notice.text = text;
    notice.hostTimeMs = hostTimeMs;
    notice.origin = ConsoleLine::Origin::Notice;
    store(std::move(notice));
    evict();
    Q_EMIT contentsChanged();
}

void ConsoleModel::setPendingText(const QString &text) {
    QString shown = text;
    shown.replace(QLatin1Char('\t'), QLatin1Char(' '));
    if (shown == m_pending)
        return;
    m_pending = shown;
    Q_EMIT pendingTextChanged();
}

void ConsoleModel::clear() {
    m_firstSeq += m_lines.size();
    m_lines.clear();
    m_visible.clear();
    m_bytes = 0;
    m_longest = 0;
    Q_EMIT contentsChanged();
}

const ConsoleLine *ConsoleModel::lineBySeq(quint64 seq) const {
    if (seq < m_firstSeq || seq >= endSeq())
        return nullptr;
    return &m_lines[size_t(seq - m_firstSeq)];
}

const ConsoleLine &ConsoleModel::visibleLine(qsizetype row) const {
    return m_lines[size_t(m_visible[size_t(row)] - m_firstSeq)];
}

qsizetype ConsoleModel::rowForSeq(quint64 seq) const {
    return qsizetype(std::ranges::lower_bound(m_visible, seq) - m_visible.begin());
}

void ConsoleModel::setFilter(const ConsoleFilter &filter) {
    if (filter == m_filter)
        return;
    m_filter = filter;
    m_hiddenModuleIds.assign(size_t(m_moduleNames.size()), false);
    for (const QString &module : std::as_const(m_filter.hiddenModules)) {
        const auto id = m_moduleIds.value(module, 0);
        if (id != 0)
            m_hiddenModuleIds[id] = true;
    }
    rebuildVisible();
    Q_EMIT contentsChanged();
}

QStringList ConsoleModel::modules() const {
    QStringList names = m_moduleNames.mid(1);
    names.sort(Qt::CaseInsensitive);
    return names;
}

QString ConsoleModel::moduleName(quint16 id) const {
    return id < m_moduleNames.size() ? m_moduleNames.at(id) : QString();
}

std::optional<ConsoleMatch> ConsoleModel::find(const QString &needle, ConsolePosition from,
                                               bool backward, Qt::CaseSensitivity cs) const {
    const qsizetype rows = visibleCount();
    if (needle.isEmpty() || rows == 0)
        return std::nullopt;

    qsizetype startRow = rowForSeq(from.seq);
    qsizetype column = from.column;
    if (startRow >= rows || visibleSeq(startRow) != from.seq) {
        // The position's line is gone or filtered out: start at the neighbouring row, at its
        // beginning (forward) or end (backward).
        if (backward)
            --startRow;
        column = backward ? -1 : 0;
        if (startRow < 0 || startRow >= rows) {
            startRow = backward ? rows - 1 : 0;
        }
    }

    // Visit rows+1 rows so the start row is searched again for the part skipped at first.
    for (qsizetype step = 0; step <= rows; ++step) {
        const qsizetype row =
            backward ? ((startRow - step) % rows + rows) % rows : (startRow + step) % rows;
        const QString &text = visibleLine(row).text;
        qsizetype at = -1;
        if (backward) {
            if (step == 0) {
                if (column > 0)
                    at = text.lastIndexOf(needle, column - 1, cs);
                else if (column < 0)
                    at = text.lastIndexOf(needle, -1, cs);
            } else {
                at = text.lastIndexOf(needle, -1, cs);
            }
        } else {
            at = text.indexOf(needle, step == 0 ? column : 0, cs);
        }
        if (at >= 0)
            return ConsoleMatch{visibleSeq(row), at, needle.size()};
    }
    return std::nullopt;
}

QString ConsoleModel::text(ConsolePosition begin, ConsolePosition end, bool withTimestamps) const {
    if (end < begin)
        std::swap(begin, end);
    QStringList parts;
    const auto lineText = [&](const QString &text, qint64 hostTimeMs, qsizetype from,
                              qsizetype to) {
        from = std::clamp<qsizetype>(from, 0, text.size());
        to = std::clamp<qsizetype>(to, from, text.size());
        QString piece = text.mid(from, to - from);
        if (withTimestamps && hostTimeMs > 0)
            piece.prepend(timestampText(hostTimeMs) + QLatin1Char(' '));
        parts.append(piece);
    };

    for (qsizetype row = rowForSeq(begin.seq); row < visibleCount(); ++row) {
        const quint64 seq = visibleSeq(row);
        if (seq > end.seq)
            break;
        const ConsoleLine &line = visibleLine(row);
        const qsizetype from = seq == begin.seq ? begin.column : 0;
        const qsizetype to = seq == end.seq ? end.column : line.text.size();
        lineText(line.text, line.hostTimeMs, from, to);
    }
    if (end.seq >= endSeq() && !m_pending.isEmpty()) {
        const qsizetype from = begin.seq == endSeq() ? begin.column : 0;
        const qsizetype to = end.seq == endSeq() ? end.column : m_pending.size();
        lineText(m_pending, 0, from, to);
    }
    return parts.join(QLatin1Char('\n'));
}

bool ConsoleModel::save(QIODevice &device, SaveFormat format) const {
    if (format == SaveFormat::Raw) {
        for (const ConsoleLine &line : m_lines) {
            if (line.origin != ConsoleLine::Origin::Device)
                continue;
            if (device.write(line.raw) < 0 || device.write("\n", 1) < 0)
                return false;
        }
        return true;
    }
    for (const quint64 seq : m_visible) {
        const ConsoleLine &line = m_lines[size_t(seq - m_firstSeq)];
        const QString shown =
            timestampText(line.hostTimeMs, true) + QLatin1Char(' ') + line.text + QLatin1Char('\n');
        if (device.write(shown.toUtf8()) < 0)
            return false;
    }
    return true;
}

QString ConsoleModel::timestampText(qint64 hostTimeMs, bool withDate) {
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(hostTimeMs);
    return time.toString(withDate ? QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")
                                  : QStringLiteral("HH:mm:ss.zzz"));
}

void ConsoleModel::store(ConsoleLine &&line) {
    line.text.squeeze();
    line.raw.squeeze();
    line.spans.shrink_to_fit();
    m_bytes += footprint(line);
    m_longest = std::max(m_longest, line.text.size());
    const quint64 seq = endSeq();
    const bool shown = accepts(line);
    m_lines.push_back(std::move(line));
    if (shown)
        m_visible.push_back(seq);
}

void ConsoleModel::evict() {
    // Keep at least the newest line, however large, so the console never looks empty after
    // a burst of data.
    while (m_lines.size() > 1 && (m_lines.size() > size_t(m_maxLines) || m_bytes > m_maxBytes)) {
        m_bytes -= footprint(m_lines.front());
        m_lines.pop_front();
        if (!m_visible.empty() && m_visible.front() == m_firstSeq)
            m_visible.pop_front();
        ++m_firstSeq;
    }
    if (m_lines.empty())
        m_longest = 0;
}

void ConsoleModel::rebuildVisible() {
    m_visible.clear();
    m_longest = 0;
    quint64 seq = m_firstSeq;
    for (const ConsoleLine &line : m_lines) {
        if (accepts(line)) {
            m_visible.push_back(seq);
            m_longest = std::max(m_longest, line.text.size());
        }
        ++seq;
    }
}

bool ConsoleModel::accepts(const ConsoleLine &line) const {
    if (line.origin == ConsoleLine::Origin::Notice)
        return true;
    if (!m_filter.shows(line.levelClass()))
        return false;
    return line.moduleId == 0 || line.moduleId >= m_hiddenModuleIds.size() ||
           !m_hiddenModuleIds[line.moduleId];
}

quint16 ConsoleModel::moduleIdFor(const QString &module) {
    if (module.isEmpty())
        return 0;
    if (const auto it = m_moduleIds.constFind(module); it != m_moduleIds.cend())
        return it.value();
    if (m_moduleNames.size() >= MaxModules)
        return 0;
    const auto id = quint16(m_moduleNames.size());
    m_moduleNames.append(module);
    m_moduleIds.insert(module, id);
    m_hiddenModuleIds.push_back(m_filter.hiddenModules.contains(module));
    Q_EMIT modulesChanged();
    return id;
}

} // namespace ps::gui
