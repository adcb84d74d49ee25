#include "DevsimHarness.h"

#include <QFile>
#include <QSocketNotifier>
#include <QTest>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace ps::devsim::test {

const QByteArray PtyTerminal::Prompt = QByteArrayLiteral("\x1b[1;32muart:~$ \x1b[0m");

namespace {
const QRegularExpression AnsiEscape(QStringLiteral("\x1b\\[[0-9;?]*[ -/]*[@-~]"));
const QRegularExpression LogRecord(QStringLiteral("\\[\\d{2,}:\\d{2}:\\d{2}\\.\\d{3},\\d{3}\\] <"));
} // namespace

DevsimProcess::DevsimProcess(QStringList arguments)
    : m_arguments(std::move(arguments)) {
    m_process.setProgram(QStringLiteral(PROVSTATION_DEVSIM_EXECUTABLE));
    m_process.setArguments(m_arguments);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                     [this] { readStdout(); });
}

DevsimProcess::~DevsimProcess() {
    stop();
}

bool DevsimProcess::start(int timeoutMs) {
    m_process.start();
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    const auto line = waitForLine(QStringLiteral("PTY "), 0, timeoutMs);
    if (!line)
        return false;
    m_ptyPath = line->mid(4).trimmed();
    return true;
}

void DevsimProcess::readStdout() {
    m_partial.append(m_process.readAllStandardOutput());
    qsizetype newline = 0;
    while ((newline = m_partial.indexOf('\n')) >= 0) {
        m_lines.append(QString::fromUtf8(m_partial.first(newline)));
        m_partial.remove(0, newline + 1);
    }
}

std::optional<QString> DevsimProcess::waitForLine(const QString &prefix, qsizetype from,
                                                  int timeoutMs) {
    std::optional<QString> found;
    (void)QTest::qWaitFor(
        [&] {
            readStdout();
            for (qsizetype i = from; i < m_lines.size(); ++i) {
                if (m_lines.at(i).startsWith(prefix)) {
                    found = m_lines.at(i);
                    return true;
                }
            }
            return m_process.state() == QProcess::NotRunning;
        },
        timeoutMs);
    return found;
}

void DevsimProcess::sendSignal(int signalNumber) {
    if (m_process.state() == QProcess::Running)
        ::kill(pid_t(m_process.processId()), signalNumber);
}

int DevsimProcess::stop() {
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

PtyTerminal::~PtyTerminal() {
    close();
}

bool PtyTerminal::open(const QString &path) {
    close();
    m_fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (m_fd < 0)
        return false;
    termios settings{};
    ::tcgetattr(m_fd, &settings);
    ::cfmakeraw(&settings);
    ::tcsetattr(m_fd, TCSANOW, &settings);
    m_hungUp = false;
    m_received.clear();
    m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
    QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(),
                     [this] { readAvailable(); });
    return true;
}

void PtyTerminal::close() {
    m_notifier.reset();
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

void PtyTerminal::readAvailable() {
    if (m_fd < 0)
        return;
    char buffer[4096];
    while (true) {
        const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
        if (n > 0) {
            m_received.append(buffer, n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        // EIO or end of file: the pseudo-terminal is gone (cable pulled).
        m_hungUp = true;
        m_notifier->setEnabled(false);
        return;
    }
}

void PtyTerminal::send(const QByteArray &bytes) {
    qsizetype written = 0;
    while (written < bytes.size() && m_fd >= 0) {
        const ssize_t n =
            ::write(m_fd, bytes.constData() + written, size_t(bytes.size() - written));
        if (n > 0) {
            written += n;
        } else if (n < 0 && errno == EAGAIN) {
            pollfd descriptor{m_fd, POLLOUT, 0};
            ::poll(&descriptor, 1, 100);
        } else if (n < 0 && errno != EINTR) {
            return;
        }
    }
}

qsizetype PtyTerminal::waitFor(const QByteArray &needle, int timeoutMs, qsizetype from) {
    qsizetype position = -1;
    (void)QTest::qWaitFor(
        [&] {
            readAvailable();
            position = m_received.indexOf(needle, from);
            return position >= 0 || m_hungUp;
        },
        timeoutMs);
    return position;
}

std::optional<QRegularExpressionMatch> PtyTerminal::waitForMatch(const QRegularExpression &pattern,
                                                                 int timeoutMs, qsizetype from) {
    std::optional<QRegularExpressionMatch> result;
    (void)QTest::qWaitFor(
        [&] {
            readAvailable();
            const QString text =
                QString::fromUtf8(stripAnsi(QByteArrayView(m_received).sliced(from)));
            const QRegularExpressionMatch match = pattern.match(text);
            if (match.hasMatch())
                result = match;
            return result.has_value() || m_hungUp;
        },
        timeoutMs);
    return result;
}

bool PtyTerminal::waitForHangUp(int timeoutMs) {
    return QTest::qWaitFor(
        [&] {
            readAvailable();
            if (!m_hungUp && m_fd >= 0) {
                pollfd descriptor{m_fd, POLLIN, 0};
                if (::poll(&descriptor, 1, 0) > 0 && (descriptor.revents & (POLLHUP | POLLERR)))
                    m_hungUp = true;
            }
            return m_hungUp;
        },
        timeoutMs);
}

bool PtyTerminal::waitForPrompt(int timeoutMs, qsizetype from) {
    return waitFor(Prompt, timeoutMs, from) >= 0;
}

bool PtyTerminal::probePrompt(int attempts) {
    for (int i = 0; i < attempts; ++i) {
        const qsizetype start = mark();
        send("\r\n");
        if (waitFor("\r\n" + Prompt, 250, start) >= 0)
            return true;
    }
    return false;
}

QByteArray PtyTerminal::expectedEcho(const QByteArray &command) {
    constexpr int PromptLength = 8;
    constexpr int Width = 80;
    QByteArray echo;
    for (qsizetype i = 0; i < command.size(); ++i) {
        echo.append(command[i]);
        if ((PromptLength + i + 1) % Width == 0)
            echo.append("\r\n");
    }
    if ((PromptLength + command.size()) % Width != 0)
        echo.append("\r\n");
    return echo;
}

std::optional<QByteArray> PtyTerminal::command(const QByteArray &text, int timeoutMs) {
    const qsizetype start = mark();
    send(text + "\r\n");
    const QByteArray echo = expectedEcho(text);
    const qsizetype echoAt = waitFor(echo, timeoutMs, start);
    if (echoAt < 0)
        return std::nullopt;
    const qsizetype responseAt = echoAt + echo.size();
    const qsizetype promptAt = waitFor(Prompt, timeoutMs, responseAt);
    if (promptAt < 0)
        return std::nullopt;
    return m_received.mid(responseAt, promptAt - responseAt);
}

QByteArray stripAnsi(QByteArrayView bytes) {
    QString text = QString::fromUtf8(bytes);
    text.remove(AnsiEscape);
    return text.toUtf8();
}

QList<QByteArray> responseLines(const QByteArray &response) {
    QList<QByteArray> lines;
    QByteArray normalized = stripAnsi(response);
    normalized.replace('\r', '\n');
    for (const QByteArray &line : normalized.split('\n')) {
        if (line.isEmpty() || QString::fromUtf8(line).contains(LogRecord))
            continue;
        lines.append(line);
    }
    return lines;
}

} // namespace ps::devsim::test
