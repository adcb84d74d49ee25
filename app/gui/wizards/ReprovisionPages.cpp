#include "ReprovisionPages.h"

#include "CredentialComparison.h"
#include "ReprovisionWizard.h"
#include "device/DeviceLink.h"
#include "gui/history/HistoryModel.h"
#include "ui_ReprovisionActionPage.h"
#include "ui_ReprovisionComparePage.h"
#include "ui_ReprovisionFollowPage.h"
#include "ui_ReprovisionIdentifyPage.h"
#include "ui_ReprovisionSummaryPage.h"
#include "ui_ReprovisionTriggerPage.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QRegularExpression>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::device::DeviceLink;
using ps::station::ReprovisionOptions;

namespace {

const QRegularExpression &uuidPattern() {
    static const QRegularExpression pattern(
        u"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"_s);
    return pattern;
}

const QRegularExpression &imeiPattern() {
    static const QRegularExpression pattern(u"^[0-9]{15}$"_s);
    return pattern;
}

} // namespace

// ---------------------------------------------------------------------------------------------

ReprovisionIdentifyPage::ReprovisionIdentifyPage(ReprovisionWizard *wizard)
    : QWizardPage(wizard)
    , m_ui(std::make_unique<Ui::ReprovisionIdentifyPage>())
    , m_wizard(wizard) {
    m_ui->setupUi(this);
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("&Compare"));
    const int choice =
        fillDeviceChoices(m_ui->deviceCombo, wizard->devices(), this, [this] { update(); });
    if (choice < 0) {
        m_ui->deviceRadio->setEnabled(false);
        m_ui->accountRadio->setChecked(true);
        m_ui->deviceStateLabel->setText(tr("No console is open."));
    } else {
        m_ui->deviceCombo->setCurrentIndex(choice);
    }
    connect(m_ui->deviceCombo, &QComboBox::currentIndexChanged, this,
            &ReprovisionIdentifyPage::update);
    connect(m_ui->deviceRadio, &QRadioButton::toggled, this, &ReprovisionIdentifyPage::update);
    connect(m_ui->lookupEdit, &QLineEdit::textChanged, this, [this] {
        if (!m_ui->lookupEdit->text().isEmpty())
            m_ui->accountRadio->setChecked(true);
        update();
    });
    update();
}

ReprovisionIdentifyPage::~ReprovisionIdentifyPage() = default;

void ReprovisionIdentifyPage::chooseDevice(int index) {
    m_ui->deviceRadio->setChecked(true);
    m_ui->deviceCombo->setCurrentIndex(index);
}

void ReprovisionIdentifyPage::setLookup(const QString &deviceIdOrImei) {
    m_ui->lookupEdit->setText(deviceIdOrImei);
}

void ReprovisionIdentifyPage::update() {
    const bool deviceMode = m_ui->deviceRadio->isChecked();
    m_ui->deviceCombo->setEnabled(deviceMode && !m_wizard->devices().isEmpty());
    const int index = m_ui->deviceCombo->currentIndex();
    if (index >= 0 && index < m_wizard->devices().size())
        m_ui->deviceStateLabel->setText(linkStateText(m_wizard->devices().at(index).link));
    const QString lookup = m_ui->lookupEdit->text().trimmed();
    if (lookup.isEmpty())
        m_ui->lookupStatusLabel->setText(
            tr("Without the device at hand only nRF Cloud's side is compared, and the device "
               "acts when it next reads its shadow or checks for commands."));
    else if (uuidPattern().match(lookup).hasMatch())
        m_ui->lookupStatusLabel->setText(tr("✔ A device id."));
    else if (imeiPattern().match(lookup).hasMatch())
        m_ui->lookupStatusLabel->setText(tr("✔ An IMEI."));
    else
        m_ui->lookupStatusLabel->setText(
            tr("✘ Neither a device id (8-4-4-4-12 hex digits) nor an IMEI (15 digits)."));
    Q_EMIT completeChanged();
}

bool ReprovisionIdentifyPage::isComplete() const {
    if (m_wizard->flow())
        return true;
    if (m_ui->deviceRadio->isChecked()) {
        const int index = m_ui->deviceCombo->currentIndex();
        if (index < 0 || index >= m_wizard->devices().size())
            return false;
        const DeviceLink *link = m_wizard->devices().at(index).link;
        return link && link->state() == DeviceLink::State::Open;
    }
    const QString lookup = m_ui->lookupEdit->text().trimmed();
    return uuidPattern().match(lookup).hasMatch() || imeiPattern().match(lookup).hasMatch();
}

bool ReprovisionIdentifyPage::validatePage() {
    if (!isComplete())
        return false;
    if (m_wizard->flow())
        return true;
    if (m_ui->deviceRadio->isChecked()) {
        m_wizard->begin(m_wizard->devices().at(m_ui->deviceCombo->currentIndex()).link, {}, {});
    } else {
        const QString lookup = m_ui->lookupEdit->text().trimmed();
        const bool isImei = imeiPattern().match(lookup).hasMatch();
        m_wizard->begin(nullptr, isImei ? QString() : lookup, isImei ? lookup : QString());
    }
    return true;
}

