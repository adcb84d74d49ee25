// provstation-cloudsim: parse the command line, start the stand-in, print where it is.
#include "cloudsim/CloudSim.h"
#include "core/BuildInfo.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <cstdio>

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("provstation-cloudsim"));
    QCoreApplication::setApplicationVersion(ps::core::versionString());

    if (QCoreApplication::arguments().contains(QStringLiteral("--version"))) {
        std::puts(qPrintable(ps::core::versionLine(QCoreApplication::applicationName())));
        return 0;
    }
    auto options = ps::cloudsim::CloudSimOptions::parse(QCoreApplication::arguments().mid(1));
    if (!options) {
        const bool help = QCoreApplication::arguments().contains(QStringLiteral("--help")) ||
                          QCoreApplication::arguments().contains(QStringLiteral("-h"));
        std::fprintf(help ? stdout : stderr, "%s\n", qPrintable(options.error()));
        return help ? 0 : 2;
    }
    if (options->verbose)
        QLoggingCategory::setFilterRules(QStringLiteral("provstation.cloudsim.debug=true"));
    ps::cloudsim::CloudSim sim(*options);
    if (auto started = sim.start(); !started) {
        std::fprintf(stderr, "provstation-cloudsim: %s\n", qPrintable(started.error()));
        return 1;
    }
    std::fputs(qPrintable(sim.summary()), stdout);
    std::fflush(stdout);
    return QCoreApplication::exec();
}
