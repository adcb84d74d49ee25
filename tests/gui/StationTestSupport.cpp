#include "StationTestSupport.h"

#include "gui/account/AccountSettings.h"
#include "gui/history/HistorySettings.h"
#include "gui/station/OperatorView.h"
#include "gui/station/StationSettings.h"

#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTest>

using namespace Qt::StringLiterals;

namespace ps::gui::test {

StationBench::StationBench(ps::station::test::RigOptions rig, const QString &bundleFile) {
    if (!m_dir.isValid()) {
        m_problem = u"no temporary folder"_s;
        return;
    }
    m_rig = std::make_unique<ps::station::test::StationRig>(std::move(rig));
    if (!m_rig->isReady()) {
        m_problem = m_rig->problem();
        return;
    }
    const QString keyFile = path(u"api-key.txt"_s);
    QFile key(keyFile);
    if (!key.open(QIODevice::WriteOnly) ||
        key.write(QByteArray(ps::station::test::StationRig::ApiKey) + '\n') < 0) {
        m_problem = u"cannot write the key file"_s;
        return;
    }
    key.close();
    ps::station::SlotMap slots = m_rig->slotMap();
    slots.setFilePath(path(u"slots.json"_s));
    if (auto saved = slots.save(); !saved) {
        m_problem = saved.error();
        return;
    }
    m_store = std::make_unique<QSettings>(path(u"provstation.ini"_s), QSettings::IniFormat);
    AccountSettings account;
    account.cloud = m_rig->cloudSim().settings();
    account.apiKeyFile = keyFile;
    account.save(*m_store);
    HistorySettings history;
    history.database = path(u"audit.sqlite"_s);
    history.save(*m_store);
    StationSettings station;
    station.slotMapFile = slots.filePath();
    station.bundleFile = bundleFile;
    station.createOnboardingRule = true;
    station.save(*m_store);
    m_store->sync();
}

std::unique_ptr<StationWindow> StationBench::window() {
    auto window = std::make_unique<StationWindow>(*m_store);
    const ps::station::StationOptions quick = m_rig->stationOptions({});
    window->setOptionsAdjuster([quick](ps::station::StationOptions &options) {
        options.claim.provisionTimeout = quick.claim.provisionTimeout;
        options.claim.verifyTimeout = quick.claim.verifyTimeout;
        options.claim.pollInterval = quick.claim.pollInterval;
        options.claim.retryDelay = quick.claim.retryDelay;
        options.detectTimeout = quick.detectTimeout;
        options.flashTimeout = quick.flashTimeout;
        options.labelTimeout = quick.labelTimeout;
        options.scanInterval = quick.scanInterval;
        options.resumeWait = quick.resumeWait;
        options.portLister = quick.portLister;
        options.reconnect = quick.reconnect;
    });
    return window;
}

bool StationBench::setFaults(const QJsonObject &plan) {
    const ps::cloud::CloudSettings cloud = m_rig->cloudSim().settings();
    QNetworkAccessManager network;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(QSslCertificate::fromPath(cloud.extraCaFile));
    QUrl url = cloud.mainBaseUrl;
    url.setPath(u"/_sim/faults"_s);
    QNetworkRequest request(url);
    request.setSslConfiguration(tls);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    // The stand-in's admin API wants one of its accounts' keys.
    request.setRawHeader("Authorization",
                         QByteArray("Bearer ") + ps::station::test::StationRig::ApiKey);
    request.setTransferTimeout(10'000);
    QNetworkReply *reply = network.post(request, QJsonDocument(plan).toJson());
    (void)QTest::qWaitFor([reply] { return reply->isFinished(); }, 15'000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status / 100 == 2;
}

bool waitForTiles(StationWindow &window, const QString &word, int timeoutMs) {
    return QTest::qWaitFor(
        [&] {
            const QList<SlotTile *> tiles = window.operatorView()->tiles();
            if (tiles.isEmpty())
                return false;
            for (const SlotTile *tile : tiles) {
                if (tile->verdictText() != word)
                    return false;
            }
            return true;
        },
        timeoutMs);
}

} // namespace ps::gui::test
