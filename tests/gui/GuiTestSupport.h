#pragma once

#include "core/Line.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <atomic>
#include <ostream>
#include <thread>
#include <vector>

// Readable gtest messages for Qt strings (gtest finds PrintTo next to the type).
inline void PrintTo(const QString &text, std::ostream *os) {
    *os << '"' << text.toStdString() << '"';
}
inline void PrintTo(const QStringList &list, std::ostream *os) {
    *os << '['
        << list.join(QStringLiteral("\", \""))
               .prepend(QLatin1Char('"'))
               .append(QLatin1Char('"'))
               .toStdString()
        << ']';
}

namespace ps::gui::test {

/// The lines the real LineAssembler makes of `bytes` (all of them, the tail flushed), each with
/// host time `hostTimeMs`: tests build console input the way a device produces it.
std::vector<ps::core::Line> linesFrom(const QByteArray &bytes,
                                      qint64 hostTimeMs = 1'700'000'000'000);
ps::core::Line lineFrom(const QByteArray &bytes, qint64 hostTimeMs = 1'700'000'000'000);

/// `[00:00:05.268,859] <inf> cloud: message` as Zephyr prints it, colours included, with CRLF.
QByteArray zephyrLog(const char *level, const char *module, const QByteArray &message,
                     int second = 5);

/// A device that prints log lines as fast as a pseudo-terminal takes them, from its own thread,
/// so the GUI thread has to keep up with a real flood. Open, hand slavePath() to the app, then
/// start(); it stops after `totalBytes` or on stop().
class FloodPeer {
public:
    FloodPeer();
    ~FloodPeer();
    FloodPeer(const FloodPeer &) = delete;
    FloodPeer &operator=(const FloodPeer &) = delete;

    [[nodiscard]] bool isOpen() const { return m_master >= 0; }
    [[nodiscard]] QString slavePath() const { return m_slavePath; }
    void start(qint64 totalBytes);
    void stop();
    [[nodiscard]] bool finished() const { return m_finished.load(); }
    [[nodiscard]] qint64 bytesWritten() const { return m_written.load(); }

private:
    int m_master = -1;
    int m_slave = -1;
    QString m_slavePath;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_finished{false};
    std::atomic<qint64> m_written{0};
};

} // namespace ps::gui::test
