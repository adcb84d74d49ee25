#pragma once

#include "StationFlow.h"

#include <chrono>

namespace ps::station {

/// How a ReprovisionFlow behaves.
struct ReprovisionOptions {
    /// What to do in the cloud.
    enum class Action {
        /// Queue cloudAccessKeyGeneration on `secTag`: the device makes a new key pair and
        /// nRF Cloud registers its public key (the usual repair for lost credentials).
        QueueKeyGeneration,
        /// Unclaim and claim again (the onboarding rule then queues its commands). Destructive:
        /// it removes the device from device management; needs `confirmReclaim` and the device
        /// at hand (for a fresh attestation token).
        Reclaim,
    };
    /// How the device learns that commands wait.
    enum class Trigger {
        Shell,  ///< `att_cloud provision` through the shell (needs the device at hand)
        Shadow, ///< the shadow command [1, id] (two PATCHes), then `att_cloud poll_shadow_delta`
                ///< when the device is at hand; needs the device in device management
        None,   ///< wait for the device's own next provisioning check
    };
    Action action = Action::QueueKeyGeneration;
    Trigger trigger = Trigger::Shell;
    quint32 secTag = 16842753;
    bool confirmReclaim = false;
    /// Without a device: which device of the account (by id, else by IMEI).
    QString deviceId;
    QString imei;

    std::chrono::milliseconds identifyTimeout{60'000};
    std::chrono::milliseconds cloudStepTimeout{120'000};
    std::chrono::milliseconds followTimeout{300'000};
    std::chrono::milliseconds verifyTimeout{180'000};
    std::chrono::milliseconds pollInterval{2'000};
    std::chrono::milliseconds retryDelay{3'000};
};

/// Repairs the cloud credentials of a device that was provisioned before (a returned unit, a
/// device whose key was lost):
///
/// 1. identify  the connected device (IMEI, UUID, token), or the device id / IMEI looked up
///              among the account's claimed devices when no device is at hand.
/// 2. compare   the device's view (%CMNG=1 on the sec tag) with the cloud's (claimed? in device
///              management? commands pending?) and refuse what cannot work.
/// 3. action    queue cloudAccessKeyGeneration on the sec tag — not again when this attempt
///              already queued one (its id is journalled, and a command whose description names
///              this attempt is adopted after a crash) — or unclaim and claim again.
/// 4. trigger   the shell command, or the shadow (then a delta poll when the device is at hand).
/// 5. follow    the command status PENDING -> IN_PROGRESS -> SUCCEEDED/FAILED (polled) and the
///              device's provisioning log.
/// 6. verify    the device reconnects (when at hand) and nRF Cloud lists it.
class ReprovisionFlow : public StationFlow {
    Q_OBJECT
public:
    static constexpr auto Kind = "reprovision";

    /// `setup.device` may be null when options name the device by id or IMEI.
    ReprovisionFlow(const FlowSetup &setup, ReprovisionOptions options = {},
                    QObject *parent = nullptr);

    [[nodiscard]] const ReprovisionOptions &options() const { return m_options; }
    /// New options for the steps that have not started yet (while the flow is held before a
    /// step or paused: the action, the sec tag, the trigger, the reclaim confirmation). Step
    /// titles and timeouts stay as they were at construction.
    void setOptions(ReprovisionOptions options) { m_options = std::move(options); }

private:
    QCoro::Task<StepResult> identify(AttemptPtr attempt);
    QCoro::Task<StepResult> compare(AttemptPtr attempt);
    QCoro::Task<StepResult> action(AttemptPtr attempt);
    QCoro::Task<StepResult> queueKeyGeneration(AttemptPtr attempt);
    QCoro::Task<StepResult> reclaim(AttemptPtr attempt);
    QCoro::Task<StepResult> trigger(AttemptPtr attempt);
    QCoro::Task<StepResult> follow(AttemptPtr attempt);
    QCoro::Task<StepResult> verify(AttemptPtr attempt);
    [[nodiscard]] QStringList commandIds() const;
    [[nodiscard]] QString commandDescription() const;

    ReprovisionOptions m_options;
    qsizetype m_triggerMark = -1;
};

/// "queue-key" / "reclaim" and "shell" / "shadow" / "none".
QString reprovisionActionId(ReprovisionOptions::Action action);
QString reprovisionTriggerId(ReprovisionOptions::Trigger trigger);
std::optional<ReprovisionOptions::Trigger> reprovisionTriggerFromId(QStringView id);

} // namespace ps::station
