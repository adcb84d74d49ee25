#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace ps::bench {

/// A relay between a device's pseudo-terminal and the station, which notes when device lines
/// pass: the clock for "the device's line left the device".
///
///     PtyTee tee(devicePty, {"Connected to Cloud"});
///     link.setPortName(tee.path());          // the station opens the relay's tty
///     ... tee.times(0) -> when each "Connected to Cloud" line passed
///
/// The relay opens the device's pty only once the station has opened path(), so a device that
/// powers up when its port opens (devsim --boot-on-open) starts when the station looks. From
/// then on bytes pass both ways unchanged, from a thread of its own that waits in poll(): the
/// time noted for a line is std::chrono::steady_clock right after the read that completed it
/// (the device wrote it microseconds before). Relaying ends when either side closes.
class PtyTee {
public:
    using Clock = std::chrono::steady_clock;

    PtyTee(QString devicePath, QList<QByteArray> markers);
    ~PtyTee();
    PtyTee(const PtyTee &) = delete;
    PtyTee &operator=(const PtyTee &) = delete;

    [[nodiscard]] bool isOpen() const { return m_master >= 0; }
    /// The tty the station opens.
    [[nodiscard]] QString path() const { return m_slavePath; }
    /// When each complete device line containing markers[marker] passed, oldest first.
    [[nodiscard]] std::vector<Clock::time_point> times(int marker) const;

private:
    void run();
    bool relay(int from, int to, QByteArray &pending, bool scan);
    void scan(const char *data, qsizetype size, Clock::time_point now);

    QString m_devicePath;
    QList<QByteArray> m_markers;
    int m_master = -1;
    int m_device = -1;
    int m_wake[2] = {-1, -1};
    QString m_slavePath;
    QByteArray m_line;
    mutable std::mutex m_mutex;
    std::vector<std::vector<Clock::time_point>> m_times;
    std::thread m_thread;
};

} // namespace ps::bench
