#include "CloudSimProcess.h"

#include <QDir>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

namespace ps::test {

CloudSimProcess::CloudSimProcess(QString stateDir, QString registry, QStringList apiKeys,
                                 QStringList extraArguments)
    : m_stateDir(std::move(stateDir)) {
    QStringList arguments{u"--state"_s, m_stateDir, u"--registry"_s, registry};
    for (const QString &key : apiKeys)
        arguments += QStringList{u"--api-key"_s, key};
    m_process.setProgram(QStringLiteral(PROVSTATION_CLOUDSIM_EXECUTABLE));
    m_process.setArguments(arguments + extraArguments);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
}

CloudSimProcess::~CloudSimProcess() {
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool CloudSimProcess::start(int timeoutMs) {
    m_process.start();
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    static const QRegularExpression https(u"https port:\\s+(\\d+)"_s);
    static const QRegularExpression coaps(u"coaps port:\\s+(\\d+)"_s);
    (void)QTest::qWaitFor(
        [&] {
            m_output.append(m_process.readAllStandardOutput());
            m_output.append(m_process.readAllStandardError());
            const QString text = QString::fromUtf8(m_output);
            const auto httpsMatch = https.match(text);
            const auto coapsMatch = coaps.match(text);
            if (httpsMatch.hasMatch() && coapsMatch.hasMatch()) {
                m_httpsPort = quint16(httpsMatch.captured(1).toUInt());
                m_coapsPort = quint16(coapsMatch.captured(1).toUInt());
            }
            return m_coapsPort != 0 || m_process.state() == QProcess::NotRunning;
        },
        timeoutMs);
    return m_httpsPort != 0 && m_coapsPort != 0;
}

QString CloudSimProcess::caFile() const {
    return QDir(m_stateDir).filePath(u"ca.pem"_s);
}

QString CloudSimProcess::provisioningUrl() const {
    return u"https://127.0.0.1:%1/provisioning/v1/"_s.arg(m_httpsPort);
}

QString CloudSimProcess::apiUrl() const {
    return u"https://127.0.0.1:%1/v1/"_s.arg(m_httpsPort);
}

cloud::CloudSettings CloudSimProcess::settings() const {
    cloud::CloudSettings settings;
    settings.provisioningBaseUrl = QUrl(provisioningUrl());
    settings.mainBaseUrl = QUrl(apiUrl());
    settings.extraCaFile = caFile();
    settings.transferTimeoutMs = 5'000;
    settings.initialBackoffMs = 50;
    settings.maxBackoffMs = 200;
    return settings;
}

} // namespace ps::test
