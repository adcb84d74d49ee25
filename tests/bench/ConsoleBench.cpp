// The console end to end (issue 9): the real MainWindow, shown on an X display (Xvfb unless
// DISPLAY is set), its ConsolePanels on pseudo-terminals that forked "devices" flood as fast as
// the ptys take it with Asset Tracker Template log lines (stamps, ANSI colours, prompt redraws,
// modem lines). Everything the window does with a line happens: LineAssembler, LogParser, the
// ring, the view's repaints, the Timeline dock's engine, the session log on disk.
//
// BM_ConsoleFlood/1port: one port, the ring set to hold 1 000 000 lines (Preferences allow up
// to 10 M), 1 050 000 lines sent, so the ring is full at the end.
//   MB_per_s      bytes of device lines (escapes and CRLF included) that reached the console
//                 model, per second of wall time from the first byte written to the last line
//                 stored, while the window is shown and repainting (paints_per_s says it was)
//   cpu_s_per_MB  CPU seconds of the workstation process (all its threads; the devices are
//                 other processes, and so is the X server) per MB displayed
//   peak_rss_MB   the process's peak RSS during the run (VmHWM, reset before it), i.e. with
//                 1 M lines of scrollback; model_MB is the ring's own estimate of its lines
//   loop_p50_ms / loop_p99_ms  lateness of a 1 ms timer on the GUI thread meanwhile
// BM_ConsoleFlood/8ports: eight ports flooding at once for 10 s, default settings (100 000
// lines a console); the same counters, loop_p50_ms / loop_p99_ms being the figures of the
// issue ("the event loop's latency while 8 ports stream at once").
//
// Figures, not checks: the run fails only when lines are lost or the window cannot start.
#include "BenchStats.h"
#include "FloodDevice.h"
#include "gui/ConsoleModel.h"
#include "gui/ConsolePanel.h"
#include "gui/ConsoleView.h"
#include "gui/MainWindow.h"
#include "gui/Settings.h"

#include <QEventLoop>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <benchmark/benchmark.h>
#include <chrono>
#include <functional>
#include <memory>

using namespace ps::bench;
using namespace ps::gui;
using namespace std::chrono_literals;

