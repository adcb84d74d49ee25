#pragma once

#include "TimelineFormat.h"
#include "TimelineViewport.h"
#include "core/timeline/TimelineModel.h"

#include <QColor>
#include <QFont>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <optional>
#include <vector>

class QPainter;
class QPalette;

namespace ps::gui {

/// Colours of the timeline for the current theme. The states bring their own colours (the rule
/// table's hints); everything around them comes from the widget palette, so the view reads well
/// in the light and the dark theme. Text on a span is black or white, whichever contrasts.
struct TimelineColours {
    bool dark = false;
    QColor background;   ///< plot
    QColor laneBand;     ///< every other lane
    QColor header;       ///< lane title column and axis strip
    QColor text;         ///< lane titles, axis labels
    QColor dimText;      ///< captions, the empty-view hint
    QColor grid;         ///< tick lines, lane separators
    QColor boot;         ///< reboot lines
    QColor edge;         ///< the live edge ("now")
    QColor highlight;    ///< outline of the hovered and the selected event
    QColor defaultSpan;  ///< spans whose state has no colour
    QColor defaultPoint; ///< points whose state has no colour
    QColor markerOutline;

    static TimelineColours forPalette(const QPalette &palette);
    /// Near-black or white, whichever contrasts more with `fill`.
    static QColor textOn(const QColor &fill);
    /// WCAG 2 relative luminance and contrast ratio (1 to 21).
    static double luminance(const QColor &colour);
    static double contrast(const QColor &a, const QColor &b);
};

/// Where things are in a timeline drawing: the axis strip on top, the lane titles on the left,
/// one row per shown lane. All in the drawing's own coordinates (widget or exported image).
struct TimelineLayout {
    QRectF bounds;
    QRectF axis; ///< the strip with the tick labels, above the plot
    QRectF plot; ///< the lanes' drawing area right of the titles
    double headerWidth = 0;
    double laneHeight = 0;
    std::vector<ps::core::TimelineLane> lanes; ///< top to bottom

    /// Row `row` across the plot (titles excluded).
    [[nodiscard]] QRectF laneRect(int row) const;
    [[nodiscard]] QRectF titleRect(int row) const;
    [[nodiscard]] std::optional<int> rowAt(double y) const;
    [[nodiscard]] std::optional<int> rowOf(ps::core::TimelineLane lane) const;
    /// Half size of a point marker in this layout.
    [[nodiscard]] double markerRadius() const;

    /// Lanes get an equal share of the height, within readable limits (rows below the bounds
    /// are clipped); the title column is as wide as the longest title or `corner`.
    static TimelineLayout make(const QRectF &bounds, const QFont &font,
                               std::vector<ps::core::TimelineLane> lanes,
                               const ps::core::TimelineRules &rules, const QString &corner);
};

/// The lanes a view shows for `model`: the device lanes always, the cloud API lane once it has
/// events (a log file never has any).
std::vector<ps::core::TimelineLane> shownTimelineLanes(const ps::core::TimelineModel *model);

/// First and last moment of the model (the latest end of a closed span, else the latest start);
/// nullopt when empty.
std::optional<std::pair<qint64, qint64>> timelineExtent(const ps::core::TimelineModel &model);

/// Everything a timeline drawing shows for one viewport, prepared once so painting only draws
/// (TimelineView rebuilds it when the model or the viewport changed, at most ~30 times a second).
///
/// Level of detail keeps it bounded by the pixel width, whatever the event count: spans that
/// cover a pixel or more become one rectangle each; where spans are narrower than a pixel, each
/// pixel column becomes one rectangle in the colour of the state at its right edge (runs of
/// equal columns merge); points closer than a few pixels become one marker that counts them;
/// anything outside the viewport is never visited (binary searches per lane).
struct TimelineScene {
    struct Rect {
        QRectF rect;
        QColor fill;
        bool dense = false; ///< stands for several spans narrower than a pixel
    };
    struct Marker {
        QPointF centre;
        QColor fill;
        int count = 1; ///< points it stands for
    };
    struct Text {
        QRectF rect;
        QString text;
        QColor colour;
    };
    struct Tick {
        double x = 0;
        QString label;
    };
    struct Boot {
        double x = 0;
        QRectF labelRect; ///< "boot" on the axis strip; empty when a neighbour has the label
    };

    TimelineLayout layout;
    TimelineViewport viewport; ///< the input's range across the plot's width
    QString corner; ///< the clock's name in the top-left corner ("uptime", "UTC 2026-11-26")
    std::vector<QString> laneTitles;
    std::vector<Rect> rects;
    std::vector<Marker> markers;
    std::vector<Text> labels;
    std::vector<Tick> ticks;
    std::vector<Boot> boots;
    std::optional<double> edgeX; ///< x of the live edge when in view
    QString emptyText;           ///< shown when there is nothing to draw

    /// Rectangles, markers, texts, ticks and boot lines: what painting costs.
    [[nodiscard]] qsizetype primitiveCount() const;
};

/// What a scene is made of.
struct TimelineSceneInput {
    const ps::core::TimelineModel *model = nullptr;
    TimelineViewport viewport; ///< its width is taken from the layout's plot
    QRectF bounds;
    TimelineClock clock = TimelineClock::DeviceTime;
    double edgeMs = 0;     ///< where open spans end (the last event, or now on a live port)
    bool showEdge = false; ///< draw the live edge
    QFont font;
    TimelineColours colours;
};

TimelineScene buildTimelineScene(const TimelineSceneInput &input);
/// The text and font of a boot line's label.
QString bootLabel();
QFont bootLabelFont(const QFont &font);

/// Draws a prepared scene (and nothing else: no model access).
void paintTimelineScene(QPainter &painter, const TimelineScene &scene,
                        const TimelineColours &colours, const QFont &font);

/// The event under a point of a drawing: a point marker within its radius first, else the span
/// that covers the moment under the pointer.
struct TimelineHit {
    ps::core::TimelineEvent event;
    int nearby = 1; ///< points within the marker's reach (a cluster)
    QRectF rect;    ///< where the event is drawn (clipped to the plot)
};

std::optional<TimelineHit> hitTestTimeline(const ps::core::TimelineModel &model,
                                           const TimelineViewport &viewport,
                                           const TimelineLayout &layout, QPointF position,
                                           double edgeMs);

/// Where `event` is drawn (clipped to the plot); empty when its lane is not shown.
QRectF timelineEventRect(const ps::core::TimelineEvent &event, const TimelineViewport &viewport,
                         const TimelineLayout &layout, double edgeMs);

} // namespace ps::gui
