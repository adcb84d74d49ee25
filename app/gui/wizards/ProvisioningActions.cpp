#include "ProvisioningActions.h"

#include "ClaimWizard.h"
#include "FlowIcons.h"
#include "ReprovisionWizard.h"

#include <QAction>
#include <QWidget>

namespace ps::gui {

ProvisioningActions::ProvisioningActions(ProvisioningContext *context,
                                         std::function<QList<DeviceChoice>()> devices,
                                         QWidget *window)
    : QObject(window)
    , m_context(context)
    , m_devices(std::move(devices))
    , m_window(window)
    , m_claim(new QAction(flowIcon(FlowIcon::Claim), tr("&Claim Device…"), this))
    , m_reprovision(new QAction(flowIcon(FlowIcon::Reprovision), tr("&Reprovision Device…"), this))
    , m_account(new QAction(flowIcon(FlowIcon::Account), tr("&Account…"), this)) {
    m_claim->setObjectName(QStringLiteral("actionClaimDevice"));
    m_claim->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
    m_claim->setToolTip(tr("Claim a device for your nRF Cloud account and provision it (%1)")
                            .arg(m_claim->shortcut().toString(QKeySequence::NativeText)));
    m_reprovision->setObjectName(QStringLiteral("actionReprovisionDevice"));
    m_reprovision->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    m_reprovision->setToolTip(
        tr("Give a device that was provisioned before new cloud credentials (%1)")
            .arg(m_reprovision->shortcut().toString(QKeySequence::NativeText)));
    m_account->setObjectName(QStringLiteral("actionAccount"));
    m_account->setShortcut(QKeySequence(tr("Ctrl+Shift+A")));
    m_account->setToolTip(tr("nRF Cloud addresses, trusted CA and API key (%1)")
                              .arg(m_account->shortcut().toString(QKeySequence::NativeText)));
    m_account->setMenuRole(QAction::NoRole);

    connect(m_claim, &QAction::triggered, this, [this] { openClaimWizard(); });
    connect(m_reprovision, &QAction::triggered, this, [this] { openReprovisionWizard(); });
    connect(m_account, &QAction::triggered, this, [this] { m_context->editAccount(m_window); });
}

ClaimWizard *ProvisioningActions::openClaimWizard() {
    auto *wizard = new ClaimWizard(m_context, m_devices(), m_window);
    wizard->setWindowFlag(Qt::Window, true);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->show();
    Q_EMIT wizardOpened(wizard);
    return wizard;
}

ReprovisionWizard *ProvisioningActions::openReprovisionWizard() {
    auto *wizard = new ReprovisionWizard(m_context, m_devices(), m_window);
    wizard->setWindowFlag(Qt::Window, true);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->show();
    Q_EMIT wizardOpened(wizard);
    return wizard;
}

} // namespace ps::gui