// ---------------------------------------------------------------------------------------------

ReprovisionComparePage::ReprovisionComparePage(ReprovisionWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ReprovisionComparePage>()) {
    m_ui->setupUi(this);
    setUpSteps(m_ui->banner, {u"identify"_s, u"compare"_s});
    m_ui->compareTable->setColumnCount(3);
    m_ui->compareTable->setHorizontalHeaderLabels({tr("What"), tr("Device"), tr("nRF Cloud")});
    m_ui->compareTable->setRowCount(3);
    m_ui->compareTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_ui->compareTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_ui->compareTable->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_ui->compareTable->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
}

ReprovisionComparePage::~ReprovisionComparePage() = default;

void ReprovisionComparePage::initializePage() {
    refresh();
}

QString ReprovisionComparePage::differencesText() const {
    return m_ui->differencesLabel->text();
}

void ReprovisionComparePage::refresh() {
    auto *flow = flowWizard()->flow();
    if (!flow)
        return;
    const ps::station::DeviceIdentity identity = flow->device();
    m_ui->deviceValue->setText(
        identity.deviceId.isEmpty()
            ? tr("—")
            : tr("%1 · IMEI %2 · %3")
                  .arg(identity.deviceId, identity.imei.isEmpty() ? tr("unknown") : identity.imei,
                       identity.model.isEmpty() ? identity.deviceType : identity.model));
    const auto *reprovision = static_cast<ps::station::ReprovisionFlow *>(flow);
    const quint32 secTag = reprovision->options().secTag;
    const bool compared = tracker()->isDone(u"compare"_s);

    CredentialComparison comparison;
    comparison.secTag = secTag;
    const QJsonValue types = flow->fact(u"deviceCredentials"_s);
    if (types.isArray()) {
        QList<int> list;
        for (const QJsonValue type : types.toArray())
            list.append(type.toInt());
        comparison.deviceTypes = list;
    }
    comparison.claimed = flow->fact(u"claimedBefore"_s).toBool();
    comparison.onboarded = flow->fact(u"onboardedBefore"_s).toBool();

    const auto cell = [this](int row, int column, const QString &text) {
        auto *item = new QTableWidgetItem(text);
        item->setToolTip(text);
        m_ui->compareTable->setItem(row, column, item);
    };
    const QString unknown = tr("not known yet");
    cell(0, 0, tr("Credentials on sec tag %1").arg(secTag));
    cell(0, 1, types.isArray() || compared ? comparison.deviceText() : unknown);
    cell(0, 2, tr("(nRF Cloud keeps only the public key)"));
    cell(1, 0, tr("Claimed by this account"));
    cell(1, 1, tr("—"));
    cell(1, 2,
         flow->fact(u"claimedBefore"_s).isUndefined()
             ? unknown
             : (comparison.claimed ? tr("yes") : tr("no")));
    cell(2, 0, tr("In device management"));
    cell(2, 1, tr("—"));
    cell(2, 2,
         flow->fact(u"onboardedBefore"_s).isUndefined()
             ? unknown
             : (comparison.onboarded ? tr("yes: nRF Cloud lists it") : tr("no")));
    m_ui->differencesLabel->setText(compared || !flow->fact(u"onboardedBefore"_s).isUndefined()
                                        ? u"• "_s + comparison.differences().join(u"\n• "_s)
                                        : tr("Waiting for both sides…"));
}

// ---------------------------------------------------------------------------------------------

ReprovisionActionPage::ReprovisionActionPage(ReprovisionWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ReprovisionActionPage>())
    , m_wizard(wizard) {
    m_ui->setupUi(this);
    setCommitPage(true);
    setCompleteSteps({u"compare"_s});
    m_ui->secTagSpin->setValue(int(wizard->baseOptions().secTag));
    connect(m_ui->reclaimRadio, &QRadioButton::toggled, this, &ReprovisionActionPage::update);
    update();
}

ReprovisionActionPage::~ReprovisionActionPage() = default;

void ReprovisionActionPage::initializePage() {
    const bool atHand = m_wizard->deviceAtHand();
    m_ui->reclaimRadio->setEnabled(atHand);
    if (!atHand) {
        m_ui->queueKeyRadio->setChecked(true);
        m_ui->reclaimWarning->setText(
            tr("Unclaiming and claiming again needs a fresh attestation token, so the device "
               "must be at hand."));
    }
    update();
}

void ReprovisionActionPage::chooseReclaim(bool reclaim) {
    (reclaim ? m_ui->reclaimRadio : m_ui->queueKeyRadio)->setChecked(true);
}

