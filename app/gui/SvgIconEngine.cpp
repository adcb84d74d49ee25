#include "SvgIconEngine.h"

#include <QApplication>
#include <QPainter>
#include <QPalette>
#include <QPixmapCache>
#include <QXmlStreamReader>
#include <cmath>
#include <numbers>

namespace ps::gui {

namespace {

using namespace Qt::StringLiterals;

// --- path data -------------------------------------------------------------------------------

class PathLexer {
public:
    explicit PathLexer(QStringView data)
        : m_data(data) {}

    void skipSeparators() {
        while (m_pos < m_data.size() &&
               (m_data[m_pos].isSpace() || m_data[m_pos] == QLatin1Char(',')))
            ++m_pos;
    }
    [[nodiscard]] bool atEnd() {
        skipSeparators();
        return m_pos >= m_data.size();
    }
    [[nodiscard]] bool atNumber() {
        skipSeparators();
        if (m_pos >= m_data.size())
            return false;
        const QChar c = m_data[m_pos];
        return c.isDigit() || c == QLatin1Char('.') || c == QLatin1Char('-') ||
               c == QLatin1Char('+');
    }
    std::optional<QChar> command() {
        skipSeparators();
        if (m_pos < m_data.size() && m_data[m_pos].isLetter())
            return m_data[m_pos++];
        return std::nullopt;
    }
    // SVG numbers may run together: "1.5.5" is 1.5 and .5, "1-2" is 1 and -2.
    std::optional<double> number() {
        skipSeparators();
        const qsizetype start = m_pos;
        if (m_pos < m_data.size() &&
            (m_data[m_pos] == QLatin1Char('-') || m_data[m_pos] == QLatin1Char('+')))
            ++m_pos;
        bool digits = false;
        while (m_pos < m_data.size() && m_data[m_pos].isDigit()) {
            ++m_pos;
            digits = true;
        }
        if (m_pos < m_data.size() && m_data[m_pos] == QLatin1Char('.')) {
            ++m_pos;
            while (m_pos < m_data.size() && m_data[m_pos].isDigit()) {
                ++m_pos;
                digits = true;
            }
        }
        if (!digits) {
            m_pos = start;
            return std::nullopt;
        }
        if (m_pos < m_data.size() &&
            (m_data[m_pos] == QLatin1Char('e') || m_data[m_pos] == QLatin1Char('E'))) {
            qsizetype e = m_pos + 1;
            if (e < m_data.size() &&
                (m_data[e] == QLatin1Char('-') || m_data[e] == QLatin1Char('+')))
                ++e;
            if (e < m_data.size() && m_data[e].isDigit()) {
                m_pos = e;
                while (m_pos < m_data.size() && m_data[m_pos].isDigit())
                    ++m_pos;
            }
        }
        bool ok = false;
        const double value = m_data.mid(start, m_pos - start).toDouble(&ok);
        return ok ? std::optional<double>(value) : std::nullopt;
    }
    // Arc flags are single characters and may touch the next number ("a1 1 0 011 1").
    std::optional<bool> flag() {
        skipSeparators();
        if (m_pos < m_data.size() &&
            (m_data[m_pos] == QLatin1Char('0') || m_data[m_pos] == QLatin1Char('1')))
            return m_data[m_pos++] == QLatin1Char('1');
        return std::nullopt;
    }
    [[nodiscard]] qsizetype position() const { return m_pos; }

private:
    QStringView m_data;
    qsizetype m_pos = 0;
};

// Appends an SVG elliptical arc (endpoint form) as cubic Béziers, per SVG 1.1 appendix F.6.
void arcTo(QPainterPath &path, QPointF from, double rx, double ry, double rotationDeg,
           bool largeArc, bool sweep, QPointF to) {
    if (from == to)
        return;
    rx = std::abs(rx);
    ry = std::abs(ry);
    if (rx == 0 || ry == 0) {
        path.lineTo(to);
        return;
    }
    const double phi = rotationDeg * std::numbers::pi / 180.0;
    const double cosPhi = std::cos(phi);
    const double sinPhi = std::sin(phi);
    const double dx2 = (from.x() - to.x()) / 2;
    const double dy2 = (from.y() - to.y()) / 2;
    const double x1p = cosPhi * dx2 + sinPhi * dy2;
    const double y1p = -sinPhi * dx2 + cosPhi * dy2;
    const double lambda = (x1p * x1p) / (rx * rx) + (y1p * y1p) / (ry * ry);
    if (lambda > 1) {
        rx *= std::sqrt(lambda);
        ry *= std::sqrt(lambda);
    }
    const double num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p;
    const double den = rx * rx * y1p * y1p + ry * ry * x1p * x1p;
    const double coef =
        (largeArc != sweep ? 1.0 : -1.0) * std::sqrt(std::max(0.0, den > 0 ? num / den : 0.0));
    const double cxp = coef * (rx * y1p / ry);
    const double cyp = coef * (-ry * x1p / rx);
    const double cx = cosPhi * cxp - sinPhi * cyp + (from.x() + to.x()) / 2;
    const double cy = sinPhi * cxp + cosPhi * cyp + (from.y() + to.y()) / 2;

    const auto angle = [](double ux, double uy, double vx, double vy) {
        return std::atan2(ux * vy - uy * vx, ux * vx + uy * vy);
    };
    const double theta1 = angle(1, 0, (x1p - cxp) / rx, (y1p - cyp) / ry);
    double delta = angle((x1p - cxp) / rx, (y1p - cyp) / ry, (-x1p - cxp) / rx, (-y1p - cyp) / ry);
    if (!sweep && delta > 0)
        delta -= 2 * std::numbers::pi;
    else if (sweep && delta < 0)
        delta += 2 * std::numbers::pi;

    const auto pointAt = [&](double t) {
        return QPointF(cx + rx * std::cos(t) * cosPhi - ry * std::sin(t) * sinPhi,
                       cy + rx * std::cos(t) * sinPhi + ry * std::sin(t) * cosPhi);
    };
    const auto derivativeAt = [&](double t) {
        return QPointF(-rx * std::sin(t) * cosPhi - ry * std::cos(t) * sinPhi,
                       -rx * std::sin(t) * sinPhi + ry * std::cos(t) * cosPhi);
    };
    const int segments = std::max(1, int(std::ceil(std::abs(delta) / (std::numbers::pi / 2))));
    const double step = delta / segments;
    const double k = 4.0 / 3.0 * std::tan(step / 4);
    double t = theta1;
    for (int i = 0; i < segments; ++i) {
        const double next = t + step;
        const QPointF p0 = pointAt(t);
        const QPointF p3 = i == segments - 1 ? to : pointAt(next);
        path.cubicTo(p0 + k * derivativeAt(t), p3 - k * derivativeAt(next), p3);
        t = next;
    }
}

// --- attributes ------------------------------------------------------------------------------

struct Style {
    SvgImage::Paint fill{SvgImage::Paint::Kind::Colour, QColor(Qt::black)};
    SvgImage::Paint stroke;
    qreal strokeWidth = 1.0;
    Qt::PenCapStyle cap = Qt::FlatCap;
    Qt::PenJoinStyle join = Qt::MiterJoin;
    Qt::FillRule fillRule = Qt::WindingFill;
    qreal opacity = 1.0;
    qreal fillOpacity = 1.0;
    qreal strokeOpacity = 1.0;
};

std::expected<SvgImage::Paint, QString> parsePaint(const QString &value) {
    using Kind = SvgImage::Paint::Kind;
    if (value == "none"_L1)
        return SvgImage::Paint{Kind::None, {}};
    if (value == "currentColor"_L1)
        return SvgImage::Paint{Kind::CurrentColour, {}};
    const QColor colour = QColor::fromString(value);
    if (!colour.isValid())
        return std::unexpected(u"unknown colour '%1'"_s.arg(value));
    return SvgImage::Paint{Kind::Colour, colour};
}

std::expected<void, QString> applyAttributes(const QXmlStreamAttributes &attributes, Style &style) {
    for (const QXmlStreamAttribute &attribute : attributes) {
        const QStringView name = attribute.name();
        const QString value = attribute.value().toString().trimmed();
        bool ok = true;
        if (name == "fill"_L1 || name == "stroke"_L1) {
            const auto paint = parsePaint(value);
            if (!paint)
                return std::unexpected(paint.error());
            (name == "fill"_L1 ? style.fill : style.stroke) = *paint;
        } else if (name == "stroke-width"_L1) {
            style.strokeWidth = value.toDouble(&ok);
        } else if (name == "stroke-linecap"_L1) {
            style.cap = value == "round"_L1    ? Qt::RoundCap
                        : value == "square"_L1 ? Qt::SquareCap
                                               : Qt::FlatCap;
        } else if (name == "stroke-linejoin"_L1) {
            style.join = value == "round"_L1   ? Qt::RoundJoin
                         : value == "bevel"_L1 ? Qt::BevelJoin
                                               : Qt::MiterJoin;
        } else if (name == "fill-rule"_L1) {
            style.fillRule = value == "evenodd"_L1 ? Qt::OddEvenFill : Qt::WindingFill;
        } else if (name == "opacity"_L1) {
            style.opacity *= value.toDouble(&ok);
        } else if (name == "fill-opacity"_L1) {
            style.fillOpacity = value.toDouble(&ok);
        } else if (name == "stroke-opacity"_L1) {
            style.strokeOpacity = value.toDouble(&ok);
        } else if (name == "transform"_L1 || name == "style"_L1 || name == "class"_L1) {
            return std::unexpected(u"attribute '%1' is not supported"_s.arg(name));
        }
        if (!ok)
            return std::unexpected(u"attribute '%1' has a bad value '%2'"_s.arg(name, value));
    }
    return {};
}

double number(const QXmlStreamAttributes &attributes, QLatin1StringView name, bool *ok) {
    if (!attributes.hasAttribute(name))
        return 0.0;
    bool parsed = false;
    const double value = attributes.value(name).toDouble(&parsed);
    if (!parsed)
        *ok = false;
    return value;
}

std::expected<QPainterPath, QString> pointsPath(QStringView points, bool close) {
    PathLexer lexer(points);
    QPainterPath path;
    bool first = true;
    while (!lexer.atEnd()) {
        const auto x = lexer.number();
        const auto y = lexer.number();
        if (!x || !y)
            return std::unexpected(u"bad points list"_s);
        if (first)
            path.moveTo(*x, *y);
        else
            path.lineTo(*x, *y);
        first = false;
    }
    if (close)
        path.closeSubpath();
    return path;
}

std::expected<std::optional<QPainterPath>, QString> shapePath(QStringView element,
                                                              const QXmlStreamAttributes &a) {
    bool ok = true;
    QPainterPath path;
    if (element == "path"_L1) {
        auto parsed = parseSvgPathData(a.value("d"_L1));
        if (!parsed)
            return std::unexpected(parsed.error());
        path = *parsed;
    } else if (element == "circle"_L1) {
        const double r = number(a, "r"_L1, &ok);
        path.addEllipse(QPointF(number(a, "cx"_L1, &ok), number(a, "cy"_L1, &ok)), r, r);
    } else if (element == "ellipse"_L1) {
        path.addEllipse(QPointF(number(a, "cx"_L1, &ok), number(a, "cy"_L1, &ok)),
                        number(a, "rx"_L1, &ok), number(a, "ry"_L1, &ok));
    } else if (element == "rect"_L1) {
        const QRectF rect(number(a, "x"_L1, &ok), number(a, "y"_L1, &ok),
                          number(a, "width"_L1, &ok), number(a, "height"_L1, &ok));
        double rx = number(a, "rx"_L1, &ok);
        double ry = a.hasAttribute("ry"_L1) ? number(a, "ry"_L1, &ok) : rx;
        if (!a.hasAttribute("rx"_L1))
            rx = ry;
        if (rx > 0 || ry > 0)
            path.addRoundedRect(rect, rx, ry);
        else
            path.addRect(rect);
    } else if (element == "line"_L1) {
        path.moveTo(number(a, "x1"_L1, &ok), number(a, "y1"_L1, &ok));
        path.lineTo(number(a, "x2"_L1, &ok), number(a, "y2"_L1, &ok));
    } else if (element == "polyline"_L1 || element == "polygon"_L1) {
        auto parsed = pointsPath(a.value("points"_L1), element == "polygon"_L1);
        if (!parsed)
            return std::unexpected(parsed.error());
        path = *parsed;
    } else {
        return std::optional<QPainterPath>{};
    }
    if (!ok)
        return std::unexpected(u"<%1> has a bad coordinate"_s.arg(element));
    return std::optional<QPainterPath>(path);
}

QColor resolve(const SvgImage::Paint &paint, const QColor &currentColour,
               const std::optional<QColor> &forceColour, qreal opacity) {
    QColor colour = forceColour                                          ? *forceColour
                    : paint.kind == SvgImage::Paint::Kind::CurrentColour ? currentColour
                                                                         : paint.colour;
    colour.setAlphaF(colour.alphaF() * float(opacity));
    return colour;
}

} // namespace

std::expected<QPainterPath, QString> parseSvgPathData(QStringView data) {
    PathLexer lexer(data);
    QPainterPath path;
    QPointF current;
    QPointF subpathStart;
    QPointF lastControl; // for S and T, the reflected control point
    QChar previous;
    std::optional<QChar> command;

    const auto fail = [&](const QString &what) {
        return std::unexpected(u"path data at %1: %2"_s.arg(lexer.position()).arg(what));
    };

    while (!lexer.atEnd()) {
        if (auto letter = lexer.command()) {
            command = letter;
        } else if (!command || command->toLower() == QLatin1Char('z')) {
            return fail(u"expected a command"_s);
        }
        const QChar cmd = *command;
        const bool relative = cmd.isLower();
        const QPointF origin = relative ? current : QPointF();
        const auto point = [&]() -> std::optional<QPointF> {
            const auto x = lexer.number();
            const auto y = lexer.number();
            if (!x || !y)
                return std::nullopt;
            return origin + QPointF(*x, *y);
        };

        switch (cmd.toLower().unicode()) {
        case u'm': {
            const auto p = point();
            if (!p)
                return fail(u"bad moveto"_s);
            path.moveTo(*p);
            current = subpathStart = *p;
            // Further coordinate pairs after a moveto are implicit linetos.
            command = relative ? QLatin1Char('l') : QLatin1Char('L');
            break;
        }
        case u'l': {
            const auto p = point();
            if (!p)
                return fail(u"bad lineto"_s);
            path.lineTo(*p);
            current = *p;
            break;
        }
        case u'h': {
            const auto x = lexer.number();
            if (!x)
                return fail(u"bad horizontal lineto"_s);
            current.setX(relative ? current.x() + *x : *x);
            path.lineTo(current);
            break;
        }
        case u'v': {
            const auto y = lexer.number();
            if (!y)
                return fail(u"bad vertical lineto"_s);
            current.setY(relative ? current.y() + *y : *y);
            path.lineTo(current);
            break;
        }
        case u'c': {
            const auto c1 = point();
            const auto c2 = point();
            const auto p = point();
            if (!c1 || !c2 || !p)
                return fail(u"bad curveto"_s);
            path.cubicTo(*c1, *c2, *p);
            lastControl = *c2;
            current = *p;
            break;
        }
        case u's': {
            const QChar prev = previous.toLower();
            const QPointF c1 = prev == QLatin1Char('c') || prev == QLatin1Char('s')
                                   ? 2 * current - lastControl
                                   : current;
            const auto c2 = point();
            const auto p = point();
            if (!c2 || !p)
                return fail(u"bad smooth curveto"_s);
            path.cubicTo(c1, *c2, *p);
            lastControl = *c2;
            current = *p;
            break;
        }
        case u'q': {
            const auto c = point();
            const auto p = point();
            if (!c || !p)
                return fail(u"bad quadratic curveto"_s);
            path.quadTo(*c, *p);
            lastControl = *c;
            current = *p;
            break;
        }
        case u't': {
            const QChar prev = previous.toLower();
            const QPointF c = prev == QLatin1Char('q') || prev == QLatin1Char('t')
                                  ? 2 * current - lastControl
                                  : current;
            const auto p = point();
            if (!p)
                return fail(u"bad smooth quadratic curveto"_s);
            path.quadTo(c, *p);
            lastControl = c;
            current = *p;
            break;
        }
        case u'a': {
            const auto rx = lexer.number();
            const auto ry = lexer.number();
            const auto rotation = lexer.number();
            const auto large = lexer.flag();
            const auto sweep = lexer.flag();
            const auto p = point();
            if (!rx || !ry || !rotation || !large || !sweep || !p)
                return fail(u"bad arc"_s);
            arcTo(path, current, *rx, *ry, *rotation, *large, *sweep, *p);
            current = *p;
            break;
        }
        case u'z':
            path.closeSubpath();
            current = subpathStart;
            break;
        default:
            return fail(u"unknown command '%1'"_s.arg(cmd));
        }
        previous = cmd;
    }
    return path;
}

std::expected<SvgImage, QString> SvgImage::parse(const QByteArray &document) {
    SvgImage image;
    QXmlStreamReader xml(document);
    std::vector<Style> styles{Style{}};
    bool sawRoot = false;

    while (!xml.atEnd()) {
        const auto token = xml.readNext();
        if (token == QXmlStreamReader::EndElement) {
            if (xml.name() == "g"_L1 || xml.name() == "svg"_L1)
                styles.pop_back();
            continue;
        }
        if (token != QXmlStreamReader::StartElement)
            continue;
        const QStringView name = xml.name();
        const QXmlStreamAttributes attributes = xml.attributes();
        Style style = styles.back();
        if (auto applied = applyAttributes(attributes, style); !applied)
            return std::unexpected(applied.error());

        if (name == "svg"_L1) {
            sawRoot = true;
            PathLexer box(attributes.value("viewBox"_L1));
            const auto x = box.number();
            const auto y = box.number();
            const auto w = box.number();
            const auto h = box.number();
            if (!x || !y || !w || !h || *w <= 0 || *h <= 0)
                return std::unexpected(u"the svg element needs a viewBox"_s);
            image.m_viewBox = QRectF(*x, *y, *w, *h);
            styles.push_back(style);
            continue;
        }
        if (name == "g"_L1) {
            styles.push_back(style);
            continue;
        }
        if (name == "title"_L1 || name == "desc"_L1) {
            xml.skipCurrentElement();
            continue;
        }
        auto path = shapePath(name, attributes);
        if (!path)
            return std::unexpected(path.error());
        if (!*path)
            return std::unexpected(u"element <%1> is not supported"_s.arg(name));
        Shape shape;
        shape.path = **path;
        shape.path.setFillRule(style.fillRule);
        shape.fill = style.fill;
        shape.stroke = style.stroke;
        shape.strokeWidth = style.strokeWidth;
        shape.cap = style.cap;
        shape.join = style.join;
        shape.fillOpacity = style.fillOpacity * style.opacity;
        shape.strokeOpacity = style.strokeOpacity * style.opacity;
        image.m_shapes.push_back(std::move(shape));
        xml.skipCurrentElement();
    }
    if (xml.hasError())
        return std::unexpected(
            u"XML error at line %1: %2"_s.arg(xml.lineNumber()).arg(xml.errorString()));
    if (!sawRoot)
        return std::unexpected(u"not an SVG document"_s);
    return image;
}

void SvgImage::render(QPainter &painter, const QRectF &target, const QColor &currentColour,
                      const std::optional<QColor> &forceColour) const {
    if (m_viewBox.isEmpty() || target.isEmpty())
        return;
    const double scale =
        std::min(target.width() / m_viewBox.width(), target.height() / m_viewBox.height());
    const QSizeF drawn = m_viewBox.size() * scale;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.translate(target.x() + (target.width() - drawn.width()) / 2,
                      target.y() + (target.height() - drawn.height()) / 2);
    painter.scale(scale, scale);
    painter.translate(-m_viewBox.topLeft());
    for (const Shape &shape : m_shapes) {
        if (shape.fill.kind != Paint::Kind::None)
            painter.fillPath(shape.path,
                             resolve(shape.fill, currentColour, forceColour, shape.fillOpacity));
        if (shape.stroke.kind != Paint::Kind::None && shape.strokeWidth > 0) {
            QPen pen(resolve(shape.stroke, currentColour, forceColour, shape.strokeOpacity),
                     shape.strokeWidth, Qt::SolidLine, shape.cap, shape.join);
            painter.strokePath(shape.path, pen);
        }
    }
    painter.restore();
}

SvgIconEngine::SvgIconEngine(std::shared_ptr<const SvgImage> image, QString cacheKey)
    : m_image(std::move(image))
    , m_cacheKey(std::move(cacheKey)) {}

QColor SvgIconEngine::colourFor(QIcon::Mode mode) {
    const QPalette palette = QApplication::palette();
    switch (mode) {
    case QIcon::Disabled:
        return palette.color(QPalette::Disabled, QPalette::WindowText);
    case QIcon::Selected:
        return palette.color(QPalette::Active, QPalette::HighlightedText);
    case QIcon::Normal:
    case QIcon::Active:
        break;
    }
    return palette.color(QPalette::Active, QPalette::WindowText);
}

void SvgIconEngine::paint(QPainter *painter, const QRect &rect, QIcon::Mode mode,
                          QIcon::State state) {
    Q_UNUSED(state)
    if (!m_image)
        return;
    const QColor colour = colourFor(mode);
    // A disabled icon is drawn in the disabled text colour throughout, accents included.
    m_image->render(*painter, rect, colour,
                    mode == QIcon::Disabled ? std::optional<QColor>(colour) : std::nullopt);
}

QPixmap SvgIconEngine::pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) {
    return scaledPixmap(size, mode, state, 1.0);
}

