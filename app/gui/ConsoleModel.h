#pragma once

#include "core/Line.h"
#include "core/LogParser.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <deque>
#include <optional>
#include <vector>

class QIODevice;

namespace ps::gui {

/// A coloured run inside ConsoleLine::text, stored compactly (12 bytes instead of a StyleSpan's
/// 24). Colours are ANSI palette indices 0..15 or -1 for the default.
struct ConsoleSpan {
    enum Flag : quint8 { Bold = 1, Underline = 2 };
    quint32 start = 0;
    quint32 length = 0;
    qint8 foreground = -1;
    qint8 background = -1;
    quint8 flags = 0;
};

/// The filter classes of a line: its Zephyr log level, or Other for everything without one
/// (shell output, AT responses, banners), which is what a person types commands for.
enum class LevelClass : quint8 { Error, Warning, Info, Debug, Other };

/// One stored line. Deliberately small and not a QObject: a console holds 100 000 of them.
struct ConsoleLine {
    enum class Origin : quint8 {
        Device, ///< printed by the device
        Notice, ///< written by the workstation ("Reconnected to ..."); never filtered out
    };
    QString text;   ///< as a person reads it (tabs shown as one space)
    QByteArray raw; ///< bytes as they arrived, escapes included (save as raw)
    std::vector<ConsoleSpan> spans;
    qint64 hostTimeMs = 0;
    quint16 moduleId = 0; ///< index into ConsoleModel::moduleName(); 0 = no module
    ps::core::LogLevel level = ps::core::LogLevel::None;
    Origin origin = Origin::Device;

    [[nodiscard]] LevelClass levelClass() const;
};

/// Which lines a console shows. A notice is always shown; a line without level counts as
/// LevelClass::Other; the module filter applies only to lines that have a module.
struct ConsoleFilter {
    bool showError = true;
    bool showWarning = true;
    bool showInfo = true;
    bool showDebug = true;
    bool showOther = true;
    QSet<QString> hiddenModules;

    [[nodiscard]] bool shows(LevelClass level) const;
    void setShown(LevelClass level, bool shown);
    friend bool operator==(const ConsoleFilter &, const ConsoleFilter &) = default;
};

/// A place in the console: the line's sequence number (stable while the line exists, also when
/// older lines are evicted or the filter changes) and a column in its text.
struct ConsolePosition {
    quint64 seq = 0;
    qsizetype column = 0;
    friend auto operator<=>(const ConsolePosition &, const ConsolePosition &) = default;
};

struct ConsoleMatch {
    quint64 seq = 0;
    qsizetype start = 0;
    qsizetype length = 0;
    friend bool operator==(const ConsoleMatch &, const ConsoleMatch &) = default;
};

/// The lines of one console: a bounded ring plus the filtered view of it.
///
/// Feed it the Lines of a DeviceLink (appendLines) and notices of the workstation
/// (appendNotice); the pending partial line (the prompt waiting for input) is kept apart
/// (setPendingText). Memory stays bounded by both a line count and an approximate byte budget:
/// the oldest lines are evicted first. Every line is parsed once, on arrival, with
/// ps::core::LogParser, which gives the level and module the filter uses.
///
/// Lines are addressed by a sequence number that grows by one per appended line and never
/// repeats; "rows" are positions among the lines the filter shows. contentsChanged() is emitted
/// once per append call, not per line; views coalesce their repaints on top of that.
class ConsoleModel : public QObject {
    Q_OBJECT
public:
    static constexpr int DefaultMaxLines = 100'000;
    static constexpr qint64 DefaultMaxBytes = 64LL * 1024 * 1024;
    enum class SaveFormat {
        Raw,    ///< the device's bytes, escapes included, one line per line; no notices
        AsShown ///< the lines the filter shows, each with its host date and time
    };

    explicit ConsoleModel(QObject *parent = nullptr);

