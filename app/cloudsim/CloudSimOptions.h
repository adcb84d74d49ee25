#pragma once

#include "FaultInjector.h"

#include <QString>
#include <QStringList>
#include <expected>

namespace ps::cloudsim {

/// What provstation-cloudsim is told on its command line.
struct CloudSimOptions {
    QString stateDir = QStringLiteral("cloudsim-state"); ///< --state DIR
    quint16 httpPort = 0;                                ///< --http-port N, 0 = pick a free port
    quint16 coapPort = 0;                                ///< --coap-port N (COAP.md), 0 = free
    QStringList apiKeys;               ///< --api-key KEY, repeatable; one account per key
    QString registryPath;              ///< --registry FILE, default <state>/registry.jsonl
    bool defaultOnboardingRule = true; ///< --no-default-rule turns it off
    FaultPlan faults;                  ///< --latency, --error-count, --rate-limit, ...
    quint32 seed = 1;                  ///< --seed N, for the error rate
    bool verbose = false;              ///< --verbose: log every request

    /// Parses `arguments`, the command line without the program name. `--help` and bad values
    /// give an error whose text is the message to print.
    static std::expected<CloudSimOptions, QString> parse(const QStringList &arguments);
    /// The registry path after defaults: `registryPath`, or <stateDir>/registry.jsonl.
    [[nodiscard]] QString effectiveRegistryPath() const;
};

} // namespace ps::cloudsim
