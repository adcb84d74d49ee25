#pragma once

#include "CertificateAuthority.h"
#include "CloudModel.h"
#include "CloudSimOptions.h"
#include "DeviceRegistry.h"
#include "FaultInjector.h"
#include "HttpsFrontend.h"
#include "coap/CoapServer.h"

#include <QObject>
#include <QUrl>
#include <expected>

namespace ps::cloudsim {

/// The whole nRF Cloud stand-in in one object: what provstation-cloudsim runs, and what tests
/// start in-process.
///
///     CloudSim sim(options);
///     if (auto started = sim.start(); !started) fail(started.error());
///     client.setSettings({.provisioningBaseUrl = sim.provisioningBaseUrl(),
///                         .mainBaseUrl = sim.mainBaseUrl(),
///                         .extraCaFile = sim.tls().caCertificatePath});
///
/// The state folder holds the CA and server certificate (reused), state.json (claims,
/// commands, rules, shadows; written after every change and read at start, so the state
/// survives a restart) and, when no --api-key was given, api-key.txt with a generated key.
class CloudSim : public QObject {
    Q_OBJECT

public:
    explicit CloudSim(CloudSimOptions options, QObject *parent = nullptr);

    std::expected<void, QString> start();

    [[nodiscard]] quint16 httpsPort() const { return m_https.port(); }
    /// The CoAP/DTLS port devices talk to (`provstation-devsim --cloud 127.0.0.1:<port>`).
    [[nodiscard]] quint16 coapPort() const { return m_coap.port(); }
    [[nodiscard]] QUrl provisioningBaseUrl() const;
    [[nodiscard]] QUrl mainBaseUrl() const;
    [[nodiscard]] const TlsMaterial &tls() const { return m_tls; }
    [[nodiscard]] const CloudSimOptions &options() const { return m_options; }
    [[nodiscard]] QString statePath() const;
    /// Where the generated key was written, empty when keys came from the command line.
    [[nodiscard]] const QString &generatedKeyFile() const { return m_generatedKeyFile; }
    /// The account id of each accepted key, in the order given.
    [[nodiscard]] QStringList accountIds() const;

    /// What to tell the person who started the stand-in: URLs, CA file, registry, accounts.
    /// Never contains an API key.
    [[nodiscard]] QString summary() const;

    CloudModel &model() { return m_model; }
    FaultInjector &faults() { return m_faults; }
    DeviceRegistry &registry() { return m_registry; }
    HttpsFrontend &https() { return m_https; }
    CoapServer &coap() { return m_coap; }

private:
    std::expected<void, QString> loadState();
    std::expected<void, QString> ensureApiKeys();
    void saveState();

    CloudSimOptions m_options;
    TlsMaterial m_tls;
    CloudModel m_model;
    FaultInjector m_faults;
    DeviceRegistry m_registry;
    HttpsFrontend m_https;
    CoapServer m_coap;
    QString m_generatedKeyFile;
    QString m_saveProblem;
};

} // namespace ps::cloudsim
