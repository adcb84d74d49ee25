#include "TimelineView.h"

#include <QDateTime>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace ps::gui {

using ps::core::TimelineEvent;
using ps::core::TimelineLane;

namespace {

constexpr double ZoomStep = 1.5;         // one key press or button click
constexpr double WheelZoomBase = 1.0015; // per eighth of a degree: one notch (120) ~ x1.2
constexpr double DragThreshold = 4.0;
constexpr double FollowMargin = 0.04; // of the visible range, right of the live edge
constexpr double FirstFollowMs = 60'000;
constexpr qsizetype MaxToolTipSourceChars = 180;
constexpr int ExportLaneHeight = 30;

// (time, sequence) order across lanes, for next/previous event.
bool before(const TimelineEvent &a, const TimelineEvent &b) {
    return a.timeMs != b.timeMs ? a.timeMs < b.timeMs : a.sequence < b.sequence;
}

} // namespace

TimelineView::TimelineView(QWidget *parent)
    : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Timeline"));
    m_colours = TimelineColours::forPalette(palette());
    m_timer.setInterval(RefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &TimelineView::tick);
}

TimelineView::~TimelineView() = default;

void TimelineView::setModel(const ps::core::TimelineModel *model, TimelineClock clock, bool live) {
    m_model = model;
    m_clock = clock;
    m_live = live;
    m_revision = model ? model->revision() : 0;
    m_rangeChosen = false;
    m_hover.reset();
    m_selection.reset();
    setTracking(live ? Tracking::Follow : Tracking::Fit);
    refreshNow();
}

void TimelineView::setClock(TimelineClock clock) {
    if (clock == m_clock)
        return;
    m_clock = clock;
    markDirty();
}

void TimelineView::setLive(bool live) {
    if (live == m_live)
        return;
    m_live = live;
    markDirty();
}

void TimelineView::setSourceLineLookup(std::function<QString(qint32)> lookup) {
    m_sourceLine = std::move(lookup);
}

void TimelineView::setFollow(bool follow) {
    if (follow)
        setTracking(Tracking::Follow);
    else if (m_tracking == Tracking::Follow)
        setTracking(Tracking::None);
    markDirty();
}

void TimelineView::fitAll() {
    setTracking(Tracking::Fit);
    markDirty();
}

void TimelineView::zoomIn() {
    zoomBy(ZoomStep);
}

void TimelineView::zoomOut() {
    zoomBy(1.0 / ZoomStep);
}

void TimelineView::zoomBy(double factor, std::optional<double> plotX) {
    // While following, zooming keeps the live edge at the right; otherwise it is a choice of
    // range, and fitting stops.
    if (m_tracking == Tracking::Follow) {
        m_viewport.zoomAt(factor, m_viewport.width());
    } else {
        m_viewport.zoomAt(factor, plotX.value_or(m_viewport.width() / 2.0));
        setTracking(Tracking::None);
    }
    m_rangeChosen = true;
    markDirty();
}

void TimelineView::panBy(double dx) {
    m_viewport.panBy(dx);
    setTracking(Tracking::None);
    m_rangeChosen = true;
    markDirty();
}

void TimelineView::panByFraction(double fraction) {
    panBy(-fraction * m_viewport.width());
}

void TimelineView::goToStart() {
    if (!m_model)
        return;
    if (const auto extent = timelineExtent(*m_model)) {
        m_viewport.placeAt(double(extent->first), m_viewport.width() * FollowMargin);
        setTracking(Tracking::None);
        m_rangeChosen = true;
        markDirty();
    }
}

void TimelineView::setVisibleRange(double fromMs, double toMs) {
    m_viewport.setRange(fromMs, toMs);
    setTracking(Tracking::None);
    m_rangeChosen = true;
    markDirty();
}

double TimelineView::edgeMs() const {
    if (!m_model)
        return 0;
    const auto extent = timelineExtent(*m_model);
    const double last = extent ? double(extent->second) : 0.0;
    if (m_live && m_clock == TimelineClock::HostLocal)
        return std::max(last, double(QDateTime::currentMSecsSinceEpoch()));
    return last;
}

std::optional<TimelineHit> TimelineView::eventAt(QPointF position) const {
    if (!m_model)
        return std::nullopt;
    return hitTestTimeline(*m_model, m_scene.viewport, m_scene.layout, position, edgeMs());
}

