#include "AccountDialog.h"

#include "ui_AccountDialog.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QPointer>
#include <QPushButton>

namespace ps::gui {

using namespace Qt::StringLiterals;

namespace {

QUrl urlFrom(const QLineEdit *edit) {
    return QUrl(edit->text().trimmed(), QUrl::StrictMode);
}

/// Why `url` cannot be an API base URL, or empty when it can.
QString urlProblem(const QUrl &url, const QString &which) {
    if (!url.isValid() || url.host().isEmpty())
        return AccountDialog::tr("The %1 URL is not a valid address.").arg(which);
    if (url.scheme() != u"https"_s)
        return AccountDialog::tr("The %1 URL must start with https://: the cloud is only "
                                 "reached over verified TLS.")
            .arg(which);
    return {};
}

} // namespace

AccountDialog::AccountDialog(CloudAccount &account, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::AccountDialog>())
    , m_account(account) {
    m_ui->setupUi(this);
    m_ui->tlsNote->setForegroundRole(QPalette::PlaceholderText);
    const AccountSettings &current = account.settings();
    m_ui->provisioningUrlEdit->setText(current.cloud.provisioningBaseUrl.toString());
    m_ui->mainUrlEdit->setText(current.cloud.mainBaseUrl.toString());
    m_ui->caFileEdit->setText(QDir::toNativeSeparators(current.cloud.extraCaFile));
    m_ui->keyFileEdit->setText(QDir::toNativeSeparators(current.apiKeyFile));
    updateKeyTexts();

    connect(m_ui->defaultsButton, &QPushButton::clicked, this, [this] {
        m_ui->provisioningUrlEdit->setText(
            QString::fromLatin1(ps::cloud::CloudSettings::DefaultProvisioningBaseUrl));
        m_ui->mainUrlEdit->setText(
            QString::fromLatin1(ps::cloud::CloudSettings::DefaultMainBaseUrl));
    });
    connect(m_ui->caBrowseButton, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Extra Trusted CA"), QFileInfo(m_ui->caFileEdit->text()).path(),
            tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"));
        if (!file.isEmpty())
            m_ui->caFileEdit->setText(QDir::toNativeSeparators(file));
    });
    connect(m_ui->keyFileBrowseButton, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("API Key File"), QFileInfo(m_ui->keyFileEdit->text()).path(),
            tr("Text files (*.txt *.key);;All files (*)"));
        if (!file.isEmpty())
            m_ui->keyFileEdit->setText(QDir::toNativeSeparators(file));
    });
    connect(m_ui->checkButton, &QPushButton::clicked, this, &AccountDialog::startCheck);
    for (QLineEdit *edit : {m_ui->provisioningUrlEdit, m_ui->mainUrlEdit, m_ui->caFileEdit,
                            m_ui->keyFileEdit, m_ui->keyEdit}) {
        connect(edit, &QLineEdit::textChanged, this, [this] {
            validate();
            updateKeyTexts();
        });
    }
    connect(m_ui->forgetKeyCheck, &QCheckBox::toggled, this, &AccountDialog::updateKeyTexts);
    validate();
}

AccountDialog::~AccountDialog() = default;

