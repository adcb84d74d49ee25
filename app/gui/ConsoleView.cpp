#include "ConsoleView.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <algorithm>
#include <cmath>

namespace ps::gui {

namespace {

// Width of the timestamp column in characters: "HH:mm:ss.zzz" plus a space either side.
constexpr int TimestampColumns = 14;
constexpr int TextMargin = 4; // pixels between the gutter and the text
// Bounds the cost of highlighting a line that matches thousands of times.
constexpr int MaxHighlightsPerLine = 512;

bool isWordCharacter(QChar c) {
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('.') ||
           c == QLatin1Char('-') || c == QLatin1Char(':') || c == QLatin1Char('/');
}

} // namespace

ConsoleView::ConsoleView(QWidget *parent)
    : QAbstractScrollArea(parent) {
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setCursor(Qt::IBeamCursor);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_palette = ConsolePalette::forPalette(palette());
    updateMetrics();

    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(RefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ConsoleView::refresh);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &ConsoleView::onUserScrolled);
}

void ConsoleView::setModel(ConsoleModel *model) {
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_anchor.reset();
    m_cursor.reset();
    m_currentMatch.reset();
    if (m_model) {
        connect(m_model, &ConsoleModel::contentsChanged, this, &ConsoleView::scheduleRefresh);
        connect(m_model, &ConsoleModel::pendingTextChanged, this, &ConsoleView::scheduleRefresh);
    }
    refreshNow();
}

void ConsoleView::setFollow(bool follow) {
    if (!follow && m_model)
        m_topSeq = seqAtRow(firstVisibleRow());
    if (m_follow == follow)
        return;
    m_follow = follow;
    if (m_follow)
        refreshNow();
    Q_EMIT followChanged(m_follow);
}

void ConsoleView::setShowTimestamps(bool show) {
    if (m_showTimestamps == show)
        return;
    m_showTimestamps = show;
    refreshNow();
}

void ConsoleView::setConsoleFontSize(int pointSize) {
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (pointSize > 0)
        font.setPointSize(pointSize);
    setFont(font);
}

bool ConsoleView::hasSelection() const {
    return m_anchor && m_cursor && *m_anchor != *m_cursor;
}

QString ConsoleView::selectedText(bool withTimestamps) const {
    if (!hasSelection() || !m_model)
        return {};
    return m_model->text(*m_anchor, *m_cursor, withTimestamps);
}

void ConsoleView::setSelection(ConsolePosition anchor, ConsolePosition cursor) {
    m_anchor = anchor;
    m_cursor = cursor;
    viewport()->update();
    Q_EMIT selectionChanged();
}

void ConsoleView::clearSelection() {
    if (!m_anchor && !m_cursor)
        return;
    m_anchor.reset();
    m_cursor.reset();
    viewport()->update();
    Q_EMIT selectionChanged();
}

void ConsoleView::selectAll() {
    if (!m_model)
        return;
    const quint64 first = m_model->visibleCount() > 0 ? m_model->visibleSeq(0) : m_model->endSeq();
    setSelection({first, 0}, {m_model->endSeq(), m_model->pendingText().size()});
    if (!hasSelection()) {
        // Only a pending line, or nothing: select through the end of the last line.
        const qsizetype rows = m_model->visibleCount();
        if (rows > 0)
            setSelection({first, 0}, {m_model->visibleSeq(rows - 1),
                                      m_model->visibleLine(rows - 1).text.size()});
    }
}