QString TimelineView::describe(const TimelineEvent &event) const {
    if (!m_model)
        return {};
    const auto &state = m_model->stateInfo(event);
    QString label = m_model->label(event);
    if (label.isEmpty())
        label = state.label;
    QStringList parts{m_model->rules().laneLabel(event.lane), label};
    if (event.hasUptime())
        parts.append(formatUptime(event.uptimeUs));
    else if (event.hasClock())
        parts.append(formatAxisTime(event.timeMs, m_clock));
    if (event.isSpan() && !event.isOpen())
        parts.append(formatTimelineDuration(event.endMs - event.timeMs));
    if (event.line > 0)
        parts.append(tr("line %1").arg(event.line));
    return parts.join(QStringLiteral(" · "));
}

QString TimelineView::toolTipFor(const TimelineHit &hit) const {
    if (!m_model)
        return {};
    const TimelineEvent &event = hit.event;
    const auto &state = m_model->stateInfo(event);
    const QString label = m_model->label(event);
    QStringList rows;
    rows.append(QStringLiteral("<b>%1 · %2</b>")
                    .arg(m_model->rules().laneLabel(event.lane).toHtmlEscaped(),
                         state.label.toHtmlEscaped()));
    if (!label.isEmpty() && label != state.label)
        rows.append(label.toHtmlEscaped());
    QString when;
    if (event.hasClock())
        when = tr("at %1").arg(formatAxisTime(event.timeMs, m_clock));
    if (event.hasUptime() && m_clock != TimelineClock::DeviceTime)
        when += tr(" (device uptime %1)").arg(formatUptime(event.uptimeUs));
    if (!when.isEmpty())
        rows.append(when.toHtmlEscaped());
    if (event.isSpan()) {
        rows.append(event.isOpen()
                        ? tr("still in this state (%1 so far)")
                              .arg(formatTimelineDuration(qint64(edgeMs()) - event.timeMs))
                        : tr("lasted %1").arg(formatTimelineDuration(event.endMs - event.timeMs)));
    }
    if (event.hasValue() && state.backoff)
        rows.append(tr("backoff of %1 s").arg(event.value));
    else if (event.hasValue())
        rows.append(tr("value %1").arg(event.value));
    if (hit.nearby > 1)
        rows.append(tr("and %n more event(s) at this spot: zoom in to tell them apart", nullptr,
                       hit.nearby - 1));
    if (event.line > 0) {
        rows.append(tr("line %1 · click to show it in the console").arg(event.line));
        const QString source = m_sourceLine ? m_sourceLine(event.line) : QString();
        if (!source.isEmpty()) {
            QString shown = source.left(MaxToolTipSourceChars);
            if (source.size() > MaxToolTipSourceChars)
                shown += QStringLiteral("…");
            rows.append(QStringLiteral("<span style=\"white-space:pre; font-family:monospace\">%1"
                                       "</span>")
                            .arg(shown.toHtmlEscaped()));
        }
    }
    return QStringLiteral("<p style=\"white-space:nowrap\">") + rows.join(QStringLiteral("<br>")) +
           QStringLiteral("</p>");
}

std::optional<QPointF> TimelineView::pointOf(const TimelineEvent &event) const {
    const QRectF rect = timelineEventRect(event, m_scene.viewport, m_scene.layout, edgeMs());
    if (rect.isEmpty() || rect.right() < m_scene.layout.plot.left() ||
        rect.left() > m_scene.layout.plot.right())
        return std::nullopt;
    return rect.center();
}

void TimelineView::selectEvent(const TimelineEvent &event) {
    m_selection = event;
    revealInView(event);
    m_selectionRect = highlightRect(event);
    Q_EMIT hoverChanged(describe(event));
    update();
}

void TimelineView::clearSelection() {
    if (!m_selection)
        return;
    m_selection.reset();
    m_selectionRect = {};
    update();
}

