#pragma once

// End-to-end set-up: the real provstation-cloudsim and provstation-devsim processes on
// loopback, the device driven through the station's DeviceLink on its pseudo-terminal and the
// cloud through the station's REST client, as the claim and reprovision flows drive them.

#include "CloudSimProcess.h"
#include "DevsimHarness.h"
#include "cloud/DeviceApi.h"
#include "cloud/ProvisioningApi.h"
#include "cloud/RestClient.h"
#include "device/DeviceLink.h"

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>
#include <optional>

namespace ps::e2e {

using ps::test::CloudSimProcess;

/// The account the stand-in of an E2eWorld accepts.
constexpr auto ApiKey = "e2e-api-key-41c7";

/// One test's world: stand-in, virtual device (`--speed 100`, `--boot-on-open`), the station's
/// link to the device (every log line kept) and a REST client with the stand-in's account.
class E2eWorld {
public:
    static constexpr double Speed = 100;

    /// `caFile` overrides the CA the device trusts (default: the stand-in's);
    /// `cloudSimArguments` are added to the stand-in's command line.
    explicit E2eWorld(std::optional<QString> caFile = std::nullopt,
                      QStringList cloudSimArguments = {});
    ~E2eWorld();

    /// Everything started; the device booted and its shell answers.
    [[nodiscard]] bool isReady() const { return m_problem.isEmpty(); }
    [[nodiscard]] const QString &problem() const { return m_problem; }

    [[nodiscard]] QString deviceId() const { return m_deviceId; }
    device::DeviceLink &link() { return *m_link; }
    cloud::RestClient &rest() { return *m_rest; }
    CloudSimProcess &cloudSim() { return *m_cloudSim; }
    devsim::test::DevsimProcess &devsim() { return *m_devsim; }

    /// The device's log and shell lines so far (ANSI removed).
    [[nodiscard]] const QStringList &lines() const { return m_lines; }
    [[nodiscard]] qsizetype mark() const { return m_lines.size(); }
    /// Index of the first line at or after `from` that contains `text`, waiting up to
    /// `timeoutMs`; -1 when none came.
    qsizetype waitForLine(const QString &text, qsizetype from = 0, int timeoutMs = 15000);
    /// Index of the first line in [from, to) containing `text`, without waiting; -1 when none.
    [[nodiscard]] qsizetype find(const QString &text, qsizetype from = 0, qsizetype to = -1) const;

    /// Runs a shell command and returns its response lines, or the error text.
    std::expected<QStringList, QString> shell(const QString &command);

    /// Waits until the unclaimed device has tried once and backs off, then claims it over REST
    /// with its attestation token (read through ModemClient). False with problem() on failure.
    bool claim();
    /// claim(), then `att_cloud provision` and waits for `Connected to Cloud`. Returns the first
    /// line index of the provisioning (after the claim), or -1 with the reason in problem().
    qsizetype claimAndProvision();

private:
    void fail(const QString &problem);

    QTemporaryDir m_dir;
    std::unique_ptr<CloudSimProcess> m_cloudSim;
    std::unique_ptr<devsim::test::DevsimProcess> m_devsim;
    std::unique_ptr<device::DeviceLink> m_link;
    std::unique_ptr<cloud::RestClient> m_rest;
    QStringList m_lines;
    QString m_deviceId;
    QString m_problem;
};

} // namespace ps::e2e
