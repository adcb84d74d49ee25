#include "CredentialStore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace ps::devsim {

CredentialStore::CredentialStore(QString stateDir) {
    if (stateDir.isEmpty())
        return;
    m_path = QDir(stateDir).filePath(QStringLiteral("modem.json"));
    QFile file(m_path);
    if (!file.exists())
        return;
    if (!file.open(QIODevice::ReadOnly)) {
        m_loadError = QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString());
        return;
    }
    QJsonParseError parseError;
    const QJsonObject json = QJsonDocument::fromJson(file.readAll(), &parseError).object();
    if (parseError.error != QJsonParseError::NoError) {
        m_loadError =
            QStringLiteral("%1 is not valid JSON: %2").arg(m_path, parseError.errorString());
        return;
    }
    const QJsonArray credentials = json.value(u"credentials").toArray();
    for (const QJsonValue &value : credentials) {
        const QJsonObject entry = value.toObject();
        const auto secTag = quint32(entry.value(u"secTag").toInteger());
        const int type = entry.value(u"type").toInt();
        m_credentials[{secTag, type}] = entry.value(u"content").toString().toUtf8();
    }
}

std::optional<CredentialStore::Credential> CredentialStore::find(quint32 secTag, int type) const {
    const auto it = m_credentials.find({secTag, type});
    if (it == m_credentials.end())
        return std::nullopt;
    return Credential{secTag, type, it->second};
}

QList<CredentialStore::Credential> CredentialStore::list(std::optional<quint32> secTag,
                                                         std::optional<int> type) const {
    QList<Credential> result;
    for (const auto &[key, content] : m_credentials) {
        if (secTag && key.first != *secTag)
            continue;
        if (type && key.second != *type)
            continue;
        result.append({key.first, key.second, content});
    }
    return result;
}

bool CredentialStore::write(quint32 secTag, int type, QByteArray content) {
    m_credentials[{secTag, type}] = std::move(content);
    return save();
}

bool CredentialStore::remove(quint32 secTag, int type) {
    if (m_credentials.erase({secTag, type}) == 0)
        return false;
    save();
    return true;
}

void CredentialStore::clear() {
    m_credentials.clear();
    save();
}

QString CredentialStore::digestOf(const QByteArray &content) {
    return QString::fromLatin1(
        QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex().toUpper());
}

bool CredentialStore::save() {
    if (m_path.isEmpty())
        return true;
    QJsonArray credentials;
    for (const auto &[key, content] : m_credentials) {
        credentials.append(QJsonObject{
            {QStringLiteral("secTag"), qint64(key.first)},
            {QStringLiteral("type"), key.second},
            {QStringLiteral("content"), QString::fromUtf8(content)},
        });
    }
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("credentials"), credentials}}).toJson());
    return file.commit();
}

} // namespace ps::devsim
