#include "ModemClient.h"

#include "ShellSession.h"
#include "core/AtResponse.h"

#include <algorithm>

namespace ps::device {

namespace {

using ps::core::AtResponse;

DeviceError badResponse(const QString &what, const QStringList &lines) {
    DeviceError error;
    error.kind = DeviceError::Kind::BadResponse;
    error.message = what;
    error.response = lines.join(u'\n');
    return error;
}

DeviceError cancelled() {
    DeviceError error;
    error.kind = DeviceError::Kind::Cancelled;
    error.message = QStringLiteral("The modem call was cancelled: the connection was closed");
    return error;
}

// Whether the answer holds characters no AT answer has (control bytes, bytes that are not
// ASCII): a stray byte on the serial line, not the modem's doing.
bool hasStrayBytes(const QStringList &lines) {
    return std::ranges::any_of(lines, [](const QString &line) {
        return std::ranges::any_of(line, [](QChar c) {
            return (c.unicode() < 0x20 && c != u'\t' && c != u'\r') || c.unicode() > 0x7e;
        });
    });
}

// Whether the last line is "OK" or "ERROR" with one byte too many (a printable stray byte).
bool endsWithSpoiledFinalLine(const QStringList &lines) {
    for (auto line = lines.crbegin(); line != lines.crend(); ++line) {
        const QString text = line->trimmed();
        if (text.isEmpty())
            continue;
        for (qsizetype at = 0; at < text.size(); ++at) {
            QString reading = text;
            reading.remove(at, 1);
            if (reading == u"OK" || reading == u"ERROR")
                return true;
        }
        return false;
    }
    return false;
}

const QString &spoiledNote() {
    static const QString note =
        QStringLiteral(" (a stray byte on the serial line spoiled the answer)");
    return note;
}

// A line of plain text (model, firmware name); anything else is a spoiled answer.
std::expected<QString, ps::core::AtParseError> printableLine(QStringView line) {
    const QString text = line.trimmed().toString();
    if (hasStrayBytes({text})) {
        ps::core::AtParseError error;
        error.message = QStringLiteral("'%1' holds bytes that are not text").arg(text);
        return std::unexpected(error);
    }
    return text;
}

// The first line that `parse` accepts; the modem prints the value on one line of the answer,
// with the shell's spacing around it.
template<typename Parser>
auto firstParsed(const QStringList &lines, Parser parse, const QString &command)
    -> std::expected<typename decltype(parse(QStringView()))::value_type, DeviceError> {
    QString lastProblem = QStringLiteral("the answer was empty");
    for (const QString &line : lines) {
        if (line.trimmed().isEmpty())
            continue;
        auto parsed = parse(line);
        if (parsed)
            return *std::move(parsed);
        lastProblem = parsed.error().message;
    }
    return std::unexpected(
        badResponse(QStringLiteral("Unexpected answer to %1: %2").arg(command, lastProblem) +
                        (hasStrayBytes(lines) ? spoiledNote() : QString()),
                    lines));
}

} // namespace

ModemClient::ModemClient(ShellSession *shell, QObject *parent)
    : QObject(parent)
    , m_shell(shell) {}

QString ModemClient::shellCommandFor(const QString &atCommand) {
    // The shell's `at` sends only its first argument; quoting keeps the command one argument.
    // The shell reads a backslash as an escape inside quotes, so one in the command is doubled.
    if (!atCommand.contains(u' ') && !atCommand.contains(u'"') && !atCommand.contains(u'\'') &&
        !atCommand.contains(u'\\'))
        return QStringLiteral("at ") + atCommand;
    QString quoted = atCommand;
    quoted.replace(u'\\', QStringLiteral("\\\\"));
    quoted.replace(u'\'', QStringLiteral("\\'"));
    return QStringLiteral("at '") + quoted + u'\'';
}

QCoro::Task<std::expected<QStringList, DeviceError>>
ModemClient::at(QString command, std::chrono::milliseconds timeout) {
    if (!m_shell) {
        DeviceError error;
        error.kind = DeviceError::Kind::NotConnected;
        error.message =
            QStringLiteral("No device connected: connect one before sending %1").arg(command);
        co_return std::unexpected(error);
    }
    QPointer self(this);
    auto response = co_await m_shell->execute(shellCommandFor(command), timeout);
    if (!self)
        co_return std::unexpected(cancelled());
    if (!response)
        co_return std::unexpected(response.error());
    if (response->finalLine.isEmpty() &&
        (hasStrayBytes(response->lines) || endsWithSpoiledFinalLine(response->lines))) {
        co_return std::unexpected(badResponse(
            QStringLiteral("%1 ended without a readable OK: a stray byte on the serial line "
                           "spoiled the answer")
                .arg(command),
            response->lines));
    }
    if (response->finalLine.isEmpty()) {
        co_return std::unexpected(badResponse(
            QStringLiteral("%1 ended without OK: the shell's `at` command may be missing from "
                           "this firmware")
                .arg(command),
            response->lines));
    }
    co_return response->lines;
}

QCoro::Task<std::expected<QString, DeviceError>> ModemClient::imei() {
    QPointer self(this);
    const QString command = QStringLiteral("AT+CGSN");
    auto lines = co_await at(command);
    if (!self)
        co_return std::unexpected(cancelled());
    if (!lines)
        co_return std::unexpected(lines.error());
    co_return firstParsed(*lines, &AtResponse::imei, command);
}

QCoro::Task<std::expected<QString, DeviceError>> ModemClient::model() {
    QPointer self(this);
    const QString command = QStringLiteral("AT+CGMM");
    auto lines = co_await at(command);
    if (!self)
        co_return std::unexpected(cancelled());
    if (!lines)
        co_return std::unexpected(lines.error());
    co_return firstParsed(*lines, &printableLine, command);
}

QCoro::Task<std::expected<QString, DeviceError>> ModemClient::modemFirmware() {
    QPointer self(this);
    const QString command = QStringLiteral("AT+CGMR");
    auto lines = co_await at(command);
    if (!self)
        co_return std::unexpected(cancelled());
    if (!lines)
        co_return std::unexpected(lines.error());
    co_return firstParsed(*lines, &printableLine, command);
}

QCoro::Task<std::expected<QString, DeviceError>> ModemClient::deviceUuid() {
    QPointer self(this);
    const QString command = QStringLiteral("AT%DEVICEUUID");
    auto lines = co_await at(command);
    if (!self)
        co_return std::unexpected(cancelled());
    if (!lines)
        co_return std::unexpected(lines.error());
    auto uuid = firstParsed(*lines, &AtResponse::deviceUuid, command);
    if (!uuid)
        co_return std::unexpected(uuid.error());
    co_return ps::core::AttestationToken::uuidText(*uuid);
}

QCoro::Task<std::expected<ps::core::AttestationToken, DeviceError>>
ModemClient::attestationToken() {
    QPointer self(this);
    const QString command = QStringLiteral("AT%ATTESTTOKEN");
    auto lines = co_await at(command);
    if (!self)
        co_return std::unexpected(cancelled());
    if (!lines)
        co_return std::unexpected(lines.error());
    auto text = firstParsed(*lines, &AtResponse::attestationToken, command);
    if (!text)
        co_return std::unexpected(text.error());
    auto token = ps::core::AttestationToken::parse(*text);
    if (!token) {
        co_return std::unexpected(
            badResponse(QStringLiteral("The modem's attestation token is not valid: %1")
                                .arg(token.error().message) +
                            (hasStrayBytes(*lines) ? spoiledNote() : QString()),
                        *lines));
    }
    co_return *std::move(token);
}

QCoro::Task<std::expected<QList<StoredCredential>, DeviceError>>
ModemClient::credentials(std::optional<quint32> secTag) {
    QPointer self(this);
    const QString command =
        secTag ? QStringLiteral("AT%CMNG=1,%1").arg(*secTag) : QStringLiteral("AT%CMNG=1");
    auto lines = co_await at(command);
    if (!self)
        co_return std::unexpected(cancelled());
    if (!lines)
        co_return std::unexpected(lines.error());
    QList<StoredCredential> stored;
    for (const QString &line : std::as_const(*lines)) {
        if (line.trimmed().isEmpty())
            continue;
        auto entry = AtResponse::credential(line);
        if (!entry) {
            co_return std::unexpected(
                badResponse(QStringLiteral("Unexpected line in the credential list: %1")
                                .arg(entry.error().message),
                            *lines));
        }
        stored.append(StoredCredential{entry->secTag, entry->type, entry->sha256});
    }
    co_return stored;
}

QCoro::Task<std::expected<int, DeviceError>> ModemClient::functionalMode() {
    QPointer self(this);
    const QString command = QStringLiteral("AT+CFUN?");
    auto lines = co_await at(command);
    if (!self)
        co_return std::unexpected(cancelled());
    if (!lines)
        co_return std::unexpected(lines.error());
    co_return firstParsed(*lines, &AtResponse::functionalMode, command);
}

QCoro::Task<std::expected<void, DeviceError>> ModemClient::setFunctionalMode(int mode) {
    QPointer self(this);
    auto lines = co_await at(QStringLiteral("AT+CFUN=%1").arg(mode), FunctionalModeTimeout);
    if (!self)
        co_return std::unexpected(cancelled());
    if (!lines)
        co_return std::unexpected(lines.error());
    co_return {};
}

} // namespace ps::device
