#pragma once

// provstation-cloudsim as a child process of a test or a benchmark: a temporary state folder,
// the accounts (API keys) it accepts, the device registry the virtual devices write, and the
// ports it picked, read from its startup summary.

#include "cloud/CloudSettings.h"

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace ps::test {

/// provstation-cloudsim with the given accounts; stopped (SIGTERM, then kill) when destroyed.
///
///     CloudSimProcess cloud(dir.filePath(u"cloud"_s), registry, {key});
///     ASSERT_TRUE(cloud.start()) << cloud.output().toStdString();
///     rest.setSettings(cloud.settings());
class CloudSimProcess {
public:
    /// `extraArguments` go to its command line as well (faults, for instance).
    CloudSimProcess(QString stateDir, QString registry, QStringList apiKeys,
                    QStringList extraArguments = {});
    ~CloudSimProcess();
    CloudSimProcess(const CloudSimProcess &) = delete;
    CloudSimProcess &operator=(const CloudSimProcess &) = delete;

    /// Starts it and reads the ports from its startup summary.
    bool start(int timeoutMs = 10000);
    [[nodiscard]] quint16 httpsPort() const { return m_httpsPort; }
    [[nodiscard]] quint16 coapsPort() const { return m_coapsPort; }
    [[nodiscard]] QString caFile() const;
    /// What it printed (stdout and stderr) while starting.
    [[nodiscard]] QString output() const { return QString::fromUtf8(m_output); }
    [[nodiscard]] QString provisioningUrl() const;
    [[nodiscard]] QString apiUrl() const;
    /// REST settings that reach it, trust its CA and retry quickly.
    [[nodiscard]] cloud::CloudSettings settings() const;

private:
    QProcess m_process;
    QString m_stateDir;
    QByteArray m_output;
    quint16 m_httpsPort = 0;
    quint16 m_coapsPort = 0;
};

} // namespace ps::test
