#include "ShellSession.h"

#include "DeviceLogging.h"
#include "Transport.h"
#include "core/AtResponse.h"
#include "core/LogPattern.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QTimer>
#include <coroutine>
#include <deque>
#include <optional>

namespace ps::device {

namespace {

using namespace std::chrono_literals;
using Result = std::expected<ShellResponse, DeviceError>;

// The shell's longest command line (PROTOCOL §1).
constexpr qsizetype MaxCommandBytes = 2048;
// How long to wait for the prompt after a shell error (for the Usage: lines), and for a final
// line after the prompt came back without one.
constexpr auto SettleTime = 500ms;

// Where a command's result waits for its coroutine. Shared between the queue entry and the
// coroutine frame, so either can go first.
struct Completion {
    std::optional<Result> result;
    std::coroutine_handle<> waiter;
};

class CompletionAwaiter {
public:
    explicit CompletionAwaiter(std::shared_ptr<Completion> completion)
        : m_completion(std::move(completion)) {}
    bool await_ready() const noexcept { return m_completion->result.has_value(); }
    void await_suspend(std::coroutine_handle<> waiter) noexcept { m_completion->waiter = waiter; }
    Result await_resume() { return std::move(*m_completion->result); }

private:
    std::shared_ptr<Completion> m_completion;
};

void complete(const std::shared_ptr<Completion> &completion, Result result) {
    completion->result = std::move(result);
    const std::coroutine_handle<> waiter = std::exchange(completion->waiter, {});
    if (!waiter)
        return;
    // Resume from the event loop, never from inside onLine() or ~ShellSession(): the caller's
    // continuation may queue the next command or delete the session that is still on the stack.
    if (QCoreApplication *app = QCoreApplication::instance())
        QMetaObject::invokeMethod(
            app, [waiter] { waiter.resume(); }, Qt::QueuedConnection);
    else
        waiter.resume();
}

DeviceError makeError(DeviceError::Kind kind, QString message, const QStringList &lines = {},
                      int code = 0) {
    DeviceError error;
    error.kind = kind;
    error.code = code;
    error.message = std::move(message);
    error.response = lines.join(u'\n');
    return error;
}

// `at AT...` (also quoted): the modem's answer ends with a final result line.
bool isAtModemCommand(const QString &command) {
    static const QRegularExpression pattern(QStringLiteral(R"(^\s*at\s+'?AT)"),
                                            QRegularExpression::CaseInsensitiveOption);
    return pattern.match(command).hasMatch();
}

bool isShellErrorLine(QStringView line) {
    return line.endsWith(u": command not found") || line.endsWith(u": wrong parameter count") ||
           line.contains(u": unknown parameter: ") ||
           line.startsWith(u"Invalid number of arguments");
}

// Log output that may arrive in the middle of a response (PROTOCOL §2).
bool isLogLine(QStringView line) {
    if (ps::core::findLogRecordHead(line))
        return true;
    const QStringView trimmed = line.trimmed();
    if (trimmed.startsWith(u"--- ") && trimmed.endsWith(u" messages dropped ---"))
        return true;
    return trimmed.startsWith(u"*** ") && trimmed.endsWith(u" ***");
}

QString seconds(std::chrono::milliseconds timeout) {
    return QString::number(double(timeout.count()) / 1000.0, 'g', 3);
}

} // namespace

struct ShellSession::Private {
    struct Command {
        QString text;
        std::chrono::milliseconds timeout{};
        bool atModemCommand = false;
        std::shared_ptr<Completion> completion;
    };
    enum class Phase { AwaitingEcho, Collecting, Settling };

    explicit Private(ShellSession *owner, Transport *port)
        : q(owner)
        , transport(port) {}

    QString stripPrompts(QStringView text) const;
    [[nodiscard]] bool isPromptOnly(QStringView text) const;
    void startNext();
    void handleEcho(const QString &text);
    void handleResponseLine(const QString &text);
    void finishWithFinalLine(const ps::core::AtFinalLine &final, const QString &line);
    void finish(Result result);
    void finishSettled();
    void failAll(DeviceError::Kind kind, const QString &why);

