#include "PtyTee.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

namespace ps::bench {

namespace {

constexpr qsizetype MaxLine = 16 * 1024;
constexpr int UnopenedPollMs = 1;

void makeRaw(int fd) {
    termios raw{};
    if (::tcgetattr(fd, &raw) == 0) {
        ::cfmakeraw(&raw);
        ::tcsetattr(fd, TCSANOW, &raw);
    }
}

} // namespace

PtyTee::PtyTee(QString devicePath, QList<QByteArray> markers)
    : m_devicePath(std::move(devicePath))
    , m_markers(std::move(markers))
    , m_times(size_t(m_markers.size())) {
    int slave = -1;
    char name[256] = {};
    if (::openpty(&m_master, &slave, name, nullptr, nullptr) != 0) {
        m_master = -1;
        return;
    }
    makeRaw(slave);
    // Closed until the station opens it: the master then reports POLLHUP, which is how the
    // relay knows nobody listens yet.
    ::close(slave);
    ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);
    m_slavePath = QString::fromLocal8Bit(name);
    if (::pipe(m_wake) != 0) {
        ::close(m_master);
        m_master = -1;
        return;
    }
    m_thread = std::thread([this] { run(); });
}

PtyTee::~PtyTee() {
    if (m_thread.joinable()) {
        const char stop = 's';
        (void)!::write(m_wake[1], &stop, 1);
        m_thread.join();
    }
    for (int fd : {m_wake[0], m_wake[1], m_device, m_master}) {
        if (fd >= 0)
            ::close(fd);
    }
}

std::vector<PtyTee::Clock::time_point> PtyTee::times(int marker) const {
    std::lock_guard lock(m_mutex);
    return m_times.at(size_t(marker));
}

void PtyTee::run() {
    pollfd wake{m_wake[0], POLLIN, 0};
    // Wait for the station to open its end.
    while (true) {
        pollfd master{m_master, POLLIN, 0};
        ::poll(&master, 1, 0);
        if (!(master.revents & POLLHUP))
            break;
        if (::poll(&wake, 1, UnopenedPollMs) > 0)
            return;
    }
    m_device = ::open(m_devicePath.toLocal8Bit().constData(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (m_device < 0)
        return;
    makeRaw(m_device);

    QByteArray toStation;
    QByteArray toDevice;
    while (true) {
        pollfd fds[3] = {
            {m_wake[0], POLLIN, 0},
            {m_device, short(POLLIN | (toDevice.isEmpty() ? 0 : POLLOUT)), 0},
            {m_master, short(POLLIN | (toStation.isEmpty() ? 0 : POLLOUT)), 0},
        };
        if (::poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (fds[0].revents)
            return;
        if ((fds[1].revents & (POLLIN | POLLOUT | POLLHUP | POLLERR)) &&
            !relay(m_device, m_master, toStation, true))
            return;
        if ((fds[2].revents & (POLLIN | POLLOUT | POLLHUP | POLLERR)) &&
            !relay(m_master, m_device, toDevice, false))
            return;
        // What could not be written yet goes when the other side takes it.
        for (auto [fd, pending] :
             {std::pair{m_master, &toStation}, std::pair{m_device, &toDevice}}) {
            if (pending->isEmpty())
                continue;
            const ssize_t n = ::write(fd, pending->constData(), size_t(pending->size()));
            if (n > 0)
                pending->remove(0, n);
            else if (n < 0 && errno != EAGAIN && errno != EINTR)
                return;
        }
    }
}

bool PtyTee::relay(int from, int to, QByteArray &pending, bool scanLines) {
    char buffer[4096];
    const ssize_t n = ::read(from, buffer, sizeof buffer);
    if (n == 0)
        return false;
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    if (scanLines)
        scan(buffer, n, Clock::now());
    if (pending.isEmpty()) {
        const ssize_t written = ::write(to, buffer, size_t(n));
        if (written < 0 && errno != EAGAIN && errno != EINTR)
            return false;
        if (written < n)
            pending.append(buffer + std::max<ssize_t>(written, 0),
                           n - std::max<ssize_t>(written, 0));
    } else {
        pending.append(buffer, n);
    }
    return true;
}

void PtyTee::scan(const char *data, qsizetype size, Clock::time_point now) {
    for (qsizetype i = 0; i < size; ++i) {
        if (data[i] != '\n') {
            if (m_line.size() < MaxLine)
                m_line.append(data[i]);
            continue;
        }
        for (qsizetype m = 0; m < m_markers.size(); ++m) {
            if (m_line.contains(m_markers.at(m))) {
                std::lock_guard lock(m_mutex);
                m_times[size_t(m)].push_back(now);
            }
        }
        m_line.clear();
    }
}

} // namespace ps::bench
