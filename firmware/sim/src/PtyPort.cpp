#include "PtyPort.h"

#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <cerrno>
#include <cmath>
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
    m_line.start();
    for (QTimer *timer : {&m_rxTimer, &m_txTimer}) {
        timer->setSingleShot(true);
        timer->setTimerType(Qt::PreciseTimer);
    }
    connect(&m_rxTimer, &QTimer::timeout, this, &PtyPort::receiveDue);
    connect(&m_txTimer, &QTimer::timeout, this, &PtyPort::transmitDue);
}

void PtyPort::setByteRate(double bytesPerSecond) {
    m_byteRate = bytesPerSecond > 0 ? bytesPerSecond : 0;
    m_nsPerByte = m_byteRate > 0 ? 1e9 / m_byteRate : 0;
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
    m_rxTimer.stop();
    m_txTimer.stop();
    m_rxBusy = false;
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
    if (!attached) {
        m_rxBusy = false;
        m_rxTimer.stop();
        m_txTimer.stop();
    }
    if (m_readNotifier)
        m_readNotifier->setEnabled(attached && !m_rxBusy);
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

qsizetype PtyPort::readInto(QByteArray &received, qsizetype limit) {
    qsizetype total = 0;
    char buffer[4096];
    while (limit < 0 || total < limit) {
        const qsizetype want = limit < 0
                                   ? qsizetype(sizeof buffer)
                                   : std::min<qsizetype>(qsizetype(sizeof buffer), limit - total);
        const ssize_t n = ::read(m_master, buffer, size_t(want));
        if (n > 0) {
            received.append(buffer, n);
            total += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        return -1; // EIO: the last terminal closed the slave
    }
    return total;
}

void PtyPort::readAvailable() {
    if (m_master < 0)
        return;
    if (throttled()) {
        onReadable();
        return;
    }
    QByteArray received;
    if (readInto(received, -1) < 0)
        setAttached(false);
    if (!received.isEmpty())
        Q_EMIT bytesReceived(received);
}

void PtyPort::onReadable() {
    if (m_rxBusy)
        return;
    // The first byte starts on the line now (or when the line is free) and is complete one
    // byte time later; until the pty is empty the timer, not the notifier, reads.
    m_rxBusy = true;
    if (m_readNotifier)
        m_readNotifier->setEnabled(false);
    m_rxDoneNs = std::max(m_rxDoneNs, double(m_line.nsecsElapsed()));
    scheduleReceive();
}

void PtyPort::scheduleReceive() {
    const double wait = m_rxDoneNs + m_nsPerByte - double(m_line.nsecsElapsed());
    m_rxTimer.start(std::max(1, int(std::ceil(wait / 1e6))));
}

void PtyPort::receiveDue() {
    if (m_master < 0 || !m_attached) {
        m_rxBusy = false;
        return;
    }
    const double now = double(m_line.nsecsElapsed());
    const auto due = qsizetype(std::floor((now - m_rxDoneNs) / m_nsPerByte));
    if (due < 1) {
        scheduleReceive();
        return;
    }
    QByteArray received;
    const qsizetype read = readInto(received, due);
    m_rxDoneNs += double(received.size()) * m_nsPerByte;
    if (read < 0) {
        setAttached(false);
    } else if (read < due) {
        // The pty is empty: the line is idle until the terminal writes again.
        m_rxBusy = false;
        if (m_readNotifier)
            m_readNotifier->setEnabled(m_attached);
    } else {
        scheduleReceive();
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
    const bool lineIdle = m_queue.isEmpty();
    m_queue.append(bytes.first(std::min(room, bytes.size())));
    if (throttled()) {
        if (lineIdle)
            m_txDoneNs = std::max(m_txDoneNs, double(m_line.nsecsElapsed()));
        transmitDue();
        return;
    }
    flush();
}

void PtyPort::transmitDue() {
    if (m_master < 0 || m_queue.isEmpty())
        return;
    const double now = double(m_line.nsecsElapsed());
    const qsizetype due = std::min(
        m_queue.size(), qsizetype(std::max(0.0, std::floor((now - m_txDoneNs) / m_nsPerByte))));
    qsizetype written = 0;
    while (written < due) {
        const ssize_t n = ::write(m_master, m_queue.constData() + written, size_t(due - written));
        if (n > 0)
            written += n;
        else if (!(n < 0 && errno == EINTR))
            break;
    }
    m_queue.remove(0, written);
    m_txDoneNs += double(written) * m_nsPerByte;
    if (written < due) {
        // The terminal is not reading: the line holds until it does (flush() resumes).
        m_txDoneNs = now;
        m_txTimer.stop();
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(true);
        return;
    }
    if (!m_queue.isEmpty()) {
        const double wait = m_txDoneNs + m_nsPerByte - now;
        m_txTimer.start(std::max(1, int(std::ceil(wait / 1e6))));
    }
}

void PtyPort::flush() {
    if (throttled()) {
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(false);
        m_txDoneNs = std::max(m_txDoneNs, double(m_line.nsecsElapsed()));
        transmitDue();
        return;
    }
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
