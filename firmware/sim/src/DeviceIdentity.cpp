#include "DeviceIdentity.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSaveFile>
#include <sys/file.h>

namespace ps::devsim {

namespace {

constexpr auto IdentityFile = "identity.json";
constexpr auto KeyFile = "identity-key.pem";

// Made-up but fixed build UUIDs: %XMODEMUUID names the modem firmware build, so every device
// with the same firmware reports the same value.
const QList<ModemModel> &models() {
    static const QList<ModemModel> list = {
        {QStringLiteral("nRF9151-LACA"), 6, QStringLiteral("mfw_nrf91x1_2.0.2"),
         QUuid(QStringLiteral("{7b36a1e2-5c4d-4f8e-9a2b-3c1d0e6f5a49}")), true},
        {QStringLiteral("nRF9161-LACA"), 4, QStringLiteral("mfw_nrf91x1_2.0.2"),
         QUuid(QStringLiteral("{7b36a1e2-5c4d-4f8e-9a2b-3c1d0e6f5a49}")), true},
        {QStringLiteral("nRF9131-LACA"), 5, QStringLiteral("mfw_nrf91x1_2.0.2"),
         QUuid(QStringLiteral("{7b36a1e2-5c4d-4f8e-9a2b-3c1d0e6f5a49}")), true},
        {QStringLiteral("nRF9160-SICA"), 3, QStringLiteral("mfw_nrf9160_1.3.6"),
         QUuid(QStringLiteral("{2e5f0c3a-94b7-4d21-8c6e-1a9f7d3b2c80}")), false},
    };
    return list;
}

bool writeFileAtomically(const QString &path, const QByteArray &contents, bool privateFile,
                         QString *error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (privateFile)
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(contents);
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QString generateImei() {
    // TAC 35266910 (a made-up type allocation code in the 35 range that Nordic modules use),
    // six random serial digits, then the Luhn check digit.
    QString digits = QStringLiteral("35266910");
    for (int i = 0; i < 6; ++i)
        digits.append(QChar(u'0' + QRandomGenerator::system()->bounded(10)));
    digits.append(QChar(u'0' + luhnCheckDigit(digits)));
    return digits;
}

QJsonObject registryRecord(const DeviceIdentity &identity) {
    return QJsonObject{
        {QStringLiteral("uuid"), identity.uuidText()},
        {QStringLiteral("imei"), identity.imei},
        {QStringLiteral("deviceType"), identity.modem.deviceType},
        {QStringLiteral("model"), identity.modem.model},
        {QStringLiteral("modemFirmware"), identity.modem.firmware},
        {QStringLiteral("identityPublicKey"),
         QString::fromLatin1(identity.identityKey.publicPem())},
        {QStringLiteral("createdAt"), identity.createdAt.toString(Qt::ISODate)},
    };
}

} // namespace

std::optional<ModemModel> ModemModel::byName(QStringView name) {
    for (const ModemModel &model : models()) {
        if (model.model.compare(name, Qt::CaseInsensitive) == 0)
            return model;
    }
    return std::nullopt;
}

QStringList ModemModel::names() {
    QStringList names;
    for (const ModemModel &model : models())
        names.append(model.model);
    return names;
}

QString DeviceIdentity::uuidText() const {
    return uuid.toString(QUuid::WithoutBraces).toLower();
}

int luhnCheckDigit(QStringView fourteenDigits) {
    int sum = 0;
    for (qsizetype i = 0; i < fourteenDigits.size(); ++i) {
        int digit = fourteenDigits[i].unicode() - u'0';
        // Counting from the right of the full 15-digit number, every second digit is doubled;
        // those are the odd positions (0-based) of the first fourteen.
        if (i % 2 == 1) {
            digit *= 2;
            if (digit > 9)
                digit -= 9;
        }
        sum += digit;
    }
    return (10 - sum % 10) % 10;
}

bool isValidImei(QStringView imei) {
    if (imei.size() != 15)
        return false;
    for (const QChar c : imei) {
        if (!c.isDigit())
            return false;
    }
    return luhnCheckDigit(imei.first(14)) == imei[14].unicode() - u'0';
}

std::expected<DeviceIdentity, QString>
loadOrCreateIdentity(const QString &stateDir, const ModemModel &modelForNewDevice, bool *created) {
    *created = false;
    QDir dir(stateDir);
    if (!dir.exists() && !QDir().mkpath(stateDir))
        return std::unexpected(QStringLiteral("cannot create the state folder %1").arg(stateDir));

    QFile identityFile(dir.filePath(QLatin1StringView(IdentityFile)));
    if (identityFile.exists()) {
        if (!identityFile.open(QIODevice::ReadOnly))
            return std::unexpected(QStringLiteral("cannot read %1: %2")
                                       .arg(identityFile.fileName(), identityFile.errorString()));
        QJsonParseError parseError;
        const QJsonObject json =
            QJsonDocument::fromJson(identityFile.readAll(), &parseError).object();
        if (parseError.error != QJsonParseError::NoError)
            return std::unexpected(QStringLiteral("%1 is not valid JSON: %2")
                                       .arg(identityFile.fileName(), parseError.errorString()));
        DeviceIdentity identity;
        identity.imei = json.value(u"imei").toString();
        identity.uuid = QUuid::fromString(json.value(u"uuid").toString());
        const auto model = ModemModel::byName(json.value(u"model").toString());
        identity.createdAt =
            QDateTime::fromString(json.value(u"createdAt").toString(), Qt::ISODate);
        if (!isValidImei(identity.imei) || identity.uuid.isNull() || !model)
            return std::unexpected(QStringLiteral("%1 lacks a valid imei, uuid or model")
                                       .arg(identityFile.fileName()));
        identity.modem = *model;
        QFile keyFile(dir.filePath(QLatin1StringView(KeyFile)));
        if (!keyFile.open(QIODevice::ReadOnly))
            return std::unexpected(QStringLiteral("cannot read the identity key %1: %2")
                                       .arg(keyFile.fileName(), keyFile.errorString()));
        auto key = EcKey::fromPrivatePem(keyFile.readAll());
        if (!key)
            return std::unexpected(
                QStringLiteral("identity key %1: %2").arg(keyFile.fileName(), key.error()));
        identity.identityKey = std::move(*key);
        return identity;
    }

    auto key = EcKey::generate();
    if (!key)
        return std::unexpected(key.error());
    DeviceIdentity identity;
    identity.imei = generateImei();
    identity.uuid = QUuid::createUuid();
    identity.modem = modelForNewDevice;
    identity.createdAt = QDateTime::currentDateTimeUtc();
    identity.identityKey = std::move(*key);

    QString error;
    if (!writeFileAtomically(dir.filePath(QLatin1StringView(KeyFile)),
                             identity.identityKey.privatePem(), true, &error))
        return std::unexpected(error);
    const QJsonObject json{
        {QStringLiteral("imei"), identity.imei},
        {QStringLiteral("uuid"), identity.uuidText()},
        {QStringLiteral("model"), identity.modem.model},
        {QStringLiteral("createdAt"), identity.createdAt.toString(Qt::ISODate)},
        {QStringLiteral("identityKeyFile"), QLatin1StringView(KeyFile)},
    };
    if (!writeFileAtomically(identityFile.fileName(), QJsonDocument(json).toJson(), false, &error))
        return std::unexpected(error);
    *created = true;
    return identity;
}

std::expected<bool, QString> addToRegistry(const QString &registryFile,
                                           const DeviceIdentity &identity) {
    QFile file(registryFile);
    if (!file.open(QIODevice::ReadWrite | QIODevice::Append))
        return std::unexpected(QStringLiteral("cannot open the registry %1: %2")
                                   .arg(registryFile, file.errorString()));
    // Several virtual devices may start at once and share one registry.
    if (::flock(file.handle(), LOCK_EX) != 0)
        return std::unexpected(QStringLiteral("cannot lock the registry %1").arg(registryFile));
    file.seek(0);
    const QString uuid = identity.uuidText();
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        if (record.value(u"uuid").toString() == uuid) {
            ::flock(file.handle(), LOCK_UN);
            return false;
        }
    }
    QByteArray line = QJsonDocument(registryRecord(identity)).toJson(QJsonDocument::Compact);
    line.append('\n');
    const bool written = file.write(line) == line.size() && file.flush();
    ::flock(file.handle(), LOCK_UN);
    if (!written)
        return std::unexpected(QStringLiteral("cannot append to the registry %1: %2")
                                   .arg(registryFile, file.errorString()));
    return true;
}

} // namespace ps::devsim
