#pragma once

#include "ConsoleModel.h"

#include <QColor>
#include <array>

class QPalette;

namespace ps::gui {

/// Colours of the console for the current theme.
///
/// The 16 ANSI colours are tuned per theme: on a light background yellow and white would be
/// unreadable, so the light set uses darker tones, and the dark set lifts blue and red. Lines
/// without colours of their own get a colour from their log level (levelColour), so a device
/// built without coloured logs still reads well.
struct ConsolePalette {
    bool dark = false;
    QColor background;
    QColor foreground;
    QColor dimForeground; ///< timestamp column and debug lines
    QColor timestampBackground;
    QColor notice; ///< the workstation's own lines ("Reconnected ...")
    QColor selection;
    QColor selectionText;
    QColor match;        ///< every find match in view
    QColor currentMatch; ///< the match find moved to
    std::array<QColor, 16> ansi;

    /// A palette that fits `widgetPalette` (dark when its base colour is dark).
    static ConsolePalette forPalette(const QPalette &widgetPalette);
    static ConsolePalette light();
    static ConsolePalette darkPalette();

    [[nodiscard]] QColor ansiColour(int index) const;
    /// Colour of a line that has no colours of its own: by level; invalid means "default".
    [[nodiscard]] QColor levelColour(LevelClass level) const;
};

} // namespace ps::gui