namespace {

constexpr int ScrollbackLines = 1'000'000;
constexpr qint64 OnePortLines = 1'050'000;
constexpr int Ports = 8;
constexpr auto EightPortWindow = 10s;
constexpr int SetUpTimeoutMs = 20'000;
constexpr int FloodTimeoutMs = 600'000;
constexpr double MiB = 1024.0 * 1024.0;

const ZephyrCapture &capture() {
    static const ZephyrCapture lines = ZephyrCapture::make(100'000);
    return lines;
}

/// Counts what reaches one console's model: the device's lines and their bytes as sent (the
/// stored raw bytes plus the CRLF that ended them).
class ModelMeter {
public:
    explicit ModelMeter(ConsoleModel *model)
        : m_model(model)
        , m_next(model->endSeq()) {
        QObject::connect(model, &ConsoleModel::contentsChanged, model, [this] { count(); });
    }
    [[nodiscard]] qint64 lines() const { return m_lines; }
    [[nodiscard]] qint64 bytes() const { return m_bytes; }
    std::function<void()> onCount;

private:
    void count() {
        const quint64 end = m_model->endSeq();
        for (quint64 seq = std::max(m_next, m_model->firstSeq()); seq < end; ++seq) {
            const ConsoleLine *line = m_model->lineBySeq(seq);
            if (line && line->origin == ConsoleLine::Origin::Device) {
                m_bytes += line->raw.size() + 2;
                ++m_lines;
            }
        }
        m_next = end;
        if (onCount)
            onCount();
    }

    ConsoleModel *m_model;
    quint64 m_next;
    qint64 m_lines = 0;
    qint64 m_bytes = 0;
};

/// A settings file, the flooding devices, and the window with a console on each.
struct Bench {
    Bench(int ports, const Settings &settings) {
        const QString ini = dir.filePath(QStringLiteral("provstation.ini"));
        {
            QSettings store(ini, QSettings::IniFormat);
            settings.save(store);
        }
        StartupOptions options;
        options.settingsFile = ini;
        options.theme = Theme::Light;
        for (int i = 0; i < ports; ++i) {
            devices.push_back(std::make_unique<FloodDevice>(capture()));
            options.ports.append(devices.back()->slavePath());
        }
        window = std::make_unique<MainWindow>(options);
        window->resize(1600, 1000);
        window->show();
    }

    /// Empty when the window is up with every console connected, else what went wrong.
    QString setUp() {
        if (!dir.isValid())
            return QStringLiteral("no temporary folder");
        for (const auto &device : devices) {
            if (!device->isOpen())
                return QStringLiteral("no pseudo-terminal");
        }
        if (!QTest::qWaitForWindowExposed(window.get(), SetUpTimeoutMs))
            return QStringLiteral("the window was never exposed");
        for (const auto &device : devices) {
            ConsolePanel *panel = window->panelFor(device->slavePath());
            if (!panel ||
                !QTest::qWaitFor([panel] { return panel->isConnected(); }, SetUpTimeoutMs))
                return QStringLiteral("the console on %1 did not connect").arg(device->slavePath());
        }
        return {};
    }

    QTemporaryDir dir;
    std::vector<std::unique_ptr<FloodDevice>> devices;
    std::unique_ptr<MainWindow> window;
};

double msBetween(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

void reportCommon(benchmark::State &state, double bytes, double lines, double seconds, double cpu,
                  const LoopLatencyProbe &probe, int paints) {
    const double mb = bytes / MiB;
    state.counters["MB_per_s"] = mb / seconds;
    state.counters["lines_per_s"] = lines / seconds;
    state.counters["cpu_s_per_MB"] = mb > 0 ? cpu / mb : 0;
    state.counters["loop_p50_ms"] = percentile(probe.samples(), 0.50);
    state.counters["loop_p99_ms"] = percentile(probe.samples(), 0.99);
    state.counters["loop_max_ms"] = percentile(probe.samples(), 1.0);
    state.counters["paints_per_s"] = paints / seconds;
    state.counters["wall_s"] = seconds;
}

void BM_ConsoleFlood_1port(benchmark::State &state) {
    Settings settings;
    settings.console.maxLines = ScrollbackLines;
    settings.console.maxMegabytes = 4096; // the most Preferences allow: the line count binds
    for (auto _ : state) {
        Bench bench(1, settings);
        if (const QString problem = bench.setUp(); !problem.isEmpty()) {
            state.SkipWithError(problem.toStdString().c_str());
            return;
        }
        FloodDevice &device = *bench.devices.front();
        ConsolePanel *panel = bench.window->panelFor(device.slavePath());
        ModelMeter meter(panel->model());
        LoopLatencyProbe probe;
        QEventLoop loop;
        meter.onCount = [&] {
            if (meter.lines() >= OnePortLines)
                loop.quit();
        };
        QTimer::singleShot(FloodTimeoutMs, &loop, &QEventLoop::quit);

        resetPeakRss();
        const int paintsBefore = panel->view()->refreshCount();
        const double cpuBefore = cpuSeconds();
        const auto start = std::chrono::steady_clock::now();
        probe.start();
        if (!device.start(capture().bytesOf(OnePortLines))) {
            state.SkipWithError("could not start the flooding device");
            return;
        }
        loop.exec();
        const auto end = std::chrono::steady_clock::now();
        const double cpu = cpuSeconds() - cpuBefore;
        probe.stop();
        const int paints = panel->view()->refreshCount() - paintsBefore;

        if (meter.lines() != OnePortLines || meter.bytes() != capture().bytesOf(OnePortLines)) {
            const std::string why = "the console stored " + std::to_string(meter.lines()) +
                                    " lines, " + std::to_string(meter.bytes()) + " bytes of " +
                                    std::to_string(OnePortLines) + " lines, " +
                                    std::to_string(capture().bytesOf(OnePortLines)) + " bytes";
            state.SkipWithError(why.c_str());
            return;
        }
        reportCommon(state, double(meter.bytes()), double(meter.lines()),
                     msBetween(start, end) / 1000, cpu, probe, paints);
        state.counters["peak_rss_MB"] = peakRssMb();
        state.counters["lines_held"] = double(panel->model()->lineCount());
        state.counters["model_MB"] = double(panel->model()->approximateBytes()) / MiB;
    }
}

void BM_ConsoleFlood_8ports(benchmark::State &state) {
    const Settings settings; // what a workstation starts with: 100 000 lines a console
    for (auto _ : state) {
        Bench bench(Ports, settings);
        if (const QString problem = bench.setUp(); !problem.isEmpty()) {
            state.SkipWithError(problem.toStdString().c_str());
            return;
        }
        std::vector<std::unique_ptr<ModelMeter>> meters;
        for (const auto &device : bench.devices)
            meters.push_back(
                std::make_unique<ModelMeter>(bench.window->panelFor(device->slavePath())->model()));
        ConsolePanel *shown = bench.window->currentPanel();
        LoopLatencyProbe probe;
        QEventLoop loop;
        QTimer::singleShot(EightPortWindow, &loop, &QEventLoop::quit);

        resetPeakRss();
        const int paintsBefore = shown->view()->refreshCount();
        const double cpuBefore = cpuSeconds();
        const auto start = std::chrono::steady_clock::now();
        probe.start();
        for (const auto &device : bench.devices) {
            if (!device->start(-1)) {
                state.SkipWithError("could not start a flooding device");
                return;
            }
        }
        loop.exec();
        const auto end = std::chrono::steady_clock::now();
        const double cpu = cpuSeconds() - cpuBefore;
        probe.stop();
        const int paints = shown->view()->refreshCount() - paintsBefore;
        qint64 bytes = 0;
        qint64 lines = 0;
        double slowestPortMb = -1;
        for (const auto &meter : meters) {
            bytes += meter->bytes();
            lines += meter->lines();
            const double mb = double(meter->bytes()) / MiB;
            slowestPortMb = slowestPortMb < 0 ? mb : std::min(slowestPortMb, mb);
        }
        for (const auto &device : bench.devices)
            device->stop();
        if (slowestPortMb <= 0) {
            state.SkipWithError("a console received nothing");
            return;
        }
        const double seconds = msBetween(start, end) / 1000;
        reportCommon(state, double(bytes), double(lines), seconds, cpu, probe, paints);
        state.counters["slowest_port_MB_per_s"] = slowestPortMb / seconds;
        state.counters["peak_rss_MB"] = peakRssMb();
    }
}

} // namespace

BENCHMARK(BM_ConsoleFlood_1port)
    ->Name("BM_ConsoleFlood/1port")
    ->UseRealTime()
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_ConsoleFlood_8ports)
    ->Name("BM_ConsoleFlood/8ports")
    ->UseRealTime()
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
