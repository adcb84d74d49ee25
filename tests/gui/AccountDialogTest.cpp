// The account: its settings round trip, the key read from a key file and never shown, the
// Account dialog's values, and its Check against the real provstation-cloudsim.

#include "gui/account/AccountDialog.h"

#include "../unit/cloud/KeyringSession.h"
#include "WizardTestSupport.h"
#include "gui/account/AccountSettings.h"
#include "gui/account/CloudAccount.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

namespace ps::gui {
namespace {

using namespace Qt::StringLiterals;
using test::StandIn;

constexpr auto Key = "account-test-key-8f2b";

QString writeKeyFile(const QTemporaryDir &dir, const QString &key) {
    QFile file(dir.filePath(u"key.txt"_s));
    EXPECT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(key.toUtf8() + '\n');
    return file.fileName();
}

TEST(AccountSettings, DefaultToNrfCloudAndRoundTripThroughASettingsFile) {
    QTemporaryDir dir;
    QSettings store(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    const AccountSettings defaults = AccountSettings::load(store);
    EXPECT_TRUE(defaults.usesNrfCloud());
    EXPECT_EQ(defaults.cloud.provisioningBaseUrl.toString(),
              u"https://api.provisioning.nrfcloud.com/v1/"_s);
    EXPECT_TRUE(defaults.apiKeyFile.isEmpty());

    AccountSettings changed;
    changed.cloud.provisioningBaseUrl = QUrl(u"https://127.0.0.1:4443/provisioning/v1/"_s);
    changed.cloud.mainBaseUrl = QUrl(u"https://127.0.0.1:4443/v1/"_s);
    changed.cloud.extraCaFile = u"/tmp/ca.pem"_s;
    changed.apiKeyFile = u"/tmp/key.txt"_s;
    changed.save(store);
    store.sync();
    QSettings again(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    EXPECT_EQ(AccountSettings::load(again), changed);
    EXPECT_FALSE(changed.usesNrfCloud());
    // The keys the demo writes, spelled as the settings file holds them.
    EXPECT_EQ(again.value(u"cloud/provisioningBaseUrl"_s).toString(),
              u"https://127.0.0.1:4443/provisioning/v1/"_s);
    EXPECT_EQ(again.value(u"cloud/extraCaFile"_s).toString(), u"/tmp/ca.pem"_s);
    EXPECT_EQ(again.value(u"account/apiKeyFile"_s).toString(), u"/tmp/key.txt"_s);
}

TEST(CloudAccount, ReadsTheKeyFromTheKeyFileAndSaysWhereItCameFrom) {
    QTemporaryDir dir;
    AccountSettings settings;
    settings.apiKeyFile = writeKeyFile(dir, QString::fromLatin1(Key));
    CloudAccount account(settings);
    EXPECT_FALSE(account.hasKey());
    const auto loaded = QCoro::waitFor(account.loadKey());
    ASSERT_TRUE(loaded.has_value());
    EXPECT_TRUE(account.hasKey());
    EXPECT_EQ(account.keySource(), CloudAccount::KeySource::File);
    EXPECT_TRUE(account.keySourceText().contains(u"key.txt"_s));
    EXPECT_FALSE(account.keySourceText().contains(QString::fromLatin1(Key)));
}

TEST(CloudAccount, StoresANewKeyInTheKeyFileWhenOneIsSet) {
    QTemporaryDir dir;
    AccountSettings settings;
    settings.apiKeyFile = dir.filePath(u"new-key.txt"_s);
    CloudAccount account(settings);
    AccountChange change;
    change.settings = settings;
    change.newKey = u"  fresh-key-1  "_s;
    change.storeKey = true;
    ASSERT_TRUE(QCoro::waitFor(account.apply(change)).has_value());
    QFile file(settings.apiKeyFile);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(file.readAll(), "fresh-key-1\n");
    EXPECT_EQ(file.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
              QFileDevice::Permissions{});
}

TEST(CloudAccount, UsesAKeyForTheSessionOnlyWhenNotAskedToStoreIt) {
    QTemporaryDir dir;
    AccountSettings settings;
    settings.apiKeyFile = dir.filePath(u"absent.txt"_s);
    CloudAccount account(settings);
    account.useKey(u"session-key"_s);
    EXPECT_EQ(account.keySource(), CloudAccount::KeySource::Session);
    EXPECT_FALSE(QFile::exists(settings.apiKeyFile));
}

TEST(CloudAccount, StoresANewKeyInTheKeychainWhenNoKeyFileIsSetAndReadsItBackNextTime) {
    // The OS keychain for real: GNOME Keyring's Secret Service on a private D-Bus.
    const auto &keyring = ps::cloudtest::KeyringSession::shared();
    ASSERT_TRUE(keyring.isReady()) << keyring.problem().toStdString();
    qunsetenv("PROVSTATION_API_KEY");
    QTemporaryDir dir;
    AccountSettings settings;
    settings.cloud.provisioningBaseUrl = QUrl(u"https://keychain-test.invalid/provisioning/v1/"_s);
    settings.cloud.mainBaseUrl = QUrl(u"https://keychain-test.invalid/v1/"_s);
    const QString key = u"keychain-test-key-%1"_s.arg(QDateTime::currentMSecsSinceEpoch());

    CloudAccount account(settings);
    AccountChange change;
    change.settings = settings;
    change.newKey = key;
    change.storeKey = true;
    const auto applied = QCoro::waitFor(account.apply(change));
    ASSERT_TRUE(applied.has_value()) << applied.error().toStdString();
    EXPECT_EQ(account.keySource(), CloudAccount::KeySource::Keychain);

    // The next start finds it there; the settings file never holds it.
    CloudAccount next(settings);
    const auto loaded = QCoro::waitFor(next.loadKey());
    ASSERT_TRUE(loaded.has_value());
    EXPECT_EQ(next.keySource(), CloudAccount::KeySource::Keychain);
    EXPECT_EQ(next.keySourceText(), account.keySourceText());
    {
        QSettings store(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
        next.settings().save(store);
    }
    QFile ini(dir.filePath(u"s.ini"_s));
    ASSERT_TRUE(ini.open(QIODevice::ReadOnly));
    EXPECT_FALSE(ini.readAll().contains(key.toUtf8()));

    // Forgetting it removes it from the keychain: a fresh start has no key.
    ASSERT_TRUE(QCoro::waitFor(next.forgetStoredKey()).has_value());
    CloudAccount after(settings);
    EXPECT_FALSE(QCoro::waitFor(after.loadKey()).has_value());
    EXPECT_FALSE(after.hasKey());
}

class AccountCheckTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        m_standIn = std::make_unique<StandIn>(m_dir.filePath(u"cloud"_s),
                                              QStringList{QString::fromLatin1(Key)});
        ASSERT_TRUE(m_standIn->isReady()) << m_standIn->output().toStdString();
        m_settings.cloud = m_standIn->settings();
        m_settings.apiKeyFile = writeKeyFile(m_dir, QString::fromLatin1(Key));
    }

    QTemporaryDir m_dir;
    std::unique_ptr<StandIn> m_standIn;
    AccountSettings m_settings;
};

TEST_F(AccountCheckTest, SaysTheKeyWorksAndNamesTheOnboardingRule) {
    CloudAccount account(m_settings);
    const AccountCheck check = QCoro::waitFor(account.check());
    EXPECT_TRUE(check.ok) << check.summary.toStdString();
    EXPECT_TRUE(check.summary.contains(u"The key works"_s));
    EXPECT_TRUE(check.summary.contains(u"onboarding rule"_s)) << check.summary.toStdString();
}

TEST_F(AccountCheckTest, SaysAWrongKeyIsRefusedAndWhatToDo) {
    CloudAccount account(m_settings);
    const AccountCheck check = QCoro::waitFor(account.check(m_settings.cloud, u"wrong"_s));
    EXPECT_FALSE(check.ok);
    EXPECT_EQ(check.httpStatus, 401);
    EXPECT_TRUE(check.summary.contains(u"refused the API key"_s)) << check.summary.toStdString();
    EXPECT_TRUE(check.hint.contains(u"API Key"_s));
    EXPECT_FALSE(check.summary.contains(u"wrong"_s)) << "the key never shows in words";
}

TEST_F(AccountCheckTest, SaysTheCertificateIsNotTrustedWithoutTheStandInsCa) {
    CloudAccount account(m_settings);
    ps::cloud::CloudSettings untrusted = m_settings.cloud;
    untrusted.extraCaFile.clear();
    const AccountCheck check = QCoro::waitFor(account.check(untrusted, QString::fromLatin1(Key)));
    EXPECT_FALSE(check.ok);
    EXPECT_TRUE(check.summary.contains(u"not trusted"_s)) << check.summary.toStdString();
    EXPECT_TRUE(check.hint.contains(u"CA file"_s));
}

TEST_F(AccountCheckTest, SaysWhenNothingAnswers) {
    CloudAccount account(m_settings);
    ps::cloud::CloudSettings nowhere = m_settings.cloud;
    nowhere.provisioningBaseUrl = QUrl(u"https://127.0.0.1:1/provisioning/v1/"_s);
    const AccountCheck check = QCoro::waitFor(account.check(nowhere, QString::fromLatin1(Key)));
    EXPECT_FALSE(check.ok);
    EXPECT_TRUE(check.summary.startsWith(u"Cannot reach 127.0.0.1:1"_s))
        << check.summary.toStdString();
}

TEST_F(AccountCheckTest, TheDialogNeverShowsTheKeyAndChecksWhatTheFormSays) {
    CloudAccount account(m_settings);
    ASSERT_TRUE(QCoro::waitFor(account.loadKey()).has_value());
    AccountDialog dialog(account);
    auto *keyEdit = dialog.findChild<QLineEdit *>(u"keyEdit"_s);
    EXPECT_TRUE(keyEdit->text().isEmpty());
    EXPECT_EQ(keyEdit->echoMode(), QLineEdit::Password);
    const QList<QLabel *> labels = dialog.findChildren<QLabel *>();
    for (const QLabel *label : labels)
        EXPECT_FALSE(label->text().contains(QString::fromLatin1(Key)));
    EXPECT_TRUE(dialog.findChild<QLabel *>(u"keyStatusLabel"_s)->text().contains(u"key file"_s));

    QSignalSpy finished(&dialog, &AccountDialog::checkFinished);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"checkButton"_s), Qt::LeftButton);
    ASSERT_TRUE(finished.wait(20'000));
    EXPECT_TRUE(dialog.checkText().contains(u"The key works"_s))
        << dialog.checkText().toStdString();

    QTest::keyClicks(keyEdit, u"typo-key"_s);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"checkButton"_s), Qt::LeftButton);
    ASSERT_TRUE(finished.wait(20'000));
    EXPECT_TRUE(dialog.checkText().contains(u"refused"_s)) << dialog.checkText().toStdString();
    EXPECT_FALSE(dialog.checkText().contains(u"typo-key"_s));
}

TEST(AccountDialog, ReturnsTheFormsValuesAndRefusesAPlainHttpAddress) {
    QTemporaryDir dir;
    CloudAccount account(AccountSettings{});
    AccountDialog dialog(account);
    auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    EXPECT_TRUE(ok->isEnabled());
    auto *provisioning = dialog.findChild<QLineEdit *>(u"provisioningUrlEdit"_s);
    provisioning->setText(u"http://example.com/v1/"_s);
    EXPECT_FALSE(ok->isEnabled());
    provisioning->setText(u"https://api.provisioning.dev.nrfcloud.com/v1/"_s);
    EXPECT_TRUE(ok->isEnabled());
    dialog.findChild<QLineEdit *>(u"keyEdit"_s)->setText(u"abc"_s);
    dialog.findChild<QCheckBox *>(u"storeKeyCheck"_s)->setChecked(false);
    const AccountChange change = dialog.change();
    EXPECT_EQ(change.settings.cloud.provisioningBaseUrl.host(),
              u"api.provisioning.dev.nrfcloud.com"_s);
    EXPECT_EQ(change.newKey, u"abc"_s);
    EXPECT_FALSE(change.storeKey);
    EXPECT_FALSE(change.forgetStoredKey);
}

} // namespace
} // namespace ps::gui
