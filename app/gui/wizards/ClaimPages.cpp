#include "ClaimPages.h"

#include "ClaimWizard.h"
#include "TokenFinder.h"
#include "device/DeviceLink.h"
#include "ui_ClaimAccountPage.h"
#include "ui_ClaimDevicePage.h"
#include "ui_ClaimIdentityPage.h"
#include "ui_ClaimPreflightPage.h"
#include "ui_ClaimProvisionPage.h"
#include "ui_ClaimSummaryPage.h"
#include "ui_ClaimVerifyPage.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::device::DeviceLink;
using ps::station::StepStatus;

namespace {

/// Larger logs are read from their end: the newest token is what counts.
constexpr qint64 MaxLogBytes = 32LL * 1024 * 1024;

QString orDash(const QString &text) {
    return text.isEmpty() ? QStringLiteral("—") : text;
}

} // namespace

// ---------------------------------------------------------------------------------------------

ClaimDevicePage::ClaimDevicePage(ClaimWizard *wizard)
    : QWizardPage(wizard)
    , m_ui(std::make_unique<Ui::ClaimDevicePage>())
    , m_wizard(wizard) {
    m_ui->setupUi(this);
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("&Start"));

    const int choice =
        fillDeviceChoices(m_ui->deviceCombo, wizard->devices(), this, [this] { update(); });
    if (choice < 0) {
        m_ui->deviceRadio->setEnabled(false);
        m_ui->deviceCombo->setEnabled(false);
        m_ui->tokenRadio->setChecked(true);
        m_ui->deviceStateLabel->setText(
            tr("No console is open: open the device's port first, or claim with a token."));
    } else {
        m_ui->deviceCombo->setCurrentIndex(choice);
    }
    connect(m_ui->deviceCombo, &QComboBox::currentIndexChanged, this, &ClaimDevicePage::update);
    connect(m_ui->deviceRadio, &QRadioButton::toggled, this, &ClaimDevicePage::update);
    connect(m_ui->tokenEdit, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_ui->tokenEdit->toPlainText().trimmed().isEmpty())
            m_ui->tokenRadio->setChecked(true);
        update();
    });
    connect(m_ui->fromLogButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Read the Token From a Log"), {},
                                                          tr("Logs (*.log *.txt);;All files (*)"));
        if (!path.isEmpty())
            takeTokenFromLog(path);
    });
    update();
}

ClaimDevicePage::~ClaimDevicePage() = default;

void ClaimDevicePage::chooseDevice(int index) {
    m_ui->deviceRadio->setChecked(true);
    m_ui->deviceCombo->setCurrentIndex(index);
}

void ClaimDevicePage::setToken(const QString &text) {
    m_ui->tokenEdit->setPlainText(text);
    m_ui->tokenRadio->setChecked(true);
}

bool ClaimDevicePage::takeTokenFromLog(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_ui->tokenStatusLabel->setText(tr("Cannot read %1: %2").arg(path, file.errorString()));
        return false;
    }
    if (file.size() > MaxLogBytes)
        file.seek(file.size() - MaxLogBytes);
    const QString text = QString::fromUtf8(file.readAll());
    const auto tokens = tokensIn(text);
    if (tokens.isEmpty()) {
        m_ui->tokenStatusLabel->setText(
            tr("No attestation token in %1. The device prints one when it tries to provision "
               "while unclaimed.")
                .arg(QFileInfo(path).fileName()));
        return false;
    }
    setToken(tokens.constLast().text);
    if (tokens.size() > 1)
        m_ui->tokenStatusLabel->setText(
            m_ui->tokenStatusLabel->text() + u' ' +
            tr("(the newest of %1 tokens in the log)").arg(tokens.size()));
    return true;
}