void ReprovisionActionPage::setSecTag(quint32 secTag) {
    m_ui->secTagSpin->setValue(int(secTag));
}

void ReprovisionActionPage::update() {
    const bool reclaim = m_ui->reclaimRadio->isChecked();
    m_ui->secTagSpin->setEnabled(!reclaim);
    setButtonText(QWizard::CommitButton, reclaim ? tr("&Reclaim…") : tr("&Queue Key"));
}

bool ReprovisionActionPage::validatePage() {
    if (tracker()->isFinished())
        return true;
    const bool reclaim = m_ui->reclaimRadio->isChecked();
    if (reclaim && !m_wizard->confirmReclaim())
        return false;
    m_wizard->chooseAction(reclaim ? ReprovisionOptions::Action::Reclaim
                                   : ReprovisionOptions::Action::QueueKeyGeneration,
                           quint32(m_ui->secTagSpin->value()), reclaim);
    m_wizard->proceed();
    return true;
}

// ---------------------------------------------------------------------------------------------

ReprovisionTriggerPage::ReprovisionTriggerPage(ReprovisionWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ReprovisionTriggerPage>())
    , m_wizard(wizard) {
    m_ui->setupUi(this);
    setUpSteps(m_ui->banner, {u"action"_s}, tr("&Send"));
}

ReprovisionTriggerPage::~ReprovisionTriggerPage() = default;

void ReprovisionTriggerPage::initializePage() {
    auto *flow = m_wizard->reprovisionFlow();
    const bool atHand = m_wizard->deviceAtHand();
    const bool reclaim = flow && flow->options().action == ReprovisionOptions::Action::Reclaim;
    const bool listed = flow && flow->fact(u"onboardedBefore"_s).toBool() && !reclaim;
    m_ui->shellRadio->setEnabled(atHand);
    m_ui->shadowRadio->setEnabled(listed);
    if (atHand)
        m_ui->shellRadio->setChecked(true);
    else if (listed)
        m_ui->shadowRadio->setChecked(true);
    else
        m_ui->waitRadio->setChecked(true);
    QStringList notes;
    if (!atHand)
        notes.append(tr("The shell needs the device at hand."));
    if (!listed)
        notes.append(reclaim ? tr("After a reclaim the device is not in device management, so "
                                  "its shadow cannot carry the command.")
                             : tr("The shadow needs the device in device management."));
    m_ui->triggerNote->setText(notes.join(u' '));
    refresh();
}

void ReprovisionTriggerPage::choose(Choice choice) {
    (choice == Choice::Shell    ? m_ui->shellRadio
     : choice == Choice::Shadow ? m_ui->shadowRadio
                                : m_ui->waitRadio)
        ->setChecked(true);
}

void ReprovisionTriggerPage::refresh() {
    m_ui->banner->refresh();
}

bool ReprovisionTriggerPage::validatePage() {
    if (tracker()->isFinished())
        return true;
    m_wizard->chooseTrigger(m_ui->shellRadio->isChecked()    ? ReprovisionOptions::Trigger::Shell
                            : m_ui->shadowRadio->isChecked() ? ReprovisionOptions::Trigger::Shadow
                                                             : ReprovisionOptions::Trigger::None);
    m_wizard->proceed();
    return true;
}

// ---------------------------------------------------------------------------------------------

ReprovisionFollowPage::ReprovisionFollowPage(ReprovisionWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ReprovisionFollowPage>()) {
    m_ui->setupUi(this);
    setUpSteps(m_ui->banner, {u"trigger"_s, u"follow"_s, u"verify"_s});
    m_ui->commandView->setTracker(wizard->tracker());
    m_ui->stepList->setTracker(wizard->tracker());
    m_ui->stepList->setShowProgressLines(false);
    m_ui->splitter->setStretchFactor(0, 1);
    m_ui->splitter->setStretchFactor(1, 1);
}

ReprovisionFollowPage::~ReprovisionFollowPage() = default;

void ReprovisionFollowPage::initializePage() {
    auto *flow = flowWizard()->flow();
    ps::station::DeviceMonitor *monitor = flow ? flow->monitor() : nullptr;
    m_ui->deviceGroup->setVisible(monitor != nullptr);
    if (monitor)
        m_ui->statesView->setMonitor(monitor, monitor->mark());
    m_ui->commandView->refresh();
}

// ---------------------------------------------------------------------------------------------

ReprovisionSummaryPage::ReprovisionSummaryPage(ReprovisionWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ReprovisionSummaryPage>()) {
    m_ui->setupUi(this);
    setFinalPage(true);
    m_ui->summary->setTracker(wizard->tracker());
}

ReprovisionSummaryPage::~ReprovisionSummaryPage() = default;

void ReprovisionSummaryPage::initializePage() {
    m_ui->summary->refresh();
}

bool ReprovisionSummaryPage::isComplete() const {
    return tracker()->isFinished();
}

} // namespace ps::gui
