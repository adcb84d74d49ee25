#pragma once

#include <QIcon>
#include <QString>

namespace ps::gui {

/// The application's own icons (resources/icons/*.svg), drawn by ThemedSvgIconEngine (Qt SVG) so
/// they stay sharp at any scale and take the theme's text colour.
enum class IconId {
    App,
    Connect,
    Disconnect,
    AddPort,
    LineSettings,
    Board,
    Port,
    Clear,
    Save,
    Find,
    FindNext,
    FindPrevious,
    Close,
    Follow,
    Timestamps,
    Copy,
    Filter,
    Problem,
    Theme,
    Folder,
    Timeline,
    ZoomIn,
    ZoomOut,
    ZoomFit,
    ExportImage,
    Bundle,
    OpenLog,
};

/// The icon; the SVG document is read once and shared.
QIcon icon(IconId id);
/// Resource path of an icon (":/icons/connect.svg"), for tests that check every icon parses.
QString iconPath(IconId id);
/// Every IconId, for tests.
QList<IconId> allIcons();

/// Registers the resources compiled into this static library; call once before using them
/// (MainWindow's constructor does).
void initResources();

} // namespace ps::gui
