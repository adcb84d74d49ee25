#pragma once

#include "PtyPeer.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUuid>

namespace ps::test {

/// The modem side of an nRF91 behind the shell's `at` command, enough for ModemClient: identity
/// commands, attestation token, a %CMNG store that refuses writes while online (CME 518), and
/// CFUN state. Installs itself as the PtyPeer's handler.
class ScriptedModem {
public:
    explicit ScriptedModem(PtyPeer &peer);

    bool imeiInCgsnForm = false; ///< answer `+CGSN: "<imei>"` instead of the bare line
    QString imei = QStringLiteral("490154203237518");
    QString model = QStringLiteral("nRF9151-LACA");
    QString firmware = QStringLiteral("mfw_nrf91x1_2.0.2");
    QUuid deviceUuid = QUuid(QStringLiteral("{50d3ab47-61b4-4b7c-9c46-1d1a1d3a4c58}"));
    QUuid firmwareUuid = QUuid(QStringLiteral("{0aa0e1f2-7d3c-4e5f-8a9b-112233445566}"));
    int deviceType = 6;    ///< nRF9151 LACA
    QString tokenOverride; ///< when set, printed instead of the built token
    int functionalMode = 1;

    struct Credential {
        quint32 secTag;
        int type;
        QString sha256;
    };
    QList<Credential> credentials;

    /// The token this modem prints: `<b64url CBOR>.<b64url COSE_Sign1>` (PROTOCOL §4).
    [[nodiscard]] QString token() const;

    /// `at 'AT...'` as the shell receives it -> the AT command the modem gets.
    static QString atCommandOf(const QString &shellCommand);

private:
    std::optional<PtyPeer::Reply> answer(const QString &shellCommand);
};

} // namespace ps::test
