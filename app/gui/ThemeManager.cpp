#include "ThemeManager.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

namespace ps::gui {

ThemeManager::ThemeManager(QObject *parent)
    : QObject(parent)
    , m_systemStyle(QApplication::style() ? QApplication::style()->name() : QString()) {}

void ThemeManager::apply(Theme theme) {
    m_theme = theme;
    switch (theme) {
    case Theme::System:
        if (!m_systemStyle.isEmpty() && QApplication::style()->name() != m_systemStyle)
            QApplication::setStyle(QStyleFactory::create(m_systemStyle));
        // A palette that sets no role resets the application palette to the platform's, which
        // then follows the desktop again.
        QApplication::setPalette(QPalette());
        break;
    case Theme::Light:
        if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive))
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(lightPalette());
        break;
    case Theme::Dark:
        if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive))
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        break;
    }
    Q_EMIT themeChanged(m_theme, isDark());
}

bool ThemeManager::isDark() const {
    const QPalette palette = QApplication::palette();
    return palette.color(QPalette::Window).lightness() < 128;
}

QPalette ThemeManager::lightPalette() {
    QPalette p;
    const QColor window(0xef, 0xf0, 0xf1);
    const QColor text(0x1f, 0x23, 0x28);
    const QColor disabled(0x9a, 0x9f, 0xa6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0xfb, 0xfb, 0xfa));
    p.setColor(QPalette::AlternateBase, QColor(0xf3, 0xf4, 0xf5));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf2));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x6e, 0x76, 0x81));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0xf6, 0xf7, 0xf8));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xd0, 0x30, 0x2a));
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Midlight, QColor(0xe3, 0xe5, 0xe8));
    p.setColor(QPalette::Mid, QColor(0xb8, 0xbd, 0xc3));
    p.setColor(QPalette::Dark, QColor(0x9a, 0x9f, 0xa6));
    p.setColor(QPalette::Shadow, QColor(0x60, 0x64, 0x6a));
    p.setColor(QPalette::Highlight, QColor(0x0b, 0x5c, 0xad));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x09, 0x69, 0xda));
    p.setColor(QPalette::LinkVisited, QColor(0x82, 0x50, 0xdf));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

QPalette ThemeManager::darkPalette() {
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor text(0xe3, 0xe5, 0xe8);
    const QColor disabled(0x74, 0x78, 0x7e);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0x1b, 0x1e, 0x23));
    p.setColor(QPalette::AlternateBase, QColor(0x24, 0x27, 0x2c));
    p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x36, 0x3b));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x90, 0x97));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x38, 0x3d));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x61));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4e, 0x54));
    p.setColor(QPalette::Midlight, QColor(0x3d, 0x41, 0x46));
    p.setColor(QPalette::Mid, QColor(0x26, 0x28, 0x2c));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1c, 0x1f));
    p.setColor(QPalette::Shadow, QColor(0x0d, 0x0e, 0x10));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xce));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb6, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xbc, 0x8c, 0xff));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

} // namespace ps::gui
