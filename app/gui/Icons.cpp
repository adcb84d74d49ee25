#include "Icons.h"

#include "ThemedSvgIconEngine.h"

#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <memory>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initProvStationResources() {
    Q_INIT_RESOURCE(provstation);
}

namespace ps::gui {

Q_LOGGING_CATEGORY(lcIcons, "provstation.gui.icons")

namespace {

struct IconFile {
    IconId id;
    const char *name;
};

constexpr IconFile iconFiles[] = {
    {IconId::App, "provstation"},
    {IconId::Connect, "connect"},
    {IconId::Disconnect, "disconnect"},
    {IconId::AddPort, "add-port"},
    {IconId::LineSettings, "line-settings"},
    {IconId::Board, "board"},
    {IconId::Port, "port"},
    {IconId::Clear, "clear"},
    {IconId::Save, "save"},
    {IconId::Find, "find"},
    {IconId::FindNext, "find-next"},
    {IconId::FindPrevious, "find-previous"},
    {IconId::Close, "close"},
    {IconId::Follow, "follow"},
    {IconId::Timestamps, "timestamps"},
    {IconId::Copy, "copy"},
    {IconId::Filter, "filter"},
    {IconId::Problem, "problem"},
    {IconId::Theme, "theme"},
    {IconId::Folder, "folder"},
    {IconId::Timeline, "timeline"},
    {IconId::ZoomIn, "zoom-in"},
    {IconId::ZoomOut, "zoom-out"},
    {IconId::ZoomFit, "zoom-fit"},
    {IconId::ExportImage, "export-image"},
    {IconId::Bundle, "bundle"},
    {IconId::OpenLog, "open-log"},
};

QString nameOf(IconId id) {
    for (const auto &file : iconFiles) {
        if (file.id == id)
            return QString::fromLatin1(file.name);
    }
    return {};
}

} // namespace

void initResources() {
    static const bool done = [] {
        initProvStationResources();
        return true;
    }();
    Q_UNUSED(done)
}

QString iconPath(IconId id) {
    return QStringLiteral(":/icons/%1.svg").arg(nameOf(id));
}

QList<IconId> allIcons() {
    QList<IconId> ids;
    for (const auto &file : iconFiles)
        ids.append(file.id);
    return ids;
}

QIcon icon(IconId id) {
    initResources();
    static QHash<int, QByteArray> cache;
    QByteArray document = cache.value(int(id));
    if (document.isEmpty()) {
        QFile file(iconPath(id));
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcIcons) << "missing icon" << iconPath(id);
            return {};
        }
        document = file.readAll();
        cache.insert(int(id), document);
    }
    return QIcon(new ThemedSvgIconEngine(document, nameOf(id)));
}

} // namespace ps::gui
