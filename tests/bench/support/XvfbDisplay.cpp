#include "XvfbDisplay.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ps::bench {

namespace {

constexpr int StartTimeoutMs = 15'000;

std::string environment(const char *name) {
    const char *value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

} // namespace

XvfbDisplay::~XvfbDisplay() {
    if (m_pid <= 0)
        return;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
}

bool XvfbDisplay::ensure() {
    const std::string platform = environment("QT_QPA_PLATFORM");
    if (!platform.empty() && platform != "xcb") {
        m_description = platform;
        return true;
    }
    const std::string display = environment("DISPLAY");
    if (!display.empty()) {
        ::setenv("QT_QPA_PLATFORM", "xcb", 1);
        m_description = display;
        return true;
    }
    return startXvfb();
}

bool XvfbDisplay::startXvfb() {
    // Xvfb writes the display number it picked to the descriptor given with -displayfd, once it
    // accepts connections: no guessing of free numbers, no waiting for a socket file.
    int fds[2] = {-1, -1};
    if (::pipe(fds) != 0) {
        m_why = std::string("pipe: ") + std::strerror(errno);
        return false;
    }
    const std::string fdText = std::to_string(fds[1]);
    const pid_t pid = ::fork();
    if (pid < 0) {
        m_why = std::string("fork: ") + std::strerror(errno);
        ::close(fds[0]);
        ::close(fds[1]);
        return false;
    }
    if (pid == 0) {
        ::close(fds[0]);
        // Own process group: a terminal's Ctrl+C reaches the benchmark, which then ends Xvfb.
        ::setpgid(0, 0);
        const char *const argv[] = {"Xvfb",     "-displayfd",   fdText.c_str(), "-screen",
                                    "0",        "1920x1080x24", "-nolisten",    "tcp",
                                    "-noreset", nullptr};
        ::execvp("Xvfb", const_cast<char *const *>(argv));
        ::_exit(127);
    }
    ::close(fds[1]);
    m_pid = pid;

    std::string number;
    pollfd readable{fds[0], POLLIN, 0};
    while (number.find('\n') == std::string::npos) {
        const int ready = ::poll(&readable, 1, StartTimeoutMs);
        if (ready < 0 && errno == EINTR)
            continue;
        char buffer[32];
        const ssize_t n = ready > 0 ? ::read(fds[0], buffer, sizeof buffer) : 0;
        if (n <= 0)
            break;
        number.append(buffer, size_t(n));
    }
    ::close(fds[0]);
    while (!number.empty() && (number.back() == '\n' || number.back() == '\r'))
        number.pop_back();
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) {
        m_why = "Xvfb did not start (is the xvfb package installed?)";
        return false;
    }
    ::setenv("DISPLAY", (":" + number).c_str(), 1);
    ::setenv("QT_QPA_PLATFORM", "xcb", 1);
    m_description = ":" + number + " (own Xvfb)";
    return true;
}

} // namespace ps::bench
