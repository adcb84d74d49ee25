#include "CloudTestSupport.h"

#include <QLoggingCategory>
#include <QMutex>

using namespace Qt::StringLiterals;

namespace ps::cloudtest {

namespace {

QMutex captureMutex;
QStringList capturedLines;

void captureMessage(QtMsgType, const QMessageLogContext &context, const QString &message) {
    const QMutexLocker lock(&captureMutex);
    capturedLines.append(QString::fromLatin1(context.category ? context.category : "default") +
                         u": "_s + message);
}

} // namespace

cloud::CloudSettings settingsFor(cloudsim::CloudSim &sim) {
    cloud::CloudSettings settings;
    settings.provisioningBaseUrl = sim.provisioningBaseUrl();
    settings.mainBaseUrl = sim.mainBaseUrl();
    settings.extraCaFile = sim.tls().caCertificatePath;
    settings.transferTimeoutMs = 5'000;
    settings.maxAttempts = 4;
    settings.initialBackoffMs = 10;
    settings.maxBackoffMs = 40;
    settings.maxRetryAfterMs = 5'000;
    return settings;
}

ClientAndSim::ClientAndSim(const std::function<void(cloudsim::CloudSimOptions &)> &tuneSim,
                           const std::function<void(cloud::CloudSettings &)> &tuneClient)
    : sim(tuneSim) {
    if (!sim.isRunning())
        return;
    cloud::CloudSettings settings = settingsFor(sim.sim());
    if (tuneClient)
        tuneClient(settings);
    client = std::make_unique<cloud::RestClient>(settings);
    client->setApiKey(simtest::RunningSim::primaryKey());
    client->setJitterSource([] { return 0.0; });
}

simtest::TestDevice ClientAndSim::claimedDevice() {
    simtest::TestDevice device = sim.registerDevice();
    sim.model().claim(simtest::RunningSim::primaryOwner(),
                      {.deviceId = device.uuid(),
                       .deviceType = device.deviceType(),
                       .imei = device.imei(),
                       .tags = {u"nrf-cloud-onboarding"_s}},
                      false);
    return device;
}

LogCapture::LogCapture() {
    {
        const QMutexLocker lock(&captureMutex);
        capturedLines.clear();
    }
    QLoggingCategory::setFilterRules(u"provstation.cloud.debug=true"_s);
    m_previous = qInstallMessageHandler(captureMessage);
}

LogCapture::~LogCapture() {
    qInstallMessageHandler(m_previous);
    QLoggingCategory::setFilterRules(QString());
}

QString LogCapture::text() const {
    const QMutexLocker lock(&captureMutex);
    return capturedLines.join(u'\n');
}

} // namespace ps::cloudtest
