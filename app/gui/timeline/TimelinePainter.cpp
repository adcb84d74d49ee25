// Painting of a prepared TimelineScene (declared in TimelineScene.h): no model access here, so
// a repaint costs what the scene holds, never what the timeline holds.
#include "TimelineScene.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>

namespace ps::gui {

namespace {

QPolygonF diamond(QPointF centre, double radius) {
    return QPolygonF(
        {QPointF(centre.x(), centre.y() - radius), QPointF(centre.x() + radius, centre.y()),
         QPointF(centre.x(), centre.y() + radius), QPointF(centre.x() - radius, centre.y())});
}

} // namespace

void paintTimelineScene(QPainter &painter, const TimelineScene &scene,
                        const TimelineColours &colours, const QFont &font) {
    const TimelineLayout &layout = scene.layout;
    painter.save();
    painter.setFont(font);
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.fillRect(layout.bounds, colours.background);

    // Lane bands and titles.
    const QFontMetricsF metrics(font);
    for (int row = 0; row < int(layout.lanes.size()); ++row) {
        const QRectF lane = layout.laneRect(row);
        const QRectF title = layout.titleRect(row);
        if (row % 2 == 1)
            painter.fillRect(lane, colours.laneBand);
        painter.fillRect(title, colours.header);
        painter.setPen(colours.text);
        painter.drawText(
            title.adjusted(10, 0, -6, 0), Qt::AlignVCenter | Qt::AlignLeft,
            metrics.elidedText(scene.laneTitles[size_t(row)], Qt::ElideRight, title.width() - 16));
        painter.setPen(QPen(colours.grid, 0));
        painter.drawLine(QPointF(layout.bounds.left(), lane.bottom()),
                         QPointF(lane.right(), lane.bottom()));
    }
    // Header column below the last lane, the axis strip and the corner.
    const QRectF corner(layout.bounds.left(), layout.bounds.top(), layout.headerWidth,
                        layout.axis.height());
    painter.fillRect(corner, colours.header);
    painter.fillRect(layout.axis, colours.header);
    painter.setPen(colours.dimText);
    painter.drawText(corner.adjusted(10, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft, scene.corner);
    painter.setPen(QPen(colours.grid, 0));
    painter.drawLine(QPointF(layout.bounds.left(), layout.axis.bottom()),
                     QPointF(layout.axis.right(), layout.axis.bottom()));
    painter.drawLine(QPointF(layout.plot.left(), layout.bounds.top()),
                     QPointF(layout.plot.left(), layout.plot.bottom()));

    // Ticks: a grid line through the lanes and a centred label on the axis.
    painter.save();
    painter.setClipRect(layout.axis.united(layout.plot));
    for (const TimelineScene::Tick &tick : scene.ticks) {
        painter.setPen(QPen(colours.grid, 0));
        painter.drawLine(QPointF(tick.x, layout.axis.bottom() - 4),
                         QPointF(tick.x, layout.plot.bottom()));
        painter.setPen(colours.text);
        const double width = metrics.horizontalAdvance(tick.label) + 4;
        painter.drawText(
            QRectF(tick.x - width / 2, layout.axis.top(), width, layout.axis.height() - 4),
            Qt::AlignCenter, tick.label);
    }
    painter.restore();

    painter.save();
    painter.setClipRect(layout.plot);
    for (const TimelineScene::Rect &rect : scene.rects)
        painter.fillRect(rect.rect, rect.fill);
    for (const TimelineScene::Text &label : scene.labels) {
        painter.setPen(label.colour);
        painter.drawText(label.rect, Qt::AlignVCenter | Qt::AlignLeft, label.text);
    }
    if (!scene.boots.empty()) {
        QPen pen(colours.boot, 1.5, Qt::DashLine);
        painter.setPen(pen);
        for (const TimelineScene::Boot &boot : scene.boots)
            painter.drawLine(QPointF(boot.x, layout.plot.top()),
                             QPointF(boot.x, layout.plot.bottom()));
    }
    if (scene.edgeX) {
        painter.setPen(QPen(colours.edge, 1.5, Qt::DotLine));
        painter.drawLine(QPointF(*scene.edgeX, layout.plot.top()),
                         QPointF(*scene.edgeX, layout.plot.bottom()));
    }
    painter.setRenderHint(QPainter::Antialiasing, true);
    const double radius = layout.markerRadius();
    for (const TimelineScene::Marker &marker : scene.markers) {
        painter.setPen(QPen(colours.markerOutline, 1.0));
        if (marker.count > 1) {
            // A cluster: a second diamond peeks out behind the first.
            painter.setBrush(marker.fill.darker(130));
            painter.drawPolygon(diamond(marker.centre + QPointF(2.5, -2.5), radius));
        }
        painter.setBrush(marker.fill);
        painter.drawPolygon(diamond(marker.centre, radius));
    }
    painter.restore();

    // Boot labels sit on the axis, where they never cover a state.
    if (!scene.boots.empty()) {
        painter.save();
        painter.setClipRect(layout.axis);
        painter.setFont(bootLabelFont(font));
        for (const TimelineScene::Boot &boot : scene.boots) {
            if (boot.labelRect.isEmpty())
                continue;
            painter.fillRect(boot.labelRect, colours.header);
            painter.setPen(colours.boot);
            painter.drawText(boot.labelRect, Qt::AlignCenter, bootLabel());
        }
        painter.restore();
    }

    if (!scene.emptyText.isEmpty()) {
        painter.setPen(colours.dimText);
        painter.drawText(layout.plot.adjusted(24, 8, -24, -8), Qt::AlignCenter | Qt::TextWordWrap,
                         scene.emptyText);
    }
    painter.restore();
}

} // namespace ps::gui
