#pragma once

#include <QByteArray>
#include <QList>
#include <functional>
#include <vector>

namespace ps::devsim {

class ShellContext;

/// One shell command, as SHELL_CMD_REGISTER / SHELL_STATIC_SUBCMD_SET_CREATE declare them.
/// A command without handler prints its help when called (Zephyr's behaviour).
struct ShellCommand {
    QByteArray name;
    QByteArray help;
    /// argv[0] is the command's own name; the return value becomes `retval`.
    std::function<int(ShellContext &, const QList<QByteArray> &argv)> handler;
    std::vector<ShellCommand> subcommands;
};

/// The Zephyr shell on a UART, byte for byte (PROTOCOL §1): prompt `uart:~$ ` in green, echo,
/// CR or LF ends a line (a CR LF pair counts once), output LF mapped to CR LF, errors in red,
/// the log backend erasing the prompt and typed text (ESC[<n>D, ESC[<n>A, ESC[J) before a log
/// record and printing prompt and typed text again after it, line wrap at 80 columns, argument
/// parsing with single or double quotes, `help`, `<cmd>: command not found`, Tab completion,
/// history (arrows, Ctrl+P/N), Ctrl+C/U/W/L. The cursor always stays at the end of the line:
/// cursor movement keys are ignored.
class ZephyrShell {
public:
    enum class Colour { Normal, Red, Green, Yellow, Cyan };

    explicit ZephyrShell(std::function<void(const QByteArray &)> transmit);

    void addCommand(ShellCommand command);

    /// shell_start(): colours reset, two new lines, the prompt. Before start() log records are
    /// printed plainly and input is ignored.
    void start();
    [[nodiscard]] bool isStarted() const { return m_started; }

    /// Bytes from the UART.
    void feed(QByteArrayView bytes);

    /// A formatted log record (see formatLogRecord); interleaves with the prompt.
    void log(const QByteArray &record);
    /// shell_print() from outside a command (the AT event handler): `text` + newline, with the
    /// same erase / re-print around it as a log record.
    void printAsync(const QByteArray &text, Colour colour = Colour::Normal);

    [[nodiscard]] QByteArray commandBuffer() const { return m_buffer; }

    static constexpr char Prompt[] = "uart:~$ ";
    static constexpr qsizetype PromptLength = sizeof(Prompt) - 1;
    static constexpr int TerminalWidth = 80;
    static constexpr int CommandBufferSize = 2048; ///< CONFIG_SHELL_CMD_BUFF_SIZE in ATT
    static constexpr int ArgcMax = 20;

private:
    friend class ShellContext;

    void processByte(char c);
    void insertChar(char c);
    void backspace();
    void enter();
    void execute();
    void tab();
    void historyStep(bool older);
    void replaceBuffer(const QByteArray &text);
    void clearLineToPrompt();

    // Output primitives mirroring Zephyr's shell_ops.
    void raw(const QByteArray &bytes);
    void fprintf(Colour colour, const QByteArray &text);
    void setColour(Colour colour);
    void printPrompt();
    void printPromptAndCommand();
    void eraseCommandLine();
    void nextLine();
    [[nodiscard]] bool cursorInEmptyLine() const;
    [[nodiscard]] bool fullLine() const;

    void printHelp(const ShellCommand &command);
    void printSubcommandList(const std::vector<const ShellCommand *> &items,
                             const QByteArray &description);
    void formattedText(const QByteArray &text, int offset);

    std::function<void(const QByteArray &)> m_transmit;
    std::vector<ShellCommand> m_commands; ///< sorted by name, like Zephyr's section
    QByteArray m_buffer;
    QList<QByteArray> m_history; ///< newest last
    qsizetype m_historyIndex = -1;
    QByteArray m_historyStash;
    bool m_started = false;
    bool m_inCommand = false;
    bool m_halted = false;
    char m_lastNewline = 0;
    int m_escape = 0; ///< 0 none, 1 after ESC, 2 inside CSI
    bool m_colourKnown = false;
    Colour m_colour = Colour::Normal;
    int m_retval = 0;
};

/// What a command handler can do: print (shell_print / shell_error / shell_warn) inside the
/// command context, and halt the shell (the device is about to reset).
class ShellContext {
public:
    void print(const QByteArray &text);
    void error(const QByteArray &text);
    void warn(const QByteArray &text);
    /// Nothing more is printed, not even the prompt (sys_reboot() does not return).
    void halt();

private:
    friend class ZephyrShell;
    explicit ShellContext(ZephyrShell &shell)
        : m_shell(shell) {}
    ZephyrShell &m_shell;
};

} // namespace ps::devsim
