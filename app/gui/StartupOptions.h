#pragma once

#include "Settings.h"

#include <QString>
#include <QStringList>
#include <expected>
#include <optional>

namespace ps::gui {

/// What the command line asked for. main() parses it and hands it to the window.
struct StartupOptions {
    QStringList ports;          ///< --port PATH (repeatable): add the port, select it, connect
    std::optional<Theme> theme; ///< --theme system|light|dark (this run only)
    QString settingsFile;       ///< --settings FILE: an INI file instead of the user's settings
    QStringList timelineLogs;   ///< --timeline FILE (repeatable): open a saved log's timeline
    bool station = false;       ///< --station: open the flashing station's window at start

    /// Why the program should stop instead of starting: --help, --version, or bad arguments.
    struct Exit {
        int code = 0;
        QString text; ///< for stdout when code is 0, for stderr otherwise
    };

    /// `arguments` as QCoreApplication::arguments() gives them (program name first).
    static std::expected<StartupOptions, Exit> parse(const QStringList &arguments);
};

} // namespace ps::gui