std::optional<AccountChange> AccountDialog::ask(QWidget *parent, CloudAccount &account) {
    AccountDialog dialog(account, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.change();
}

AccountChange AccountDialog::change() const {
    AccountChange change;
    change.settings = m_account.settings();
    change.settings.cloud.provisioningBaseUrl = urlFrom(m_ui->provisioningUrlEdit);
    change.settings.cloud.mainBaseUrl = urlFrom(m_ui->mainUrlEdit);
    change.settings.cloud.extraCaFile =
        QDir::fromNativeSeparators(m_ui->caFileEdit->text().trimmed());
    change.settings.apiKeyFile = QDir::fromNativeSeparators(m_ui->keyFileEdit->text().trimmed());
    change.newKey = m_ui->keyEdit->text().trimmed();
    change.storeKey = !change.newKey.isEmpty() && m_ui->storeKeyCheck->isChecked();
    change.forgetStoredKey = m_ui->forgetKeyCheck->isChecked();
    return change;
}

void AccountDialog::validate() {
    QStringList problems;
    if (const QString p = urlProblem(urlFrom(m_ui->provisioningUrlEdit), tr("provisioning API"));
        !p.isEmpty())
        problems.append(p);
    if (const QString p = urlProblem(urlFrom(m_ui->mainUrlEdit), tr("main API")); !p.isEmpty())
        problems.append(p);
    const QString ca = m_ui->caFileEdit->text().trimmed();
    if (!ca.isEmpty() && !QFileInfo(ca).isReadable())
        problems.append(tr("The CA file %1 cannot be read.").arg(ca));
    const QString keyFile = m_ui->keyFileEdit->text().trimmed();
    if (!keyFile.isEmpty() && m_ui->keyEdit->text().trimmed().isEmpty() &&
        !QFileInfo(keyFile).isReadable())
        problems.append(
            tr("The key file %1 cannot be read; paste a key to create it.").arg(keyFile));
    m_ui->problemLabel->setText(problems.join(u' '));
    m_ui->problemLabel->setVisible(!problems.isEmpty());
    const bool urlsOk =
        problems.isEmpty() || (urlProblem(urlFrom(m_ui->provisioningUrlEdit), {}).isEmpty() &&
                               urlProblem(urlFrom(m_ui->mainUrlEdit), {}).isEmpty());
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(problems.isEmpty());
    m_ui->checkButton->setEnabled(urlsOk && !m_checking);
}

void AccountDialog::updateKeyTexts() {
    const bool toFile = !m_ui->keyFileEdit->text().trimmed().isEmpty();
    m_ui->storeKeyCheck->setText(toFile ? tr("&Store the new key in the key file")
                                        : tr("&Store the new key in the system keychain"));
    m_ui->storeKeyCheck->setEnabled(!m_ui->keyEdit->text().trimmed().isEmpty());
    m_ui->forgetKeyCheck->setText(toFile ? tr("&Remove the key file")
                                         : tr("&Remove the key from the system keychain"));
    QString status = m_account.hasKey()
                         ? tr("A key from %1 is in use.").arg(m_account.keySourceText())
                         : tr("No key has been read yet; it is read from %1 when needed.")
                               .arg(toFile ? tr("the key file") : tr("the system keychain"));
    if (!m_ui->keyEdit->text().trimmed().isEmpty())
        status += u' ' + tr("It will be replaced by the new key.");
    else if (m_ui->forgetKeyCheck->isChecked())
        status += u' ' + tr("The stored key will be removed.");
    m_ui->keyStatusLabel->setText(status);
}

void AccountDialog::startCheck() {
    if (m_checking)
        return;
    QCoro::connect(runCheck(), this, [] {});
}

QString AccountDialog::checkText() const {
    return m_ui->checkResultLabel->text();
}

QCoro::Task<> AccountDialog::runCheck() {
    QPointer<AccountDialog> self = this;
    m_checking = true;
    const int generation = ++m_checkGeneration;
    m_ui->checkButton->setEnabled(false);
    m_ui->checkResultLabel->setText(tr("Checking…"));
    const AccountChange form = change();
    std::optional<QString> key;
    if (!form.newKey.isEmpty()) {
        key = form.newKey;
    } else if (!form.settings.apiKeyFile.isEmpty() &&
               form.settings.apiKeyFile != m_account.settings().apiKeyFile) {
        // Another key file than the one in use: check the key it holds.
        QFile file(form.settings.apiKeyFile);
        key = file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readLine()).trimmed()
                                             : QString();
    }
    const AccountCheck result = co_await m_account.check(form.settings.cloud, key);
    if (!self || generation != m_checkGeneration)
        co_return;
    m_checking = false;
    QString text = result.ok ? tr("✔ %1").arg(result.summary) : tr("✘ %1").arg(result.summary);
    if (!result.hint.isEmpty())
        text += u' ' + result.hint;
    m_ui->checkResultLabel->setText(text);
    validate();
    Q_EMIT checkFinished(result);
}

} // namespace ps::gui
