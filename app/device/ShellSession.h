#pragma once

#include "DeviceError.h"
#include "core/Line.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <chrono>
#include <expected>
#include <memory>
#include <qcoro/qcorotask.h>

namespace ps::device {

class Transport;

/// The answer to one shell command: the lines between the echo and the final line.
struct ShellResponse {
    QStringList lines; ///< response lines, log records excluded
    QString finalLine; ///< "OK", "ERROR", "+CME ERROR: 518", or empty when the prompt ended it
};

/// Runs shell commands on a device one at a time (PROTOCOL §1).
///
/// Feed it every Line the assembler produces (onLine) and the assembler's pending text after
/// every chunk (onPendingText), which is where the prompt shows. execute() queues the command;
/// when its turn comes it writes `cmd` + line ending, skips the echo, and collects lines until
/// `OK`, `ERROR`, `+CME ERROR: n`, a shell error, or the prompt, under the command's own timeout.
/// Log records (anything matching the Zephyr log pattern) that arrive meanwhile are never part
/// of a response.
///
/// `at <AT command>` commands end at their final line; a prompt that shows before it only
/// starts a short wait for it (then the answer has no finalLine). Other shell commands end at
/// the prompt. Results are delivered from the event loop, and destroying the session fails every
/// command still queued with Cancelled, so a caller's coroutine always resumes. Needs a running
/// event loop (QCoreApplication).
class ShellSession : public QObject {
    Q_OBJECT
public:
    explicit ShellSession(Transport *transport, QObject *parent = nullptr);
    ~ShellSession() override;

    QCoro::Task<std::expected<ShellResponse, DeviceError>>
    execute(QString command, std::chrono::milliseconds timeout = std::chrono::seconds(5));

    void onLine(const ps::core::Line &line);
    void onPendingText(const QString &pending);
    /// The transport went away: fail the command in flight and every queued one.
    void onDisconnected(const QString &reason);
    /// Commands not finished yet, the one in flight included.
    [[nodiscard]] int queuedCount() const;
    /// The shell prompt as the LineAssembler leaves it (colours removed); "uart:~$ " by default.
    void setPrompt(const QString &prompt);
    [[nodiscard]] QString prompt() const;

Q_SIGNALS:
    void commandStarted(const QString &command);
    void commandFinished(const QString &command, bool ok);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ps::device
