#pragma once

// The station's flows against the real provstation-cloudsim and provstation-devsim processes
// on loopback: a stand-in with two accounts, a virtual device at high speed, an audit database
// in a temporary folder.

#include "CloudSimProcess.h"
#include "DevsimHarness.h"
#include "cloud/CloudSettings.h"
#include "cloud/RestClient.h"
#include "device/DeviceLink.h"
#include "station/AuditStore.h"
#include "station/Flow.h"

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

namespace ps::station::test {

using ps::test::CloudSimProcess;

/// How a test wants its world.
struct WorldOptions {
    QStringList cloudSimArguments;     ///< faults, for instance
    QStringList deviceArguments;       ///< e.g. --att 1.2, --replug-delay 5000
    bool deviceInCloudRegistry = true; ///< false: the stand-in does not know the device
    bool openLink = true;              ///< false: the test opens the port itself (the CLI)
    bool connectDeviceToCloud = true;  ///< false: no --cloud, every cloud attempt fails
    QStringList extraApiKeys;          ///< more accounts at the stand-in, one per key
};

/// One test's world. The device boots when the link opens (--boot-on-open) and runs at
/// Speed; isReady() once its shell answers.
class StationWorld {
public:
    static constexpr auto PrimaryKey = "station-test-key-primary-9d1e";
    static constexpr auto OtherKey = "station-test-key-other-44ab";
    static constexpr int Speed = 100;

    explicit StationWorld(WorldOptions options = {});
    ~StationWorld();

    [[nodiscard]] bool isReady() const { return m_problem.isEmpty(); }
    [[nodiscard]] const QString &problem() const { return m_problem; }

    [[nodiscard]] QString deviceId() const { return m_deviceId; }
    [[nodiscard]] QString imei() const { return m_imei; }
    /// The device's port as a stable path (a symlink that follows cable pulls).
    [[nodiscard]] QString port() const;
    [[nodiscard]] QString auditPath() const;
    [[nodiscard]] QString keyFile(const char *key) const;
    [[nodiscard]] QString folder() const { return m_dir.path(); }

    device::DeviceLink &link() { return *m_link; }
    CloudSimProcess &cloudSim() { return *m_cloudSim; }
    devsim::test::DevsimProcess &devsim() { return *m_devsim; }
    AuditStore &store() { return *m_store; }
    /// A REST client of the primary account (or another key).
    cloud::RestClient &rest() { return *m_rest; }
    std::unique_ptr<cloud::RestClient> clientWithKey(const QString &key) const;

    /// Opens the device link (when the world did not) and waits for the shell.
    bool openLink();
    /// Closes the world's link, so that another program (the command line) can open the port;
    /// the device keeps running.
    void closeLink() { m_link.reset(); }
    /// "Asset Tracker Template v1.5.0" from the boot banner the world's link saw; empty if none.
    [[nodiscard]] QString firmware() const;
    /// The device's log so far (ANSI removed).
    [[nodiscard]] const QStringList &lines() const { return m_lines; }
    [[nodiscard]] bool sawLine(const QString &text, qsizetype from = 0) const;
    /// Claims the device for the account of `key` directly over REST (not through a flow).
    bool claimWith(const QString &key);

    /// Runs `flow` to its end (bounded); false on timeout.
    static bool run(Flow &flow, int timeoutMs);

private:
    void fail(const QString &problem);

    QTemporaryDir m_dir;
    WorldOptions m_options;
    std::unique_ptr<CloudSimProcess> m_cloudSim;
    std::unique_ptr<devsim::test::DevsimProcess> m_devsim;
    std::unique_ptr<device::DeviceLink> m_link;
    std::unique_ptr<cloud::RestClient> m_rest;
    std::unique_ptr<AuditStore> m_store;
    QStringList m_lines;
    QString m_deviceId;
    QString m_imei;
    QString m_problem;
};

/// Text of a record for failure messages.
std::string describe(const AuditRecord &record);

} // namespace ps::station::test
