#pragma once

#include <QByteArray>
#include <QString>
#include <atomic>
#include <sys/types.h>
#include <vector>

namespace ps::bench {

/// A capture of an nRF91 running the Asset Tracker Template, as its UART prints it: Zephyr log
/// records with uptime stamps and the log backend's colours (<err> bold red, <wrn> bold
/// yellow, the rest reset), debug records naming their function, modem AT notifications without
/// a stamp, a hex dump now and then, and the shell prompt redrawn after a record. About 100
/// bytes a line, every line ending in "\r\n".
struct ZephyrCapture {
    QByteArray bytes;
    std::vector<qsizetype> lineEnds; ///< offset just past each line's "\r\n"

    /// `lineCount` lines starting at device uptime `startUs`; lines are paced about 1.3 ms apart.
    static ZephyrCapture make(qsizetype lineCount, qint64 startUs = 5'268'859);
    /// Bytes of `lines` lines when the capture is played round and round.
    [[nodiscard]] qint64 bytesOf(qint64 lines) const;
};

/// A device that floods a pseudo-terminal as fast as the pty takes it, from a process of its
/// own (forked), so the benchmark's CPU time and memory are the workstation's alone.
///
///     FloodDevice device(capture);
///     window.openPort(device.slavePath());   // the workstation opens the tty
///     device.start(capture.bytesOf(1'000'000));
///
/// The child plays `capture` round and round until it has written `totalBytes` (or forever
/// with -1) and ends; bytesWritten() counts what the pty took, finished() says it ended. The
/// pty is raw. stop() ends the child at once.
class FloodDevice {
public:
    explicit FloodDevice(const ZephyrCapture &capture);
    ~FloodDevice();
    FloodDevice(const FloodDevice &) = delete;
    FloodDevice &operator=(const FloodDevice &) = delete;

    [[nodiscard]] bool isOpen() const { return m_master >= 0; }
    [[nodiscard]] QString slavePath() const { return m_slavePath; }
    /// Starts writing; false when the child could not be made.
    bool start(qint64 totalBytes);
    void stop();
    [[nodiscard]] bool finished();
    [[nodiscard]] qint64 bytesWritten() const;

private:
    [[noreturn]] void runChild(qint64 totalBytes);

    const ZephyrCapture &m_capture;
    int m_master = -1;
    int m_slave = -1;
    QString m_slavePath;
    pid_t m_child = -1;
    bool m_exited = false;
    std::atomic<qint64> *m_written = nullptr; ///< shared with the child (MAP_SHARED)
};

} // namespace ps::bench
