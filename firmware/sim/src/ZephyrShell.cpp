#include "ZephyrShell.h"

#include <algorithm>
#include <expected>

namespace ps::devsim {

namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Zephyr's z_shell_make_argv(): whitespace separates arguments; single or double quotes group
// (and are removed) anywhere in a token; inside quotes a backslash escapes the quote character,
// "\0ooo" is an octal byte and "\xhh" a hex byte. An unterminated quote is an error.
std::expected<QList<QByteArray>, char> makeArgv(QByteArrayView line) {
    QList<QByteArray> argv;
    qsizetype i = 0;
    while (i < line.size()) {
        if (isSpace(line[i])) {
            ++i;
            continue;
        }
        QByteArray token;
        char quote = 0;
        while (i < line.size()) {
            const char c = line[i];
            if (quote == 0) {
                if (c == '\'' || c == '"') {
                    quote = c;
                    ++i;
                    continue;
                }
                if (isSpace(c))
                    break;
            } else if (c == quote) {
                quote = 0;
                ++i;
                continue;
            }
            if (quote != 0 && c == '\\' && i + 1 < line.size()) {
                const char t = line[i + 1];
                if (t == quote) {
                    token.append(t);
                    i += 2;
                    continue;
                }
                if (t == '0') {
                    int value = 0;
                    qsizetype j = i + 2;
                    while (j < line.size() && j < i + 5 && line[j] >= '0' && line[j] <= '7')
                        value = (value << 3) | (line[j++] - '0');
                    if (j > i + 2) {
                        token.append(char(value));
                        i = j;
                        continue;
                    }
                }
                if (t == 'x') {
                    int value = 0;
                    qsizetype j = i + 2;
                    while (j < line.size() && j < i + 4 && hexValue(line[j]) >= 0)
                        value = (value << 4) | hexValue(line[j++]);
                    if (j > i + 2) {
                        token.append(char(value));
                        i = j;
                        continue;
                    }
                }
            }
            token.append(c);
            ++i;
        }
        if (quote != 0)
            return std::unexpected(quote);
        argv.append(token);
    }
    return argv;
}

bool isHelpRequest(QByteArrayView arg) {
    return arg == "-h" || arg == "--help";
}

QByteArray colourCode(ZephyrShell::Colour colour) {
    switch (colour) {
    case ZephyrShell::Colour::Red:
        return "\x1b[1;31m";
    case ZephyrShell::Colour::Green:
        return "\x1b[1;32m";
    case ZephyrShell::Colour::Yellow:
        return "\x1b[1;33m";
    case ZephyrShell::Colour::Cyan:
        return "\x1b[1;36m";
    case ZephyrShell::Colour::Normal:
        break;
    }
    return "\x1b[0m";
}

const ShellCommand *findCommand(const std::vector<ShellCommand> &commands, QByteArrayView name) {
    for (const ShellCommand &command : commands) {
        if (command.name == name)
            return &command;
    }
    return nullptr;
}

} // namespace

ZephyrShell::ZephyrShell(std::function<void(const QByteArray &)> transmit)
    : m_transmit(std::move(transmit)) {
    ShellCommand help;
    help.name = "help";
    help.help = "Prints the help message.";
    help.handler = [this](ShellContext &context, const QList<QByteArray> &) {
        context.print("Please press the <Tab> button to see all available commands.");
        context.print("You can also use the <Tab> button to prompt or auto-complete all commands "
                      "or its subcommands.");
        context.print("You can try to call commands with <-h> or <--help> parameter for more "
                      "information.");
        context.print("\nShell supports following meta-keys:\n"
                      "  Ctrl + (a key from: abcdefklnpuw)\n"
                      "  Alt  + (a key from: bf)\n"
                      "Please refer to shell documentation for more details.");
        std::vector<const ShellCommand *> roots;
        for (const ShellCommand &command : m_commands)
            roots.push_back(&command);
        printSubcommandList(roots, "\nAvailable commands:\n");
        return 0;
    };
    addCommand(std::move(help));

    ShellCommand clear;
    clear.name = "clear";
    clear.help = "Clear screen.";
    clear.handler = [this](ShellContext &, const QList<QByteArray> &) {
        raw("\x1b[H");
        raw("\x1b[2J");
        return 0;
    };
    addCommand(std::move(clear));

    ShellCommand history;
    history.name = "history";
    history.help = "Command history.";
    history.handler = [this](ShellContext &context, const QList<QByteArray> &) {
        for (qsizetype i = 0; i < m_history.size(); ++i) {
            const QByteArray &entry = m_history.at(m_history.size() - 1 - i);
            context.print(QByteArray("[") + QByteArray::number(i).rightJustified(3, ' ') + "] " +
                          entry);
        }
        return 0;
    };
    addCommand(std::move(history));

    ShellCommand retval;
    retval.name = "retval";
    retval.help = "Print return value of most recent command";
    retval.handler = [this](ShellContext &context, const QList<QByteArray> &) {
        context.print(QByteArray::number(m_retval));
        return 0;
    };
    addCommand(std::move(retval));
}

