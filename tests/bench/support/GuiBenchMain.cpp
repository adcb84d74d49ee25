// main() of the GUI benchmarks (bench_console, bench_claim): a display to paint on (XvfbDisplay:
// the caller's DISPLAY, else a private Xvfb), settings, logs and data in a temporary folder so a
// run never touches the user's own files, a QApplication, then Google Benchmark.
#include "XvfbDisplay.h"

#include <QApplication>
#include <QDir>
#include <QTemporaryDir>
#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    ps::bench::XvfbDisplay display;
    if (!display.ensure()) {
        std::fprintf(stderr, "no display for the GUI benchmark: %s\n", display.why().c_str());
        return 1;
    }
    std::fprintf(stderr, "drawing on %s\n", display.description().c_str());

    QTemporaryDir home;
    if (!home.isValid()) {
        std::fprintf(stderr, "no temporary folder\n");
        return 1;
    }
    for (const char *name :
         {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"})
        qputenv(name, QDir(home.path()).filePath(QString::fromLatin1(name)).toLocal8Bit());

    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("ProvStationBench"));
    QCoreApplication::setApplicationName(QStringLiteral("provstation-bench"));
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
