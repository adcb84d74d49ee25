// ApiKeyStore: the headless sources, and the OS keychain for real through QtKeychain on a
// private D-Bus session with GNOME Keyring.
#include "cloud/ApiKeyStore.h"

#include "CloudTestSupport.h"
#include "KeyringSession.h"

#include <QCoro/QCoroTask>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QUuid>
#include <gtest/gtest.h>
#include <memory>

using namespace ps::cloud;
using namespace ps::cloudtest;
using namespace Qt::StringLiterals;

namespace {

const QUrl NrfCloud(u"https://api.nrfcloud.com/v1/"_s);
const QUrl StandIn(u"https://127.0.0.1:8443/v1/"_s);

/// Sets or clears PROVSTATION_API_KEY for one test and restores it afterwards.
class EnvironmentKey {
public:
    explicit EnvironmentKey(const QByteArray &value)
        : m_had(qEnvironmentVariableIsSet(ApiKeyStore::EnvironmentVariable))
        , m_previous(qgetenv(ApiKeyStore::EnvironmentVariable)) {
        if (value.isNull())
            qunsetenv(ApiKeyStore::EnvironmentVariable);
        else
            qputenv(ApiKeyStore::EnvironmentVariable, value);
    }
    ~EnvironmentKey() {
        if (m_had)
            qputenv(ApiKeyStore::EnvironmentVariable, m_previous);
        else
            qunsetenv(ApiKeyStore::EnvironmentVariable);
    }

private:
    bool m_had;
    QByteArray m_previous;
};

} // namespace

TEST(ApiKeyStore, NamesTheKeychainAccountAfterTheCloudsOrigin) {
    EXPECT_EQ(ApiKeyStore::accountFor(NrfCloud), u"https://api.nrfcloud.com"_s);
    EXPECT_EQ(ApiKeyStore::accountFor(StandIn), u"https://127.0.0.1:8443"_s);
    EXPECT_EQ(ApiKeyStore::accountFor(QUrl(u"https://user:pw@api.nrfcloud.com/v1/?q=1"_s)),
              u"https://api.nrfcloud.com"_s);
}

TEST(ApiKeyStore, ReadsTheKeyFromTheEnvironment) {
    const EnvironmentKey environment("  env-key-1 \n");
    ApiKeyStore store;
    auto key = QCoro::waitFor(store.read(NrfCloud));
    ASSERT_TRUE(key.has_value()) << key.error().message.toStdString();
    EXPECT_EQ(key->value, u"env-key-1"_s);
    EXPECT_EQ(key->source, ApiKeyStore::Source::Environment);
}

TEST(ApiKeyStore, AKeyFileWinsOverTheEnvironment) {
    const EnvironmentKey environment("env-key-2");
    QTemporaryDir dir;
    const QString path = dir.filePath(u"key"_s);
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("file-key-2\nsecond line is ignored\n");
    file.close();
    ApiKeyStore store({.keyFile = path});
    auto key = QCoro::waitFor(store.read(NrfCloud));
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->value, u"file-key-2"_s);
    EXPECT_EQ(key->source, ApiKeyStore::Source::File);
}

TEST(ApiKeyStore, WritesTheKeyFileForItsOwnerOnly) {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"key"_s);
    ApiKeyStore store({.keyFile = path});
    ASSERT_TRUE(QCoro::waitFor(store.write(NrfCloud, u"written-key"_s)));
    EXPECT_EQ(QFile::permissions(path) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
              QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    EXPECT_EQ(QCoro::waitFor(store.read(NrfCloud))->value, u"written-key"_s);
    ASSERT_TRUE(QCoro::waitFor(store.remove(NrfCloud)));
    EXPECT_FALSE(QFile::exists(path));
}

TEST(ApiKeyStore, AMissingOrEmptyKeyFileIsReportedWithItsPath) {
    QTemporaryDir dir;
    ApiKeyStore missing({.keyFile = dir.filePath(u"absent"_s)});
    auto unread = QCoro::waitFor(missing.read(NrfCloud));
    ASSERT_FALSE(unread.has_value());
    EXPECT_EQ(unread.error().kind, KeyStoreError::Kind::Unavailable);
    EXPECT_TRUE(unread.error().message.contains(dir.filePath(u"absent"_s)));

    QFile empty(dir.filePath(u"empty"_s));
    ASSERT_TRUE(empty.open(QIODevice::WriteOnly));
    empty.close();
    ApiKeyStore store({.keyFile = empty.fileName()});
    auto nothing = QCoro::waitFor(store.read(NrfCloud));
    ASSERT_FALSE(nothing.has_value());
    EXPECT_EQ(nothing.error().kind, KeyStoreError::Kind::NotFound);
}