void ZephyrShell::addCommand(ShellCommand command) {
    const auto at = std::lower_bound(
        m_commands.begin(), m_commands.end(), command.name,
        [](const ShellCommand &c, const QByteArray &name) { return c.name < name; });
    m_commands.insert(at, std::move(command));
}

void ZephyrShell::start() {
    if (m_started)
        return;
    m_started = true;
    setColour(Colour::Normal);
    fprintf(Colour::Normal, "\n\n");
    printPromptAndCommand();
}

void ZephyrShell::feed(QByteArrayView bytes) {
    if (!m_started || m_halted)
        return;
    for (const char c : bytes) {
        processByte(c);
        if (m_halted)
            return;
    }
}

void ZephyrShell::processByte(char c) {
    if (m_escape == 1) {
        m_escape = (c == '[' || c == 'O') ? 2 : 0;
        return;
    }
    if (m_escape == 2) {
        if (c >= 0x40 && c <= 0x7e) {
            m_escape = 0;
            if (c == 'A')
                historyStep(true);
            else if (c == 'B')
                historyStep(false);
        }
        return;
    }

    if (c == '\r' || c == '\n') {
        // A CR LF (or LF CR) pair counts once; two CRs are two lines.
        if (m_lastNewline == 0 || c == m_lastNewline) {
            m_lastNewline = c;
            enter();
        }
        return;
    }
    m_lastNewline = 0;

    switch (c) {
    case 0x1b:
        m_escape = 1;
        return;
    case 0x08:
    case 0x7f:
        backspace();
        return;
    case '\t':
        tab();
        return;
    case 0x03: // Ctrl+C
        if (!cursorInEmptyLine())
            nextLine();
        m_buffer.clear();
        m_historyIndex = -1;
        printPromptAndCommand();
        return;
    case 0x0c: // Ctrl+L
        raw("\x1b[H");
        raw("\x1b[2J");
        printPromptAndCommand();
        return;
    case 0x0e: // Ctrl+N
        historyStep(false);
        return;
    case 0x10: // Ctrl+P
        historyStep(true);
        return;
    case 0x15: // Ctrl+U
        replaceBuffer({});
        return;
    case 0x17: { // Ctrl+W: remove the word before the cursor
        QByteArray text = m_buffer;
        while (!text.isEmpty() && text.endsWith(' '))
            text.chop(1);
        while (!text.isEmpty() && !text.endsWith(' '))
            text.chop(1);
        replaceBuffer(text);
        return;
    }
    default:
        break;
    }
    // Printable ASCII only; other control bytes and 8-bit data are ignored.
    if (c >= 0x20 && c < 0x7f)
        insertChar(c);
}

void ZephyrShell::insertChar(char c) {
    if (m_buffer.size() + 1 >= CommandBufferSize)
        return;
    m_buffer.append(c);
    raw(QByteArray(1, c));
    if (fullLine())
        nextLine();
}

