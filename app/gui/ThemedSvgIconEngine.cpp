#include "ThemedSvgIconEngine.h"

#include <QApplication>
#include <QPainter>
#include <QPalette>
#include <QPixmapCache>
#include <QRegularExpression>
#include <QSvgRenderer>

namespace ps::gui {

using namespace Qt::StringLiterals;

ThemedSvgIconEngine::ThemedSvgIconEngine(QByteArray document, QString cacheKey)
    : m_document(std::move(document))
    , m_cacheKey(std::move(cacheKey)) {}

QColor ThemedSvgIconEngine::colourFor(QIcon::Mode mode) {
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

QByteArray ThemedSvgIconEngine::tinted(const QByteArray &document, const QColor &current,
                                       bool everything) {
    const QByteArray colour = current.name(QColor::HexRgb).toLatin1();
    QByteArray out = document;
    out.replace("currentColor", colour);
    if (everything) {
        // Accent colours are written as #rgb or #rrggbb in our icons; a disabled icon greys them.
        static const QRegularExpression hex(u"#[0-9a-fA-F]{6}\\b|#[0-9a-fA-F]{3}\\b"_s);
        out = QString::fromUtf8(out).replace(hex, QString::fromLatin1(colour)).toUtf8();
    }
    return out;
}

void ThemedSvgIconEngine::paint(QPainter *painter, const QRect &rect, QIcon::Mode mode,
                                QIcon::State state) {
    Q_UNUSED(state)
    QSvgRenderer renderer(tinted(m_document, colourFor(mode), mode == QIcon::Disabled));
    if (!renderer.isValid()) {
        return;
    }
    renderer.setAspectRatioMode(Qt::KeepAspectRatio);
    renderer.render(painter, rect);
}

QPixmap ThemedSvgIconEngine::pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) {
    return scaledPixmap(size, mode, state, 1.0);
}

QPixmap ThemedSvgIconEngine::scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state,
                                          qreal scale) {
    // QIcon passes the size in device pixels already (its logical size times `scale`).
    if (m_document.isEmpty() || size.isEmpty()) {
        return {};
    }
    const QString key = u"ps-svg:%1:%2x%3:%4:%5"_s.arg(m_cacheKey)
                            .arg(size.width())
                            .arg(size.height())
                            .arg(int(mode))
                            .arg(colourFor(mode).rgba());
    QPixmap pixmap;
    if (!QPixmapCache::find(key, &pixmap)) {
        pixmap = QPixmap(size);
        pixmap.fill(Qt::transparent);
        {
            QPainter painter(&pixmap);
            paint(&painter, QRect(QPoint(), size), mode, state);
        }
        QPixmapCache::insert(key, pixmap);
    }
    pixmap.setDevicePixelRatio(scale);
    return pixmap;
}

QIconEngine *ThemedSvgIconEngine::clone() const {
    return new ThemedSvgIconEngine(m_document, m_cacheKey);
}

QString ThemedSvgIconEngine::key() const {
    return u"ps-themed-svg"_s;
}

bool ThemedSvgIconEngine::isNull() {
    return !QSvgRenderer(m_document).isValid();
}

QList<QSize> ThemedSvgIconEngine::availableSizes(QIcon::Mode mode, QIcon::State state) {
    Q_UNUSED(mode)
    Q_UNUSED(state)
    // Scalable: offer the usual sizes so styles that ask for a list find one.
    return {QSize(16, 16), QSize(22, 22), QSize(24, 24),   QSize(32, 32),
            QSize(48, 48), QSize(64, 64), QSize(128, 128), QSize(256, 256)};
}

} // namespace ps::gui
