#pragma once

#include "ConsoleModel.h"
#include "ConsolePalette.h"

#include <QAbstractScrollArea>
#include <QPointer>
#include <QTimer>
#include <optional>

namespace ps::gui {

/// Shows a ConsoleModel: a custom scroll area that paints only the lines in view.
///
/// Every line has the same height and the font is monospace, so a row is a line and a column is
/// a character; scrolling and hit testing are arithmetic, never layout. Changes of the model are
/// collected and applied on a ~33 ms timer (refreshIntervalMs): a device printing thousands of
/// lines a second costs one scroll-range update and one repaint per tick.
///
/// Follow mode sticks to the bottom; any scroll away from the bottom pauses it, scrolling back
/// (or setFollow(true)) resumes it. While paused the view stays on the same line even as new
/// lines arrive and old ones are evicted. The pending partial line (the prompt) is the last row.
class ConsoleView : public QAbstractScrollArea {
    Q_OBJECT
public:
    static constexpr int RefreshIntervalMs = 33;

    explicit ConsoleView(QWidget *parent = nullptr);

    void setModel(ConsoleModel *model);
    [[nodiscard]] ConsoleModel *model() const { return m_model; }

    [[nodiscard]] bool follows() const { return m_follow; }
    void setFollow(bool follow);
    [[nodiscard]] bool showsTimestamps() const { return m_showTimestamps; }
    void setShowTimestamps(bool show);
    /// A monospace font; the system's fixed font at `pointSize` (0 = its default size).
    void setConsoleFontSize(int pointSize);

    [[nodiscard]] bool hasSelection() const;
    [[nodiscard]] QString selectedText(bool withTimestamps = false) const;
    void setSelection(ConsolePosition anchor, ConsolePosition cursor);
    void clearSelection();
    void selectAll();
    /// Copies the selection (plain text; with host timestamps when asked) to the clipboard.
    void copy(bool withTimestamps = false);

    /// Highlights every occurrence of `needle` in view; empty clears the highlight.
    void setSearch(const QString &needle, Qt::CaseSensitivity cs);
    /// Moves to the next (or previous) match after the current one, or from the lines in view
    /// when there is none; scrolls it into view and pauses follow. nullopt when nothing matches.
    std::optional<ConsoleMatch> findNext(bool backward = false);
    [[nodiscard]] std::optional<ConsoleMatch> currentMatch() const { return m_currentMatch; }

    /// Position of a viewport point (clamped to the text), for selection and tests.
    [[nodiscard]] ConsolePosition positionAt(QPoint viewportPoint) const;
    [[nodiscard]] QPoint pointOf(ConsolePosition position) const;
    [[nodiscard]] qsizetype firstVisibleRow() const;
    [[nodiscard]] int rowsPerPage() const;
    [[nodiscard]] int lineHeight() const { return m_lineHeight; }
    [[nodiscard]] const ConsolePalette &consolePalette() const { return m_palette; }

    /// How often the view painted and refreshed; tests use them to see that updates coalesce.
    [[nodiscard]] int paintCount() const { return m_paintCount; }
    [[nodiscard]] int refreshCount() const { return m_refreshCount; }
    /// Applies pending model changes now instead of at the next tick.
    void refreshNow();

Q_SIGNALS:
    void followChanged(bool follow);
    void selectionChanged();
    /// The user typed printable text while the view had focus; a panel forwards it to its
    /// command line.
    void textTyped(const QString &text);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void changeEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;

private:
    void scheduleRefresh();
    void refresh();
    void updateMetrics();
    void onUserScrolled(int value);
    void scrollToSeq(quint64 seq);
    [[nodiscard]] qsizetype totalRows() const;
    [[nodiscard]] quint64 seqAtRow(qsizetype row) const;
    [[nodiscard]] qsizetype rowOfSeq(quint64 seq) const;
    [[nodiscard]] int gutterWidth() const;
    [[nodiscard]] int textLeft() const;
    void paintLine(QPainter &painter, int y, quint64 seq, const QString &text,
                   const std::vector<ConsoleSpan> *spans, QColor defaultColour, bool italic);

    QPointer<ConsoleModel> m_model;
    ConsolePalette m_palette;
    QTimer m_refreshTimer;
    bool m_follow = true;
    bool m_showTimestamps = true;
    bool m_settingScroll = false;
    quint64 m_topSeq = 0; // anchor while paused
    int m_lineHeight = 16;
    int m_ascent = 12;
    qreal m_charWidth = 8.0;
    int m_paintCount = 0;
    int m_refreshCount = 0;

    std::optional<ConsolePosition> m_anchor;
    std::optional<ConsolePosition> m_cursor;
    bool m_selecting = false;

    QString m_search;
    Qt::CaseSensitivity m_searchCase = Qt::CaseInsensitive;
    std::optional<ConsoleMatch> m_currentMatch;
};

} // namespace ps::gui