    void setLimits(int maxLines, qint64 maxBytes);
    [[nodiscard]] int maxLines() const { return m_maxLines; }
    [[nodiscard]] qint64 maxBytes() const { return m_maxBytes; }

    void appendLines(const std::vector<ps::core::Line> &lines);
    void appendLine(const ps::core::Line &line);
    void appendNotice(const QString &text, qint64 hostTimeMs);
    void setPendingText(const QString &text);
    [[nodiscard]] const QString &pendingText() const { return m_pending; }
    /// Forgets every line (the pending line stays: the device has not finished it).
    void clear();

    [[nodiscard]] qsizetype lineCount() const { return qsizetype(m_lines.size()); }
    /// Estimated heap use of the stored lines, in bytes.
    [[nodiscard]] qint64 approximateBytes() const { return m_bytes; }
    [[nodiscard]] quint64 firstSeq() const { return m_firstSeq; }
    /// The sequence number the next line will get.
    [[nodiscard]] quint64 endSeq() const { return m_firstSeq + m_lines.size(); }
    [[nodiscard]] const ConsoleLine *lineBySeq(quint64 seq) const;

    [[nodiscard]] qsizetype visibleCount() const { return qsizetype(m_visible.size()); }
    [[nodiscard]] quint64 visibleSeq(qsizetype row) const { return m_visible[size_t(row)]; }
    [[nodiscard]] const ConsoleLine &visibleLine(qsizetype row) const;
    /// The first visible row whose sequence number is >= seq (visibleCount() when none).
    [[nodiscard]] qsizetype rowForSeq(quint64 seq) const;

    void setFilter(const ConsoleFilter &filter);
    [[nodiscard]] const ConsoleFilter &filter() const { return m_filter; }
    /// Every module name seen so far, sorted.
    [[nodiscard]] QStringList modules() const;
    [[nodiscard]] QString moduleName(quint16 id) const;
    /// Length of the longest stored line (an upper bound after evictions), for scroll ranges.
    [[nodiscard]] qsizetype longestLineLength() const { return m_longest; }

    /// Finds `needle` among the visible lines, starting at `from` and wrapping around once.
    /// Forward finds the first match at or after `from`; backward the last one before it.
    [[nodiscard]] std::optional<ConsoleMatch> find(const QString &needle, ConsolePosition from,
                                                   bool backward, Qt::CaseSensitivity cs) const;
    /// Visible text between two positions (end exclusive), lines joined with '\n'; the pending
    /// line takes part as the line with sequence number endSeq().
    [[nodiscard]] QString text(ConsolePosition begin, ConsolePosition end,
                               bool withTimestamps) const;
    bool save(QIODevice &device, SaveFormat format) const;

    /// "HH:mm:ss.zzz" as the timestamp column shows it; withDate adds "yyyy-MM-dd ".
    static QString timestampText(qint64 hostTimeMs, bool withDate = false);

Q_SIGNALS:
    /// Lines were appended, evicted or cleared, or the filter changed.
    void contentsChanged();
    void pendingTextChanged();
    /// A module name appeared for the first time.
    void modulesChanged();

private:
    void store(ConsoleLine &&line);
    void evict();
    void rebuildVisible();
    [[nodiscard]] bool accepts(const ConsoleLine &line) const;
    quint16 moduleIdFor(const QString &module);

    std::deque<ConsoleLine> m_lines;
    std::deque<quint64> m_visible; // sequence numbers of the lines the filter shows
    quint64 m_firstSeq = 0;
    qint64 m_bytes = 0;
    qsizetype m_longest = 0;
    int m_maxLines = DefaultMaxLines;
    qint64 m_maxBytes = DefaultMaxBytes;
    QString m_pending;
    ConsoleFilter m_filter;
    std::vector<bool> m_hiddenModuleIds; // m_filter.hiddenModules resolved to ids
    QStringList m_moduleNames{QString()};
    QHash<QString, quint16> m_moduleIds;
    ps::core::LogParser m_parser;
};

} // namespace ps::gui
