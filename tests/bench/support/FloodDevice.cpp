#include "FloodDevice.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <new>
#include <poll.h>
#include <pty.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace ps::bench {

namespace {

// The log backend's colours: <err> bold red, <wrn> bold yellow, everything else reset.
constexpr const char *ErrColour = "\x1b[1;31m";
constexpr const char *WrnColour = "\x1b[1;33m";
constexpr const char *Reset = "\x1b[0m";
// What the shell prints before a record that interrupts its prompt: the coloured prompt, then
// cursor-left and erase, as Zephyr's shell does on a log message.
constexpr const char *PromptRedraw = "\x1b[1;32muart:~$ \x1b[m\x1b[8D\x1b[J";

struct Template {
    char level; // 'e', 'w', 'i', 'd', or 0 for a modem line without a stamp
    const char *format;
};

// %d takes a small changing number, so no two consecutive lines are the same.
constexpr Template Templates[] = {
    {'i', "main: Heartbeat: battery %d %%, temperature 21.5 C"},
    {'d', "location: location_event_handler: GNSS fix not available, retrying in %d s"},
    {'d', "cloud: state_connected_ready_run: Sending sensor data, %d bytes"},
    {'i', "environmental: Temperature: 21.48 C, pressure: 101.3 kPa, humidity %d %%"},
    {'d', "network: sample_network_quality: RSRP -%d dBm, energy estimate 7"},
    {'w', "cloud: Request timed out, error: -%d"},
    {'d', "cloud: shadow_get: Requesting device shadow from the device, try %d"},
    {'i', "app: Button 1 pressed, triggering a sample of every sensor, count %d"},
    {'d', "nrf_cloud_coap: coap_codec_encode: encoded %d bytes of sensor data as CBOR"},
    {0, "+CEREG: 5,\"1A2B\",\"0123%04d\",7,,,\"11100000\",\"11100000\""},
    {'d', "network: lte_lc_evt_handler: LTE_LC_EVT_RRC_UPDATE, mode %d"},
    {'i', "cloud: Connected to Cloud, session %d resumed"},
    {'e', "network: Failed to get the modem's signal quality, error: -%d"},
    {'d', "fota: fota_download_callback: no update available, next check in %d min"},
    {0, "%%XMODEMSLEEP: 1,%d"},
    {'d', "nrf_cloud_coap: 48 02 5c 2a 1b %02x 6d 65 61 73 75 72 65 6d 65 6e 74 73"},
};

const char *levelName(char level) {
    switch (level) {
    case 'e':
        return "err";
    case 'w':
        return "wrn";
    case 'i':
        return "inf";
    default:
        return "dbg";
    }
}

} // namespace

ZephyrCapture ZephyrCapture::make(qsizetype lineCount, qint64 startUs) {
    ZephyrCapture capture;
    capture.bytes.reserve(lineCount * 110);
    capture.lineEnds.reserve(size_t(lineCount));
    quint32 random = 0x2545F491u;
    qint64 uptimeUs = startUs;
    char message[160];
    char stamp[40];
    for (qsizetype i = 0; i < lineCount; ++i) {
        random = random * 1664525u + 1013904223u;
        // Mostly the quiet records; the rarer ones (errors, modem lines) a few times in a hundred.
        const size_t pick = (random >> 8) % std::size(Templates);
        const Template &t = Templates[pick];
        std::snprintf(message, sizeof message, t.format, int((random >> 20) % 120));
        uptimeUs += 900 + (random >> 12) % 800;
        if (t.level == 0) {
            capture.bytes += message;
        } else {
            const qint64 s = uptimeUs / 1'000'000;
            std::snprintf(stamp, sizeof stamp, "[%02lld:%02lld:%02lld.%03lld,%03lld] ", s / 3600,
                          s / 60 % 60, s % 60, uptimeUs / 1000 % 1000, uptimeUs % 1000);
            if (i % 23 == 0)
                capture.bytes += PromptRedraw;
            capture.bytes += stamp;
            capture.bytes += t.level == 'e' ? ErrColour : t.level == 'w' ? WrnColour : Reset;
            capture.bytes += '<';
            capture.bytes += levelName(t.level);
            capture.bytes += "> ";
            capture.bytes += message;
            capture.bytes += Reset;
        }
        capture.bytes += "\r\n";
        capture.lineEnds.push_back(capture.bytes.size());
    }
    return capture;
}

qint64 ZephyrCapture::bytesOf(qint64 lines) const {
    const qint64 perRound = bytes.size();
    const qint64 rounds = lines / qint64(lineEnds.size());
    const qint64 rest = lines % qint64(lineEnds.size());
    return rounds * perRound + (rest > 0 ? lineEnds[size_t(rest - 1)] : 0);
}

FloodDevice::FloodDevice(const ZephyrCapture &capture)
    : m_capture(capture) {
    char name[256] = {};
    if (::openpty(&m_master, &m_slave, name, nullptr, nullptr) != 0) {
        m_master = m_slave = -1;
        return;
    }
    termios raw{};
    ::tcgetattr(m_slave, &raw);
    ::cfmakeraw(&raw);
    ::tcsetattr(m_slave, TCSANOW, &raw);
    m_slavePath = QString::fromLocal8Bit(name);
    void *shared = ::mmap(nullptr, sizeof(std::atomic<qint64>), PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared != MAP_FAILED)
        m_written = new (shared) std::atomic<qint64>(0);
}

FloodDevice::~FloodDevice() {
    stop();
    if (m_slave >= 0)
        ::close(m_slave);
    if (m_master >= 0)
        ::close(m_master);
    if (m_written)
        ::munmap(m_written, sizeof(std::atomic<qint64>));
}

bool FloodDevice::start(qint64 totalBytes) {
    if (m_master < 0 || !m_written || m_child > 0 || m_capture.bytes.isEmpty())
        return false;
    const pid_t pid = ::fork();
    if (pid < 0)
        return false;
    if (pid == 0)
        runChild(totalBytes);
    m_child = pid;
    return true;
}

void FloodDevice::runChild(qint64 totalBytes) {
    // Only system calls from here on: the parent had threads, this copy has one.
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGPIPE, SIG_IGN);
    ::close(m_slave);
    const char *data = m_capture.bytes.constData();
    const qint64 size = m_capture.bytes.size();
    qint64 offset = 0;
    qint64 written = 0;
    while (totalBytes < 0 || written < totalBytes) {
        qint64 want = size - offset;
        if (totalBytes >= 0)
            want = std::min(want, totalBytes - written);
        const ssize_t n = ::write(m_master, data + offset, size_t(want));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                pollfd fd{m_master, POLLOUT, 0};
                ::poll(&fd, 1, 100);
                continue;
            }
            ::_exit(1); // the workstation closed the port
        }
        written += n;
        m_written->store(written, std::memory_order_relaxed);
        offset = (offset + n) % size;
    }
    ::_exit(0);
}

void FloodDevice::stop() {
    if (m_child <= 0 || m_exited)
        return;
    ::kill(m_child, SIGKILL);
    int status = 0;
    ::waitpid(m_child, &status, 0);
    m_exited = true;
}

bool FloodDevice::finished() {
    if (m_child <= 0)
        return false;
    if (!m_exited) {
        int status = 0;
        m_exited = ::waitpid(m_child, &status, WNOHANG) == m_child;
    }
    return m_exited;
}

qint64 FloodDevice::bytesWritten() const {
    return m_written ? m_written->load(std::memory_order_relaxed) : 0;
}

} // namespace ps::bench
