#include "TimelineScene.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFontMetricsF>
#include <QPalette>
#include <QTimeZone>
#include <algorithm>
#include <cmath>
#include <span>

namespace ps::gui {

using ps::core::TimelineEvent;
using ps::core::TimelineLane;
using ps::core::TimelineModel;

namespace {

constexpr double LaneInset = 3.0;      // gap above and below a span inside its row
constexpr double MarkerSpacing = 4.0;  // points closer than this share a marker
constexpr double MinLabelWidth = 28.0; // spans narrower than this get no label
constexpr double LabelPadding = 4.0;
constexpr double BootLabelSpacing = 48.0;
constexpr double BootSpacing = 3.0;

QString tr(const char *text) {
    return QCoreApplication::translate("ps::gui::TimelineScene", text);
}

QColor mix(const QColor &a, const QColor &b, double amountOfB) {
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * amountOfB),
                            float(a.greenF() + (b.greenF() - a.greenF()) * amountOfB),
                            float(a.blueF() + (b.blueF() - a.blueF()) * amountOfB));
}

// Where an open span ends on screen: at the live edge, but never before it started.
double visibleEnd(const TimelineEvent &event, double edgeMs) {
    if (event.isOpen())
        return std::max(edgeMs, double(event.timeMs));
    return double(event.endMs);
}

QString cornerText(const TimelineViewport &viewport, TimelineClock clock) {
    switch (clock) {
    case TimelineClock::DeviceTime:
        return tr("uptime");
    case TimelineClock::TimeOfDay:
        return tr("time of day");
    case TimelineClock::HostUtc:
    case TimelineClock::HostLocal:
        break;
    }
    const auto at = qint64(viewport.startMs());
    const QDateTime date = clock == TimelineClock::HostLocal
                               ? QDateTime::fromMSecsSinceEpoch(at, QTimeZone::systemTimeZone())
                               : QDateTime::fromMSecsSinceEpoch(at, QTimeZone::utc());
    const QString zone = clock == TimelineClock::HostLocal ? tr("local") : tr("UTC");
    return zone + QLatin1Char(' ') + date.toString(QStringLiteral("yyyy-MM-dd"));
}

// Resolves the rule table's colour hints once per scene.
class StateColours {
public:
    StateColours(const ps::core::TimelineRules &rules, const TimelineColours &colours) {
        const auto &states = rules.states();
        m_colours.reserve(states.size());
        for (const auto &state : states) {
            QColor colour(state.color);
            if (!colour.isValid()) {
                colour = state.kind == ps::core::TimelineEventKind::Span ? colours.defaultSpan
                                                                         : colours.defaultPoint;
            }
            m_colours.push_back(colour);
        }
    }
    [[nodiscard]] const QColor &of(const TimelineEvent &event) const {
        return m_colours[event.state];
    }

private:
    std::vector<QColor> m_colours;
};

class SceneBuilder {
public:
    SceneBuilder(const TimelineSceneInput &input, TimelineScene &scene)
        : m_in(input)
        , m_scene(scene)
        , m_viewport(input.viewport)
        , m_metrics(input.font)
        , m_colours(input.model->rules(), input.colours) {}

    void build() {
        const TimelineLayout &layout = m_scene.layout;
        for (int row = 0; row < int(layout.lanes.size()); ++row) {
            const QRectF lane = layout.laneRect(row);
            if (lane.top() >= layout.bounds.bottom())
                break; // rows below the drawing are clipped anyway
            // Markers first: span labels make room for a marker at their start.
            const size_t firstMarker = m_scene.markers.size();
            addPoints(layout.lanes[size_t(row)], lane);
            m_laneMarkers =
                std::span<const TimelineScene::Marker>(m_scene.markers).subspan(firstMarker);
            addSpans(layout.lanes[size_t(row)], lane);
        }
        addBoots();
    }

private:
    double width() const { return m_viewport.width(); }
    double left() const { return m_scene.layout.plot.left(); }

