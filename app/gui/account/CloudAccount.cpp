#include "CloudAccount.h"

#include "cloud/ProvisioningApi.h"
#include "cloud/RestClient.h"

#include <QDir>
#include <QPointer>
#include <memory>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::cloud::ApiError;
using ps::cloud::KeyStoreError;

namespace {

/// A check gives up sooner than a flow: the person is waiting for the answer.
constexpr int CheckTimeoutMs = 15'000;
constexpr int CheckAttempts = 2;

QString hostOf(const QUrl &url) {
    return url.port() > 0 ? u"%1:%2"_s.arg(url.host()).arg(url.port()) : url.host();
}

} // namespace

CloudAccount::CloudAccount(AccountSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_client(new ps::cloud::RestClient(m_settings.cloud, this))
    , m_keys(new ps::cloud::ApiKeyStore(m_settings.keyStoreOptions(), this)) {}

CloudAccount::~CloudAccount() = default;

void CloudAccount::setSettings(AccountSettings settings) {
    if (settings == m_settings)
        return;
    const bool keyPlaceChanged =
        settings.apiKeyFile != m_settings.apiKeyFile ||
        ps::cloud::ApiKeyStore::accountFor(settings.cloud.provisioningBaseUrl) !=
            ps::cloud::ApiKeyStore::accountFor(m_settings.cloud.provisioningBaseUrl);
    m_settings = std::move(settings);
    m_client->setSettings(m_settings.cloud);
    if (keyPlaceChanged) {
        m_keys->deleteLater();
        m_keys = new ps::cloud::ApiKeyStore(m_settings.keyStoreOptions(), this);
        // A key typed for this session stays; one read from a store is read again from the
        // new place when next needed.
        if (m_source != KeySource::Session)
            setKey({}, KeySource::None);
    }
    Q_EMIT changed();
}

QString CloudAccount::keySourceText() const {
    switch (m_source) {
    case KeySource::None:
        return tr("no key yet");
    case KeySource::File:
        return tr("the key file %1").arg(QDir::toNativeSeparators(m_settings.apiKeyFile));
    case KeySource::Environment:
        return QString::fromLatin1(ps::cloud::ApiKeyStore::EnvironmentVariable);
    case KeySource::Keychain:
        return tr("the system keychain");
    case KeySource::Session:
        return tr("this session only (not stored)");
    }
    return {};
}

void CloudAccount::setKey(const QString &key, KeySource source) {
    m_key = key;
    m_source = key.isEmpty() ? KeySource::None : source;
    m_client->setApiKey(m_key);
}

QCoro::Task<std::expected<void, KeyStoreError>> CloudAccount::loadKey() {
    if (hasKey())
        co_return {};
    QPointer<CloudAccount> self = this;
    const QUrl cloud = m_settings.cloud.provisioningBaseUrl;
    QPointer<ps::cloud::ApiKeyStore> keys = m_keys;
    auto read = co_await keys->read(cloud);
    if (!self)
        co_return std::unexpected(KeyStoreError{
            KeyStoreError::Kind::Unavailable, tr("The window closed meanwhile."), {}});
    if (!read)
        co_return std::unexpected(read.error());
    if (!hasKey()) {
        const KeySource source =
            read->source == ps::cloud::ApiKeyStore::Source::File          ? KeySource::File
            : read->source == ps::cloud::ApiKeyStore::Source::Environment ? KeySource::Environment
                                                                          : KeySource::Keychain;
        setKey(read->value, source);
        Q_EMIT changed();
    }
    co_return {};
}

void CloudAccount::useKey(const QString &key) {
    setKey(key.trimmed(), KeySource::Session);
    Q_EMIT changed();
}

QCoro::Task<std::expected<void, KeyStoreError>> CloudAccount::storeKey(QString key) {
    QPointer<CloudAccount> self = this;
    key = key.trimmed();
    const QUrl cloud = m_settings.cloud.provisioningBaseUrl;
    const bool toFile = !m_settings.apiKeyFile.isEmpty();
    QPointer<ps::cloud::ApiKeyStore> keys = m_keys;
    auto written = co_await keys->write(cloud, key);
    if (!self)
        co_return written;
    if (written) {
        setKey(key, toFile ? KeySource::File : KeySource::Keychain);
        Q_EMIT changed();
    }
    co_return written;
}

QCoro::Task<std::expected<void, KeyStoreError>> CloudAccount::forgetStoredKey() {
    QPointer<CloudAccount> self = this;
    const QUrl cloud = m_settings.cloud.provisioningBaseUrl;
    QPointer<ps::cloud::ApiKeyStore> keys = m_keys;
    auto removed = co_await keys->remove(cloud);
    if (!self)
        co_return removed;
    if (removed && m_source != KeySource::Session && m_source != KeySource::Environment) {
        setKey({}, KeySource::None);
        Q_EMIT changed();
    }
    co_return removed;
}

QCoro::Task<std::expected<void, QString>> CloudAccount::apply(AccountChange change) {
    QPointer<CloudAccount> self = this;
    setSettings(change.settings);
    if (change.forgetStoredKey) {
        auto removed = co_await forgetStoredKey();
        if (!self)
            co_return {};
        if (!removed)
            co_return std::unexpected(tr("The stored key could not be removed: %1 %2")
                                          .arg(removed.error().message, removed.error().hint));
    }
    if (change.newKey.trimmed().isEmpty())
        co_return {};
    if (!change.storeKey) {
        useKey(change.newKey);
        co_return {};
    }
    auto stored = co_await storeKey(change.newKey);
    if (!self)
        co_return {};
    if (!stored) {
        // The key still works for this session; say that it was not kept.
        useKey(change.newKey);
        co_return std::unexpected(
            tr("The key is used for this session but could not be stored: %1 %2")
                .arg(stored.error().message, stored.error().hint));
    }
    co_return {};
}

QCoro::Task<AccountCheck> CloudAccount::check() {
    co_return co_await check(m_settings.cloud);
}

QCoro::Task<AccountCheck> CloudAccount::check(ps::cloud::CloudSettings settings,
                                              std::optional<QString> key) {
    QPointer<CloudAccount> self = this;
    if (!key) {
        auto loaded = co_await loadKey();
        if (!self)
            co_return AccountCheck{};
        if (!loaded) {
            AccountCheck missing;
            missing.summary = tr("No API key to check: %1").arg(loaded.error().message);
            missing.hint = loaded.error().hint.isEmpty()
                               ? tr("Paste the API key from nrfcloud.com (User Account > API "
                                    "Key) and check again.")
                               : loaded.error().hint;
            co_return missing;
        }
        key = m_key;
    }
    if (key->trimmed().isEmpty()) {
        AccountCheck missing;
        missing.summary = tr("No API key is set.");
        missing.hint = tr("Paste the API key from nrfcloud.com (User Account > API Key).");
        co_return missing;
    }

    // A client of its own: the edited settings may differ from the ones in use.
    settings.transferTimeoutMs = std::min(settings.transferTimeoutMs, CheckTimeoutMs);
    settings.maxAttempts = std::min(settings.maxAttempts, CheckAttempts);
    const QUrl url = settings.provisioningBaseUrl;
    auto client = std::make_unique<ps::cloud::RestClient>(settings);
    client->setApiKey(*key);
    ps::cloud::ProvisioningApi api(*client);
    auto rules = co_await api.listRules();
    if (!rules)
        co_return describeFailure(rules.error(), url);

    AccountCheck ok;
    ok.ok = true;
    const auto onboarding = std::ranges::find_if(*rules, [](const ps::cloud::ProvisioningRule &r) {
        return r.active && r.tags.contains(QString::fromLatin1(ps::cloud::OnboardingTag));
    });
    ok.summary = tr("The key works: %1 answered, and the account has %n provisioning rule(s)", "",
                    int(rules->size()))
                     .arg(hostOf(url));
    if (onboarding != rules->end()) {
        ok.summary += tr(", among them the onboarding rule '%1'.").arg(onboarding->name);
    } else {
        ok.summary += tr(", but no active onboarding rule.");
        ok.hint = tr("The claim wizard can create the default onboarding rule when you agree.");
    }
    co_return ok;
}

AccountCheck CloudAccount::describeFailure(const ApiError &error, const QUrl &url) {
    AccountCheck check;
    check.httpStatus = error.kind == ApiError::Kind::Http ? error.httpStatus : 0;
    const QString host = hostOf(url);
    switch (error.kind) {
    case ApiError::Kind::Http:
        if (error.httpStatus == 401 || error.httpStatus == 403) {
            check.summary = tr("%1 refused the API key (HTTP %2: %3).")
                                .arg(host)
                                .arg(error.httpStatus)
                                .arg(error.message);
            check.hint = tr("Copy the key again from nrfcloud.com (User Account > API Key); a "
                            "key stops working when it is regenerated there.");
        } else if (error.httpStatus == 404) {
            check.summary = tr("%1 does not know this address (HTTP 404).").arg(host);
            check.hint =
                tr("Check the provisioning API URL; nRF Cloud's is %1.")
                    .arg(QString::fromLatin1(ps::cloud::CloudSettings::DefaultProvisioningBaseUrl));
        } else if (error.httpStatus == 429) {
            check.summary = tr("%1 asks to slow down (HTTP 429).").arg(host);
            check.hint = tr("Wait a minute and check again.");
        } else if (error.httpStatus >= 500) {
            check.summary = tr("%1 has a problem of its own (HTTP %2: %3).")
                                .arg(host)
                                .arg(error.httpStatus)
                                .arg(error.message);
            check.hint = tr("Nothing is wrong with the settings as far as this shows; try "
                            "again in a few minutes.");
        } else {
            check.summary =
                tr("%1 answered HTTP %2: %3.").arg(host).arg(error.httpStatus).arg(error.message);
            check.hint = error.hint;
        }
        break;
    case ApiError::Kind::Network:
        check.summary = tr("Cannot reach %1: %2.").arg(host, error.message);
        check.hint = tr("Check the network connection and the URL (and a proxy, if any).");
        break;
    case ApiError::Kind::Tls:
        check.summary = tr("The certificate of %1 is not trusted: %2.").arg(host, error.message);
        check.hint = tr("TLS is always verified. For a local stand-in, choose its CA file as "
                        "the extra trusted CA.");
        break;
    case ApiError::Kind::Timeout:
        check.summary = tr("%1 did not answer in time.").arg(host);
        check.hint = tr("Check the network connection, then check again.");
        break;
    case ApiError::Kind::BadResponse:
        check.summary =
            tr("%1 answered something that is not nRF Cloud's API: %2.").arg(host, error.message);
        check.hint = tr("Check the URL: it should end in /v1/.");
        break;
    case ApiError::Kind::Configuration:
        check.summary = error.message;
        check.hint = error.hint;
        break;
    }
    return check;
}

} // namespace ps::gui