bool TimelineView::selectNextEvent() {
    if (!m_model)
        return false;
    const TimelineEvent from =
        m_selection.value_or(TimelineEvent{.timeMs = qint64(std::floor(m_viewport.startMs())) - 1});
    std::optional<TimelineEvent> best;
    for (const TimelineLane lane : m_scene.layout.lanes) {
        for (const auto events : {m_model->spans(lane), m_model->points(lane)}) {
            const auto it =
                std::partition_point(events.begin(), events.end(),
                                     [&](const TimelineEvent &e) { return !before(from, e); });
            if (it != events.end() && (!best || before(*it, *best)))
                best = *it;
        }
    }
    if (!best)
        return false;
    selectEvent(*best);
    return true;
}

bool TimelineView::selectPreviousEvent() {
    if (!m_model)
        return false;
    const TimelineEvent from =
        m_selection.value_or(TimelineEvent{.timeMs = qint64(std::ceil(m_viewport.endMs())) + 1,
                                           .sequence = std::numeric_limits<quint32>::max()});
    std::optional<TimelineEvent> best;
    for (const TimelineLane lane : m_scene.layout.lanes) {
        for (const auto events : {m_model->spans(lane), m_model->points(lane)}) {
            const auto it =
                std::partition_point(events.begin(), events.end(),
                                     [&](const TimelineEvent &e) { return before(e, from); });
            if (it != events.begin() && (!best || before(*best, *std::prev(it))))
                best = *std::prev(it);
        }
    }
    if (!best)
        return false;
    selectEvent(*best);
    return true;
}

bool TimelineView::activateSelected() {
    if (!m_selection || m_selection->line <= 0)
        return false;
    Q_EMIT lineActivated(m_selection->line);
    return true;
}

void TimelineView::refreshNow() {
    tick();
    if (m_dirty)
        rebuild();
}

QSize TimelineView::documentSize(int width, bool withHeader) const {
    const QFontMetricsF metrics(font());
    const auto lanes = shownTimelineLanes(m_model);
    const double axis = std::ceil(metrics.height() + 10.0);
    const double header = withHeader ? std::ceil(metrics.height() * 2.0 + 24.0) : 0.0;
    const double laneHeight = std::max<double>(ExportLaneHeight, metrics.height() + 12);
    return {width, int(std::ceil(header + axis + double(lanes.size()) * laneHeight + 1))};
}

void TimelineView::paintDocument(QPainter &painter, const QRectF &bounds, const QString &title,
                                 const QString &subtitle) const {
    painter.save();
    painter.fillRect(bounds, m_colours.header);
    QRectF body = bounds;
    if (!title.isEmpty() || !subtitle.isEmpty()) {
        const QFontMetricsF metrics(font());
        const double lineHeight = metrics.height();
        QFont bold = font();
        bold.setBold(true);
        painter.setFont(bold);
        painter.setPen(m_colours.text);
        const QRectF titleRect(bounds.left() + 10, bounds.top() + 8, bounds.width() - 20,
                               lineHeight);
        painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetricsF(bold).elidedText(title, Qt::ElideRight, titleRect.width()));
        painter.setFont(font());
        painter.setPen(m_colours.dimText);
        const QRectF subtitleRect(titleRect.left(), titleRect.bottom() + 4, titleRect.width(),
                                  lineHeight);
        painter.drawText(subtitleRect, Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(subtitle, Qt::ElideRight, subtitleRect.width()));
        body.setTop(std::ceil(subtitleRect.bottom() + 12));
    }
    TimelineSceneInput input;
    input.model = m_model;
    input.viewport = m_scene.viewport;
    input.bounds = body;
    input.clock = m_clock;
    input.edgeMs = edgeMs();
    input.showEdge = m_live && m_clock == TimelineClock::HostLocal;
    input.font = font();
    input.colours = m_colours;
    paintTimelineScene(painter, buildTimelineScene(input), m_colours, font());
    painter.restore();
}

QSize TimelineView::sizeHint() const {
    return documentSize(900, false);
}

QSize TimelineView::minimumSizeHint() const {
    return {320, 120};
}

