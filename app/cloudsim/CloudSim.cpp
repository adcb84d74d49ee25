#include "CloudSim.h"

#include "SimLog.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

CloudSim::CloudSim(CloudSimOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_faults(m_options.seed)
    , m_registry(m_options.effectiveRegistryPath())
    , m_https(m_model, m_registry, m_faults)
    , m_coap(m_model, m_registry, m_faults) {
    m_faults.setPlan(m_options.faults);
}

QString CloudSim::statePath() const {
    return QDir(m_options.stateDir).absoluteFilePath(u"state.json"_s);
}

QUrl CloudSim::provisioningBaseUrl() const {
    return QUrl(u"https://127.0.0.1:%1/provisioning/v1/"_s.arg(httpsPort()));
}

QUrl CloudSim::mainBaseUrl() const {
    return QUrl(u"https://127.0.0.1:%1/v1/"_s.arg(httpsPort()));
}

QStringList CloudSim::accountIds() const {
    QStringList ids;
    for (const QString &key : m_options.apiKeys)
        ids.append(HttpsFrontend::ownerIdForKey(key));
    return ids;
}

std::expected<void, QString> CloudSim::start() {
    auto tls = CertificateAuthority::ensure(m_options.stateDir);
    if (!tls)
        return std::unexpected(u"TLS set-up failed: "_s + tls.error());
    m_tls = *tls;
    if (auto keys = ensureApiKeys(); !keys)
        return keys;
    if (auto loaded = loadState(); !loaded)
        return loaded;
    m_https.setApiKeys(m_options.apiKeys);
    if (m_options.defaultOnboardingRule) {
        for (const QString &owner : accountIds())
            m_model.ensureDefaultRule(owner);
    }
    connect(&m_model, &CloudModel::changed, this, &CloudSim::saveState);
    saveState();
    if (!m_saveProblem.isEmpty())
        return std::unexpected(m_saveProblem);
    auto port = m_https.listen(m_options.httpPort, m_tls);
    if (!port)
        return std::unexpected(port.error());
    auto coapPort = m_coap.listen(m_options.coapPort, m_tls);
    if (!coapPort)
        return std::unexpected(coapPort.error());
    return {};
}

std::expected<void, QString> CloudSim::ensureApiKeys() {
    if (!m_options.apiKeys.isEmpty())
        return {};
    // No key given: make one account whose key sits in the state folder, so a demo works
    // without choosing a key and keeps its account across restarts.
    const QString path = QDir(m_options.stateDir).absoluteFilePath(u"api-key.txt"_s);
    QFile existing(path);
    QString key;
    if (existing.open(QIODevice::ReadOnly))
        key = QString::fromUtf8(existing.readLine()).trimmed();
    if (key.isEmpty()) {
        QByteArray random(24, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(random.data()),
                                              random.size() / 4);
        key = QString::fromLatin1(random.toHex());
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(key.toUtf8() + '\n') < 0 ||
            !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
            !file.commit())
            return std::unexpected(u"cannot write %1: %2"_s.arg(path, file.errorString()));
    }
    m_options.apiKeys = {key};
    m_generatedKeyFile = path;
    return {};
}

std::expected<void, QString> CloudSim::loadState() {
    QFile file(statePath());
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(u"cannot read %1: %2"_s.arg(statePath(), file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::unexpected(u"%1 is not a state file (%2); move it away to start afresh"_s.arg(
            statePath(), error.errorString()));
    if (auto loaded = m_model.loadJson(document.object()); !loaded)
        return std::unexpected(
            u"%1: %2; move it away to start afresh"_s.arg(statePath(), loaded.error()));
    return {};
}

void CloudSim::saveState() {
    QSaveFile file(statePath());
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(m_model.toJson()).toJson(QJsonDocument::Indented)) < 0 ||
        !file.commit()) {
        m_saveProblem = u"cannot write %1: %2"_s.arg(statePath(), file.errorString());
        qCWarning(lcCloudSim).noquote() << m_saveProblem;
        return;
    }
    m_saveProblem.clear();
}

QString CloudSim::summary() const {
    QString text;
    text += u"provstation-cloudsim: nRF Cloud stand-in\n"_s;
    text += u"  https port:        %1\n"_s.arg(httpsPort());
    text += u"  coaps port:        %1\n"_s.arg(coapPort());
    text += u"  provisioning API:  %1\n"_s.arg(provisioningBaseUrl().toString());
    text += u"  main API:          %1\n"_s.arg(mainBaseUrl().toString());
    text += u"  CA to trust:       %1\n"_s.arg(m_tls.caCertificatePath);
    text += u"  device registry:   %1\n"_s.arg(m_options.effectiveRegistryPath());
    text += u"  state:             %1\n"_s.arg(statePath());
    if (!m_generatedKeyFile.isEmpty())
        text += u"  API key:           generated, in %1\n"_s.arg(m_generatedKeyFile);
    text += u"  accounts:          %1\n"_s.arg(accountIds().join(u", "_s));
    if (!m_options.faults.isEmpty())
        text += u"  faults:            %1\n"_s.arg(QString::fromUtf8(
            QJsonDocument(m_options.faults.toJson()).toJson(QJsonDocument::Compact)));
    return text;
}

} // namespace ps::cloudsim