    void addSpans(TimelineLane lane, const QRectF &row) {
        const auto spans = m_in.model->spans(lane);
        const double fromMs = m_viewport.timeAt(0);
        const double toMs = m_viewport.timeAt(width());
        const double top = row.top() + LaneInset;
        const double height = row.height() - 2 * LaneInset;

        auto index = size_t(std::partition_point(spans.begin(), spans.end(),
                                                 [&](const TimelineEvent &e) {
                                                     return visibleEnd(e, m_in.edgeMs) < fromMs;
                                                 }) -
                            spans.begin());
        double floorX = 0; // nothing is drawn left of this any more
        std::optional<TimelineScene::Rect> dense;
        const auto flushDense = [&] {
            if (dense)
                m_scene.rects.push_back(*dense);
            dense.reset();
        };
        while (index < spans.size()) {
            const TimelineEvent &event = spans[index];
            if (double(event.timeMs) > toMs)
                break;
            const double x0 = std::max(m_viewport.xForTime(double(event.timeMs)), floorX);
            const double x1 =
                std::min(m_viewport.xForTime(visibleEnd(event, m_in.edgeMs)), width());
            if (x0 >= width())
                break;
            if (x1 - x0 >= 1.0) {
                flushDense();
                const QRectF rect(left() + x0, top, x1 - x0, height);
                const QColor &fill = m_colours.of(event);
                m_scene.rects.push_back({rect, fill, false});
                addLabel(event, rect, fill);
                floorX = x1;
                ++index;
                continue;
            }
            // Narrower than a pixel: this pixel column shows the state at its right edge, and
            // every span that ends inside the column is skipped with one binary search.
            const double column = std::floor(x0);
            const double columnEndMs = m_viewport.timeAt(column + 1.0);
            const auto next =
                size_t(std::partition_point(spans.begin() + qsizetype(index), spans.end(),
                                            [&](const TimelineEvent &e) {
                                                return visibleEnd(e, m_in.edgeMs) < columnEndMs;
                                            }) -
                       spans.begin());
            const TimelineEvent &sample =
                next < spans.size() && double(spans[next].timeMs) <= columnEndMs
                    ? spans[next]
                    : spans[std::max(index, next > 0 ? next - 1 : 0)];
            const QColor &fill = m_colours.of(sample);
            const double columnLeft = std::max(x0, 0.0); // after a wide span's ragged end
            const double columnRight = std::min(column + 1.0, width());
            if (dense && dense->fill == fill &&
                std::abs(dense->rect.right() - (left() + columnLeft)) < 1e-6) {
                dense->rect.setRight(left() + columnRight);
            } else {
                flushDense();
                dense = TimelineScene::Rect{
                    QRectF(left() + columnLeft, top, columnRight - columnLeft, height), fill, true};
            }
            floorX = column + 1.0;
            index = next;
        }
        flushDense();
    }

    void addLabel(const TimelineEvent &event, const QRectF &rect, const QColor &fill) {
        if (rect.width() < MinLabelWidth)
            return;
        QString text = m_in.model->label(event);
        if (text.isEmpty())
            text = m_in.model->stateInfo(event).label;
        // A marker sitting at the start of the span (an event right after the state began)
        // would cover the first letters: the label starts after it.
        double textLeft = rect.left() + LabelPadding;
        const double reach = m_scene.layout.markerRadius() + 2.0;
        auto marker =
            std::ranges::lower_bound(m_laneMarkers, textLeft - reach, {},
                                     [](const TimelineScene::Marker &m) { return m.centre.x(); });
        // (markers side by side, a reboot request and the next boot's start, push it further)
        for (; marker != m_laneMarkers.end() && marker->centre.x() <= textLeft + reach; ++marker)
            textLeft = marker->centre.x() + reach + 1.0;
        const QRectF area(textLeft, rect.top(), rect.right() - LabelPadding - textLeft,
                          rect.height());
        if (area.width() < MinLabelWidth - 2 * LabelPadding)
            return;
        const QString shown = m_metrics.elidedText(text, Qt::ElideRight, area.width());
        if (shown.isEmpty() || shown == QStringLiteral("…"))
            return;
        m_scene.labels.push_back({area, shown, TimelineColours::textOn(fill)});
    }

    void addPoints(TimelineLane lane, const QRectF &row) {
        const auto points = m_in.model->points(lane);
        const double radius = m_scene.layout.markerRadius();
        const double fromMs = m_viewport.timeAt(-radius);
        const double toMs = m_viewport.timeAt(width() + radius);
        auto index = size_t(std::partition_point(
                                points.begin(), points.end(),
                                [&](const TimelineEvent &e) { return double(e.timeMs) < fromMs; }) -
                            points.begin());
        const double y = row.center().y();
        while (index < points.size() && double(points[index].timeMs) <= toMs) {
            const double x = m_viewport.xForTime(double(points[index].timeMs));
            const double clusterEndMs = m_viewport.timeAt(x + MarkerSpacing);
            auto next =
                size_t(std::partition_point(points.begin() + qsizetype(index) + 1, points.end(),
                                            [&](const TimelineEvent &e) {
                                                return double(e.timeMs) < clusterEndMs;
                                            }) -
                       points.begin());
            next = std::max(next, index + 1);
            m_scene.markers.push_back(
                {QPointF(left() + x, y), m_colours.of(points[index]), int(next - index)});
            index = next;
        }
    }

