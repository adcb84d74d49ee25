#include "DeviceRegistry.h"

#include "SimLog.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

void DeviceRegistry::refresh() {
    const QFileInfo info(m_path);
    if (!info.exists()) {
        m_entries.clear();
        m_size = -1;
        m_modified = {};
        return;
    }
    if (info.size() == m_size && info.lastModified() == m_modified)
        return;

    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcCloudSim).noquote()
            << "cannot read the registry" << m_path << ":" << file.errorString();
        return;
    }
    QHash<QString, RegistryEntry> entries;
    int skipped = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        QJsonParseError error;
        const QJsonObject object = QJsonDocument::fromJson(line, &error).object();
        RegistryEntry entry;
        entry.uuid = object.value(u"uuid"_s).toString().toLower();
        entry.imei = object.value(u"imei"_s).toString();
        entry.deviceType = object.value(u"deviceType"_s).toInt();
        entry.model = object.value(u"model"_s).toString();
        entry.modemFirmware = object.value(u"modemFirmware"_s).toString();
        entry.identityPublicKeyPem = object.value(u"identityPublicKey"_s).toString().toLatin1();
        if (error.error != QJsonParseError::NoError || entry.uuid.isEmpty() ||
            !entry.identityPublicKeyPem.contains("BEGIN PUBLIC KEY")) {
            ++skipped;
            continue;
        }
        entries.insert(entry.uuid, entry);
    }
    if (skipped > 0)
        qCWarning(lcCloudSim).noquote()
            << "registry" << m_path << ": skipped" << skipped << "unreadable line(s)";
    m_entries = std::move(entries);
    m_skipped = skipped;
    m_size = info.size();
    m_modified = info.lastModified();
    qCDebug(lcCloudSim).noquote() << "registry" << m_path << "holds" << m_entries.size()
                                  << "device(s)";
}

std::optional<RegistryEntry> DeviceRegistry::find(const QString &uuid) {
    refresh();
    const auto it = m_entries.constFind(uuid.toLower());
    return it == m_entries.constEnd() ? std::nullopt : std::optional(*it);
}

int DeviceRegistry::size() {
    refresh();
    return int(m_entries.size());
}

std::expected<void, QString> DeviceRegistry::append(const QString &path,
                                                    const RegistryEntry &entry) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        return std::unexpected(u"cannot open %1: %2"_s.arg(path, file.errorString()));
    const QJsonObject object{
        {u"uuid"_s, entry.uuid.toLower()},
        {u"imei"_s, entry.imei},
        {u"deviceType"_s, entry.deviceType},
        {u"model"_s, entry.model},
        {u"modemFirmware"_s, entry.modemFirmware},
        {u"identityPublicKey"_s, QString::fromLatin1(entry.identityPublicKeyPem)},
        {u"createdAt"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
    };
    QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    line.append('\n');
    if (file.write(line) != line.size() || !file.flush())
        return std::unexpected(u"cannot append to %1: %2"_s.arg(path, file.errorString()));
    return {};
}

} // namespace ps::cloudsim
