#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QSocketNotifier>
#include <QString>
#include <QTemporaryDir>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>

namespace ps::test {

/// A scripted device at the far end of a pseudo-terminal, for tests that drive the real
/// QSerialPort (SerialTransport) through the pty slave.
///
/// It plays a Zephyr shell: prints a prompt, echoes what the host types (whole lines, or char by
/// char as the real shell does, optionally wrapped at a terminal width), answers commands from
/// rules ("on command X reply lines Y", or a handler for stateful replies), and can inject log
/// records the way the shell's log backend does (erase prompt and typed text with cursor escapes,
/// print the record, print prompt and typed text again). It can go silent (for timeouts), and be
/// unplugged (close: both pty ends go away, the host sees a read error) and plugged back
/// (reopen: a new pty; linkPath() then points to it, as /dev/serial/by-id links do after a
/// device re-enumerates).
///
/// Open with open(); the host opens linkPath() (stable) or slavePath() (this pty only).
class PtyPeer : public QObject {
    Q_OBJECT
public:
    enum class Echo { None, WholeLine, CharByChar };

    /// A reply: lines sent with "\r\n" (entries that already end in "\n" are sent as they are,
    /// e.g. logLine()), then the prompt unless promptAfter is false. An entry equal to
    /// PromptMarker prints the prompt at that point.
    struct Reply {
        QList<QByteArray> lines;
        bool promptAfter = true;
    };
    using Handler = std::function<std::optional<Reply>(const QString &command)>;

    static const QByteArray PromptMarker;
    /// The coloured ATT shell prompt as a device prints it.
    static const QByteArray DefaultPrompt;

    explicit PtyPeer(QObject *parent = nullptr);
    ~PtyPeer() override;

    /// Creates the pty (raw mode on both ends) and points linkPath() at its slave.
    bool open();
    /// Cable pull: closes both ends of the pty; the host's reads fail.
    void close();
    /// Plug back: a new pty behind the same linkPath().
    bool reopen() { return open(); }
    [[nodiscard]] bool isOpen() const { return m_master >= 0; }
    [[nodiscard]] QString slavePath() const { return m_slavePath; }
    [[nodiscard]] QString linkPath() const;

    void setPrompt(const QByteArray &prompt) { m_prompt = prompt; }
    void setEcho(Echo echo) { m_echo = echo; }
    /// Wrap the echo after this many columns (prompt included), as the shell does; 0: never.
    void setEchoWrapWidth(int columns) { m_wrapWidth = columns; }
    /// Swallow input: no echo, no reply (the host's command times out).
    void setSilent(bool silent) { m_silent = silent; }
    /// While echoing the next command char by char, after `afterChars` characters, inject `record`
    /// as the log backend does (erase, print, re-print prompt and typed text). One shot.
    void injectLogDuringEcho(const QByteArray &record, int afterChars);

    void on(const QString &command, Reply reply);
    void on(const QString &command, QList<QByteArray> lines) {
        on(command, Reply{std::move(lines)});
    }
    /// Asked for commands without a rule; nullopt: "<cmd>: command not found".
    void setHandler(Handler handler) { m_handler = std::move(handler); }

    /// Bytes to the host as they are.
    void send(const QByteArray &bytes);
    void sendPrompt();
    /// A log record arriving now: behind the prompt (erase and re-print) when the prompt shows,
    /// else plain.
    void injectLog(const QByteArray &record);

    /// `[00:00:05.268,859] <inf> cloud: Connected`, coloured as Zephyr does, with "\r\n".
    static QByteArray logLine(const QByteArray &stamp, const QByteArray &level,
                              const QByteArray &moduleAndMessage);

    [[nodiscard]] QStringList commands() const { return m_commands; }

Q_SIGNALS:
    void commandReceived(const QString &command);

private:
    void onReadable();
    void onWritable();
    void handleInput(char c);
    void echoChar(char c);
    void runCommand(const QString &command);
    void closeFds();

    std::unique_ptr<QTemporaryDir> m_dir;
    int m_master = -1;
    int m_slave = -1;
    QString m_slavePath;
    std::unique_ptr<QSocketNotifier> m_readNotifier;
    std::unique_ptr<QSocketNotifier> m_writeNotifier;
    QByteArray m_out;

    QByteArray m_prompt = DefaultPrompt;
    Echo m_echo = Echo::CharByChar;
    int m_wrapWidth = 0;
    bool m_silent = false;
    QByteArray m_typed;
    bool m_lastWasCr = false;
    bool m_promptShown = false;
    int m_column = 0;
    QByteArray m_echoLog;
    int m_echoLogAfter = -1;
    QList<std::pair<QString, Reply>> m_rules;
    Handler m_handler;
    QStringList m_commands;
};

} // namespace ps::test
