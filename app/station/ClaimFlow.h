#pragma once

#include "StationFlow.h"

#include <QStringList>
#include <chrono>

namespace ps::station {

/// How a ClaimFlow behaves. Defaults suit a real device on a real network.
struct ClaimOptions {
    /// How on-device provisioning starts after the claim.
    enum class Trigger {
        Shell,       ///< send the provisioning command through the shell (the usual way)
        DeviceRetry, ///< wait for the device's own next attempt (its backoff may be minutes)
        None,        ///< claim only: the device provisions whenever it next connects
    };
    Trigger trigger = Trigger::Shell;
    /// Consent to create the default onboarding rule (cloudAccessKeyGeneration on sec tag
    /// 16842753, then finished, for the tag nrf-cloud-onboarding) when the account has none.
    /// Without it the flow stops at the account check and says why.
    bool createOnboardingRule = false;
    /// Tags sent with the claim; they select the provisioning rules.
    QStringList tags{QString::fromLatin1(ps::cloud::OnboardingTag)};
    /// Claim with this attestation token (pasted, or found in a saved log) instead of reading
    /// one from a device: the identify step decodes it, and with no device the flow can only
    /// claim (use Trigger::None). Never journalled.
    QString token;

    std::chrono::milliseconds identifyTimeout{60'000};
    std::chrono::milliseconds cloudStepTimeout{120'000};
    std::chrono::milliseconds provisionTimeout{300'000};
    std::chrono::milliseconds verifyTimeout{180'000};
    /// How often the cloud is asked whether it lists the device yet.
    std::chrono::milliseconds pollInterval{2'000};
    /// Pause before another attempt of a step whose failure may pass (device back, cloud up).
    std::chrono::milliseconds retryDelay{3'000};
    /// How often the flow starts another provisioning attempt when one of the device's ends
    /// without success (e.g. the attempt began just before the claim).
    int retriggers = 2;
};

/// Claims a device for the account and provisions it (PROTOCOL §4-§7):
///
/// 1. identify   IMEI, model, modem firmware, %DEVICEUUID and the attestation token; the token's
///               UUID must agree with %DEVICEUUID.
/// 2. account    the API key works (listing the provisioning rules is the cheap check), the
///               onboarding rule exists (created only with consent), and whether this account
///               has claimed the device already.
/// 3. preflight  a dry-run claim: when refused, the reason and what to do.
/// 4. claim      with the tag nrf-cloud-onboarding; a device this account already claimed is
///               not claimed again (also after a crash between the request and its answer).
/// 5. provision  the shell command the firmware understands (`att_cloud provision` from ATT
///               v1.2.9, `att_cloud_provision now` for v1.1.1-v1.2.5, found by trying when the
///               version is unknown), then the device's log followed until it says it finished;
///               LTE going down and up meanwhile is normal.
/// 6. verify     the device logs its cloud connection AND the main API lists it (polled with a
///               bound: the cloud may take a moment after provisioning).
///
/// Facts journalled on the way: "device", "alreadyClaimed", "claimed", "ruleId",
/// "commandsQueued".
class ClaimFlow : public StationFlow {
    Q_OBJECT
public:
    static constexpr auto Kind = "claim";

    ClaimFlow(const FlowSetup &setup, ClaimOptions options = {}, QObject *parent = nullptr);

    [[nodiscard]] const ClaimOptions &options() const { return m_options; }
    /// New options for the steps that have not started yet (while the flow is held before a
    /// step or paused after a failure: the consent to create the rule, other tags). Step
    /// timeouts stay as they were at construction.
    void setOptions(ClaimOptions options) { m_options = std::move(options); }

protected:
    /// For flows built from the claim's steps (PipelineFlow): declares no steps; the subclass
    /// adds them in its own order with claimStep().
    ClaimFlow(QString kind, const FlowSetup &setup, ClaimOptions options, QObject *parent);
    /// The definition of one of the claim's steps: "identify", "account", "preflight",
    /// "claim", "provision" or "verify".
    StepDefinition claimStep(const QString &id);

private:
    QCoro::Task<StepResult> identifyFromToken(AttemptPtr attempt);
    QCoro::Task<StepResult> account(AttemptPtr attempt);
    QCoro::Task<StepResult> preflight(AttemptPtr attempt);
    QCoro::Task<StepResult> claim(AttemptPtr attempt);
    QCoro::Task<StepResult> provision(AttemptPtr attempt);
    QCoro::Task<StepResult> verify(AttemptPtr attempt);

    ClaimOptions m_options;
    qsizetype m_provisionMark = -1; ///< monitor position when provisioning was triggered
};

/// "shell", "device", "none".
QString claimTriggerId(ClaimOptions::Trigger trigger);
std::optional<ClaimOptions::Trigger> claimTriggerFromId(QStringView id);

} // namespace ps::station
