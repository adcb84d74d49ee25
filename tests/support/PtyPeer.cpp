#include "PtyPeer.h"

#include <QFile>
#include <cerrno>
#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

namespace ps::test {

const QByteArray PtyPeer::PromptMarker = QByteArrayLiteral("\x01<prompt>");
const QByteArray PtyPeer::DefaultPrompt = QByteArrayLiteral("\x1b[1;32muart:~$ \x1b[m");

namespace {

// Characters a terminal shows for `bytes`: CSI sequences take no room.
int visibleLength(const QByteArray &bytes) {
    int count = 0;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\x1b' && i + 1 < bytes.size() && bytes[i + 1] == '[') {
            i += 2;
            while (i < bytes.size() && !(bytes[i] >= 0x40 && bytes[i] <= 0x7e))
                ++i;
            continue;
        }
        ++count;
    }
    return count;
}

bool makeRaw(int fd) {
    termios attributes{};
    if (tcgetattr(fd, &attributes) != 0)
        return false;
    cfmakeraw(&attributes);
    return tcsetattr(fd, TCSANOW, &attributes) == 0;
}

} // namespace

PtyPeer::PtyPeer(QObject *parent)
    : QObject(parent)
    , m_dir(std::make_unique<QTemporaryDir>()) {}

PtyPeer::~PtyPeer() {
    closeFds();
}

QString PtyPeer::linkPath() const {
    return m_dir->filePath(QStringLiteral("ttyVirtual0"));
}

bool PtyPeer::open() {
    closeFds();
    char name[128] = {};
    if (openpty(&m_master, &m_slave, name, nullptr, nullptr) != 0) {
        m_master = m_slave = -1;
        return false;
    }
    // Raw on both ends: no echo or line editing by the kernel, bytes pass as they are. The
    // slave stays open here so the pty lives while the host has it closed (as a device does).
    if (!makeRaw(m_slave) || !makeRaw(m_master) ||
        fcntl(m_master, F_SETFL, fcntl(m_master, F_GETFL) | O_NONBLOCK) != 0) {
        closeFds();
        return false;
    }
    m_slavePath = QString::fromLocal8Bit(name);

    // Re-point the stable link atomically: a host that retries never sees it missing.
    const QString temporary = linkPath() + QStringLiteral(".new");
    QFile::remove(temporary);
    if (::symlink(name, QFile::encodeName(temporary).constData()) != 0 ||
        ::rename(QFile::encodeName(temporary).constData(),
                 QFile::encodeName(linkPath()).constData()) != 0) {
        closeFds();
        return false;
    }

    m_readNotifier = std::make_unique<QSocketNotifier>(m_master, QSocketNotifier::Read);
    connect(m_readNotifier.get(), &QSocketNotifier::activated, this, &PtyPeer::onReadable);
    m_writeNotifier = std::make_unique<QSocketNotifier>(m_master, QSocketNotifier::Write);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier.get(), &QSocketNotifier::activated, this, &PtyPeer::onWritable);
    m_typed.clear();
    m_promptShown = false;
    m_lastWasCr = false;
    return true;
}

void PtyPeer::close() {
    closeFds();
}

void PtyPeer::closeFds() {
    m_readNotifier.reset();
    m_writeNotifier.reset();
    m_out.clear();
    if (m_master >= 0)
        ::close(m_master);
    if (m_slave >= 0)
        ::close(m_slave);
    m_master = m_slave = -1;
}

void PtyPeer::injectLogDuringEcho(const QByteArray &record, int afterChars) {
    m_echoLog = record;
    m_echoLogAfter = afterChars;
}

void PtyPeer::on(const QString &command, Reply reply) {
    m_rules.append({command, std::move(reply)});
}

void PtyPeer::send(const QByteArray &bytes) {
    if (m_master < 0)
        return;
    if (bytes.endsWith('\n')) {
        m_promptShown = false;
        m_column = 0;
    }
    m_out += bytes;
    onWritable();
}

void PtyPeer::sendPrompt() {
    send(m_prompt);
    m_promptShown = true;
    m_column = visibleLength(m_prompt);
}

