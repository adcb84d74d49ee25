#include "ApiKeyStore.h"

#include "CloudLog.h"

#include <QCoro/QCoroSignal>
#include <QFile>
#include <QSaveFile>
#include <chrono>
#include <memory>
#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace ps::cloud {

namespace {

struct DeleteLater {
    void operator()(QObject *object) const {
        if (object)
            object->deleteLater();
    }
};

const QString HeadlessHint =
    u"Unlock the system keychain (GNOME Keyring, KWallet, macOS Keychain), or for headless use "
    "set PROVSTATION_API_KEY or a key file."_s;

KeyStoreError unavailable(QString message, QString hint = HeadlessHint) {
    return KeyStoreError{KeyStoreError::Kind::Unavailable, std::move(message), std::move(hint)};
}

using JobPointer = std::unique_ptr<QKeychain::Job, DeleteLater>;

/// Runs a keychain job to its end, bounded by `timeoutMs`. The caller owns the job and keeps
/// it alive across the co_await.
QCoro::Task<std::expected<void, KeyStoreError>> runJob(QKeychain::Job *job, int timeoutMs) {
    job->setAutoDelete(false);
    job->setInsecureFallback(false); // never a plain-text copy in a settings file
    auto finished = qCoro(job, &QKeychain::Job::finished, std::chrono::milliseconds(timeoutMs));
    job->start();
    const auto result = co_await std::move(finished);
    if (!result)
        co_return std::unexpected(
            unavailable(u"The keychain did not answer within %1 s."_s.arg(timeoutMs / 1000)));
    if (job->error() == QKeychain::EntryNotFound)
        co_return std::unexpected(
            KeyStoreError{KeyStoreError::Kind::NotFound, job->errorString(), {}});
    if (job->error() != QKeychain::NoError)
        co_return std::unexpected(
            unavailable(u"The keychain refused: %1."_s.arg(job->errorString())));
    co_return {};
}

} // namespace

QString sourceName(ApiKeyStore::Source source) {
    switch (source) {
    case ApiKeyStore::Source::File:
        return u"key file"_s;
    case ApiKeyStore::Source::Environment:
        return QString::fromLatin1(ApiKeyStore::EnvironmentVariable);
    case ApiKeyStore::Source::Keychain:
        return u"keychain"_s;
    }
    return {};
}

ApiKeyStore::ApiKeyStore(ApiKeyStoreOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {}

QString ApiKeyStore::accountFor(const QUrl &cloudBaseUrl) {
    return cloudBaseUrl
        .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                  QUrl::RemoveUserInfo | QUrl::StripTrailingSlash)
        .toString();
}

QCoro::Task<std::expected<ApiKeyStore::Key, KeyStoreError>> ApiKeyStore::read(QUrl cloudBaseUrl) {
    const ApiKeyStoreOptions options = m_options; // `this` may be gone after a co_await
    if (!options.keyFile.isEmpty()) {
        QFile file(options.keyFile);
        if (!file.open(QIODevice::ReadOnly))
            co_return std::unexpected(unavailable(
                u"Cannot read the API key file %1: %2."_s.arg(options.keyFile, file.errorString()),
                u"Check the key file path and its permissions."_s));
        const QString key = QString::fromUtf8(file.readLine()).trimmed();
        if (key.isEmpty())
            co_return std::unexpected(
                KeyStoreError{KeyStoreError::Kind::NotFound,
                              u"The API key file %1 is empty."_s.arg(options.keyFile),
                              u"Put the API key on the first line of the key file."_s});
        qCDebug(lcCloud) << "API key read from the key file";
        co_return Key{key, Source::File};
    }
    if (options.useEnvironment) {
        const QString key = qEnvironmentVariable(EnvironmentVariable).trimmed();
        if (!key.isEmpty()) {
            qCDebug(lcCloud) << "API key read from" << EnvironmentVariable;
            co_return Key{key, Source::Environment};
        }
    }

    const QString account = accountFor(cloudBaseUrl);
    auto *reader = new QKeychain::ReadPasswordJob(options.service);
    const JobPointer job(reader);
    reader->setKey(account);
    auto done = co_await runJob(reader, options.keychainTimeoutMs);
    if (!done) {
        KeyStoreError error = done.error();
        if (error.kind == KeyStoreError::Kind::NotFound) {
            error.message = u"No API key is stored for %1."_s.arg(account);
            error.hint = u"Enter the API key in Settings > Account."_s;
        }
        co_return std::unexpected(error);
    }
    const QString key = reader->textData().trimmed();
    if (key.isEmpty())
        co_return std::unexpected(KeyStoreError{
            KeyStoreError::Kind::NotFound, u"The keychain entry for %1 is empty."_s.arg(account),
            u"Enter the API key in Settings > Account."_s});
    qCDebug(lcCloud).noquote() << "API key read from the keychain for" << account;
    co_return Key{key, Source::Keychain};
}

QCoro::Task<std::expected<void, KeyStoreError>> ApiKeyStore::write(QUrl cloudBaseUrl, QString key) {
    const ApiKeyStoreOptions options = m_options;
    key = key.trimmed();
    if (key.isEmpty())
        co_return std::unexpected(unavailable(u"An empty API key cannot be stored."_s,
                                              u"Paste the API key from nRF Cloud."_s));
    if (!options.keyFile.isEmpty()) {
        QSaveFile file(options.keyFile);
        if (!file.open(QIODevice::WriteOnly) || file.write(key.toUtf8() + '\n') < 0 ||
            !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
            !file.commit())
            co_return std::unexpected(unavailable(
                u"Cannot write the API key file %1: %2."_s.arg(options.keyFile, file.errorString()),
                u"Check the key file path and its permissions."_s));
        co_return {};
    }
    auto *writer = new QKeychain::WritePasswordJob(options.service);
    const JobPointer job(writer);
    writer->setKey(accountFor(cloudBaseUrl));
    writer->setTextData(key);
    co_return co_await runJob(writer, options.keychainTimeoutMs);
}

QCoro::Task<std::expected<void, KeyStoreError>> ApiKeyStore::remove(QUrl cloudBaseUrl) {
    const ApiKeyStoreOptions options = m_options;
    if (!options.keyFile.isEmpty()) {
        if (QFile::exists(options.keyFile) && !QFile::remove(options.keyFile))
            co_return std::unexpected(
                unavailable(u"Cannot remove the API key file %1."_s.arg(options.keyFile),
                            u"Check the permissions of the key file's folder."_s));
        co_return {};
    }
    auto *deleter = new QKeychain::DeletePasswordJob(options.service);
    const JobPointer job(deleter);
    deleter->setKey(accountFor(cloudBaseUrl));
    auto removed = co_await runJob(deleter, options.keychainTimeoutMs);
    if (!removed && removed.error().kind == KeyStoreError::Kind::NotFound)
        co_return {};
    co_return removed;
}

} // namespace ps::cloud
