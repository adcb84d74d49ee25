#pragma once

#include "ClaimFlow.h"
#include "core/bundle/FirmwareBundle.h"
#include "device/SmpFlasher.h"

#include <QPointer>
#include <QSet>
#include <chrono>
#include <memory>

namespace ps::station {

/// How one slot's pipeline runs. The Station fills it in from StationOptions.
struct PipelineOptions {
    /// The firmware to put on the device, read and fully checked (FirmwareBundle::read) before
    /// the station starts. Null: no firmware step (the device keeps what it runs).
    std::shared_ptr<const ps::bundle::FirmwareBundle> bundle;
    QString bundleFile; ///< where it came from (the audit record says so)
    /// SHA-256 (hex) of the whole bundle file, for the audit record.
    QString bundleSha256;

    ClaimOptions claim;
    ps::device::SmpFlashOptions flash;
    /// A device that runs its application (and not the bundle's version) is rebooted from its
    /// shell into MCUboot's wait-for-DFU window and flashed there (SmpFlashOptions::
    /// enterFromShell). Off: such a device fails with advice to start it in serial recovery.
    bool enterFromShell = true;
    /// Wait for the operator to scan the device's label (submitLabel()) and compare it with
    /// the IMEI the device reports; a mismatch fails the attempt.
    bool labelCheck = false;

    std::chrono::milliseconds detectTimeout{30'000};
    std::chrono::milliseconds flashTimeout{300'000};
    std::chrono::milliseconds labelTimeout{600'000};

    /// A retry of a failed attempt: the steps that succeeded in `previousFlowId` are skipped
    /// (noted as done there) as long as identify finds the same device (`previousImei`);
    /// detect, identify and verify always run.
    QString previousFlowId;
    QString previousImei;
    QSet<QString> previousSucceeded;
};

/// The station's pipeline for one slot (kind "station"): the claim flow's steps with the
/// firmware in front and the label check in between (PROTOCOL §1, §4-§8):
///
/// 1. detect     open the port; the device answers in its shell (the model is read, the
///               running version comes from the boot banner when one was seen) or is in
///               MCUboot serial recovery (SMP echo answers).
/// 2. flash      when the running version is not the bundle's (or cannot be told): checks that
///               the bundle fits the model, then SmpFlasher on the link's transport (upload,
///               test/confirm, reset, the new version must boot). Skipped when the version
///               matches or there is no bundle.
/// 3. identify   ClaimFlow's: IMEI, model, modem firmware, UUID, attestation token; the model
///               must fit the bundle.
/// 4. label      (PipelineOptions::labelCheck) waits for submitLabel(); the scanned text must
///               hold the device's IMEI.
/// 5-9.          ClaimFlow's account, preflight, claim, provision, verify.
///
/// Facts journalled besides ClaimFlow's: "mode" (shell|bootloader), "runningVersion",
/// "bundle" {name, version, file, sha256, images: [{type, file, version, sha256}]},
/// "flash" {skipped, bytes, seconds, bootedVersion}, "label", "retryOf".
class PipelineFlow : public ClaimFlow {
    Q_OBJECT
public:
    static constexpr auto Kind = "station";

    PipelineFlow(const FlowSetup &setup, PipelineOptions options, QObject *parent = nullptr);
    ~PipelineFlow() override;

    [[nodiscard]] const PipelineOptions &pipelineOptions() const { return m_pipeline; }

    /// The operator scanned (or typed) the label: the waiting label step compares it. Also
    /// accepted before the step starts (a scanner that is quick). Returns false when the flow
    /// does not check labels.
    bool submitLabel(const QString &text);
    /// The label step is waiting for submitLabel().
    [[nodiscard]] bool awaitingLabel() const { return m_awaitingLabel; }

Q_SIGNALS:
    /// The label step waits for the operator to scan the device's label.
    void labelRequested();
    /// Flashing progress (bytes written of total) while the flash step uploads.
    void flashProgress(qint64 sent, qint64 total, double bytesPerSecond);

protected:
    [[nodiscard]] QJsonObject auditDetails() const override;

private:
    QCoro::Task<StepResult> detect(AttemptPtr attempt);
    QCoro::Task<StepResult> flashStep(AttemptPtr attempt);
    QCoro::Task<StepResult> labelStep(AttemptPtr attempt);
    /// Wraps one of ClaimFlow's steps so a retry skips it when it succeeded before.
    StepDefinition skippable(StepDefinition step);
    static StepError noDevice();

    PipelineOptions m_pipeline;
    QString m_label;
    bool m_awaitingLabel = false;
    bool m_sameDeviceAsBefore = false;
    QPointer<ps::device::Flasher> m_flasher;
    std::shared_ptr<Completion<std::optional<QString>>> m_labelWait;
};

} // namespace ps::station