void PtyPeer::injectLog(const QByteArray &record) {
    if (!m_promptShown) {
        send(record);
        return;
    }
    // What Zephyr's shell log backend does: cursor back over prompt and typed text, clear to
    // the end of the screen, print the record, then show prompt and typed text again.
    const int shown = visibleLength(m_prompt) + int(m_typed.size());
    send("\x1b[" + QByteArray::number(shown) + "D\x1b[J" + record);
    send(m_prompt + m_typed);
    m_promptShown = true;
    m_column = shown;
}

QByteArray PtyPeer::logLine(const QByteArray &stamp, const QByteArray &level,
                            const QByteArray &moduleAndMessage) {
    QByteArray colour = QByteArrayLiteral("\x1b[0m");
    if (level == "err")
        colour = QByteArrayLiteral("\x1b[1;31m");
    else if (level == "wrn")
        colour = QByteArrayLiteral("\x1b[1;33m");
    return '[' + stamp + "] " + colour + '<' + level + "> " + moduleAndMessage + "\x1b[0m\r\n";
}

void PtyPeer::onWritable() {
    while (!m_out.isEmpty() && m_master >= 0) {
        const ssize_t written = ::write(m_master, m_out.constData(), size_t(m_out.size()));
        if (written > 0) {
            m_out.remove(0, written);
            continue;
        }
        if (written < 0 && errno == EINTR)
            continue;
        break; // full (EAGAIN): wait until the host reads
    }
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(!m_out.isEmpty());
}

void PtyPeer::onReadable() {
    char buffer[512];
    const ssize_t count = ::read(m_master, buffer, sizeof buffer);
    if (count <= 0) {
        if (count < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        // Every slave descriptor is gone; nothing more will arrive until reopen().
        m_readNotifier->setEnabled(false);
        return;
    }
    for (ssize_t i = 0; i < count && m_master >= 0; ++i)
        handleInput(buffer[i]);
}

void PtyPeer::handleInput(char c) {
    if (m_silent)
        return;
    const bool lineEnd = c == '\r' || c == '\n';
    if (c == '\n' && m_lastWasCr) { // "\r\n" counts once
        m_lastWasCr = false;
        return;
    }
    m_lastWasCr = c == '\r';
    if (!lineEnd) {
        m_typed += c;
        if (m_echo == Echo::CharByChar)
            echoChar(c);
        return;
    }
    const QString command = QString::fromUtf8(m_typed);
    if (m_echo == Echo::WholeLine)
        send(m_typed);
    m_typed.clear();
    if (m_echo != Echo::None)
        send(QByteArrayLiteral("\r\n"));
    m_promptShown = false;
    runCommand(command);
}

void PtyPeer::echoChar(char c) {
    send(QByteArray(1, c));
    ++m_column;
    if (m_wrapWidth > 0 && m_column >= m_wrapWidth) {
        // The shell moves to the next line when the cursor reaches the terminal's width.
        m_out += '\n';
        onWritable();
        m_column = 0;
    }
    if (m_echoLogAfter >= 0 && m_typed.size() == m_echoLogAfter) {
        m_echoLogAfter = -1;
        injectLog(std::exchange(m_echoLog, {}));
    }
}

void PtyPeer::runCommand(const QString &command) {
    if (command.trimmed().isEmpty()) {
        sendPrompt();
        return;
    }
    m_commands.append(command);
    Q_EMIT commandReceived(command);
    if (m_master < 0)
        return; // a test unplugged the device in reaction to the command

    std::optional<Reply> reply;
    for (const auto &[pattern, rule] : std::as_const(m_rules)) {
        if (pattern == command) {
            reply = rule;
            break;
        }
    }
    if (!reply && m_handler)
        reply = m_handler(command);
    if (!reply) {
        reply = Reply{{command.section(u' ', 0, 0).toUtf8() + ": command not found"}};
    }
    for (const QByteArray &line : std::as_const(reply->lines)) {
        if (line == PromptMarker)
            sendPrompt();
        else if (line.endsWith('\n'))
            send(line);
        else
            send(line + "\r\n");
    }
    if (reply->promptAfter)
        sendPrompt();
}

} // namespace ps::test
