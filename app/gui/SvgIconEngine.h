#pragma once

#include <QColor>
#include <QIconEngine>
#include <QPainterPath>
#include <QRectF>
#include <expected>
#include <memory>
#include <optional>
#include <vector>

namespace ps::gui {

/// A small SVG document, parsed once and drawn at any size.
///
/// Reads the subset our own icons use (resources/icons/*.svg): `svg` with a viewBox, `g`,
/// `path` (every command, arcs included), `circle`, `ellipse`, `rect` (with rounded corners),
/// `line`, `polyline`, `polygon`; presentation attributes fill, stroke, stroke-width,
/// stroke-linecap, stroke-linejoin, fill-rule and the opacities, inherited through groups.
/// `currentColor` takes the colour passed to render(), which is how the icons follow the light
/// or dark theme. Anything outside the subset is refused with a message, not drawn wrongly.
class SvgImage {
public:
    static std::expected<SvgImage, QString> parse(const QByteArray &document);

    /// Draws the whole viewBox into `target`, keeping the aspect ratio, centred.
    void render(QPainter &painter, const QRectF &target, const QColor &currentColour,
                const std::optional<QColor> &forceColour = std::nullopt) const;
    [[nodiscard]] QRectF viewBox() const { return m_viewBox; }
    [[nodiscard]] qsizetype shapeCount() const { return qsizetype(m_shapes.size()); }

    struct Paint {
        enum class Kind : quint8 { None, Colour, CurrentColour } kind = Kind::None;
        QColor colour;
    };
    struct Shape {
        QPainterPath path;
        Paint fill;
        Paint stroke;
        qreal strokeWidth = 1.0;
        Qt::PenCapStyle cap = Qt::FlatCap;
        Qt::PenJoinStyle join = Qt::MiterJoin;
        qreal fillOpacity = 1.0;
        qreal strokeOpacity = 1.0;
    };

private:
    QRectF m_viewBox;
    std::vector<Shape> m_shapes;
};

/// Parses SVG path data ("M3 12h18 a9 9 0 0 1-9 9z") into a QPainterPath.
std::expected<QPainterPath, QString> parseSvgPathData(QStringView data);

/// A QIcon engine that draws an SvgImage sharply at every size and device pixel ratio, with
/// `currentColor` taken from the application palette for the icon mode (disabled icons grey).
class SvgIconEngine : public QIconEngine {
public:
    explicit SvgIconEngine(std::shared_ptr<const SvgImage> image, QString cacheKey);

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override;
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override;
    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state,
                         qreal scale) override;
    [[nodiscard]] QIconEngine *clone() const override;
    [[nodiscard]] QString key() const override;
    bool isNull() override { return !m_image; }
    QList<QSize> availableSizes(QIcon::Mode mode, QIcon::State state) override;

    /// The colour `currentColor` takes in `mode` under the current application palette.
    static QColor colourFor(QIcon::Mode mode);

private:
    std::shared_ptr<const SvgImage> m_image;
    QString m_cacheKey;
};

} // namespace ps::gui
