#pragma once

#include "FlowWizard.h"
#include "station/ClaimFlow.h"

namespace ps::gui {

class ClaimAccountPage;

/// Claims a device for the account and follows it until it is connected to nRF Cloud, one
/// page per step of a ClaimFlow:
///
///  1 Device      the connected device (picked when there is one), or a pasted token
///  2 Identity    IMEI, model, modem firmware, UUID, the token decoded (the UUIDs must agree)
///  3 Account     the API key works, the onboarding rule exists (created with consent)
///  4 Pre-flight  a dry-run claim; when refused, the reason and what to do
///  5 Claim       claim, then the device's provisioning live (LTE drops and returns: normal)
///  6 Verify      the device logs its cloud connection and nRF Cloud lists it
///  7 Summary     the device id, the portal link, the report
///
/// The flow is held before the account check, the dry run and the claim, so nothing happens
/// in the cloud before the operator pressed Next (Claim) on the page before.
class ClaimWizard : public FlowWizard {
    Q_OBJECT
public:
    enum PageId {
        DevicePage,
        IdentityPage,
        AccountPage,
        PreflightPage,
        ProvisionPage,
        VerifyPage,
        SummaryPage
    };

    ClaimWizard(ProvisioningContext *context, QList<DeviceChoice> devices,
                QWidget *parent = nullptr);

    /// Options every claim of this wizard starts from (timeouts, trigger); the pages set the
    /// tags, the consent and the token. Before the first page's Next.
    void setBaseOptions(ps::station::ClaimOptions options) { m_baseOptions = std::move(options); }
    [[nodiscard]] const ps::station::ClaimOptions &baseOptions() const { return m_baseOptions; }
    [[nodiscard]] ps::station::ClaimFlow *claimFlow() const;

    /// Starts the claim of `link`'s device, or of `token` when `link` is null.
    void begin(ps::device::DeviceLink *link, const QString &token);

    [[nodiscard]] int summaryPageId() const override { return SummaryPage; }

protected:
    void applyChoices() override;

private:
    ps::station::ClaimOptions m_baseOptions;
    ClaimAccountPage *m_accountPage = nullptr;
};

} // namespace ps::gui