void ZephyrShell::backspace() {
    if (m_buffer.isEmpty())
        return;
    m_buffer.chop(1);
    // Cursor one left (up to the end of the previous row when the line wrapped), clear to end.
    if ((m_buffer.size() + PromptLength + 1) % TerminalWidth == 0) {
        raw("\x1b[1A");
        raw(QByteArray("\x1b[") + QByteArray::number(TerminalWidth - 1) + 'C');
    } else {
        raw("\x1b[1D");
    }
    raw("\x1b[J");
}

void ZephyrShell::replaceBuffer(const QByteArray &text) {
    clearLineToPrompt();
    m_buffer = text;
    raw(m_buffer);
    if (fullLine())
        nextLine();
}

void ZephyrShell::clearLineToPrompt() {
    // Back to the first column after the prompt, then clear to the end of the screen.
    const qsizetype column = (m_buffer.size() + PromptLength) % TerminalWidth;
    const qsizetype row = (m_buffer.size() + PromptLength) / TerminalWidth;
    const qsizetype promptColumn = PromptLength;
    if (row > 0)
        raw(QByteArray("\x1b[") + QByteArray::number(row) + 'A');
    if (column > promptColumn)
        raw(QByteArray("\x1b[") + QByteArray::number(column - promptColumn) + 'D');
    else if (column < promptColumn)
        raw(QByteArray("\x1b[") + QByteArray::number(promptColumn - column) + 'C');
    raw("\x1b[J");
}

void ZephyrShell::historyStep(bool older) {
    if (m_history.isEmpty())
        return;
    if (m_historyIndex < 0) {
        if (!older)
            return;
        m_historyStash = m_buffer;
        m_historyIndex = m_history.size();
    }
    const qsizetype next = m_historyIndex + (older ? -1 : 1);
    if (next < 0)
        return;
    if (next >= m_history.size()) {
        m_historyIndex = -1;
        replaceBuffer(m_historyStash);
        return;
    }
    m_historyIndex = next;
    replaceBuffer(m_history.at(next));
}

void ZephyrShell::tab() {
    // Which command level is being completed: every finished word before the cursor must name a
    // command or subcommand.
    const std::vector<ShellCommand> *level = &m_commands;
    const QList<QByteArray> words = m_buffer.split(' ');
    QByteArray prefix;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const bool last = i == words.size() - 1;
        if (words[i].isEmpty() && !last)
            continue;
        if (last) {
            prefix = words[i];
            break;
        }
        const ShellCommand *command = findCommand(*level, words[i]);
        if (!command || command->subcommands.empty())
            return;
        level = &command->subcommands;
    }
    std::vector<const ShellCommand *> candidates;
    for (const ShellCommand &command : *level) {
        if (command.name.startsWith(prefix))
            candidates.push_back(&command);
    }
    if (candidates.empty())
        return;
    if (candidates.size() == 1) {
        const QByteArray rest = candidates.front()->name.mid(prefix.size()) + ' ';
        for (const char c : rest)
            insertChar(c);
        return;
    }
    // Several candidates: complete their common beginning, then list them.
    QByteArray common = candidates.front()->name;
    for (const ShellCommand *candidate : candidates) {
        qsizetype n = 0;
        while (n < common.size() && n < candidate->name.size() && common[n] == candidate->name[n])
            ++n;
        common.truncate(n);
    }
    qsizetype longest = 0;
    for (const ShellCommand *candidate : candidates)
        longest = std::max(longest, candidate->name.size());
    nextLine();
    const qsizetype columnWidth = longest + 2;
    const qsizetype perLine = std::max<qsizetype>(1, TerminalWidth / columnWidth);
    qsizetype column = 0;
    for (const ShellCommand *candidate : candidates) {
        if (column == perLine) {
            nextLine();
            column = 0;
        }
        fprintf(Colour::Cyan, candidate->name.leftJustified(columnWidth, ' '));
        ++column;
    }
    nextLine();
    printPromptAndCommand();
    for (const char c : common.mid(prefix.size()))
        insertChar(c);
}