void ConsoleView::copy(bool withTimestamps) {
    const QString text = selectedText(withTimestamps);
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void ConsoleView::setSearch(const QString &needle, Qt::CaseSensitivity cs) {
    if (needle == m_search && cs == m_searchCase)
        return;
    m_search = needle;
    m_searchCase = cs;
    m_currentMatch.reset();
    viewport()->update();
}

std::optional<ConsoleMatch> ConsoleView::findNext(bool backward) {
    if (!m_model || m_search.isEmpty())
        return std::nullopt;
    ConsolePosition from;
    if (m_currentMatch) {
        from = {m_currentMatch->seq, backward ? m_currentMatch->start : m_currentMatch->start + 1};
    } else {
        // Start from what the person sees: the top line going down, the bottom line going up.
        const qsizetype lastInView =
            std::min<qsizetype>(firstVisibleRow() + rowsPerPage(), totalRows()) - 1;
        const qsizetype row = backward ? std::max<qsizetype>(0, lastInView) : firstVisibleRow();
        from = {seqAtRow(row), 0};
        if (backward) {
            const ConsoleLine *line = m_model->lineBySeq(from.seq);
            from.column = line ? line->text.size() : 0;
        }
    }
    m_currentMatch = m_model->find(m_search, from, backward, m_searchCase);
    if (m_currentMatch)
        scrollToSeq(m_currentMatch->seq);
    viewport()->update();
    return m_currentMatch;
}

ConsolePosition ConsoleView::positionAt(QPoint viewportPoint) const {
    if (!m_model)
        return {};
    const qsizetype rows = totalRows();
    qsizetype row =
        firstVisibleRow() + qsizetype(std::floor(double(viewportPoint.y()) / m_lineHeight));
    row = std::clamp<qsizetype>(row, 0, std::max<qsizetype>(0, rows - 1));
    const quint64 seq = seqAtRow(row);
    const ConsoleLine *line = m_model->lineBySeq(seq);
    const qsizetype length = line ? line->text.size() : m_model->pendingText().size();
    const double x = viewportPoint.x() - textLeft() + horizontalScrollBar()->value();
    const auto column = qsizetype(std::lround(x / m_charWidth));
    return {seq, std::clamp<qsizetype>(column, 0, length)};
}

QPoint ConsoleView::pointOf(ConsolePosition position) const {
    const qsizetype row = rowOfSeq(position.seq) - firstVisibleRow();
    const int x = textLeft() - horizontalScrollBar()->value() +
                  int(std::lround(double(position.column) * m_charWidth));
    return {x, int(row) * m_lineHeight + m_lineHeight / 2};
}

qsizetype ConsoleView::firstVisibleRow() const {
    return verticalScrollBar()->value();
}

int ConsoleView::rowsPerPage() const {
    return std::max(1, viewport()->height() / m_lineHeight);
}

void ConsoleView::refreshNow() {
    m_refreshTimer.stop();
    refresh();
}

void ConsoleView::paintEvent(QPaintEvent *event) {
    Q_UNUSED(event)
    ++m_paintCount;
    QPainter painter(viewport());
    const QRect area = viewport()->rect();
    painter.fillRect(area, m_palette.background);
    if (m_showTimestamps)
        painter.fillRect(QRect(0, 0, gutterWidth(), area.height()), m_palette.timestampBackground);
    if (!m_model)
        return;

    painter.setFont(font());
    const qsizetype first = firstVisibleRow();
    const qsizetype visible = m_model->visibleCount();
    const int rowsToPaint = area.height() / m_lineHeight + 1;
    for (int i = 0; i < rowsToPaint; ++i) {
        const qsizetype row = first + i;
        const int y = i * m_lineHeight;
        if (row < visible) {
            const ConsoleLine &line = m_model->visibleLine(row);
            const quint64 seq = m_model->visibleSeq(row);
            const bool notice = line.origin == ConsoleLine::Origin::Notice;
            QColor colour = notice ? m_palette.notice : m_palette.foreground;
            if (!notice && line.spans.empty()) {
                const QColor byLevel = m_palette.levelColour(line.levelClass());
                if (byLevel.isValid())
                    colour = byLevel;
            }
            paintLine(painter, y, seq, line.text, &line.spans, colour, notice);
            if (m_showTimestamps) {
                painter.setPen(m_palette.dimForeground);
                painter.drawText(QPointF(m_charWidth, y + m_ascent),
                                 ConsoleModel::timestampText(line.hostTimeMs));
            }
        } else if (row == visible && !m_model->pendingText().isEmpty()) {
            paintLine(painter, y, m_model->endSeq(), m_model->pendingText(), nullptr,
                      m_palette.foreground, false);
        } else {
            break;
        }
    }
}

void ConsoleView::paintLine(QPainter &painter, int y, quint64 seq, const QString &text,
                            const std::vector<ConsoleSpan> *spans, QColor defaultColour,
                            bool italic) {
    const int left = textLeft();
    const int scrollX = horizontalScrollBar()->value();
    const QRect textArea(left, y, viewport()->width() - left, m_lineHeight);
    painter.save();
    painter.setClipRect(textArea);

    // Only the columns in view are drawn: a 16 KiB line costs what a short one does.
    const auto firstColumn = qsizetype(std::max(0.0, std::floor(scrollX / m_charWidth)));
    const auto lastColumn = std::min<qsizetype>(
        text.size(), firstColumn + qsizetype(std::ceil(textArea.width() / m_charWidth)) + 2);
    const auto xOf = [&](qsizetype column) {
        return left - scrollX + double(column) * m_charWidth;
    };
    const auto fillColumns = [&](qsizetype from, qsizetype to, const QColor &colour) {
        from = std::max(from, firstColumn);
        to = std::min(to, lastColumn + 1);
        if (to > from)
            painter.fillRect(QRectF(xOf(from), y, double(to - from) * m_charWidth, m_lineHeight),
                             colour);
    };

    // Backgrounds first: span backgrounds, find matches, then the selection on top.
    if (spans) {
        for (const ConsoleSpan &span : *spans) {
            if (span.background >= 0)
                fillColumns(span.start, span.start + span.length,
                            m_palette.ansiColour(span.background));
        }
    }
    if (!m_search.isEmpty()) {
        qsizetype at = text.indexOf(m_search, 0, m_searchCase);
        for (int n = 0; at >= 0 && at < lastColumn && n < MaxHighlightsPerLine; ++n) {
            const bool current =
                m_currentMatch && m_currentMatch->seq == seq && m_currentMatch->start == at;
            fillColumns(at, at + m_search.size(),
                        current ? m_palette.currentMatch : m_palette.match);
            at = text.indexOf(m_search, at + std::max<qsizetype>(1, m_search.size()), m_searchCase);
        }
    }
    if (hasSelection()) {
        const ConsolePosition begin = std::min(*m_anchor, *m_cursor);
        const ConsolePosition end = std::max(*m_anchor, *m_cursor);
        if (seq >= begin.seq && seq <= end.seq) {
            const qsizetype from = seq == begin.seq ? begin.column : 0;
            // A selection that goes on to the next line also covers this line's end.
            const qsizetype to = seq == end.seq ? end.column : text.size() + 1;
            fillColumns(from, to, m_palette.selection);
        }
    }

    // Then the text, run by run.
    QFont baseFont = font();
    baseFont.setItalic(italic);
    const auto drawRun = [&](qsizetype from, qsizetype to, const QColor &colour, quint8 flags) {
        from = std::max(from, firstColumn);
        to = std::min(to, lastColumn);
        if (to <= from)
            return;
        QFont runFont = baseFont;
        runFont.setBold((flags & ConsoleSpan::Bold) != 0);
        runFont.setUnderline((flags & ConsoleSpan::Underline) != 0);
        painter.setFont(runFont);
        painter.setPen(colour);
        painter.drawText(QPointF(xOf(from), y + m_ascent), text.mid(from, to - from));
    };
    qsizetype column = 0;
    if (spans) {
        for (const ConsoleSpan &span : *spans) {
            const auto start = qsizetype(span.start);
            const auto end = qsizetype(span.start + span.length);
            if (start < column)
                continue; // overlapping spans: the first one wins
            drawRun(column, start, defaultColour, 0);
            const QColor colour =
                span.foreground >= 0 ? m_palette.ansiColour(span.foreground) : defaultColour;
            drawRun(start, end, colour, span.flags);
            column = end;
        }
    }
    drawRun(column, text.size(), defaultColour, 0);
    painter.restore();
}

void ConsoleView::resizeEvent(QResizeEvent *event) {
    QAbstractScrollArea::resizeEvent(event);
    refresh();
}

void ConsoleView::scrollContentsBy(int dx, int dy) {
    Q_UNUSED(dx)
    Q_UNUSED(dy)
    viewport()->update();
}

void ConsoleView::changeEvent(QEvent *event) {
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        updateMetrics();
        refreshNow();
    } else if (event->type() == QEvent::PaletteChange) {
        m_palette = ConsolePalette::forPalette(palette());
        viewport()->update();
    }
}

