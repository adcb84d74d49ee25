#pragma once

#include "device/DeviceLink.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

class QSettings;

namespace ps::gui {

enum class Theme : quint8 { System, Light, Dark };
enum class LineEnding : quint8 { CrLf, Cr, Lf, None };

/// The bytes a line ending stands for ("\r\n" for CrLf, empty for None).
QByteArray lineEndingBytes(LineEnding ending);

/// Everything the GUI remembers between runs, as one typed value.
///
/// Load it once at start (Settings::load()), hand the parts to the widgets that use them, and
/// save it when something changes (save()). The keys live only in Settings.cpp, so no other file
/// spells a settings key. Values read from disk are clamped to sane ranges: a hand-edited or
/// corrupted file cannot make the console unbounded.
struct Settings {
    struct Console {
        int maxLines = 100'000; ///< ring size of one console
        int maxMegabytes = 64;  ///< approximate memory bound of one console
        bool showTimestamps = true;
        int fontPointSize = 0; ///< 0 = the system's fixed font size
        friend bool operator==(const Console &, const Console &) = default;
    } console;

    struct Command {
        LineEnding lineEnding = LineEnding::CrLf;
        bool hexMode = false;
        int historyLimit = 500;
        QStringList history; ///< oldest first
        friend bool operator==(const Command &, const Command &) = default;
    } command;

    struct SessionLog {
        bool enabled = true;
        qint64 maxFileBytes = 10LL * 1024 * 1024;
        int keepFiles = 20; ///< files kept in the logs folder, oldest removed first
        friend bool operator==(const SessionLog &, const SessionLog &) = default;
    } sessionLog;

    ps::device::SerialSettings serial; ///< line settings used for newly opened ports

    Theme theme = Theme::System;
    QStringList manualPorts; ///< port paths added by hand (pty paths of virtual devices)
    QByteArray windowGeometry;
    QByteArray windowState;

    /// Reads from `store`, or from the application's default QSettings.
    static Settings load();
    static Settings load(QSettings &store);
    void save() const;
    void save(QSettings &store) const;

    friend bool operator==(const Settings &, const Settings &) = default;
};

} // namespace ps::gui