    void addBoots() {
        const auto &segments = m_in.model->segments();
        const double fromMs = m_viewport.timeAt(0);
        const double toMs = m_viewport.timeAt(width());
        auto it = std::partition_point(
            segments.begin(), segments.end(),
            [&](const ps::core::TimelineSegment &s) { return double(s.startMs) < fromMs; });
        double lastLabelX = -1e9;
        while (it != segments.end() && double(it->startMs) <= toMs) {
            const double x = m_viewport.xForTime(double(it->startMs));
            if (!it->bootSeen) {
                ++it;
                continue;
            }
            // One line per few pixels: a boot loop seen from afar is a band, not 10 000 lines.
            const double nextMs = m_viewport.timeAt(x + BootSpacing);
            TimelineScene::Boot boot{left() + x, {}};
            if (x - lastLabelX >= BootLabelSpacing) {
                lastLabelX = x;
                const QFontMetricsF small(bootLabelFont(m_in.font));
                const QRectF &axis = m_scene.layout.axis;
                boot.labelRect =
                    QRectF(left() + x + 2, axis.top() + 1, small.horizontalAdvance(bootLabel()) + 6,
                           std::min(small.height(), axis.height() - 2));
            }
            m_scene.boots.push_back(boot);
            it = std::partition_point(
                it + 1, segments.end(),
                [&](const ps::core::TimelineSegment &s) { return double(s.startMs) < nextMs; });
        }
    }

    const TimelineSceneInput &m_in;
    TimelineScene &m_scene;
    std::span<const TimelineScene::Marker> m_laneMarkers; // this lane's, sorted by x
    TimelineViewport m_viewport;
    QFontMetricsF m_metrics;
    StateColours m_colours;
};

} // namespace

QString bootLabel() {
    return tr("boot");
}

QFont bootLabelFont(const QFont &font) {
    QFont small = font;
    if (font.pointSizeF() > 0)
        small.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.85));
    else
        small.setPixelSize(std::max(8, int(font.pixelSize() * 0.85)));
    return small;
}

TimelineColours TimelineColours::forPalette(const QPalette &palette) {
    TimelineColours c;
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    c.dark = base.lightness() < 128;
    c.background = base;
    c.laneBand = mix(base, text, c.dark ? 0.05 : 0.035);
    c.header = palette.color(QPalette::Window);
    c.text = palette.color(QPalette::WindowText);
    c.dimText = mix(base, text, 0.6);
    c.grid = mix(base, text, c.dark ? 0.16 : 0.12);
    c.boot = c.dark ? QColor(0xb3, 0x9d, 0xdb) : QColor(0x5e, 0x35, 0xb1);
    c.edge = c.dark ? QColor(0x80, 0xcb, 0xc4) : QColor(0x00, 0x79, 0x6b);
    c.highlight = palette.color(QPalette::Highlight);
    if (c.dark)
        c.highlight = c.highlight.lighter(150);
    c.defaultSpan = mix(base, text, 0.35);
    c.defaultPoint = mix(base, text, 0.75);
    c.markerOutline = base;
    return c;
}

double TimelineColours::luminance(const QColor &colour) {
    // WCAG relative luminance: linearised sRGB channels, weighted.
    const auto linear = [](float channel) {
        return channel <= 0.04045f ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) +
           0.0722 * linear(colour.blueF());
}

