#pragma once

#include <QTimer>
#include <chrono>
#include <vector>

namespace ps::bench {

/// This process's CPU time (user + system, every thread), in seconds.
double cpuSeconds();
/// Peak resident set size (VmHWM) in MiB, since the start or the last resetPeakRss().
double peakRssMb();
/// Resident set size now (VmRSS) in MiB.
double rssMb();
/// Starts the peak over from the current RSS (returns freed heap to the system, then writes 5
/// to /proc/self/clear_refs); false where the kernel does not allow it (the peak then covers
/// the whole process).
bool resetPeakRss();

/// The value below which `fraction` of `samples` lie (nearest rank); 0 for no samples.
double percentile(std::vector<double> samples, double fraction);

/// How late the GUI thread's event loop runs a 1 ms timer: every tick records the time since
/// the previous one minus the interval. With an idle loop that is a few microseconds; while
/// the loop is busy it is the time a click or a repaint would have waited.
class LoopLatencyProbe {
public:
    explicit LoopLatencyProbe(std::chrono::milliseconds interval = std::chrono::milliseconds(1));
    void start();
    void stop();
    /// Lateness of each tick, in ms.
    [[nodiscard]] const std::vector<double> &samples() const { return m_samples; }

private:
    QTimer m_timer;
    std::chrono::steady_clock::time_point m_last;
    std::vector<double> m_samples;
    double m_intervalMs;
    bool m_primed = false;
};

} // namespace ps::bench