    ShellSession *q;
    QPointer<Transport> transport;
    QString prompt = QStringLiteral("uart:~$ ");
    std::deque<Command> queue;
    std::optional<Command> current;
    Phase phase = Phase::AwaitingEcho;
    qsizetype echoMatched = 0;
    ShellResponse response;
    std::optional<DeviceError> shellError;
    bool inLogRecord = false;
    bool inTokenBlock = false;
    QTimer timeoutTimer;
    QTimer settleTimer;
};

QString ShellSession::Private::stripPrompts(QStringView text) const {
    // After escape removal, a prompt that the shell printed and then erased with cursor moves
    // still reads in front of the next output ("uart:~$ OK"); it is never part of an answer.
    const QStringView bare = QStringView(prompt).trimmed();
    while (!bare.isEmpty()) {
        if (text.startsWith(prompt))
            text = text.sliced(prompt.size());
        else if (text.trimmed() == bare)
            text = {};
        else
            break;
    }
    return text.toString();
}

bool ShellSession::Private::isPromptOnly(QStringView text) const {
    return !QStringView(prompt).trimmed().isEmpty() &&
           text.contains(QStringView(prompt).trimmed()) && stripPrompts(text).trimmed().isEmpty();
}

void ShellSession::Private::startNext() {
    while (!current && !queue.empty()) {
        current = std::move(queue.front());
        queue.pop_front();
        phase = Phase::AwaitingEcho;
        echoMatched = 0;
        response = {};
        shellError.reset();
        inLogRecord = false;
        inTokenBlock = false;

        if (!transport || !transport->isOpen() ||
            !transport->write(current->text.toUtf8() + QByteArrayLiteral("\r\n"))) {
            finish(std::unexpected(makeError(
                DeviceError::Kind::NotConnected,
                QStringLiteral("Cannot send '%1': the port is not open; connect the device first")
                    .arg(current->text))));
            continue;
        }
        qCDebug(lcShell) << "sent" << current->text;
        timeoutTimer.start(current->timeout);
        Q_EMIT q->commandStarted(current->text);
    }
}

void ShellSession::Private::handleEcho(const QString &text) {
    // The shell echoes what it receives behind the prompt, and wraps a long command line over
    // several lines; other lines before the echo are leftovers of an earlier command.
    const QString &command = current->text;
    const QString stripped = echoMatched == 0 ? stripPrompts(text) : text;
    if (!stripped.isEmpty() && QStringView(command).sliced(echoMatched).startsWith(stripped)) {
        echoMatched += stripped.size();
    } else if (stripped.trimmed().endsWith(command)) {
        echoMatched = command.size();
    } else {
        if (!text.trimmed().isEmpty())
            qCDebug(lcShell) << "skipped before echo:" << text;
        return;
    }
    if (echoMatched >= command.size())
        phase = Phase::Collecting;
}

void ShellSession::Private::handleResponseLine(const QString &text) {
    QString line = stripPrompts(text);
    while (!line.isEmpty() && line.back().isSpace())
        line.chop(1);
    const QStringView trimmed = QStringView(line).trimmed();

    if (current->atModemCommand && !shellError) {
        if (const auto final = ps::core::AtResponse::finalLine(trimmed)) {
            finishWithFinalLine(*final, line);
            return;
        }
    }
    if (isShellErrorLine(trimmed) && !shellError) {
        shellError = makeError(
            DeviceError::Kind::ShellError,
            QStringLiteral("The shell rejected '%1': %2").arg(current->text, trimmed.toString()));
        // Wait for the Usage: lines and the prompt that follow.
        phase = Phase::Settling;
        settleTimer.start(SettleTime);
    }
    response.lines.append(line);
}

void ShellSession::Private::finishWithFinalLine(const ps::core::AtFinalLine &final,
                                                const QString &line) {
    using Kind = ps::core::AtFinalLine::Kind;
    QStringList lines = response.lines;
    lines.append(line);
    switch (final.kind) {
    case Kind::Ok:
        response.finalLine = line;
        finish(response);
        return;
    case Kind::Error:
        finish(std::unexpected(
            makeError(DeviceError::Kind::AtError,
                      QStringLiteral("The modem answered ERROR to '%1': the command or its "
                                     "parameters are not accepted in this state")
                          .arg(current->text),
                      lines)));
        return;
    case Kind::CmeError:
        finish(std::unexpected(makeError(
            DeviceError::Kind::CmeError,
            QStringLiteral("CME error %1: %2").arg(final.code).arg(cmeErrorText(final.code)), lines,
            final.code)));
        return;
    case Kind::TransportFailure:
        finish(std::unexpected(makeError(
            DeviceError::Kind::TransportError,
            QStringLiteral("The shell could not pass '%1' to the modem (error %2): wait until "
                           "the device has finished booting and try again")
                .arg(current->text)
                .arg(final.code),
            lines, final.code)));
        return;
    }
}

void ShellSession::Private::finishSettled() {
    if (shellError) {
        DeviceError error = *shellError;
        const QStringList usage = response.lines.filter(QStringLiteral("Usage:"));
        if (!usage.isEmpty())
            error.message += QStringLiteral(" (%1)").arg(usage.first().trimmed());
        error.response = response.lines.join(u'\n');
        finish(std::unexpected(error));
        return;
    }
    finish(response);
}

void ShellSession::Private::finish(Result result) {
    if (!current)
        return;
    timeoutTimer.stop();
    settleTimer.stop();
    Command done = std::move(*current);
    current.reset();
    if (result) {
        // Empty lines around the answer are the shell's spacing, not the modem's.
        QStringList &lines = result->lines;
        while (!lines.isEmpty() && lines.front().trimmed().isEmpty())
            lines.removeFirst();
        while (!lines.isEmpty() && lines.back().trimmed().isEmpty())
            lines.removeLast();
    }
    const bool ok = result.has_value();
    qCDebug(lcShell) << "finished" << done.text << (ok ? "ok" : qPrintable(result.error().message));
    complete(done.completion, std::move(result));
    Q_EMIT q->commandFinished(done.text, ok);
    startNext();
}

void ShellSession::Private::failAll(DeviceError::Kind kind, const QString &why) {
    timeoutTimer.stop();
    settleTimer.stop();
    std::deque<Command> failed = std::exchange(queue, {});
    bool inFlight = current.has_value();
    if (current) {
        failed.push_front(std::move(*current));
        current.reset();
    }
    for (Command &command : failed) {
        // Only the command in flight has collected anything.
        const QStringList lines = std::exchange(inFlight, false) ? response.lines : QStringList();
        complete(command.completion,
                 std::unexpected(
                     makeError(kind, QStringLiteral("'%1' %2").arg(command.text, why), lines)));
        Q_EMIT q->commandFinished(command.text, false);
    }
}

ShellSession::ShellSession(Transport *transport, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, transport)) {
    d->timeoutTimer.setSingleShot(true);
    d->timeoutTimer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5 % early
    d->settleTimer.setSingleShot(true);
    connect(&d->timeoutTimer, &QTimer::timeout, this, [this] {
        if (!d->current)
            return;
        const Private::Command &command = *d->current;
        const QString why =
            d->phase == Private::Phase::AwaitingEcho
                ? QStringLiteral("the device did not echo it; check that it runs its shell "
                                 "(press Enter in the console and look for the prompt)")
                : QStringLiteral("the answer did not end; the device may be busy, try again");
        d->finish(std::unexpected(makeError(DeviceError::Kind::Timeout,
                                            QStringLiteral("No answer to '%1' within %2 s: %3")
                                                .arg(command.text, seconds(command.timeout), why),
                                            d->response.lines)));
    });
    connect(&d->settleTimer, &QTimer::timeout, this, [this] { d->finishSettled(); });
    if (transport) {
        connect(transport, &Transport::lost, this, &ShellSession::onDisconnected);
        connect(transport, &Transport::closed, this,
                [this] { onDisconnected(QStringLiteral("the port was closed")); });
    }
}

