#pragma once

#include "AccountSettings.h"
#include "cloud/ApiError.h"
#include "cloud/ApiKeyStore.h"

#include <QCoro/QCoroTask>
#include <QObject>
#include <QString>
#include <expected>
#include <optional>

namespace ps::cloud {
class RestClient;
}

namespace ps::gui {

/// What a check of the account found, in words: `summary` says what happened, `hint` what to
/// do next (empty when all is well). Never contains the key.
struct AccountCheck {
    bool ok = false;
    QString summary;
    QString hint;
    int httpStatus = 0; ///< the server's status when it refused, 0 otherwise
};

/// A change made in the Account dialog, for CloudAccount::apply().
struct AccountChange {
    AccountSettings settings;
    QString newKey;               ///< empty: keep the key in use
    bool storeKey = false;        ///< keep newKey in the keychain (or the key file)
    bool forgetStoredKey = false; ///< remove the stored key (keychain entry or key file)
};

/// The workstation's nRF Cloud account: the settings, the API key and the REST client that
/// every flow of this window shares (it bounds concurrent requests).
///
/// The key is read on demand (loadKey()) from where AccountSettings says: the key file, else
/// PROVSTATION_API_KEY, else the OS keychain; or it is given for this session only (useKey()).
/// It stays in memory, in this object and the REST client; it is never logged, shown or
/// written to the settings.
///
///     CloudAccount account(AccountSettings::load(store));
///     co_await account.loadKey();                 // failure: the flows' account step says so
///     ClaimFlow flow({.device = link, .cloud = account.client(), ...});
class CloudAccount : public QObject {
    Q_OBJECT
public:
    enum class KeySource { None, File, Environment, Keychain, Session };

    explicit CloudAccount(AccountSettings settings, QObject *parent = nullptr);
    ~CloudAccount() override;

    [[nodiscard]] const AccountSettings &settings() const { return m_settings; }
    /// New settings for the requests that start from now on. A key read from the key file or
    /// the keychain is read again (lazily) when the key file or the cloud changed.
    void setSettings(AccountSettings settings);

    [[nodiscard]] ps::cloud::RestClient *client() const { return m_client; }
    [[nodiscard]] bool hasKey() const { return !m_key.isEmpty(); }
    [[nodiscard]] KeySource keySource() const { return m_source; }
    /// "the key file /path", "the keychain", "PROVSTATION_API_KEY", "this session only", or
    /// "no key yet".
    [[nodiscard]] QString keySourceText() const;

    /// Reads the key into the client unless one is in use already; the error says where it
    /// looked and what to do.
    QCoro::Task<std::expected<void, ps::cloud::KeyStoreError>> loadKey();
    /// Uses `key` until the application quits; nothing is stored.
    void useKey(const QString &key);
    /// Stores `key` (in the key file when one is set, else in the keychain) and uses it.
    QCoro::Task<std::expected<void, ps::cloud::KeyStoreError>> storeKey(QString key);
    /// Removes the stored key and stops using a key that came from there.
    QCoro::Task<std::expected<void, ps::cloud::KeyStoreError>> forgetStoredKey();
    /// Applies what the Account dialog returned: settings first, then the key. An error says
    /// which part failed; the settings are applied in any case.
    QCoro::Task<std::expected<void, QString>> apply(AccountChange change);

    /// A cheap authenticated call (the provisioning rules) with `settings` and `key` (nullopt:
    /// the key in use, read first when needed), answered in words.
    QCoro::Task<AccountCheck> check(ps::cloud::CloudSettings settings,
                                    std::optional<QString> key = std::nullopt);
    /// The same with the account's own settings and key.
    QCoro::Task<AccountCheck> check();

    /// The words for a check that ended with `error` (public for tests).
    static AccountCheck describeFailure(const ps::cloud::ApiError &error, const QUrl &url);

Q_SIGNALS:
    /// Settings or key changed.
    void changed();

private:
    void setKey(const QString &key, KeySource source);

    AccountSettings m_settings;
    ps::cloud::RestClient *m_client = nullptr;
    ps::cloud::ApiKeyStore *m_keys = nullptr; ///< rebuilt when the key file changes
    QString m_key;
    KeySource m_source = KeySource::None;
};

} // namespace ps::gui
