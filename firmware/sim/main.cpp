// provstation-devsim: a virtual nRF91 device on a pseudo-terminal. Parses the options, builds
// one VirtualDevice and runs the event loop; everything else lives in the library.
#include "core/BuildInfo.h"
#include "src/DeviceOptions.h"
#include "src/UnixSignals.h"
#include "src/VirtualDevice.h"

#include <QCoreApplication>
#include <csignal>
#include <cstdio>

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("provstation-devsim"));

    if (QCoreApplication::arguments().contains(QStringLiteral("--version"))) {
        std::puts(qPrintable(ps::core::versionLine(QCoreApplication::applicationName())));
        return 0;
    }
    auto options = ps::devsim::parseDeviceOptions(QCoreApplication::arguments());
    if (!options) {
        std::fprintf(stderr, "provstation-devsim: %s\n", qPrintable(options.error()));
        return 2;
    }
    if (options->helpRequested) {
        std::fputs(qPrintable(ps::devsim::helpText()), stdout);
        return 0;
    }

    ps::devsim::VirtualDevice device(*options);
    QObject::connect(&device, &ps::devsim::VirtualDevice::announce, &app, [](const QString &line) {
        std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
        std::fflush(stdout);
    });
    ps::devsim::UnixSignals unixSignals;
    QObject::connect(&unixSignals, &ps::devsim::UnixSignals::received, &device,
                     [&device](int number) {
                         if (number == SIGUSR1)
                             device.pullCable(false);
                         else if (number == SIGUSR2)
                             device.pullCable(true);
                         else
                             QCoreApplication::quit();
                     });

    if (auto started = device.start(); !started) {
        std::fprintf(stderr, "provstation-devsim: %s\n", qPrintable(started.error()));
        return 1;
    }
    return QCoreApplication::exec();
}