QPixmap SvgIconEngine::scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state,
                                    qreal scale) {
    // QIcon passes the size in device pixels already (its logical size times `scale`).
    const QSize pixels = size;
    if (!m_image || pixels.isEmpty())
        return {};
    const QString key = u"ps-svg:%1:%2x%3:%4:%5"_s.arg(m_cacheKey)
                            .arg(pixels.width())
                            .arg(pixels.height())
                            .arg(int(mode))
                            .arg(colourFor(mode).rgba());
    QPixmap cached;
    if (QPixmapCache::find(key, &cached)) {
        cached.setDevicePixelRatio(scale);
        return cached;
    }
    QPixmap pixmap(pixels);
    pixmap.fill(Qt::transparent);
    {
        QPainter painter(&pixmap);
        paint(&painter, QRect(QPoint(), pixels), mode, state);
    }
    QPixmapCache::insert(key, pixmap);
    pixmap.setDevicePixelRatio(scale);
    return pixmap;
}

QIconEngine *SvgIconEngine::clone() const {
    return new SvgIconEngine(m_image, m_cacheKey);
}

QString SvgIconEngine::key() const {
    return u"ps-svg"_s;
}

QList<QSize> SvgIconEngine::availableSizes(QIcon::Mode mode, QIcon::State state) {
    Q_UNUSED(mode)
    Q_UNUSED(state)
    // Scalable: offer the usual sizes so styles that ask for a list find one.
    return {QSize(16, 16), QSize(22, 22), QSize(24, 24),   QSize(32, 32),
            QSize(48, 48), QSize(64, 64), QSize(128, 128), QSize(256, 256)};
}

} // namespace ps::gui
