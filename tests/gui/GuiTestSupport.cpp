#include "GuiTestSupport.h"

#include "core/LineAssembler.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

namespace ps::gui::test {

std::vector<ps::core::Line> linesFrom(const QByteArray &bytes, qint64 hostTimeMs) {
    ps::core::LineAssembler assembler;
    auto lines = assembler.feed(bytes, hostTimeMs);
    auto tail = assembler.flush(hostTimeMs);
    lines.insert(lines.end(), tail.begin(), tail.end());
    return lines;
}

ps::core::Line lineFrom(const QByteArray &bytes, qint64 hostTimeMs) {
    auto lines = linesFrom(bytes, hostTimeMs);
    return lines.empty() ? ps::core::Line{} : lines.front();
}

QByteArray zephyrLog(const char *level, const char *module, const QByteArray &message, int second) {
    const QByteArray colour = qstrcmp(level, "err") == 0   ? QByteArrayLiteral("\x1b[1;31m")
                              : qstrcmp(level, "wrn") == 0 ? QByteArrayLiteral("\x1b[1;33m")
                                                           : QByteArrayLiteral("\x1b[0m");
    return QByteArrayLiteral("[00:00:") + QByteArray::number(second).rightJustified(2, '0') +
           QByteArrayLiteral(".268,859] ") + colour + '<' + level + QByteArrayLiteral("> ") +
           module + QByteArrayLiteral(": ") + message + QByteArrayLiteral("\x1b[0m\r\n");
}

FloodPeer::FloodPeer() {
    char name[256] = {};
    if (::openpty(&m_master, &m_slave, name, nullptr, nullptr) != 0)
        return;
    termios raw{};
    ::tcgetattr(m_slave, &raw);
    ::cfmakeraw(&raw);
    ::tcsetattr(m_slave, TCSANOW, &raw);
    ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);
    m_slavePath = QString::fromLocal8Bit(name);
}

FloodPeer::~FloodPeer() {
    stop();
    if (m_slave >= 0)
        ::close(m_slave);
    if (m_master >= 0)
        ::close(m_master);
}

void FloodPeer::start(qint64 totalBytes) {
    m_thread = std::thread([this, totalBytes] {
        qint64 counter = 0;
        QByteArray chunk;
        while (!m_stop.load() && m_written.load() < totalBytes) {
            chunk.clear();
            for (int i = 0; i < 64; ++i, ++counter) {
                chunk += zephyrLog(counter % 7 == 0 ? "wrn" : "inf", "flood",
                                   QByteArrayLiteral("record ") + QByteArray::number(counter) +
                                       QByteArrayLiteral(" with some payload to fill the line"));
            }
            qsizetype offset = 0;
            while (offset < chunk.size() && !m_stop.load()) {
                // Wait until the pty takes more, but never longer than 100 ms, so stop() is prompt.
                pollfd fd{m_master, POLLOUT, 0};
                if (::poll(&fd, 1, 100) <= 0)
                    continue;
                const ssize_t n =
                    ::write(m_master, chunk.constData() + offset, size_t(chunk.size() - offset));
                if (n < 0) {
                    if (errno == EAGAIN || errno == EINTR)
                        continue;
                    m_stop = true;
                    break;
                }
                offset += n;
                m_written += n;
            }
        }
        m_finished = true;
    });
}

void FloodPeer::stop() {
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace ps::gui::test