bool TimelineView::event(QEvent *event) {
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        if (const auto hit = eventAt(help->pos())) {
            QToolTip::showText(help->globalPos(), toolTipFor(*hit), this,
                               hit->rect.toAlignedRect().adjusted(-2, -2, 2, 2));
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QWidget::event(event);
}

void TimelineView::paintEvent(QPaintEvent *event) {
    Q_UNUSED(event)
    ++m_paintCount;
    QPainter painter(this);
    paintTimelineScene(painter, m_scene, m_colours, font());
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setClipRect(m_scene.layout.plot.adjusted(-8, -1, 8, 1));
    painter.setBrush(Qt::NoBrush);
    if (!m_selectionRect.isEmpty()) {
        painter.setPen(QPen(m_colours.highlight, 2.5));
        painter.drawRoundedRect(m_selectionRect.adjusted(-2, -2, 2, 2), 3, 3);
    }
    if (!m_hoverRect.isEmpty()) {
        painter.setPen(QPen(m_colours.text, 1.5));
        painter.drawRoundedRect(m_hoverRect.adjusted(-1.5, -1.5, 1.5, 1.5), 2, 2);
    }
}

void TimelineView::resizeEvent(QResizeEvent *event) {
    QWidget::resizeEvent(event);
    markDirty();
    // A resize is the person watching: show the new size at once, not a tick later.
    rebuild();
}

void TimelineView::changeEvent(QEvent *event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        m_colours = TimelineColours::forPalette(palette());
        markDirty();
    } else if (event->type() == QEvent::FontChange) {
        markDirty();
    }
}

void TimelineView::showEvent(QShowEvent *event) {
    QWidget::showEvent(event);
    m_timer.start();
    refreshNow();
}

void TimelineView::hideEvent(QHideEvent *event) {
    QWidget::hideEvent(event);
    m_timer.stop();
}

void TimelineView::wheelEvent(QWheelEvent *event) {
    const QPoint delta = event->angleDelta();
    const bool sideways = std::abs(delta.x()) > std::abs(delta.y());
    if (sideways || (event->modifiers() & Qt::ShiftModifier)) {
        const int amount = sideways ? delta.x() : delta.y();
        panBy(double(amount) / 120.0 * m_viewport.width() / 10.0);
    } else if (delta.y() != 0) {
        const double x = event->position().x() - m_scene.layout.plot.left();
        zoomBy(std::pow(WheelZoomBase, double(delta.y())), x);
    }
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_pressed = true;
    m_dragging = false;
    m_pressPos = event->position();
    m_pressViewport = m_viewport;
}

void TimelineView::mouseMoveEvent(QMouseEvent *event) {
    m_lastMouse = event->position();
    if (m_pressed && (event->buttons() & Qt::LeftButton)) {
        const QPointF moved = event->position() - m_pressPos;
        if (!m_dragging && std::abs(moved.x()) + std::abs(moved.y()) >= DragThreshold) {
            m_dragging = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (m_dragging) {
            m_viewport = m_pressViewport;
            panBy(moved.x());
        }
        return;
    }
    setHover(eventAt(event->position()));
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton || !m_pressed) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    m_pressed = false;
    if (m_dragging) {
        m_dragging = false;
        unsetCursor();
        return;
    }
    if (const auto hit = eventAt(event->position())) {
        selectEvent(hit->event);
        activateSelected();
    } else {
        clearSelection();
    }
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *event) {
    if (event->button() == Qt::LeftButton && !eventAt(event->position()))
        fitAll();
}

void TimelineView::leaveEvent(QEvent *event) {
    QWidget::leaveEvent(event);
    m_lastMouse = QPointF(-1, -1);
    setHover(std::nullopt);
}

