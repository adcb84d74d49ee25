#include "WizardTestSupport.h"

#include "cloud/ProvisioningApi.h"
#include "cloud/RestClient.h"
#include "device/ModemClient.h"

#include <QAbstractButton>
#include <QCoro/QCoroTask>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSettings>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTest>
#include <QWizard>
#include <csignal>

namespace ps::gui::test {

using namespace Qt::StringLiterals;

namespace {

QString stripAnsi(QString text) {
    static const QRegularExpression ansi(u"\\x1b\\[[0-9;?]*[ -/]*[@-~]"_s);
    return text.remove(ansi);
}

QString valueAfter(const QStringList &lines, const QString &label) {
    for (const QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(label))
            return trimmed.mid(label.size()).trimmed();
    }
    return {};
}

} // namespace

// ---- ToolProcess ----------------------------------------------------------------------------

ToolProcess::ToolProcess(QString program, QStringList arguments) {
    m_process.setProgram(std::move(program));
    m_process.setArguments(std::move(arguments));
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                     [this] { read(); });
    QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                     [this] { m_errors += m_process.readAllStandardError(); });
}

ToolProcess::~ToolProcess() {
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool ToolProcess::start(int timeoutMs) {
    m_process.start();
    return m_process.waitForStarted(timeoutMs);
}

void ToolProcess::read() {
    m_partial += m_process.readAllStandardOutput();
    qsizetype end = 0;
    while ((end = m_partial.indexOf('\n')) >= 0) {
        m_lines.append(QString::fromUtf8(m_partial.left(end)).trimmed());
        m_partial.remove(0, end + 1);
    }
}

std::optional<QString> ToolProcess::waitForLine(const QString &text, qsizetype from,
                                                int timeoutMs) {
    std::optional<QString> found;
    (void)QTest::qWaitFor(
        [&] {
            for (qsizetype i = from; i < m_lines.size(); ++i) {
                if (m_lines.at(i).contains(text)) {
                    found = m_lines.at(i);
                    return true;
                }
            }
            return m_process.state() == QProcess::NotRunning;
        },
        timeoutMs);
    return found;
}

QString ToolProcess::output() const {
    return m_lines.join(u'\n') + u'\n' + QString::fromUtf8(m_errors);
}

void ToolProcess::sendSignal(int signalNumber) {
    if (m_process.processId() > 0)
        ::kill(pid_t(m_process.processId()), signalNumber);
}

// ---- StandIn --------------------------------------------------------------------------------

namespace {

QStringList standInArguments(const QString &stateDir, const QStringList &apiKeys,
                             const QStringList &extraArguments, const QString &registry) {
    QStringList arguments{u"--state"_s, stateDir, u"--http-port"_s, u"0"_s};
    if (!registry.isEmpty())
        arguments << u"--registry"_s << registry;
    for (const QString &key : apiKeys)
        arguments << u"--api-key"_s << key;
    return arguments + extraArguments;
}

} // namespace

StandIn::StandIn(const QString &stateDir, const QStringList &apiKeys, QStringList extraArguments,
                 const QString &registry)
    : m_process(QStringLiteral(PROVSTATION_CLOUDSIM_EXECUTABLE),
                standInArguments(stateDir, apiKeys, extraArguments, registry)) {
    if (!m_process.start() || !m_process.waitForLine(u"accounts:"_s))
        return;
    const QStringList summary = m_process.lines();
    m_settings.provisioningBaseUrl = QUrl(valueAfter(summary, u"provisioning API:"_s));
    m_settings.mainBaseUrl = QUrl(valueAfter(summary, u"main API:"_s));
    m_settings.extraCaFile = valueAfter(summary, u"CA to trust:"_s);
    m_settings.initialBackoffMs = 50;
    m_settings.maxBackoffMs = 400;
    m_settings.transferTimeoutMs = 10'000;
    m_coapPort = valueAfter(summary, u"coaps port:"_s);
    m_ready = m_settings.provisioningBaseUrl.isValid() && !m_settings.extraCaFile.isEmpty();
}

// ---- WizardWorld ----------------------------------------------------------------------------

WizardWorld::WizardWorld()
    : WizardWorld(Options{}) {}

WizardWorld::WizardWorld(Options options)
    : m_options(std::move(options)) {
    if (!m_dir.isValid()) {
        fail(u"no temporary folder"_s);
        return;
    }
    const QString registry = path(u"registry.jsonl"_s);
    m_cloudSim = std::make_unique<StandIn>(path(u"cloud"_s), m_options.apiKeys,
                                           m_options.cloudArguments, registry);
    if (!m_cloudSim->isReady()) {
        fail(u"provstation-cloudsim did not start: "_s + m_cloudSim->output());
        return;
    }
    m_cloudSettings = m_cloudSim->settings();
    const QString coapPort = m_cloudSim->coapPort();

    m_devsim = std::make_unique<ToolProcess>(
        QStringLiteral(PROVSTATION_DEVSIM_EXECUTABLE),
        QStringList{u"--state"_s, path(u"device"_s), u"--registry"_s, registry, u"--cloud"_s,
                    u"127.0.0.1:"_s + coapPort, u"--ca"_s, m_cloudSettings.extraCaFile,
                    u"--speed"_s, QString::number(m_options.speed), u"--replug-delay"_s,
                    QString::number(m_options.replugDelayMs), u"--boot-on-open"_s});
    const auto pty = m_devsim->start() ? m_devsim->waitForLine(u"PTY "_s) : std::nullopt;
    const auto device = pty ? m_devsim->waitForLine(u"DEVICE uuid="_s) : std::nullopt;
    if (!device) {
        fail(u"provstation-devsim did not start: "_s + m_devsim->output());
        return;
    }
    static const QRegularExpression fields(u"uuid=(\\S+) imei=(\\S+)"_s);
    const auto match = fields.match(*device);
    m_deviceId = match.captured(1);
    m_imei = match.captured(2);

    QFile keyFile(path(u"api-key.txt"_s));
    if (!keyFile.open(QIODevice::WriteOnly) ||
        keyFile.write(m_options.keyInFile.toUtf8() + '\n') < 0) {
        fail(u"cannot write the key file"_s);
        return;
    }
    keyFile.close();
    AccountSettings account;
    account.cloud = m_cloudSettings;
    account.apiKeyFile = keyFile.fileName();
    HistorySettings history;
    history.database = path(u"audit.sqlite"_s);
    m_context = std::make_unique<ProvisioningContext>(account, history);
    ps::station::StationIdentity station;
    station.operatorName = u"tester"_s;
    station.station = u"bench-1"_s;
    m_context->setStation(station);

    const QString devicePty = pty->mid(4);
    m_link = std::make_unique<ps::device::DeviceLink>(
        m_options.stationPort ? m_options.stationPort(devicePty) : devicePty);
    QObject::connect(m_link.get(), &ps::device::DeviceLink::linesReceived, m_link.get(),
                     [this](const std::vector<ps::core::Line> &lines) {
                         for (const ps::core::Line &line : lines)
                             m_lines.append(stripAnsi(line.text));
                     });
    if (!m_link->open()) {
        fail(u"cannot open the device's pty: "_s + m_link->errorString());
        return;
    }
    if (waitForDeviceLine(u"state_disconnected_searching_entry"_s) < 0) {
        fail(u"the device did not boot"_s);
        return;
    }
    // The unclaimed device tries to provision once and backs off: from then on nothing of its
    // own is under way when the test starts.
    if (m_options.waitForBackoff &&
        waitForDeviceLine(u"Connection attempt failed, backoff time"_s) < 0)
        fail(u"the unclaimed device never backed off"_s);
}

WizardWorld::~WizardWorld() {
    m_link.reset();
    m_devsim.reset();
    m_cloudSim.reset();
}

void WizardWorld::fail(const QString &problem) {
    if (m_problem.isEmpty())
        m_problem = problem;
}

QList<DeviceChoice> WizardWorld::devices() {
    return {DeviceChoice{u"Virtual nRF9151 — "_s + m_link->portName(), m_link.get()}};
}

qsizetype WizardWorld::waitForDeviceLine(const QString &text, qsizetype from, int timeoutMs) {
    qsizetype found = -1;
    (void)QTest::qWaitFor(
        [&] {
            for (qsizetype i = std::max<qsizetype>(0, from); i < m_lines.size(); ++i) {
                if (m_lines.at(i).contains(text)) {
                    found = i;
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return found;
}

bool WizardWorld::claimWith(const QString &apiKey) {
    auto token = QCoro::waitFor(m_link->modem()->attestationToken());
    if (!token) {
        fail(u"no attestation token: "_s + token.error().message);
        return false;
    }
    ps::cloud::RestClient client(m_cloudSettings);
    client.setApiKey(apiKey);
    ps::cloud::ProvisioningApi api(client);
    auto claimed = QCoro::waitFor(api.claim(token->text));
    if (!claimed) {
        fail(u"claim failed: "_s + claimed.error().toString());
        return false;
    }
    return true;
}

bool WizardWorld::setFaults(const QJsonObject &plan) {
    QNetworkAccessManager network;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(QSslCertificate::fromPath(m_cloudSettings.extraCaFile));
    QUrl url = m_cloudSettings.mainBaseUrl;
    url.setPath(u"/_sim/faults"_s);
    QNetworkRequest request(url);
    request.setSslConfiguration(tls);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    // The stand-in's admin API wants one of its accounts' keys too.
    request.setRawHeader("Authorization", "Bearer " + m_options.apiKeys.value(0).toUtf8());
    request.setTransferTimeout(10'000);
    QNetworkReply *reply = network.post(request, QJsonDocument(plan).toJson());
    (void)QTest::qWaitFor([reply] { return reply->isFinished(); }, 15'000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status / 100 == 2;
}

void WizardWorld::pullCable() {
    m_devsim->sendSignal(SIGUSR1);
}

ps::station::ClaimOptions WizardWorld::claimOptions() {
    using namespace std::chrono_literals;
    ps::station::ClaimOptions options;
    options.identifyTimeout = 20s;
    options.cloudStepTimeout = 30s;
    options.provisionTimeout = 60s;
    options.verifyTimeout = 30s;
    options.pollInterval = 200ms;
    options.retryDelay = 200ms;
    return options;
}

ps::station::ReprovisionOptions WizardWorld::reprovisionOptions() {
    using namespace std::chrono_literals;
    ps::station::ReprovisionOptions options;
    options.identifyTimeout = 20s;
    options.cloudStepTimeout = 30s;
    options.followTimeout = 60s;
    options.verifyTimeout = 30s;
    options.pollInterval = 200ms;
    options.retryDelay = 200ms;
    return options;
}

// ---- WindowWorld ----------------------------------------------------------------------------

WindowWorld::WindowWorld(double speed) {
    if (!m_dir.isValid()) {
        m_problem = u"no temporary folder"_s;
        return;
    }
    const QString registry = path(u"registry.jsonl"_s);
    m_standIn = std::make_unique<StandIn>(
        path(u"cloud"_s), QStringList{QString::fromLatin1(GoodKey)}, QStringList{}, registry);
    if (!m_standIn->isReady()) {
        m_problem = u"the stand-in did not start: "_s + m_standIn->output();
        return;
    }
    m_devsim = std::make_unique<ToolProcess>(
        QStringLiteral(PROVSTATION_DEVSIM_EXECUTABLE),
        QStringList{u"--state"_s, path(u"device"_s), u"--registry"_s, registry, u"--cloud"_s,
                    u"127.0.0.1:"_s + m_standIn->coapPort(), u"--ca"_s,
                    m_standIn->settings().extraCaFile, u"--speed"_s, QString::number(speed),
                    u"--link"_s, devicePort(), u"--boot-on-open"_s});
    if (!m_devsim->start() || !m_devsim->waitForLine(u"PTY "_s)) {
        m_problem = u"the virtual device did not start: "_s + m_devsim->output();
        return;
    }
    QFile key(keyFile());
    if (!key.open(QIODevice::WriteOnly) || key.write(QByteArray(GoodKey) + '\n') < 0) {
        m_problem = u"cannot write the key file"_s;
        return;
    }
    QSettings settings(settingsFile(), QSettings::IniFormat);
    settings.setValue(u"cloud/provisioningBaseUrl"_s,
                      m_standIn->settings().provisioningBaseUrl.toString());
    settings.setValue(u"cloud/mainBaseUrl"_s, m_standIn->settings().mainBaseUrl.toString());
    settings.setValue(u"cloud/extraCaFile"_s, m_standIn->settings().extraCaFile);
    settings.setValue(u"account/apiKeyFile"_s, keyFile());
    settings.setValue(u"history/database"_s, path(u"audit.sqlite"_s));
    settings.setValue(u"theme"_s, u"light"_s);
}

StartupOptions WindowWorld::startupOptions() const {
    StartupOptions options;
    options.settingsFile = settingsFile();
    options.ports = {devicePort()};
    return options;
}

// ---- clicking -------------------------------------------------------------------------------

namespace {

QAbstractButton *forwardButton(QWizard *wizard) {
    for (const auto which : {QWizard::CommitButton, QWizard::NextButton, QWizard::FinishButton}) {
        QAbstractButton *button = wizard->button(which);
        if (button && button->isVisible() && button->isEnabled())
            return button;
    }
    return nullptr;
}

} // namespace

bool clickForward(QWizard *wizard) {
    QAbstractButton *button = forwardButton(wizard);
    if (!button)
        return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

bool waitUntilComplete(QWizard *wizard, int timeoutMs) {
    return QTest::qWaitFor([wizard] { return forwardButton(wizard) != nullptr; }, timeoutMs);
}

bool waitForPage(QWizard *wizard, int id, int timeoutMs) {
    return QTest::qWaitFor([wizard, id] { return wizard->currentId() == id; }, timeoutMs);
}

bool clickButton(QWizard *wizard, int which) {
    QAbstractButton *button = wizard->button(QWizard::WizardButton(which));
    if (!button || !button->isVisible() || !button->isEnabled())
        return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

} // namespace ps::gui::test
