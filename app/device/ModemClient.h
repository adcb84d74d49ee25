#pragma once

#include "DeviceError.h"
#include "core/AttestationToken.h"

#include <QList>
#include <QObject>
#include <chrono>
#include <expected>
#include <optional>
#include <qcoro/qcorotask.h>

namespace ps::device {

class ShellSession;

struct StoredCredential {
    quint32 secTag = 0;
    int type = 0;   ///< PROTOCOL §3 credential types
    QString sha256; ///< hex, may be empty
    friend bool operator==(const StoredCredential &, const StoredCredential &) = default;
};

/// Typed AT calls through the shell's `at` command (PROTOCOL §3). Each call is a coroutine
/// returning the value or a DeviceError whose message says what went wrong in words.
class ModemClient : public QObject {
    Q_OBJECT
public:
    explicit ModemClient(ShellSession *shell, QObject *parent = nullptr);

    QCoro::Task<std::expected<QString, DeviceError>> imei();
    QCoro::Task<std::expected<QString, DeviceError>> model();
    QCoro::Task<std::expected<QString, DeviceError>> modemFirmware();
    QCoro::Task<std::expected<QString, DeviceError>> deviceUuid();
    QCoro::Task<std::expected<ps::core::AttestationToken, DeviceError>> attestationToken();
    QCoro::Task<std::expected<QList<StoredCredential>, DeviceError>>
    credentials(std::optional<quint32> secTag = std::nullopt);
    QCoro::Task<std::expected<int, DeviceError>> functionalMode();
    QCoro::Task<std::expected<void, DeviceError>> setFunctionalMode(int mode);
    /// Any AT command; the response lines without the final OK.
    QCoro::Task<std::expected<QStringList, DeviceError>>
    at(QString command, std::chrono::milliseconds timeout = std::chrono::seconds(10));

    /// Wraps an AT command for the shell's `at` command: single quotes when it holds spaces or
    /// quotes (PROTOCOL §1).
    static QString shellCommandFor(const QString &atCommand);

    /// CFUN changes wait for the modem to attach or detach from the network.
    static constexpr std::chrono::milliseconds FunctionalModeTimeout{15000};

private:
    QPointer<ShellSession> m_shell;
};

} // namespace ps::device