void ZephyrShell::enter() {
    m_historyIndex = -1;
    if (m_buffer.isEmpty()) {
        nextLine();
    } else {
        execute();
        if (m_halted)
            return;
    }
    m_buffer.clear();
    printPromptAndCommand();
}

void ZephyrShell::execute() {
    if (!cursorInEmptyLine())
        nextLine();
    const QByteArray line = m_buffer.trimmed();
    if (!line.isEmpty() && (m_history.isEmpty() || m_history.last() != line))
        m_history.append(line);

    auto argv = makeArgv(line);
    if (!argv) {
        fprintf(Colour::Red, QByteArray("not terminated: ") + argv.error() + '\n');
        m_retval = -8;
        return;
    }
    if (argv->isEmpty())
        return;
    if (argv->size() > ArgcMax) {
        fprintf(Colour::Red, "Too many arguments in the command.\n");
        m_retval = -8;
        return;
    }

    const ShellCommand *entry = findCommand(m_commands, argv->front());
    if (!entry) {
        fprintf(Colour::Red, argv->front() + ": command not found\n");
        m_retval = -8;
        return;
    }
    const ShellCommand *handlerEntry = entry->handler ? entry : nullptr;
    qsizetype handlerLevel = 0;
    const ShellCommand *helpEntry = entry;
    for (qsizetype level = 1; level < argv->size(); ++level) {
        if (isHelpRequest(argv->at(level))) {
            printHelp(*helpEntry);
            m_retval = 1;
            return;
        }
        const ShellCommand *sub = findCommand(entry->subcommands, argv->at(level));
        if (!sub)
            break;
        entry = sub;
        helpEntry = sub;
        if (sub->handler) {
            handlerEntry = sub;
            handlerLevel = level;
        }
    }
    // The deepest command with a handler runs with every argument from its own name on;
    // without one, the deepest command's help is printed.
    if (!handlerEntry) {
        if (!helpEntry->help.isEmpty()) {
            printHelp(*helpEntry);
            m_retval = 1;
        } else {
            fprintf(Colour::Red, "Please specify a subcommand.\n");
            m_retval = -8;
        }
        return;
    }

    ShellContext context(*this);
    m_inCommand = true;
    m_retval = handlerEntry->handler(context, argv->mid(handlerLevel));
    m_inCommand = false;
}

void ZephyrShell::log(const QByteArray &record) {
    if (m_halted)
        return;
    if (!m_started || m_inCommand) {
        raw(record);
        return;
    }
    eraseCommandLine();
    raw(record);
    printPromptAndCommand();
}

void ZephyrShell::printAsync(const QByteArray &text, Colour colour) {
    if (m_halted)
        return;
    const QByteArray line = text + '\n';
    if (!m_started || m_inCommand) {
        fprintf(colour, line);
        return;
    }
    eraseCommandLine();
    fprintf(colour, line);
    printPromptAndCommand();
}

void ZephyrShell::raw(const QByteArray &bytes) {
    if (!bytes.isEmpty())
        m_transmit(bytes);
}

void ZephyrShell::fprintf(Colour colour, const QByteArray &text) {
    // SHELL_FLAG_OLF_CRLF: every LF goes out as CR LF; a CR already in the text stays.
    QByteArray out;
    out.reserve(text.size() + 8);
    for (const char c : text) {
        if (c == '\n')
            out.append('\r');
        out.append(c);
    }
    if (m_colourKnown && colour == m_colour) {
        raw(out);
        return;
    }
    const Colour previous = m_colour;
    const bool previousKnown = m_colourKnown;
    setColour(colour);
    raw(out);
    if (previousKnown)
        setColour(previous);
}

void ZephyrShell::setColour(Colour colour) {
    if (m_colourKnown && m_colour == colour)
        return;
    m_colour = colour;
    m_colourKnown = true;
    raw(colourCode(colour));
}

void ZephyrShell::printPrompt() {
    fprintf(Colour::Green, QByteArray(Prompt));
}

void ZephyrShell::printPromptAndCommand() {
    printPrompt();
    raw(m_buffer);
    if (!m_buffer.isEmpty() && fullLine())
        nextLine();
}

