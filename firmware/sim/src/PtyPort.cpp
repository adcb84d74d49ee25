#include "PtyPort.h"

#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

namespace ps::devsim {

namespace {
constexpr int PollIntervalMs = 10;
}

PtyPort::PtyPort(QString linkPath, QObject *parent)
    : QObject(parent)
    , m_link(std::move(linkPath)) {
    m_pollTimer.setInterval(PollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &PtyPort::poll);
}

PtyPort::~PtyPort() {
    close();
}

std::expected<QString, QString> PtyPort::open() {
    close();
    int master = -1;
    int slave = -1;
    char name[256] = {};
    if (::openpty(&master, &slave, name, nullptr, nullptr) != 0)
        return std::unexpected(
            QStringLiteral("openpty failed: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    termios settings{};
    ::tcgetattr(slave, &settings);
    ::cfmakeraw(&settings);
    ::cfsetispeed(&settings, B115200);
    ::cfsetospeed(&settings, B115200);
    ::tcsetattr(slave, TCSANOW, &settings);
    // The device does not keep the slave open: a hang-up on the master then means "no
    // terminal attached".
    ::close(slave);
    ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
    ::fcntl(master, F_SETFD, FD_CLOEXEC);
    m_master = master;
    m_slavePath = QString::fromLocal8Bit(name);

    if (!m_link.isEmpty()) {
        const QFileInfo link(m_link);
        if (link.exists() && !link.isSymLink()) {
            close();
            return std::unexpected(
                QStringLiteral("--link %1 exists and is not a symlink; not replacing it")
                    .arg(m_link));
        }
        QFile::remove(m_link);
        if (::symlink(name, QFile::encodeName(m_link).constData()) != 0) {
            const QString error = QString::fromLocal8Bit(std::strerror(errno));
            close();
            return std::unexpected(
                QStringLiteral("cannot create the link %1: %2").arg(m_link, error));
        }
    }

    m_readNotifier = new QSocketNotifier(master, QSocketNotifier::Read, this);
    m_readNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &PtyPort::readAvailable);
    m_writeNotifier = new QSocketNotifier(master, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &PtyPort::flush);
    m_pollTimer.start();
    poll();
    return m_slavePath;
}

void PtyPort::close() {
    m_pollTimer.stop();
    delete m_readNotifier;
    m_readNotifier = nullptr;
    delete m_writeNotifier;
    m_writeNotifier = nullptr;
    if (m_master >= 0) {
        ::close(m_master);
        m_master = -1;
        if (!m_link.isEmpty() && QFileInfo(m_link).isSymLink())
            QFile::remove(m_link);
    }
    m_queue.clear();
    setAttached(false);
}

void PtyPort::setAttached(bool attached) {
    if (attached == m_attached)
        return;
    m_attached = attached;
    if (m_readNotifier)
        m_readNotifier->setEnabled(attached);
    if (!attached) {
        m_queue.clear();
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(false);
    }
    Q_EMIT terminalAttachedChanged(attached);
}

void PtyPort::poll() {
    if (m_master < 0)
        return;
    pollfd descriptor{m_master, POLLIN, 0};
    if (::poll(&descriptor, 1, 0) < 0)
        return;
    const bool attached = (descriptor.revents & POLLHUP) == 0;
    setAttached(attached);
    if (attached && (descriptor.revents & POLLIN))
        readAvailable();
}

void PtyPort::readAvailable() {
    if (m_master < 0)
        return;
    QByteArray received;
    char buffer[4096];
    while (true) {
        const ssize_t n = ::read(m_master, buffer, sizeof buffer);
        if (n > 0) {
            received.append(buffer, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        // EIO: the last terminal closed the slave.
        setAttached(false);
        break;
    }
    if (!received.isEmpty())
        Q_EMIT bytesReceived(received);
}

void PtyPort::write(const QByteArray &bytes) {
    if (m_master < 0 || !m_attached || bytes.isEmpty())
        return;
    const qsizetype room = MaxQueuedBytes - m_queue.size();
    if (room <= 0)
        return;
    m_queue.append(bytes.first(std::min(room, bytes.size())));
    flush();
}

void PtyPort::flush() {
    while (!m_queue.isEmpty() && m_master >= 0) {
        const ssize_t n = ::write(m_master, m_queue.constData(), size_t(m_queue.size()));
        if (n > 0) {
            m_queue.remove(0, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break; // EAGAIN: the terminal is not reading; wait until it does
    }
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(!m_queue.isEmpty());
}

} // namespace ps::devsim