ShellSession::~ShellSession() {
    d->failAll(DeviceError::Kind::Cancelled,
               QStringLiteral("was cancelled: the connection to the device was closed"));
}

QCoro::Task<std::expected<ShellResponse, DeviceError>>
ShellSession::execute(QString command, std::chrono::milliseconds timeout) {
    if (command.contains(u'\r') || command.contains(u'\n')) {
        co_return std::unexpected(
            makeError(DeviceError::Kind::ShellError,
                      QStringLiteral("A shell command is one line: '%1' contains a line break")
                          .arg(command.left(40))));
    }
    if (command.toUtf8().size() > MaxCommandBytes) {
        co_return std::unexpected(
            makeError(DeviceError::Kind::ShellError,
                      QStringLiteral("The command is %1 bytes long; the shell accepts at most %2")
                          .arg(command.toUtf8().size())
                          .arg(MaxCommandBytes)));
    }
    if (!d->transport || !d->transport->isOpen()) {
        co_return std::unexpected(makeError(
            DeviceError::Kind::NotConnected,
            QStringLiteral("Cannot send '%1': the port is not open; connect the device first")
                .arg(command)));
    }
    auto completion = std::make_shared<Completion>();
    const bool atModem = isAtModemCommand(command);
    d->queue.push_back({std::move(command), timeout, atModem, completion});
    d->startNext();
    // Only the completion is touched after resuming: the session may be gone by then (its
    // destructor completes every command with Cancelled).
    co_return co_await CompletionAwaiter(std::move(completion));
}