TEST(ApiKeyStore, RefusesToStoreAnEmptyKey) {
    QTemporaryDir dir;
    ApiKeyStore store({.keyFile = dir.filePath(u"key"_s)});
    EXPECT_FALSE(QCoro::waitFor(store.write(NrfCloud, u"   "_s)).has_value());
    EXPECT_FALSE(QFile::exists(dir.filePath(u"key"_s)));
}

/// Tests of the keychain itself, on the process's private keyring session.
class ApiKeyStoreKeychain : public testing::Test {
protected:
    void SetUp() override {
        const KeyringSession &session = KeyringSession::shared();
        ASSERT_TRUE(session.isReady()) << session.problem().toStdString();
    }

    /// A store on a service name of its own, so runs never see each other's entries.
    ApiKeyStoreOptions options() const {
        return {.useEnvironment = false, .service = m_service, .keychainTimeoutMs = 20'000};
    }

    const QString m_service = u"ProvStationTest-"_s + QUuid::createUuid().toString(QUuid::Id128);
    const EnvironmentKey m_noEnvironment{QByteArray()};
};

TEST_F(ApiKeyStoreKeychain, StoresReadsAndRemovesAKey) {
    ApiKeyStore store(options());
    auto before = QCoro::waitFor(store.read(NrfCloud));
    ASSERT_FALSE(before.has_value());
    EXPECT_EQ(before.error().kind, KeyStoreError::Kind::NotFound)
        << before.error().message.toStdString();
    EXPECT_TRUE(before.error().hint.contains(u"Settings > Account"_s));

    auto written = QCoro::waitFor(store.write(NrfCloud, u"keychain-key-1"_s));
    ASSERT_TRUE(written.has_value()) << written.error().message.toStdString();
    auto key = QCoro::waitFor(store.read(NrfCloud));
    ASSERT_TRUE(key.has_value()) << key.error().message.toStdString();
    EXPECT_EQ(key->value, u"keychain-key-1"_s);
    EXPECT_EQ(key->source, ApiKeyStore::Source::Keychain);

    ASSERT_TRUE(QCoro::waitFor(store.remove(NrfCloud)));
    EXPECT_EQ(QCoro::waitFor(store.read(NrfCloud)).error().kind, KeyStoreError::Kind::NotFound);
    EXPECT_TRUE(QCoro::waitFor(store.remove(NrfCloud)).has_value());
}

TEST_F(ApiKeyStoreKeychain, KeepsOneKeyPerCloud) {
    ApiKeyStore store(options());
    ASSERT_TRUE(QCoro::waitFor(store.write(NrfCloud, u"production-key"_s)));
    ASSERT_TRUE(QCoro::waitFor(store.write(StandIn, u"stand-in-key"_s)));
    EXPECT_EQ(QCoro::waitFor(store.read(NrfCloud))->value, u"production-key"_s);
    EXPECT_EQ(QCoro::waitFor(store.read(StandIn))->value, u"stand-in-key"_s);
    ASSERT_TRUE(QCoro::waitFor(store.write(StandIn, u"replaced-key"_s)));
    EXPECT_EQ(QCoro::waitFor(store.read(StandIn))->value, u"replaced-key"_s);
    QCoro::waitFor(store.remove(NrfCloud));
    QCoro::waitFor(store.remove(StandIn));
}

TEST_F(ApiKeyStoreKeychain, TheKeyReachesNeitherTheLogNorAnySettingsFile) {
    const QString secret = u"ps-keychain-secret-93be41"_s;
    LogCapture capture;
    ApiKeyStore store(options());
    ASSERT_TRUE(QCoro::waitFor(store.write(NrfCloud, secret)));
    ASSERT_TRUE(QCoro::waitFor(store.read(NrfCloud)));
    ASSERT_TRUE(QCoro::waitFor(store.remove(NrfCloud)));
    const QString log = capture.text();
    EXPECT_TRUE(log.contains(u"API key read from the keychain"_s)) << log.toStdString();
    EXPECT_FALSE(log.contains(secret));

    // No plain-text fallback copy in the application's settings.
    QSettings settings;
    for (const QString &key : settings.allKeys())
        EXPECT_FALSE(settings.value(key).toString().contains(secret)) << key.toStdString();
}
