#pragma once

#include <QCoro/QCoroTask>
#include <QObject>
#include <QString>
#include <QUrl>
#include <expected>

namespace ps::cloud {

/// Why the API key could not be read, stored or removed; never contains the key.
struct KeyStoreError {
    enum class Kind {
        NotFound,    ///< nothing stored for this cloud
        Unavailable, ///< the keychain (or the key file) could not be used
    };
    Kind kind = Kind::Unavailable;
    QString message;
    QString hint;
};

struct ApiKeyStoreOptions {
    /// Headless use: a file whose first line is the key. When set it wins over everything
    /// else, and write() stores there (mode 0600) instead of in the keychain.
    QString keyFile;
    /// Headless use: take the key from PROVSTATION_API_KEY when that is set and no key file is.
    bool useEnvironment = true;
    /// Keychain service name; tests use their own so they never touch a real entry.
    QString service = QStringLiteral("ProvStation");
    /// Bound on one keychain operation (a locked keychain may wait for a prompt).
    int keychainTimeoutMs = 30'000;
};

/// Where the nRF Cloud API key lives: the OS keychain (QtKeychain: Secret Service on Linux,
/// Keychain on macOS, Credential Manager on Windows), one entry per cloud, under the service
/// "ProvStation" and the account "<scheme>://<host>[:<port>]" of the cloud's base URL.
///
/// Order when reading: the key file if one is configured, then PROVSTATION_API_KEY, then the
/// keychain; an explicit choice wins over the stored one. The key is never logged, never put
/// in an error text and never written to a settings file.
class ApiKeyStore : public QObject {
    Q_OBJECT

public:
    static constexpr auto EnvironmentVariable = "PROVSTATION_API_KEY";

    enum class Source { File, Environment, Keychain };
    struct Key {
        QString value;
        Source source = Source::Keychain;
    };

    explicit ApiKeyStore(ApiKeyStoreOptions options = {}, QObject *parent = nullptr);

    QCoro::Task<std::expected<Key, KeyStoreError>> read(QUrl cloudBaseUrl);
    /// Stores `key` in the key file when one is configured, else in the keychain.
    QCoro::Task<std::expected<void, KeyStoreError>> write(QUrl cloudBaseUrl, QString key);
    /// Removes the keychain entry (or the key file). Removing what is not there succeeds.
    QCoro::Task<std::expected<void, KeyStoreError>> remove(QUrl cloudBaseUrl);

    /// The keychain account for a cloud: "https://api.nrfcloud.com".
    static QString accountFor(const QUrl &cloudBaseUrl);
    [[nodiscard]] const ApiKeyStoreOptions &options() const { return m_options; }

private:
    ApiKeyStoreOptions m_options;
};

QString sourceName(ApiKeyStore::Source source);

} // namespace ps::cloud