void ClaimDevicePage::update() {
    const bool deviceMode = m_ui->deviceRadio->isChecked();
    m_ui->deviceCombo->setEnabled(deviceMode && !m_wizard->devices().isEmpty());
    m_ui->tokenEdit->setEnabled(true);
    const int index = m_ui->deviceCombo->currentIndex();
    if (index >= 0 && index < m_wizard->devices().size())
        m_ui->deviceStateLabel->setText(linkStateText(m_wizard->devices().at(index).link));
    const QString token = m_ui->tokenEdit->toPlainText().trimmed();
    if (token.isEmpty()) {
        m_ui->tokenStatusLabel->setText(tr("The device prints its token when it tries to provision "
                                           "while unclaimed; a saved log holds it too."));
    } else if (const auto parsed = ps::core::AttestationToken::parse(token)) {
        m_ui->tokenStatusLabel->setText(
            tr("✔ Token of device %1 (%2).")
                .arg(ps::core::AttestationToken::uuidText(parsed->deviceUuid),
                     parsed->deviceTypeName()));
    } else {
        m_ui->tokenStatusLabel->setText(tr("✘ Not a valid token: %1").arg(parsed.error().message));
    }
    Q_EMIT completeChanged();
}

bool ClaimDevicePage::isComplete() const {
    if (m_wizard->flow())
        return true;
    if (m_ui->deviceRadio->isChecked()) {
        const int index = m_ui->deviceCombo->currentIndex();
        if (index < 0 || index >= m_wizard->devices().size())
            return false;
        const DeviceLink *link = m_wizard->devices().at(index).link;
        return link && link->state() == DeviceLink::State::Open;
    }
    return ps::core::AttestationToken::parse(m_ui->tokenEdit->toPlainText().trimmed()).has_value();
}

bool ClaimDevicePage::validatePage() {
    if (!isComplete())
        return false;
    if (m_wizard->flow())
        return true;
    if (m_ui->deviceRadio->isChecked())
        m_wizard->begin(m_wizard->devices().at(m_ui->deviceCombo->currentIndex()).link, {});
    else
        m_wizard->begin(nullptr, m_ui->tokenEdit->toPlainText());
    return true;
}

// ---------------------------------------------------------------------------------------------

ClaimIdentityPage::ClaimIdentityPage(ClaimWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ClaimIdentityPage>()) {
    m_ui->setupUi(this);
    setUpSteps(m_ui->banner, {u"identify"_s}, {}, true);
}

ClaimIdentityPage::~ClaimIdentityPage() = default;

void ClaimIdentityPage::initializePage() {
    refresh();
}

void ClaimIdentityPage::refresh() {
    auto *flow = flowWizard()->flow();
    if (!flow)
        return;
    const ps::station::DeviceIdentity identity = flow->device();
    const bool fromToken = flow->link() == nullptr;
    m_ui->imeiValue->setText(orDash(identity.imei));
    m_ui->modelValue->setText(
        orDash(identity.model.isEmpty() ? identity.deviceType : identity.model));
    m_ui->modemFirmwareValue->setText(orDash(identity.modemFirmware));
    m_ui->deviceUuidValue->setText(fromToken ? tr("— (not asked: no device)")
                                             : orDash(identity.deviceId));
    m_ui->firmwareValue->setText(
        orDash(identity.firmware.isEmpty() && !fromToken
                   ? tr("not known: no boot banner since this attempt started (a reboot shows it)")
                   : identity.firmware));
    const auto &token = flow->token();
    if (!token) {
        m_ui->tokenUuidValue->setText(orDash({}));
        m_ui->tokenTypeValue->setText(orDash({}));
        m_ui->tokenModemValue->setText(orDash({}));
        m_ui->agreementLabel->setText(tracker()->isDone(u"identify"_s)
                                          ? tr("The token is not kept after a resume.")
                                          : QString());
        return;
    }
    const QString tokenUuid = ps::core::AttestationToken::uuidText(token->deviceUuid);
    m_ui->tokenUuidValue->setText(tokenUuid);
    m_ui->tokenTypeValue->setText(token->deviceTypeName());
    m_ui->tokenModemValue->setText(ps::core::AttestationToken::uuidText(token->modemFirmwareUuid));
    if (fromToken)
        m_ui->agreementLabel->setText(
            tr("Claimed from a token: the device itself is not asked, so only the token's own "
               "checks apply."));
    else if (tokenUuid == identity.deviceId)
        m_ui->agreementLabel->setText(tr("✔ The token's UUID and the device's %DEVICEUUID agree."));
    else
        m_ui->agreementLabel->setText(
            tr("✘ The token's UUID and the device's %DEVICEUUID differ: do not claim this "
               "device."));
}

