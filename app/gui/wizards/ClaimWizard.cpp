#include "ClaimWizard.h"

#include "ClaimPages.h"
#include "FlowIcons.h"

namespace ps::gui {

using namespace Qt::StringLiterals;

ClaimWizard::ClaimWizard(ProvisioningContext *context, QList<DeviceChoice> devices, QWidget *parent)
    : FlowWizard(context, std::move(devices), parent) {
    setWindowTitle(tr("Claim Device"));
    setWindowIcon(flowIcon(FlowIcon::Claim));
    setObjectName(u"claimWizard"_s);
    setPage(DevicePage, new ClaimDevicePage(this));
    setPage(IdentityPage, new ClaimIdentityPage(this));
    m_accountPage = new ClaimAccountPage(this);
    setPage(AccountPage, m_accountPage);
    setPage(PreflightPage, new ClaimPreflightPage(this));
    setPage(ProvisionPage, new ClaimProvisionPage(this));
    setPage(VerifyPage, new ClaimVerifyPage(this));
    setPage(SummaryPage, new ClaimSummaryPage(this));
    setStartId(DevicePage);
    resize(820, 640);
}

ps::station::ClaimFlow *ClaimWizard::claimFlow() const {
    return static_cast<ps::station::ClaimFlow *>(flow());
}

void ClaimWizard::begin(ps::device::DeviceLink *link, const QString &token) {
    if (flow())
        return;
    ps::station::ClaimOptions options = m_baseOptions;
    options.token = link ? QString() : token.trimmed();
    if (!link)
        options.trigger = ps::station::ClaimOptions::Trigger::None;
    auto claim = std::make_unique<ps::station::ClaimFlow>(flowSetup(link), options);
    // Nothing happens in the cloud before the operator has seen the page before.
    claim->setHoldBefore({u"account"_s, u"preflight"_s, u"claim"_s});
    startFlow(std::move(claim));
}

void ClaimWizard::applyChoices() {
    ps::station::ClaimFlow *claim = claimFlow();
    if (!claim)
        return;
    ps::station::ClaimOptions options = claim->options();
    const QStringList tags = m_accountPage->tags();
    if (!tags.isEmpty())
        options.tags = tags;
    options.createOnboardingRule = m_accountPage->consentToCreateRule();
    claim->setOptions(options);
}

} // namespace ps::gui
