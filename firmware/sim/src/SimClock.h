#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <chrono>
#include <functional>
#include <map>

namespace ps::devsim {

/// Device time for the virtual device: uptime since the last boot, running `speed` times faster
/// than the host clock (`--speed`), and a scheduler that runs callbacks at device-time instants.
///
/// Every delay in the simulation is given in device time; the scheduler turns it into host time.
/// Callbacks run strictly in the order of their due instants (ties in the order they were
/// scheduled), so a sequence of modem notifications keeps its order at any speed. A callback
/// whose context object is gone by then is skipped, which is how a reboot cancels everything the
/// previous boot had scheduled.
class SimClock : public QObject {
    Q_OBJECT
public:
    explicit SimClock(double speed = 1.0, QObject *parent = nullptr);

    [[nodiscard]] double speed() const { return m_speed; }
    /// Device uptime in microseconds. Inside a scheduled callback it is the instant the
    /// callback was scheduled for, so a host that stalls does not smear timestamps; it never goes
    /// backwards within a boot.
    [[nodiscard]] qint64 uptimeUs() const;
    /// Starts a new boot: uptime 0, every pending callback dropped.
    void restart();

    void after(QObject *context, std::chrono::microseconds delay, std::function<void()> callback);
    template<class Rep, class Period>
    void after(QObject *context, std::chrono::duration<Rep, Period> delay,
               std::function<void()> callback) {
        after(context, std::chrono::duration_cast<std::chrono::microseconds>(delay),
              std::move(callback));
    }

    /// Host time for a device-time duration.
    [[nodiscard]] std::chrono::milliseconds
    hostDuration(std::chrono::microseconds deviceTime) const;

private:
    struct Pending {
        QPointer<QObject> context;
        std::function<void()> callback;
    };
    void runDue();
    void arm();
    [[nodiscard]] qint64 hostUptimeUs() const;

    double m_speed;
    QElapsedTimer m_host;
    qint64 m_bootHostNs = 0;
    qint64 m_runningDue = -1;          ///< due instant of the callback being run, or -1
    mutable qint64 m_lastReported = 0; ///< keeps uptimeUs() monotonic
    quint64 m_sequence = 0;
    std::map<std::pair<qint64, quint64>, Pending> m_pending; ///< (due uptime us, sequence)
    QTimer m_timer;
};

} // namespace ps::devsim
