#pragma once

#include <QByteArray>
#include <QColor>
#include <QIconEngine>
#include <QString>

namespace ps::gui {

/// Draws one of our SVG icons with Qt SVG, sharp at every size and device pixel ratio, with
/// `currentColor` taken from the application palette for the icon mode, so the icons follow the
/// light or dark theme. A disabled icon is drawn entirely in the disabled text colour, accents
/// included.
class ThemedSvgIconEngine : public QIconEngine {
public:
    ThemedSvgIconEngine(QByteArray document, QString cacheKey);

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override;
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override;
    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state,
                         qreal scale) override;
    [[nodiscard]] QIconEngine *clone() const override;
    [[nodiscard]] QString key() const override;
    bool isNull() override;
    QList<QSize> availableSizes(QIcon::Mode mode, QIcon::State state) override;

    /// The colour `currentColor` takes in `mode` under the current application palette.
    static QColor colourFor(QIcon::Mode mode);
    /// The document with `currentColor` (and, for disabled icons, every colour) replaced.
    static QByteArray tinted(const QByteArray &document, const QColor &current, bool everything);

private:
    QByteArray m_document;
    QString m_cacheKey;
};

} // namespace ps::gui
