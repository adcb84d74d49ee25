#include "ReprovisionWizard.h"

#include "FlowIcons.h"
#include "ReprovisionPages.h"

#include <QMessageBox>
#include <QPushButton>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::station::ReprovisionOptions;

ReprovisionWizard::ReprovisionWizard(ProvisioningContext *context, QList<DeviceChoice> devices,
                                     QWidget *parent)
    : FlowWizard(context, std::move(devices), parent) {
    setWindowTitle(tr("Reprovision Device"));
    setWindowIcon(flowIcon(FlowIcon::Reprovision));
    setObjectName(u"reprovisionWizard"_s);
    setPage(IdentifyPage, new ReprovisionIdentifyPage(this));
    setPage(ComparePage, new ReprovisionComparePage(this));
    setPage(ActionPage, new ReprovisionActionPage(this));
    setPage(TriggerPage, new ReprovisionTriggerPage(this));
    setPage(FollowPage, new ReprovisionFollowPage(this));
    setPage(SummaryPage, new ReprovisionSummaryPage(this));
    setStartId(IdentifyPage);
    resize(900, 660);
}

ps::station::ReprovisionFlow *ReprovisionWizard::reprovisionFlow() const {
    return static_cast<ps::station::ReprovisionFlow *>(flow());
}

bool ReprovisionWizard::deviceAtHand() const {
    return flow() && flow()->link() != nullptr;
}

void ReprovisionWizard::begin(ps::device::DeviceLink *link, const QString &deviceId,
                              const QString &imei) {
    if (flow())
        return;
    ReprovisionOptions options = m_baseOptions;
    options.deviceId = link ? QString() : deviceId.trimmed().toLower();
    options.imei = link ? QString() : imei.trimmed();
    // The compare step checks the trigger against what is possible; the trigger page may
    // change it before the trigger step runs.
    options.trigger =
        link ? ReprovisionOptions::Trigger::Shell : ReprovisionOptions::Trigger::Shadow;
    options.action = ReprovisionOptions::Action::QueueKeyGeneration;
    auto reprovision = std::make_unique<ps::station::ReprovisionFlow>(flowSetup(link), options);
    reprovision->setHoldBefore({u"action"_s, u"trigger"_s});
    startFlow(std::move(reprovision));
}

void ReprovisionWizard::chooseAction(ReprovisionOptions::Action action, quint32 secTag,
                                     bool confirmed) {
    m_action = action;
    m_secTag = secTag;
    m_confirmed = confirmed;
    applyChoices();
}

void ReprovisionWizard::chooseTrigger(ReprovisionOptions::Trigger trigger) {
    m_trigger = trigger;
    applyChoices();
}

bool ReprovisionWizard::confirmReclaim() {
    const QString id = flow() ? flow()->device().deviceId : QString();
    if (m_confirm)
        return m_confirm(this, id);
    QMessageBox box(QMessageBox::Warning, tr("Unclaim and Claim Again?"),
                    tr("Unclaim device %1 and claim it again?").arg(id), QMessageBox::NoButton,
                    this);
    box.setInformativeText(
        tr("Unclaiming removes the device from device management: its shadow, its message "
           "history and its location history are deleted in nRF Cloud. The device is then "
           "claimed again and the onboarding rule queues new credentials. This cannot be "
           "undone."));
    QPushButton *go = box.addButton(tr("&Unclaim and Claim Again"), QMessageBox::DestructiveRole);
    QPushButton *keep = box.addButton(tr("&Keep the Claim"), QMessageBox::RejectRole);
    box.setDefaultButton(keep);
    box.exec();
    return box.clickedButton() == go;
}

void ReprovisionWizard::applyChoices() {
    ps::station::ReprovisionFlow *reprovision = reprovisionFlow();
    if (!reprovision)
        return;
    ReprovisionOptions options = reprovision->options();
    if (m_action) {
        options.action = *m_action;
        options.secTag = m_secTag;
        options.confirmReclaim = m_confirmed;
    }
    if (m_trigger)
        options.trigger = *m_trigger;
    reprovision->setOptions(options);
}

} // namespace ps::gui
