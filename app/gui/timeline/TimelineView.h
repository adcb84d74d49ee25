#pragma once

#include "TimelineFormat.h"
#include "TimelineScene.h"
#include "TimelineViewport.h"
#include "core/timeline/TimelineModel.h"

#include <QTimer>
#include <QWidget>
#include <functional>
#include <optional>

namespace ps::gui {

/// The swimlane drawing of a timeline: one row per lane, states as coloured spans, moments as
/// markers, boots as dashed lines, the host-time (or uptime) axis on top.
///
/// Navigation: the wheel zooms around the pointer (Shift+wheel or a sideways wheel pans), a drag
/// pans, keys when focused: + and - zoom, 0 or F fits everything, Left/Right pan (Shift: a
/// page), Home goes to the start, End follows live data, ] and [ select the next and previous
/// event, Return shows the selected event's line in the console. Hovering shows a tooltip with
/// the event and its source line; a click selects the event and emits lineActivated().
///
/// It never reads the model while painting: a ~30 Hz timer (RefreshIntervalMs) polls the
/// model's revision, applies follow or fit, and rebuilds a TimelineScene only when something
/// changed; paintEvent draws that scene. The scene's level of detail keeps the work bounded by
/// the width in pixels, so a million events cost what a few thousand do.
class TimelineView : public QWidget {
    Q_OBJECT
public:
    static constexpr int RefreshIntervalMs = 33;

    /// What the view does when the model grows.
    enum class Tracking : quint8 {
        None,   ///< stays where the person put it
        Follow, ///< keeps the newest moment (the live edge) in view at the right
        Fit,    ///< keeps everything in view
    };

    explicit TimelineView(QWidget *parent = nullptr);
    ~TimelineView() override;

    /// Shows `model` (not owned: call setModel(nullptr) before it goes away). A live model
    /// follows its newest events and its open states grow until now; otherwise the view fits.
    void setModel(const ps::core::TimelineModel *model, TimelineClock clock, bool live);
    [[nodiscard]] const ps::core::TimelineModel *model() const { return m_model; }
    void setClock(TimelineClock clock);
    [[nodiscard]] TimelineClock clock() const { return m_clock; }
    void setLive(bool live);
    [[nodiscard]] bool isLive() const { return m_live; }
    /// Text of a source line, for tooltips (TimelineSession::sourceLine).
    void setSourceLineLookup(std::function<QString(qint32)> lookup);

    [[nodiscard]] const TimelineViewport &viewport() const { return m_viewport; }
    [[nodiscard]] Tracking tracking() const { return m_tracking; }
    [[nodiscard]] bool follows() const { return m_tracking == Tracking::Follow; }
    void setFollow(bool follow);
    void fitAll();
    void zoomIn();
    void zoomOut();
    /// Zooms around plot x (the right edge while following, the middle when not given).
    void zoomBy(double factor, std::optional<double> plotX = std::nullopt);
    void panBy(double dx);
    void panByFraction(double fraction);
    void goToStart();
    /// Shows [fromMs, toMs] and stops following.
    void setVisibleRange(double fromMs, double toMs);
    /// Where open spans end: the newest moment, or now while live.
    [[nodiscard]] double edgeMs() const;

    [[nodiscard]] std::optional<TimelineHit> eventAt(QPointF position) const;
    /// Rich-text tooltip of a hit: lane and state, times, duration, line, source line.
    [[nodiscard]] QString toolTipFor(const TimelineHit &hit) const;
    /// One line for a status bar: "Provisioning · Processing commands · 0:00:08.020 · line 13".
    [[nodiscard]] QString describe(const ps::core::TimelineEvent &event) const;
    /// Centre of an event's drawing in widget coordinates (for tests and keyboard use).
    [[nodiscard]] std::optional<QPointF> pointOf(const ps::core::TimelineEvent &event) const;

    [[nodiscard]] std::optional<ps::core::TimelineEvent> selectedEvent() const {
        return m_selection;
    }
    /// Selects an event, brings it into view if needed.
    void selectEvent(const ps::core::TimelineEvent &event);
    void clearSelection();
    bool selectNextEvent();
    bool selectPreviousEvent();
    /// Emits lineActivated for the selected event; false when none (or it has no line).
    bool activateSelected();

    /// The prepared drawing (after the last rebuild).
    [[nodiscard]] const TimelineScene &scene() const { return m_scene; }
    [[nodiscard]] int paintCount() const { return m_paintCount; }
    [[nodiscard]] int buildCount() const { return m_buildCount; }
    /// Applies model changes and tracking now instead of at the next tick.
    void refreshNow();

    /// Size of an exported drawing `width` pixels wide: all lanes at a comfortable height, plus
    /// a header for title and subtitle when `withHeader`.
    [[nodiscard]] QSize documentSize(int width, bool withHeader) const;
    /// Draws the current time range into `bounds` of any paint device (image, SVG), with a
    /// title and subtitle above it when given: what the export writes.
    void paintDocument(QPainter &painter, const QRectF &bounds, const QString &title,
                       const QString &subtitle) const;

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

Q_SIGNALS:
    void followChanged(bool follow);
    /// A click or Return on an event with a source line.
    void lineActivated(int line);
    /// The hovered (or, from the keyboard, selected) event's description; empty when none.
    void hoverChanged(const QString &description);
    /// The model changed since the last tick (once per tick at most).
    void modelChanged();

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void tick();
    void rebuild();
    void applyTracking();
    void setTracking(Tracking tracking);
    void markDirty();
    void setHover(std::optional<TimelineHit> hit);
    void revealInView(const ps::core::TimelineEvent &event);
    [[nodiscard]] QRectF highlightRect(const ps::core::TimelineEvent &event) const;

    const ps::core::TimelineModel *m_model = nullptr;
    TimelineClock m_clock = TimelineClock::DeviceTime;
    bool m_live = false;
    std::function<QString(qint32)> m_sourceLine;
    TimelineViewport m_viewport;
    Tracking m_tracking = Tracking::Fit;
    bool m_rangeChosen = false; // the viewport was fitted to this model at least once
    TimelineColours m_colours;
    TimelineScene m_scene;
    QTimer m_timer;
    quint64 m_revision = 0;
    bool m_dirty = true;
    int m_paintCount = 0;
    int m_buildCount = 0;

    std::optional<TimelineHit> m_hover;
    QPointF m_lastMouse{-1, -1};
    std::optional<ps::core::TimelineEvent> m_selection;
    QRectF m_hoverRect;
    QRectF m_selectionRect;
    bool m_pressed = false;
    bool m_dragging = false;
    QPointF m_pressPos;
    TimelineViewport m_pressViewport;
};

} // namespace ps::gui