double TimelineColours::contrast(const QColor &a, const QColor &b) {
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor TimelineColours::textOn(const QColor &fill) {
    const QColor dark(0x10, 0x12, 0x14);
    const QColor light(0xff, 0xff, 0xff);
    return contrast(fill, dark) >= contrast(fill, light) ? dark : light;
}

QRectF TimelineLayout::laneRect(int row) const {
    return {plot.left(), plot.top() + row * laneHeight, plot.width(), laneHeight};
}

QRectF TimelineLayout::titleRect(int row) const {
    return {bounds.left(), plot.top() + row * laneHeight, headerWidth, laneHeight};
}

std::optional<int> TimelineLayout::rowAt(double y) const {
    if (y < plot.top() || laneHeight <= 0)
        return std::nullopt;
    const auto row = int(std::floor((y - plot.top()) / laneHeight));
    if (row < 0 || row >= int(lanes.size()))
        return std::nullopt;
    return row;
}

std::optional<int> TimelineLayout::rowOf(TimelineLane lane) const {
    const auto it = std::ranges::find(lanes, lane);
    if (it == lanes.end())
        return std::nullopt;
    return int(it - lanes.begin());
}

double TimelineLayout::markerRadius() const {
    return std::clamp(laneHeight * 0.22, 3.5, 7.0);
}

TimelineLayout TimelineLayout::make(const QRectF &bounds, const QFont &font,
                                    std::vector<TimelineLane> lanes,
                                    const ps::core::TimelineRules &rules, const QString &corner) {
    TimelineLayout layout;
    layout.bounds = bounds;
    layout.lanes = std::move(lanes);
    const QFontMetricsF metrics(font);
    double titleWidth = metrics.horizontalAdvance(corner);
    for (const TimelineLane lane : layout.lanes)
        titleWidth = std::max(titleWidth, metrics.horizontalAdvance(rules.laneLabel(lane)));
    layout.headerWidth = std::ceil(titleWidth + 20.0);
    const double axisHeight = std::ceil(metrics.height() + 10.0);
    const double lineHeight = metrics.height();
    const double available = bounds.height() - axisHeight;
    const double count = std::max<double>(1.0, double(layout.lanes.size()));
    layout.laneHeight = std::floor(std::clamp(available / count, std::max(20.0, lineHeight + 8.0),
                                              std::max(52.0, lineHeight * 3.0)));
    layout.axis = QRectF(bounds.left() + layout.headerWidth, bounds.top(),
                         bounds.width() - layout.headerWidth, axisHeight);
    layout.plot = QRectF(layout.axis.left(), bounds.top() + axisHeight, layout.axis.width(),
                         layout.laneHeight * count);
    return layout;
}

std::vector<TimelineLane> shownTimelineLanes(const TimelineModel *model) {
    std::vector<TimelineLane> lanes;
    for (int i = 0; i < ps::core::TimelineLaneCount; ++i) {
        const auto lane = TimelineLane(i);
        if (lane == TimelineLane::CloudApi && model && model->spans(lane).empty() &&
            model->points(lane).empty())
            continue;
        if (lane == TimelineLane::CloudApi && !model)
            continue;
        lanes.push_back(lane);
    }
    return lanes;
}

std::optional<std::pair<qint64, qint64>> timelineExtent(const TimelineModel &model) {
    const auto first = model.firstTimeMs();
    if (!first)
        return std::nullopt;
    qint64 last = *model.lastTimeMs();
    for (int i = 0; i < ps::core::TimelineLaneCount; ++i) {
        const auto spans = model.spans(TimelineLane(i));
        if (!spans.empty() && !spans.back().isOpen())
            last = std::max(last, spans.back().endMs);
    }
    return std::pair{*first, last};
}

qsizetype TimelineScene::primitiveCount() const {
    return qsizetype(rects.size() + markers.size() + labels.size() + ticks.size() + boots.size() +
                     laneTitles.size());
}

TimelineScene buildTimelineScene(const TimelineSceneInput &input) {
    TimelineScene scene;
    const QFontMetricsF metrics(input.font);
    scene.corner = cornerText(input.viewport, input.clock);
    static const std::shared_ptr<const ps::core::TimelineRules> builtin =
        ps::core::TimelineRules::builtin();
    const ps::core::TimelineRules &rules = input.model ? input.model->rules() : *builtin;
    scene.layout = TimelineLayout::make(input.bounds, input.font, shownTimelineLanes(input.model),
                                        rules, scene.corner);
    for (const TimelineLane lane : scene.layout.lanes)
        scene.laneTitles.push_back(rules.laneLabel(lane));

    // The plot's width follows from the titles; the drawing shows the viewport's time range
    // across it (setWidth keeps the range).
    TimelineViewport viewport = input.viewport;
    viewport.setWidth(std::max(1.0, scene.layout.plot.width()));
    scene.viewport = viewport;
    TimelineSceneInput sized = input;
    sized.viewport = viewport;

    if (!input.model || input.model->isEmpty()) {
        scene.emptyText = tr("No timeline events yet. Lines from the device are matched as they "
                             "arrive; a saved log opens with File › Open Log for Timeline… "
                             "(Ctrl+O).");
        return scene;
    }
    // No ticks without events: an axis of nothing would only suggest a time.
    const double tickSpacing = metrics.horizontalAdvance(QStringLiteral("00:00:00.000")) + 16.0;
    for (const TimelineTick &tick : timelineTicks(viewport, input.clock, tickSpacing)) {
        const double x = scene.layout.plot.left() + viewport.xForTime(tick.timeMs);
        // A label cut by the edge of the axis says nothing: the tick keeps only its line.
        const double half = metrics.horizontalAdvance(tick.label) / 2 + 2;
        const bool fits =
            x - half >= scene.layout.axis.left() && x + half <= scene.layout.axis.right();
        scene.ticks.push_back({x, fits ? tick.label : QString()});
    }

    SceneBuilder(sized, scene).build();
    // A boot's label takes the place of a tick label it would cover.
    for (const TimelineScene::Boot &boot : scene.boots) {
        if (boot.labelRect.isEmpty())
            continue;
        for (TimelineScene::Tick &tick : scene.ticks) {
            const double half = metrics.horizontalAdvance(tick.label) / 2 + 4;
            if (tick.x + half > boot.labelRect.left() && tick.x - half < boot.labelRect.right())
                tick.label.clear();
        }
    }
    if (input.showEdge) {
        const double x = viewport.xForTime(input.edgeMs);
        if (x >= 0 && x <= viewport.width())
            scene.edgeX = scene.layout.plot.left() + x;
    }
    return scene;
}

QRectF timelineEventRect(const TimelineEvent &event, const TimelineViewport &viewport,
                         const TimelineLayout &layout, double edgeMs) {
    const auto row = layout.rowOf(event.lane);
    if (!row)
        return {};
    const QRectF lane = layout.laneRect(*row);
    if (event.isSpan()) {
        const double x0 = std::max(viewport.xForTime(double(event.timeMs)), 0.0);
        const double x1 = std::min(viewport.xForTime(visibleEnd(event, edgeMs)), viewport.width());
        return QRectF(lane.left() + x0, lane.top() + LaneInset, std::max(1.0, x1 - x0),
                      lane.height() - 2 * LaneInset);
    }
    const double r = layout.markerRadius();
    const double x = lane.left() + viewport.xForTime(double(event.timeMs));
    return QRectF(x - r, lane.center().y() - r, 2 * r, 2 * r);
}

std::optional<TimelineHit> hitTestTimeline(const TimelineModel &model,
                                           const TimelineViewport &viewport,
                                           const TimelineLayout &layout, QPointF position,
                                           double edgeMs) {
    const auto row = layout.rowAt(position.y());
    if (!row || position.x() < layout.plot.left() || position.x() > layout.plot.right())
        return std::nullopt;
    const TimelineLane lane = layout.lanes[size_t(*row)];
    const double x = position.x() - layout.plot.left();
    const double t = viewport.timeAt(x);
    const double radius = layout.markerRadius() + 1.0;

    // A marker wins within its reach: it sits on top of the spans.
    const auto points = model.pointsIn(lane, qint64(std::floor(viewport.timeAt(x - radius))),
                                       qint64(std::ceil(viewport.timeAt(x + radius))));
    if (!points.empty()) {
        const auto nearest = std::ranges::min_element(
            points, {}, [t](const TimelineEvent &e) { return std::abs(double(e.timeMs) - t); });
        return TimelineHit{*nearest, int(points.size()),
                           timelineEventRect(*nearest, viewport, layout, edgeMs)};
    }

    // Spans share their boundaries: the one that starts at or before t and ends after it. A
    // span is drawn at least a pixel wide, so one that short is found within that pixel.
    const double slack = viewport.msPerPixel();
    const auto spans = model.spansIn(lane, qint64(std::floor(t - slack)), qint64(std::ceil(t)));
    for (const double reach : {0.0, slack}) {
        for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
            if (double(it->timeMs) <= t && visibleEnd(*it, edgeMs) + reach >= t)
                return TimelineHit{*it, 1, timelineEventRect(*it, viewport, layout, edgeMs)};
        }
    }
    return std::nullopt;
}

} // namespace ps::gui
