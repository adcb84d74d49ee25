#pragma once

#include "CredentialStore.h"
#include "DeviceIdentity.h"
#include "SimClock.h"

#include <QObject>
#include <chrono>
#include <memory>
#include <optional>

namespace ps::devsim {

/// How the simulated LTE network behaves (`--attach-time`, `--roaming`, `--fault ...`).
struct LteSettings {
    std::chrono::milliseconds attachTime{3000}; ///< CFUN=1 until registered, device time
    bool roaming = false;                       ///< register with stat 5 instead of 1
    bool noSim = false;                         ///< UICC failure: +CEREG: 90
    bool registrationDenied = false;            ///< +CEREG: 3 with EMM cause 15, retried
    /// Coverage disappears `coverageLossAfter` after the first PDN activation since power-on and
    /// comes back after `coverageLossDuration`.
    std::optional<std::chrono::milliseconds> coverageLossDuration;
    std::chrono::milliseconds coverageLossAfter{10000};
};

/// The nRF91 modem behind `nrf_modem_at_cmd()`: identity, credential storage, functional modes
/// and an LTE attach model that sends unsolicited notifications (PROTOCOL §3).
///
/// execute() answers one AT command synchronously with the modem's complete response (lines
/// ending in CR LF, then `OK`, `ERROR` or `+CME ERROR: <n>`). Notifications (`+CEREG`, `+CGEV`)
/// come later through notification(), without line ending, only when subscribed (AT+CEREG=<n>,
/// AT+CGEREP=1), as on the real modem.
///
/// Modelling choices, in one place:
///  - CFUN=1/21: +CEREG: 2 with the cell after 0.3 s, registered (+CEREG: 1 or 5 with PSM
///    timers) after the attach time, +CGEV: ME PDN ACT 0 30 ms later. Network time (%CCLK,
///    %JWT's iat) becomes valid at the first registration after power-on.
///  - CFUN=4/0/20 while LTE is active: +CEREG: 0, and +CGEV: ME DETACH if the PDN was up.
///  - no SIM: +CEREG: 90. Registration denied: +CEREG: 3 (cause type 0, EMM cause 15), +CEREG: 0
///    a second later, a new search 10 s later.
///  - coverage loss: +CEREG: 2 without cell while it lasts (the PDN context survives), then
///    registered again.
///  - CMEE defaults to 1 (errors as +CME ERROR: <n>), as PROTOCOL §1 shows them through the shell.
///  - %CMNG writes, deletes, %KEYGEN and %XFACTORYRESET need LTE off (CFUN 0, 4, 20, 44...),
///    else +CME ERROR: 518; sec tags from 2147483648 up are Nordic's: 514.
class Modem : public QObject {
    Q_OBJECT
public:
    Modem(const DeviceIdentity &identity, CredentialStore &credentials, SimClock &clock,
          LteSettings settings, QObject *parent = nullptr);
    ~Modem() override;

    /// The modem's complete response to one AT command (e.g. "AT+CGMM").
    QByteArray execute(QByteArrayView command);

    /// Power-on reset (the SoC rebooted): CFUN=0, default subscriptions, no network time.
    void reset();

    [[nodiscard]] int functionalMode() const { return m_reportedCfun; }
    [[nodiscard]] bool isLteActive() const { return m_lteOn; }
    [[nodiscard]] int registrationStatus() const { return m_stat; }
    [[nodiscard]] bool isPdnActive() const { return m_pdnActive; }

    static constexpr quint32 FirstReservedSecTag = 2147483648U;

Q_SIGNALS:
    void notification(const QByteArray &line);

private:
    struct Param {
        QByteArray value;
        bool quoted = false;
    };
    static std::optional<QList<Param>> parseParams(QByteArrayView text);

    QByteArray ok(const QList<QByteArray> &lines = {}) const;
    QByteArray cmeError(int code) const;
    static QByteArray error();

    QByteArray cgsn(char form, const QList<Param> &params);
    QByteArray cfun(char form, const QList<Param> &params);
    QByteArray cereg(char form, const QList<Param> &params);
    QByteArray cgerep(char form, const QList<Param> &params);
    QByteArray cmee(char form, const QList<Param> &params);
    QByteArray cclk(char form, bool nordic);
    QByteArray cmng(char form, const QList<Param> &params);
    QByteArray keygen(char form, const QList<Param> &params);
    QByteArray jwt(char form, const QList<Param> &params);
    QByteArray factoryReset(char form, const QList<Param> &params);

    void setFunctionalMode(int mode);
    void lteOn();
    void lteOff();
    void search();
    void registered();
    void setStatus(int stat);
    void notify(const QByteArray &line);
    [[nodiscard]] QByteArray ceregFields(int level) const;
    QObject *radio();

    const DeviceIdentity &m_identity;
    CredentialStore &m_credentials;
    SimClock &m_clock;
    LteSettings m_settings;

    int m_reportedCfun = 0;
    bool m_lteOn = false;
    bool m_uiccOn = false;
    bool m_rxOnly = false;
    int m_stat = 0;
    bool m_cellKnown = false;
    bool m_rejected = false;
    bool m_pdnActive = false;
    bool m_networkTime = false;
    bool m_coverageLossScheduled = false;
    int m_ceregLevel = 0;
    int m_cgerep = 0;
    int m_cmee = 1;
    std::unique_ptr<QObject> m_radio; ///< context of pending radio events; replaced to cancel them
};

} // namespace ps::devsim