void ShellSession::onLine(const ps::core::Line &line) {
    if (!d->current)
        return;
    const QString &text = line.text;
    if (isLogLine(text)) {
        d->inLogRecord = true;
        if (text.contains(u"----- BEGIN "))
            d->inTokenBlock = true;
        return;
    }
    if (d->inLogRecord) {
        // Continuation lines of a record: hex dump rows are indented, and the attestation token
        // record spans BEGIN/END marker lines (PROTOCOL §2, §4).
        if (d->inTokenBlock || text.startsWith(u' ') || text.startsWith(u'\t') ||
            text.startsWith(u"----- BEGIN ")) {
            if (text.startsWith(u"----- BEGIN "))
                d->inTokenBlock = true;
            else if (text.startsWith(u"----- END "))
                d->inTokenBlock = false;
            return;
        }
        d->inLogRecord = false;
    }
    if (text.startsWith(u"AT event handler:"))
        return; // an unsolicited notification (`at events_enable`), not an answer
    if (d->phase == Private::Phase::AwaitingEcho) {
        d->handleEcho(text);
        return;
    }
    d->handleResponseLine(text);
}

void ShellSession::onPendingText(const QString &pending) {
    if (!d->current || d->phase == Private::Phase::AwaitingEcho || !d->isPromptOnly(pending))
        return;
    if (d->shellError || !d->current->atModemCommand) {
        d->finishSettled();
        return;
    }
    // An `at` command answers with its final line before the prompt; a prompt first means the
    // final line may still be on its way, or never comes (then the response has no finalLine).
    if (d->phase != Private::Phase::Settling) {
        d->phase = Private::Phase::Settling;
        d->settleTimer.start(SettleTime);
    }
}

void ShellSession::onDisconnected(const QString &reason) {
    d->failAll(DeviceError::Kind::Disconnected,
               QStringLiteral("failed: the device disconnected (%1)").arg(reason));
}

int ShellSession::queuedCount() const {
    return int(d->queue.size()) + (d->current ? 1 : 0);
}

void ShellSession::setPrompt(const QString &prompt) {
    d->prompt = prompt;
}

QString ShellSession::prompt() const {
    return d->prompt;
}

} // namespace ps::device