// ---------------------------------------------------------------------------------------------

ClaimAccountPage::ClaimAccountPage(ClaimWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ClaimAccountPage>())
    , m_wizard(wizard) {
    m_ui->setupUi(this);
    setUpSteps(m_ui->banner, {u"account"_s}, {}, true);
    connect(m_ui->accountButton, &QPushButton::clicked, this, [this] {
        m_wizard->context()->editAccount(m_wizard, [this](bool changed) {
            refresh();
            // A new key or address: check the account again at once.
            if (changed && tracker()->pausedStep() == u"account"_s)
                m_wizard->retryFailedStep();
        });
    });
    connect(wizard->context()->account(), &CloudAccount::changed, this, &ClaimAccountPage::refresh);
}

ClaimAccountPage::~ClaimAccountPage() = default;

void ClaimAccountPage::initializePage() {
    const ps::station::ClaimOptions &options = m_wizard->baseOptions();
    m_ui->tagsEdit->setText(options.tags.join(u", "_s));
    m_ui->consentCheck->setChecked(options.createOnboardingRule);
    refresh();
}

QStringList ClaimAccountPage::tags() const {
    QStringList tags;
    for (const QString &tag : m_ui->tagsEdit->text().split(u',', Qt::SkipEmptyParts)) {
        if (!tag.trimmed().isEmpty())
            tags.append(tag.trimmed());
    }
    return tags;
}

bool ClaimAccountPage::consentToCreateRule() const {
    return m_ui->consentCheck->isChecked();
}

void ClaimAccountPage::setConsentToCreateRule(bool consent) {
    m_ui->consentCheck->setChecked(consent);
}

void ClaimAccountPage::refresh() {
    CloudAccount *account = m_wizard->context()->account();
    m_ui->keyLabel->setText(account->hasKey() ? tr("API key from %1.").arg(account->keySourceText())
                                              : tr("No API key has been read yet."));
    const bool done = tracker()->isDone(u"account"_s);
    m_ui->tagsEdit->setEnabled(!done);
    m_ui->consentCheck->setEnabled(!done);
    auto *flow = m_wizard->flow();
    if (!flow)
        return;
    const auto step = tracker()->step(u"account"_s);
    if (flow->fact(u"ruleCreated"_s).toBool())
        m_ui->ruleValue->setText(tr("Created the default onboarding rule."));
    else if (!flow->fact(u"ruleId"_s).toString().isEmpty())
        m_ui->ruleValue->setText(
            tr("An active rule matches the tags (%1).").arg(flow->fact(u"ruleId"_s).toString()));
    else if (step && step->status != StepStatus::Pending && step->status != StepStatus::Running &&
             step->errorKind == u"configuration"_s)
        m_ui->ruleValue->setText(tr("None for these tags. Tick the box above to create the "
                                    "default one, then press Retry."));
    else
        m_ui->ruleValue->setText(tr("—"));
    const QJsonValue claimed = flow->fact(u"alreadyClaimed"_s);
    m_ui->claimValue->setText(claimed.isUndefined() ? tr("—")
                              : claimed.toBool()
                                  ? tr("Already claimed by this account: it is not claimed again.")
                                  : tr("Not claimed by this account yet."));
}

// ---------------------------------------------------------------------------------------------

