#pragma once

// The world the wizard tests click through: the real provstation-cloudsim and
// provstation-devsim processes on loopback (temporary folders, a fast device clock), the
// station's DeviceLink on the device's pseudo-terminal, and a ProvisioningContext whose
// account points at the stand-in (its CA trusted, the key in a key file) and whose audit
// store is a temporary SQLite file.

#include "device/DeviceLink.h"
#include "gui/StartupOptions.h"
#include "gui/wizards/ProvisioningContext.h"
#include "station/ClaimFlow.h"
#include "station/ReprovisionFlow.h"

#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <functional>
#include <memory>
#include <optional>

class QWizard;

namespace ps::gui::test {

/// The stand-in's accounts: one key per account.
inline constexpr auto GoodKey = "wizard-test-key-good-5d1e";
inline constexpr auto OtherAccountKey = "wizard-test-key-other-a93c";

/// A helper executable run for one test; its stdout lines are collected. Stopped with SIGTERM
/// (then killed) when destroyed.
class ToolProcess {
public:
    ToolProcess(QString program, QStringList arguments);
    ~ToolProcess();
    ToolProcess(const ToolProcess &) = delete;
    ToolProcess &operator=(const ToolProcess &) = delete;

    bool start(int timeoutMs = 15000);
    /// The first stdout line at or after `from` that contains `text`, waiting up to
    /// `timeoutMs`.
    std::optional<QString> waitForLine(const QString &text, qsizetype from = 0,
                                       int timeoutMs = 15000);
    [[nodiscard]] QStringList lines() const { return m_lines; }
    [[nodiscard]] QString output() const;
    void sendSignal(int signalNumber);

private:
    void read();

    QProcess m_process;
    QStringList m_lines;
    QByteArray m_partial;
    QByteArray m_errors;
};

/// provstation-cloudsim alone, in `stateDir`, with one account per key.
class StandIn {
public:
    StandIn(const QString &stateDir, const QStringList &apiKeys, QStringList extraArguments = {},
            const QString &registry = {});
    [[nodiscard]] bool isReady() const { return m_ready; }
    [[nodiscard]] QString output() const { return m_process.output(); }
    /// Settings that reach it and trust its CA, with quick retries.
    [[nodiscard]] const ps::cloud::CloudSettings &settings() const { return m_settings; }
    [[nodiscard]] const QString &coapPort() const { return m_coapPort; }
    [[nodiscard]] ToolProcess &process() { return m_process; }

private:
    ToolProcess m_process;
    ps::cloud::CloudSettings m_settings;
    QString m_coapPort;
    bool m_ready = false;
};

class WizardWorld {
public:
    struct Options {
        QStringList apiKeys{QString::fromLatin1(GoodKey), QString::fromLatin1(OtherAccountKey)};
        QString keyInFile = QString::fromLatin1(GoodKey); ///< what the station's key file holds
        QStringList cloudArguments;                       ///< faults and such
        double speed = 50;                                ///< device clock
        int replugDelayMs = 500;                          ///< SIGUSR1 pull to replug
        bool waitForBackoff = true; ///< let the unclaimed device try once before the test
        /// The path the station opens, given the device's pty: the pty itself when empty. A
        /// benchmark puts a relay in between that timestamps what the device sends.
        std::function<QString(const QString &devicePty)> stationPort;
    };

    WizardWorld();
    explicit WizardWorld(Options options);
    ~WizardWorld();

    [[nodiscard]] bool isReady() const { return m_problem.isEmpty(); }
    [[nodiscard]] const QString &problem() const { return m_problem; }

    [[nodiscard]] ProvisioningContext &context() { return *m_context; }
    [[nodiscard]] ps::device::DeviceLink &link() { return *m_link; }
    /// The device as a wizard offers it.
    [[nodiscard]] QList<DeviceChoice> devices();
    [[nodiscard]] const QString &deviceId() const { return m_deviceId; }
    [[nodiscard]] const QString &imei() const { return m_imei; }
    [[nodiscard]] QString path(const QString &name) const { return m_dir.filePath(name); }
    [[nodiscard]] ToolProcess &cloudSim() { return m_cloudSim->process(); }
    [[nodiscard]] ToolProcess &devsim() { return *m_devsim; }

    /// The device's lines so far (ANSI removed) and waiting for one.
    [[nodiscard]] const QStringList &deviceLines() const { return m_lines; }
    qsizetype waitForDeviceLine(const QString &text, qsizetype from = 0, int timeoutMs = 20000);

    /// Claims the device for the account of `apiKey` over REST, with a token read from it.
    bool claimWith(const QString &apiKey);
    /// Sets the stand-in's fault plan (POST /_sim/faults).
    bool setFaults(const QJsonObject &plan);
    /// Pulls the device's cable (SIGUSR1); it comes back after the replug delay.
    void pullCable();

    /// Options with short waits, so a failing test fails fast.
    [[nodiscard]] static ps::station::ClaimOptions claimOptions();
    [[nodiscard]] static ps::station::ReprovisionOptions reprovisionOptions();
    /// The cloud settings that reach the stand-in.
    [[nodiscard]] ps::cloud::CloudSettings cloudSettings() const { return m_cloudSettings; }

private:
    void fail(const QString &problem);

    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<StandIn> m_cloudSim;
    std::unique_ptr<ToolProcess> m_devsim;
    std::unique_ptr<ps::device::DeviceLink> m_link;
    std::unique_ptr<ProvisioningContext> m_context;
    ps::cloud::CloudSettings m_cloudSettings;
    QStringList m_lines;
    QString m_deviceId;
    QString m_imei;
    QString m_problem;
};

/// The workstation's own set-up against the stand-in, as `./run demo` makes it: the stand-in,
/// a virtual device behind a pty link, a key file, and an INI settings file holding the keys
/// the demo writes (cloud/provisioningBaseUrl, cloud/mainBaseUrl, cloud/extraCaFile,
/// account/apiKeyFile, history/database). Hand startupOptions() to a MainWindow.
class WindowWorld {
public:
    explicit WindowWorld(double speed = 50);

    [[nodiscard]] bool isReady() const { return m_problem.isEmpty(); }
    [[nodiscard]] const QString &problem() const { return m_problem; }
    [[nodiscard]] QString settingsFile() const {
        return m_dir.filePath(QStringLiteral("provstation.ini"));
    }
    [[nodiscard]] QString keyFile() const { return m_dir.filePath(QStringLiteral("api-key.txt")); }
    [[nodiscard]] QString devicePort() const { return m_dir.filePath(QStringLiteral("ttyNRF91")); }
    [[nodiscard]] QString path(const QString &name) const { return m_dir.filePath(name); }
    [[nodiscard]] const ps::cloud::CloudSettings &cloudSettings() const {
        return m_standIn->settings();
    }
    /// --settings <the INI file> --port <the device's pty link>
    [[nodiscard]] StartupOptions startupOptions() const;

private:
    QTemporaryDir m_dir;
    std::unique_ptr<StandIn> m_standIn;
    std::unique_ptr<ToolProcess> m_devsim;
    QString m_problem;
};

/// Clicks the wizard's forward button (Next, Commit or Finish, whichever shows), as a person
/// would; false when none is enabled.
bool clickForward(QWizard *wizard);
/// Waits until the current page is complete (its forward button enabled).
bool waitUntilComplete(QWizard *wizard, int timeoutMs);
/// Waits until the wizard shows page `id`.
bool waitForPage(QWizard *wizard, int id, int timeoutMs = 5000);
/// Clicks a button (Retry, Cancel) when it is visible and enabled.
bool clickButton(QWizard *wizard, int which);

} // namespace ps::gui::test
