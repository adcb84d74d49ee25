#pragma once

#include <QByteArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>
#include <optional>

namespace ps::devsim::test {

/// The real provstation-devsim executable, started for one test. Collects its stdout lines
/// ("PTY /dev/pts/N", "BOOT ...") and stops it (SIGTERM, then kill) when destroyed.
class DevsimProcess {
public:
    explicit DevsimProcess(QStringList arguments);
    ~DevsimProcess();

    /// Starts the process and waits for its `PTY` line.
    bool start(int timeoutMs = 10000);
    [[nodiscard]] QString ptyPath() const { return m_ptyPath; }
    [[nodiscard]] QStringList stdoutLines() const { return m_lines; }
    /// Waits until a stdout line at index >= `from` starts with `prefix`; returns it.
    std::optional<QString> waitForLine(const QString &prefix, qsizetype from = 0,
                                       int timeoutMs = 10000);
    void sendSignal(int signalNumber);
    /// SIGTERM and wait; returns the exit code, or -1 when it had to be killed.
    int stop();

private:
    void readStdout();

    QProcess m_process;
    QStringList m_arguments;
    QStringList m_lines;
    QByteArray m_partial;
    QString m_ptyPath;
};

/// A terminal on the device's pty slave, in raw mode, like a serial console: collects every
/// byte the device sends and writes what a person would type.
class PtyTerminal {
public:
    PtyTerminal() = default;
    ~PtyTerminal();
    PtyTerminal(const PtyTerminal &) = delete;
    PtyTerminal &operator=(const PtyTerminal &) = delete;

    bool open(const QString &path);
    void close();
    [[nodiscard]] bool isOpen() const { return m_fd >= 0; }
    /// The device went away (read error or hang-up).
    [[nodiscard]] bool hungUp() const { return m_hungUp; }

    void send(const QByteArray &bytes);
    [[nodiscard]] const QByteArray &received() const { return m_received; }
    [[nodiscard]] qsizetype mark() const { return m_received.size(); }

    /// Waits until `needle` appears at or after `from`; returns its position or -1.
    qsizetype waitFor(const QByteArray &needle, int timeoutMs = 5000, qsizetype from = 0);
    /// Waits for a match in the received text with ANSI escapes removed.
    std::optional<QRegularExpressionMatch> waitForMatch(const QRegularExpression &pattern,
                                                        int timeoutMs = 5000, qsizetype from = 0);
    bool waitForHangUp(int timeoutMs = 5000);

    /// Waits for the first prompt (the shell has started).
    bool waitForPrompt(int timeoutMs = 5000, qsizetype from = 0);
    /// Sends CR LF until a prompt answers, as a station probes a port it just opened.
    bool probePrompt(int attempts = 20);
    /// Types `command` + CR LF and returns the raw bytes between the echoed line and the next
    /// prompt; empty optional on timeout.
    std::optional<QByteArray> command(const QByteArray &command, int timeoutMs = 5000);

    /// The bytes the Zephyr shell echoes for a typed line: the text with CR LF wherever the
    /// 80-column terminal wraps, then CR LF.
    static QByteArray expectedEcho(const QByteArray &command);

    static const QByteArray Prompt; ///< ESC[1;32m uart:~$ ESC[0m

private:
    void readAvailable();

    int m_fd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QByteArray m_received;
    bool m_hungUp = false;
};

/// Text with ANSI CSI escapes removed.
QByteArray stripAnsi(QByteArrayView bytes);
/// The response lines of a command (CR/LF split, empty lines and log records removed).
QList<QByteArray> responseLines(const QByteArray &response);

/// A state folder, registry and pty link for one device under test.
struct DevsimSandbox {
    QTemporaryDir dir;
    [[nodiscard]] QString state() const { return dir.filePath(QStringLiteral("state")); }
    [[nodiscard]] QString registry() const {
        return dir.filePath(QStringLiteral("registry.jsonl"));
    }
    [[nodiscard]] QString link() const { return dir.filePath(QStringLiteral("ttyDEVSIM")); }
};

} // namespace ps::devsim::test