void ConsoleView::keyPressEvent(QKeyEvent *event) {
    if (event->matches(QKeySequence::Copy)) {
        copy(false);
        return;
    }
    if (event->matches(QKeySequence::SelectAll)) {
        selectAll();
        return;
    }
    if (event->matches(QKeySequence::MoveToEndOfDocument)) {
        setFollow(true);
        return;
    }
    if (event->matches(QKeySequence::MoveToStartOfDocument)) {
        verticalScrollBar()->setValue(0);
        return;
    }
    const QString text = event->text();
    const bool printable = !text.isEmpty() && text.at(0).isPrint() &&
                           !(event->modifiers() & (Qt::ControlModifier | Qt::AltModifier));
    if (printable) {
        Q_EMIT textTyped(text);
        return;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

void ConsoleView::mousePressEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const ConsolePosition at = positionAt(event->position().toPoint());
    if ((event->modifiers() & Qt::ShiftModifier) && m_anchor) {
        m_cursor = at;
    } else {
        m_anchor = at;
        m_cursor = at;
    }
    m_selecting = true;
    viewport()->update();
    Q_EMIT selectionChanged();
}

void ConsoleView::mouseMoveEvent(QMouseEvent *event) {
    if (!m_selecting)
        return;
    const QPoint point = event->position().toPoint();
    // Dragging past the top or bottom edge scrolls, a row per move.
    if (point.y() < 0)
        verticalScrollBar()->setValue(verticalScrollBar()->value() - 1);
    else if (point.y() > viewport()->height())
        verticalScrollBar()->setValue(verticalScrollBar()->value() + 1);
    m_cursor = positionAt(point);
    viewport()->update();
    Q_EMIT selectionChanged();
}

void ConsoleView::mouseReleaseEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton || !m_selecting)
        return;
    m_selecting = false;
    if (hasSelection() && QApplication::clipboard()->supportsSelection())
        QApplication::clipboard()->setText(selectedText(), QClipboard::Selection);
}