void ZephyrShell::eraseCommandLine() {
    // z_shell_cmd_line_erase(): to the first column of the prompt's row, clear to the end.
    const qsizetype position = m_buffer.size() + PromptLength;
    const qsizetype column = position % TerminalWidth;
    const qsizetype row = position / TerminalWidth;
    if (column > 0)
        raw(QByteArray("\x1b[") + QByteArray::number(column) + 'D');
    if (row > 0)
        raw(QByteArray("\x1b[") + QByteArray::number(row) + 'A');
    raw("\x1b[J");
}

void ZephyrShell::nextLine() {
    fprintf(m_colour, "\n");
}

bool ZephyrShell::cursorInEmptyLine() const {
    return (m_buffer.size() + PromptLength) % TerminalWidth == 0;
}

bool ZephyrShell::fullLine() const {
    return (m_buffer.size() + PromptLength) % TerminalWidth == 0;
}

void ZephyrShell::printHelp(const ShellCommand &command) {
    fprintf(Colour::Normal, command.name + " - ");
    formattedText(command.help, int(command.name.size() + 3));
    std::vector<const ShellCommand *> subcommands;
    for (const ShellCommand &sub : command.subcommands)
        subcommands.push_back(&sub);
    if (!subcommands.empty())
        printSubcommandList(subcommands, "Subcommands:\n");
}

void ZephyrShell::printSubcommandList(const std::vector<const ShellCommand *> &items,
                                      const QByteArray &description) {
    qsizetype longest = 0;
    for (const ShellCommand *item : items)
        longest = std::max(longest, item->name.size());
    fprintf(Colour::Normal, description);
    for (const ShellCommand *item : items) {
        fprintf(Colour::Normal, QByteArray("  ") + item->name.leftJustified(longest, ' '));
        if (item->help.isEmpty()) {
            nextLine();
            continue;
        }
        fprintf(Colour::Normal, "  :");
        formattedText(item->help, int(2 * 2 + longest + 2));
    }
}

void ZephyrShell::formattedText(const QByteArray &text, int offset) {
    // Zephyr's formatted_text_print(): wrap at the terminal width without splitting words;
    // continuation rows start with a cursor move right by `offset`.
    qsizetype at = 0;
    while (at < text.size() && isSpace(text[at]))
        ++at;
    while (true) {
        const qsizetype length = text.size() - at;
        if (length <= TerminalWidth - offset) {
            qsizetype newline = text.indexOf('\n', at);
            if (newline >= 0 && newline < text.size()) {
                raw(text.sliced(at, newline - at));
                at = newline + 1;
                nextLine();
                raw(QByteArray("\x1b[") + QByteArray::number(offset) + 'C');
                continue;
            }
            raw(text.sliced(at));
            break;
        }
        qsizetype cut = TerminalWidth - offset;
        qsizetype idx = 0;
        while (true) {
            if (isSpace(text[at + idx])) {
                cut = idx;
                if (text[at + idx] == '\n')
                    break;
            }
            if (idx + offset >= TerminalWidth)
                break;
            ++idx;
        }
        raw(text.sliced(at, cut));
        at += cut;
        while (at < text.size() && isSpace(text[at]))
            ++at;
        nextLine();
        raw(QByteArray("\x1b[") + QByteArray::number(offset) + 'C');
    }
    nextLine();
}

void ShellContext::print(const QByteArray &text) {
    if (!m_shell.m_halted)
        m_shell.fprintf(ZephyrShell::Colour::Normal, text + '\n');
}

void ShellContext::error(const QByteArray &text) {
    if (!m_shell.m_halted)
        m_shell.fprintf(ZephyrShell::Colour::Red, text + '\n');
}

void ShellContext::warn(const QByteArray &text) {
    if (!m_shell.m_halted)
        m_shell.fprintf(ZephyrShell::Colour::Yellow, text + '\n');
}

void ShellContext::halt() {
    m_shell.m_halted = true;
}

} // namespace ps::devsim