ClaimPreflightPage::ClaimPreflightPage(ClaimWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ClaimPreflightPage>()) {
    m_ui->setupUi(this);
    setUpSteps(m_ui->banner, {u"preflight"_s}, tr("&Claim"), true);
}

ClaimPreflightPage::~ClaimPreflightPage() = default;

void ClaimPreflightPage::initializePage() {
    m_ui->banner->refresh();
}

// ---------------------------------------------------------------------------------------------

ClaimProvisionPage::ClaimProvisionPage(ClaimWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ClaimProvisionPage>()) {
    m_ui->setupUi(this);
    setUpSteps(m_ui->banner, {u"claim"_s, u"provision"_s});
    m_ui->stepList->setTracker(wizard->tracker());
    m_ui->splitter->setStretchFactor(0, 3);
    m_ui->splitter->setStretchFactor(1, 2);
}

ClaimProvisionPage::~ClaimProvisionPage() = default;

void ClaimProvisionPage::initializePage() {
    auto *flow = flowWizard()->flow();
    ps::station::DeviceMonitor *monitor = flow ? flow->monitor() : nullptr;
    m_ui->deviceGroup->setVisible(monitor != nullptr);
    m_ui->claimOnlyLabel->setVisible(monitor == nullptr);
    // From now on: what the device said before the claim is not part of this picture.
    if (monitor)
        m_ui->statesView->setMonitor(monitor, monitor->mark());
    m_ui->stepList->refresh();
}

// ---------------------------------------------------------------------------------------------

ClaimVerifyPage::ClaimVerifyPage(ClaimWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ClaimVerifyPage>()) {
    m_ui->setupUi(this);
    setUpSteps(m_ui->banner, {u"verify"_s});
}

ClaimVerifyPage::~ClaimVerifyPage() = default;

void ClaimVerifyPage::initializePage() {
    refresh();
}

void ClaimVerifyPage::refresh() {
    const auto step = tracker()->step(u"verify"_s);
    if (!step)
        return;
    const FlowTracker::Progress progress = tracker()->progress(u"verify"_s);
    switch (step->status) {
    case StepStatus::Succeeded:
        m_ui->connectedValue->setText(tr("✔ The device logged its connection to nRF Cloud."));
        m_ui->listedValue->setText(tr("✔ nRF Cloud lists the device in the account."));
        break;
    case StepStatus::Skipped:
        m_ui->connectedValue->setText(tr("Not checked: %1").arg(step->note));
        m_ui->listedValue->setText(tr("Not checked."));
        break;
    case StepStatus::Running:
        if (progress.fraction >= 0.6) {
            m_ui->connectedValue->setText(tr("✔ The device logged its connection to nRF Cloud."));
            m_ui->listedValue->setText(progress.text);
        } else {
            m_ui->connectedValue->setText(tr("Waiting for the device to connect…"));
            m_ui->listedValue->setText(tr("Not asked yet."));
        }
        break;
    case StepStatus::Pending:
        m_ui->connectedValue->setText(tr("Waiting for provisioning to finish…"));
        m_ui->listedValue->setText(tr("Not asked yet."));
        break;
    default:
        m_ui->connectedValue->setText(step->error);
        m_ui->listedValue->setText(step->hint);
        break;
    }
}

// ---------------------------------------------------------------------------------------------

ClaimSummaryPage::ClaimSummaryPage(ClaimWizard *wizard)
    : FlowPage(wizard)
    , m_ui(std::make_unique<Ui::ClaimSummaryPage>()) {
    m_ui->setupUi(this);
    setFinalPage(true);
    m_ui->summary->setTracker(wizard->tracker());
}

ClaimSummaryPage::~ClaimSummaryPage() = default;

void ClaimSummaryPage::initializePage() {
    m_ui->summary->refresh();
}

bool ClaimSummaryPage::isComplete() const {
    return tracker()->isFinished();
}

} // namespace ps::gui