void ConsoleView::mouseDoubleClickEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton || !m_model)
        return;
    const ConsolePosition at = positionAt(event->position().toPoint());
    const ConsoleLine *line = m_model->lineBySeq(at.seq);
    const QString &text = line ? line->text : m_model->pendingText();
    qsizetype begin = std::min(at.column, text.size());
    qsizetype end = begin;
    while (begin > 0 && isWordCharacter(text.at(begin - 1)))
        --begin;
    while (end < text.size() && isWordCharacter(text.at(end)))
        ++end;
    m_selecting = false;
    setSelection({at.seq, begin}, {at.seq, end});
}

void ConsoleView::scheduleRefresh() {
    if (!m_refreshTimer.isActive())
        m_refreshTimer.start();
}

void ConsoleView::refresh() {
    ++m_refreshCount;
    const qsizetype rows = totalRows();
    const int page = rowsPerPage();
    const int maximum = int(std::max<qsizetype>(0, rows - page));
    QScrollBar *vertical = verticalScrollBar();
    m_settingScroll = true;
    vertical->setPageStep(page);
    vertical->setSingleStep(1);
    vertical->setRange(0, maximum);
    if (m_follow) {
        vertical->setValue(maximum);
    } else if (m_model) {
        vertical->setValue(int(std::min<qsizetype>(rowOfSeq(m_topSeq), maximum)));
    }
    m_settingScroll = false;

    const qsizetype longest =
        m_model ? std::max(m_model->longestLineLength(), m_model->pendingText().size()) : 0;
    const int contentWidth = textLeft() + int(std::ceil(double(longest + 1) * m_charWidth));
    QScrollBar *horizontal = horizontalScrollBar();
    horizontal->setRange(0, std::max(0, contentWidth - viewport()->width()));
    horizontal->setPageStep(viewport()->width());
    horizontal->setSingleStep(std::max(1, int(m_charWidth)));
    viewport()->update();
}

void ConsoleView::updateMetrics() {
    const QFontMetricsF metrics(font());
    m_lineHeight = std::max(1, int(std::ceil(metrics.lineSpacing())));
    m_ascent = int(std::ceil(metrics.ascent()));
    m_charWidth = std::max(1.0, metrics.horizontalAdvance(QLatin1Char('M')));
}

void ConsoleView::onUserScrolled(int value) {
    if (m_settingScroll || !m_model)
        return;
    m_topSeq = seqAtRow(value);
    const bool atBottom = value >= verticalScrollBar()->maximum();
    if (atBottom != m_follow) {
        m_follow = atBottom;
        Q_EMIT followChanged(m_follow);
    }
}

void ConsoleView::scrollToSeq(quint64 seq) {
    const qsizetype row = rowOfSeq(seq);
    const qsizetype first = firstVisibleRow();
    const int page = rowsPerPage();
    if (row >= first && row < first + page)
        return;
    m_topSeq = seqAtRow(std::max<qsizetype>(0, row - page / 2));
    if (m_follow) {
        m_follow = false;
        Q_EMIT followChanged(false);
    }
    refreshNow();
}

qsizetype ConsoleView::totalRows() const {
    if (!m_model)
        return 0;
    return m_model->visibleCount() + (m_model->pendingText().isEmpty() ? 0 : 1);
}

quint64 ConsoleView::seqAtRow(qsizetype row) const {
    if (!m_model)
        return 0;
    if (row >= 0 && row < m_model->visibleCount())
        return m_model->visibleSeq(row);
    if (row < 0 && m_model->visibleCount() > 0)
        return m_model->visibleSeq(0);
    return m_model->endSeq();
}

qsizetype ConsoleView::rowOfSeq(quint64 seq) const {
    return m_model ? m_model->rowForSeq(seq) : 0;
}

int ConsoleView::gutterWidth() const {
    return m_showTimestamps ? int(std::ceil(TimestampColumns * m_charWidth)) : 0;
}

int ConsoleView::textLeft() const {
    return gutterWidth() + TextMargin;
}

} // namespace ps::gui