void TimelineView::keyPressEvent(QKeyEvent *event) {
    const bool shift = event->modifiers() & Qt::ShiftModifier;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore:
        zoomOut();
        break;
    case Qt::Key_0:
    case Qt::Key_F:
        fitAll();
        break;
    case Qt::Key_Left:
        panByFraction(shift ? -0.9 : -0.1);
        break;
    case Qt::Key_Right:
        panByFraction(shift ? 0.9 : 0.1);
        break;
    case Qt::Key_PageUp:
        panByFraction(-0.9);
        break;
    case Qt::Key_PageDown:
        panByFraction(0.9);
        break;
    case Qt::Key_Home:
        goToStart();
        break;
    case Qt::Key_End:
        setFollow(true);
        break;
    case Qt::Key_BracketRight:
    case Qt::Key_N:
        selectNextEvent();
        break;
    case Qt::Key_BracketLeft:
    case Qt::Key_P:
        selectPreviousEvent();
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        activateSelected();
        break;
    case Qt::Key_Escape:
        clearSelection();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimelineView::tick() {
    bool changed = m_dirty;
    if (m_model && m_model->revision() != m_revision) {
        m_revision = m_model->revision();
        changed = true;
        Q_EMIT modelChanged();
    }
    if (m_model && m_tracking != Tracking::None) {
        const TimelineViewport before = m_viewport;
        applyTracking();
        // The live edge moves every tick; less than half a pixel is not worth a repaint.
        const bool moved =
            std::abs(before.startMs() - m_viewport.startMs()) >= 0.5 * m_viewport.msPerPixel() ||
            std::abs(before.msPerPixel() - m_viewport.msPerPixel()) >
                1e-9 * m_viewport.msPerPixel();
        if (moved)
            changed = true;
        else
            m_viewport = before;
    }
    if (changed)
        rebuild();
}

void TimelineView::applyTracking() {
    const auto extent = timelineExtent(*m_model);
    if (!extent)
        return;
    const double first = double(extent->first);
    const double edge = edgeMs();
    if (m_tracking == Tracking::Fit) {
        m_viewport.fit(first, std::max(double(extent->second), edge));
        return;
    }
    double visible = m_viewport.visibleMs();
    if (!m_rangeChosen) {
        visible = std::max((edge - first) * (1 + 3 * FollowMargin), FirstFollowMs);
        m_viewport.setRange(0, visible);
        visible = m_viewport.visibleMs();
        m_rangeChosen = true;
    }
    const double right = edge + visible * FollowMargin;
    double start = right - visible;
    // While everything fits, it starts at the left edge instead of sliding in from the right.
    if (edge - first < visible * (1 - 2 * FollowMargin))
        start = first - visible * FollowMargin;
    m_viewport.setStartAndScale(start, m_viewport.msPerPixel());
}

void TimelineView::setTracking(Tracking tracking) {
    if (tracking == m_tracking)
        return;
    const bool wasFollowing = m_tracking == Tracking::Follow;
    m_tracking = tracking;
    if (wasFollowing != (m_tracking == Tracking::Follow))
        Q_EMIT followChanged(m_tracking == Tracking::Follow);
}

void TimelineView::markDirty() {
    m_dirty = true;
}

void TimelineView::rebuild() {
    TimelineSceneInput input;
    input.model = m_model;
    input.viewport = m_viewport;
    input.bounds = QRectF(rect());
    input.clock = m_clock;
    input.edgeMs = edgeMs();
    input.showEdge = m_live && m_clock == TimelineClock::HostLocal;
    input.font = font();
    input.colours = m_colours;
    m_scene = buildTimelineScene(input);
    m_viewport = m_scene.viewport;
    m_dirty = false;
    ++m_buildCount;
    // The content moved under a resting pointer: what it points at may have changed.
    if (m_lastMouse.x() >= 0 && !m_pressed)
        m_hover = eventAt(m_lastMouse);
    m_hoverRect = m_hover ? highlightRect(m_hover->event) : QRectF();
    m_selectionRect = m_selection ? highlightRect(*m_selection) : QRectF();
    update();
}

void TimelineView::setHover(std::optional<TimelineHit> hit) {
    const bool same = hit.has_value() == m_hover.has_value() &&
                      (!hit || hit->event.sequence == m_hover->event.sequence);
    m_hover = std::move(hit);
    if (same)
        return;
    m_hoverRect = m_hover ? highlightRect(m_hover->event) : QRectF();
    Q_EMIT hoverChanged(m_hover ? describe(m_hover->event) : QString());
    update();
}

void TimelineView::revealInView(const TimelineEvent &event) {
    const double start = double(event.timeMs);
    const double end = event.isSpan()
                           ? std::min(double(event.isOpen() ? event.timeMs : event.endMs),
                                      start + m_viewport.visibleMs())
                           : start;
    if (start >= m_viewport.startMs() && end <= m_viewport.endMs())
        return;
    m_viewport.placeAt((start + end) / 2.0, m_viewport.width() / 2.0);
    setTracking(Tracking::None);
    m_rangeChosen = true;
    rebuild();
}

QRectF TimelineView::highlightRect(const TimelineEvent &event) const {
    return timelineEventRect(event, m_scene.viewport, m_scene.layout, edgeMs());
}

} // namespace ps::gui
