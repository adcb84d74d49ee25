// The GUI executable: parse arguments, build the window, nothing else (STYLE.md §1).
#include "core/BuildInfo.h"
#include "gui/MainWindow.h"
#include "gui/StartupOptions.h"

#include <QApplication>
#include <cstdio>

int main(int argc, char *argv[]) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ProvStation"));
    QApplication::setApplicationName(QStringLiteral("provstation"));
    QApplication::setApplicationDisplayName(QStringLiteral("ProvStation"));
    QApplication::setApplicationVersion(ps::core::versionString());
    QApplication::setDesktopFileName(QStringLiteral("provstation"));

    const auto options = ps::gui::StartupOptions::parse(QApplication::arguments());
    if (!options) {
        std::fputs(qPrintable(options.error().text), options.error().code == 0 ? stdout : stderr);
        return options.error().code;
    }
    ps::gui::MainWindow window(*options);
    window.show();
    return QApplication::exec();
}
