#include "StartupOptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace ps::gui {

std::expected<StartupOptions, StartupOptions::Exit>
StartupOptions::parse(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "StartupOptions", "Serial console and provisioning workstation for nRF91 devices."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption port(
        QStringList{QStringLiteral("p"), QStringLiteral("port")},
        QCoreApplication::translate("StartupOptions",
                                    "Add the serial port PATH (e.g. the pseudo-terminal of a "
                                    "virtual device), select it and connect. Repeatable."),
        QStringLiteral("PATH"));
    const QCommandLineOption theme(
        QStringLiteral("theme"),
        QCoreApplication::translate("StartupOptions", "Theme for this run: system, light or dark."),
        QStringLiteral("THEME"));
    const QCommandLineOption settings(
        QStringLiteral("settings"),
        QCoreApplication::translate("StartupOptions",
                                    "Read and write settings in the INI file FILE instead of "
                                    "the user's settings (demos, tests)."),
        QStringLiteral("FILE"));
    const QCommandLineOption timeline(
        QStringLiteral("timeline"),
        QCoreApplication::translate("StartupOptions",
                                    "Open the saved log or support bundle FILE and show its "
                                    "timeline. Repeatable."),
        QStringLiteral("FILE"));
    const QCommandLineOption station(
        QStringLiteral("station"),
        QCoreApplication::translate("StartupOptions",
                                    "Open the flashing station (operator view) at start."));
    parser.addOption(port);
    parser.addOption(timeline);
    parser.addOption(station);
    parser.addOption(theme);
    parser.addOption(settings);

    if (!parser.parse(arguments))
        return std::unexpected(Exit{2, parser.errorText() + QLatin1Char('\n') + parser.helpText()});
    if (parser.isSet(help))
        return std::unexpected(Exit{0, parser.helpText()});
    if (parser.isSet(version)) {
        return std::unexpected(Exit{0, QCoreApplication::applicationName() + QLatin1Char(' ') +
                                           QCoreApplication::applicationVersion() +
                                           QLatin1Char('\n')});
    }
    if (!parser.positionalArguments().isEmpty()) {
        return std::unexpected(
            Exit{2, QCoreApplication::translate("StartupOptions",
                                                "Unexpected argument '%1'; ports are given "
                                                "with --port PATH.\n")
                        .arg(parser.positionalArguments().constFirst())});
    }

    StartupOptions options;
    options.ports = parser.values(port);
    options.ports.removeDuplicates();
    if (parser.isSet(theme)) {
        const QString name = parser.value(theme).toLower();
        if (name == QLatin1String("system"))
            options.theme = Theme::System;
        else if (name == QLatin1String("light"))
            options.theme = Theme::Light;
        else if (name == QLatin1String("dark"))
            options.theme = Theme::Dark;
        else
            return std::unexpected(
                Exit{2, QCoreApplication::translate(
                            "StartupOptions", "Unknown theme '%1'; use system, light or dark.\n")
                            .arg(parser.value(theme))});
    }
    options.settingsFile = parser.value(settings);
    options.timelineLogs = parser.values(timeline);
    options.station = parser.isSet(station);
    return options;
}

} // namespace ps::gui
