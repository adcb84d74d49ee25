#include "SimClock.h"

#include <cmath>

namespace ps::devsim {

SimClock::SimClock(double speed, QObject *parent)
    : QObject(parent)
    , m_speed(speed > 0 ? speed : 1.0) {
    m_host.start();
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &SimClock::runDue);
}

qint64 SimClock::hostUptimeUs() const {
    const double hostNs = double(m_host.nsecsElapsed() - m_bootHostNs);
    return qint64(hostNs * m_speed / 1000.0);
}

qint64 SimClock::uptimeUs() const {
    const qint64 now = m_runningDue >= 0 ? m_runningDue : hostUptimeUs();
    m_lastReported = std::max(m_lastReported, now);
    return m_lastReported;
}

void SimClock::restart() {
    m_bootHostNs = m_host.nsecsElapsed();
    m_lastReported = 0;
    m_runningDue = -1;
    m_pending.clear();
    m_timer.stop();
}

void SimClock::after(QObject *context, std::chrono::microseconds delay,
                     std::function<void()> callback) {
    const qint64 due = uptimeUs() + std::max<qint64>(0, delay.count());
    m_pending.emplace(std::pair{due, m_sequence++}, Pending{context, std::move(callback)});
    arm();
}

std::chrono::milliseconds SimClock::hostDuration(std::chrono::microseconds deviceTime) const {
    return std::chrono::milliseconds(
        qint64(std::ceil(double(deviceTime.count()) / 1000.0 / m_speed)));
}

void SimClock::arm() {
    if (m_pending.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 wait = m_pending.begin()->first.first - hostUptimeUs();
    m_timer.start(wait <= 0 ? std::chrono::milliseconds(0)
                            : hostDuration(std::chrono::microseconds(wait)));
}

void SimClock::runDue() {
    // Run everything that is due, including what the callbacks schedule for "now".
    while (!m_pending.empty() && m_pending.begin()->first.first <= hostUptimeUs()) {
        auto node = m_pending.extract(m_pending.begin());
        Pending &pending = node.mapped();
        if (pending.context) {
            m_runningDue = node.key().first;
            pending.callback();
            m_runningDue = -1;
        }
    }
    arm();
}

} // namespace ps::devsim
