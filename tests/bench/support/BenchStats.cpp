#include "BenchStats.h"

#include <QFile>
#include <algorithm>
#include <cmath>
#include <malloc.h>
#include <sys/resource.h>

namespace ps::bench {

namespace {

double statusFieldMb(const char *field) {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray name = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(name)) // "VmHWM:    123456 kB"
            return line.mid(name.size()).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return 0;
}

} // namespace

double cpuSeconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval &t) { return double(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double peakRssMb() {
    return statusFieldMb("VmHWM");
}

double rssMb() {
    return statusFieldMb("VmRSS");
}

bool resetPeakRss() {
    // Heap an earlier run freed goes back to the system first, or it would count as this run's.
    ::malloc_trim(0);
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    return clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
}

double percentile(std::vector<double> samples, double fraction) {
    if (samples.empty())
        return 0;
    std::ranges::sort(samples);
    const auto rank = size_t(std::ceil(fraction * double(samples.size())));
    return samples[std::clamp<size_t>(rank, 1, samples.size()) - 1];
}

LoopLatencyProbe::LoopLatencyProbe(std::chrono::milliseconds interval)
    : m_intervalMs(double(interval.count())) {
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(interval);
    QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
        const auto now = std::chrono::steady_clock::now();
        if (m_primed) {
            const double gapMs = std::chrono::duration<double, std::milli>(now - m_last).count();
            m_samples.push_back(std::max(0.0, gapMs - m_intervalMs));
        }
        m_last = now;
        m_primed = true;
    });
}

void LoopLatencyProbe::start() {
    m_samples.clear();
    m_primed = false;
    m_timer.start();
}

void LoopLatencyProbe::stop() {
    m_timer.stop();
}

} // namespace ps::bench
