#pragma once

#include "DeviceMonitor.h"
#include "DeviceSteps.h"
#include "Flow.h"
#include "cloud/CloudTypes.h"
#include "cloud/DeviceApi.h"
#include "cloud/ProvisioningApi.h"
#include "cloud/RestClient.h"
#include "device/DeviceLink.h"

#include <QPointer>
#include <chrono>
#include <optional>

namespace ps::station {

/// What every station flow works with. The flow does not own any of it: the device link
/// belongs to the console (GUI) or the command (CLI), the REST client is shared by all flows
/// of a station (it bounds concurrent requests), the store outlives the flows.
struct FlowSetup {
    ps::device::DeviceLink *device = nullptr; ///< may be null where a flow allows it
    ps::cloud::RestClient *cloud = nullptr;   ///< with the API key set
    FlowStore *store = nullptr;               ///< journal and audit records
    StationIdentity station;                  ///< operator, station, slot (defaults filled in)
    /// The application firmware from a boot banner the caller saw before the flow began (a
    /// console's timeline summary, e.g. "Asset Tracker Template v1.2.5"); it chooses the
    /// provisioning command's spelling. Empty: found out from the device, or by trying.
    QString firmware;
};

/// A Flow between one device and nRF Cloud: the parts ClaimFlow and ReprovisionFlow share —
/// identifying the device, cloud calls recorded for the audit, following the device's
/// provisioning through its log, and checking that it reached the cloud.
class StationFlow : public Flow {
    Q_OBJECT
public:
    /// The device's timeline while the flow runs (null without a device): a view can draw it.
    [[nodiscard]] DeviceMonitor *monitor() const { return m_monitor; }
    [[nodiscard]] ps::device::DeviceLink *link() const { return m_link; }
    /// The token read by the last identify step (memory only: never journalled or recorded),
    /// e.g. for a view that shows it decoded.
    [[nodiscard]] const std::optional<ps::core::AttestationToken> &token() const { return m_token; }

protected:
    StationFlow(QString kind, const FlowSetup &setup, QObject *parent);

    /// API handles on the flow's REST client; only while hasCloud(). Keep the handle in a named
    /// local across a co_await.
    [[nodiscard]] ps::cloud::ProvisioningApi provisioningApi() const;
    [[nodiscard]] ps::cloud::DeviceApi deviceApi() const;
    [[nodiscard]] bool hasCloud() const { return !m_cloud.isNull(); }
    /// The error of a step that needs the cloud when there is no REST client.
    static StepError noCloud();
    /// The device id (UUID) the flow works on, from the "device" fact.
    [[nodiscard]] QString deviceId() const { return device().deviceId; }

    /// Step "identify": waits for the link, reads the identity and token, checks that a resumed
    /// flow still has the same device, and stores the identity as the "device" fact.
    QCoro::Task<StepResult> identifyStep(AttemptPtr attempt);
    /// For a flow identified without a device (a pasted token).
    void setToken(ps::core::AttestationToken token) { m_token = std::move(token); }

    /// Waits (within the attempt's budget) for the device link to be open again after a cable
    /// pull or a reset; an Unreachable error when it does not come back.
    QCoro::Task<std::expected<void, StepError>> ensureDeviceOpen(AttemptPtr attempt);

    /// ensureDeviceOpen(), then triggerProvisioning(); when the device goes away while the
    /// command is on its way (a cable pull), waits for it and sends the command again, within
    /// the attempt's budget.
    QCoro::Task<std::expected<TriggerOutcome, StepError>> triggerWhenReachable(AttemptPtr attempt);

    /// Records `result` of `operation` as a cloud call of the attempt's step.
    template<typename T>
    void noteCall(const AttemptPtr &attempt, const QString &operation,
                  const std::expected<T, ps::cloud::ApiError> &result) {
        recordCloudCall(attempt, operation, result ? nullptr : &result.error());
    }

    /// The account's claim of `deviceId`: the record, or nullopt when this account has not
    /// claimed it (404). Other failures are errors.
    QCoro::Task<std::expected<std::optional<ps::cloud::ClaimedDevice>, StepError>>
    findClaim(AttemptPtr attempt, QString deviceId);
    /// The device's provisioning commands (empty list when none).
    /// `record`: whether the call goes into the audit record (polls say nothing new).
    QCoro::Task<std::expected<QList<ps::cloud::ProvisioningCommand>, StepError>>
    listCommands(AttemptPtr attempt, QString deviceId, bool record = true);
    /// Whether the main API lists the device (it is in device management); polls every
    /// `interval` for up to `bound`, as the cloud may take a moment after provisioning.
    QCoro::Task<std::expected<bool, StepError>> waitUntilListed(AttemptPtr attempt,
                                                                QString deviceId,
                                                                std::chrono::milliseconds bound,
                                                                std::chrono::milliseconds interval);

    /// Follows on-device provisioning in the device's log from monitor mark `since`: reports
    /// each phase as progress (LTE going down and up for the credential writes is normal),
    /// succeeds when the device says provisioning finished, and re-triggers (up to `retriggers`
    /// times, through `retrigger`) when an attempt of the device failed or found no claim.
    /// Without a device it fails at once.
    struct ProvisioningWatch {
        qsizetype since = 0;
        int retriggers = 0;
        std::chrono::milliseconds bound{0};
        bool canTrigger = false; ///< a shell command can start another attempt
        /// When set, the cloud's command queue is looked at now and then as well: the device's
        /// "finished" may be lost while its cable was out, and every command done says enough.
        QString deviceId;
        std::chrono::milliseconds cloudCheckInterval{5000};
    };
    QCoro::Task<StepResult> followProvisioning(AttemptPtr attempt, ProvisioningWatch watch);

    /// Waits for the device to log its cloud connection (a "connected" event in the cloud lane
    /// at or after `since`).
    QCoro::Task<std::expected<DeviceEvent, StepError>>
    waitForCloudConnection(AttemptPtr attempt, qsizetype since, std::chrono::milliseconds bound);

    /// Adds a cloud-side event to the timeline (when there is a device monitor).
    void cloudEvent(QStringView state, const QString &label = {});

private:
    QPointer<ps::device::DeviceLink> m_link;
    QPointer<ps::cloud::RestClient> m_cloud;
    DeviceMonitor *m_monitor = nullptr;
    std::optional<ps::core::AttestationToken> m_token;
};

/// Fraction of on-device provisioning done when the device logs `state` (a provisioning lane
/// state of the rule table); negative for states that say nothing about progress.
double provisioningProgress(QStringView state);
/// One line for a progress display: "Processing commands", "LTE down (normal while
/// provisioning writes credentials)".
QString describeDeviceEvent(const DeviceEvent &event);

} // namespace ps::station
