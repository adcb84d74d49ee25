#pragma once

#include "Settings.h"

#include <QObject>
#include <QPalette>
#include <QString>

namespace ps::gui {

/// Applies View > Theme: System follows the platform (its style and palette, and later changes
/// of them); Light and Dark use the Fusion style with our own palettes, which every platform
/// draws the same. Widgets that draw themselves (the console, the icons) read the application
/// palette, so they follow without being told.
class ThemeManager : public QObject {
    Q_OBJECT
public:
    /// Remembers the platform's style and palette; create it before changing either.
    explicit ThemeManager(QObject *parent = nullptr);

    void apply(Theme theme);
    [[nodiscard]] Theme theme() const { return m_theme; }
    /// Whether the palette in effect is dark (also for System on a dark desktop).
    [[nodiscard]] bool isDark() const;

    static QPalette lightPalette();
    static QPalette darkPalette();

Q_SIGNALS:
    void themeChanged(ps::gui::Theme theme, bool dark);

private:
    Theme m_theme = Theme::System;
    QString m_systemStyle;
};

} // namespace ps::gui
