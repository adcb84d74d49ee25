#include "StationWorld.h"

#include "cloud/ProvisioningApi.h"
#include "device/ModemClient.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <qcoro/qcorotask.h>

using namespace Qt::StringLiterals;

namespace ps::station::test {

// ---- StationWorld -----------------------------------------------------------------------------

StationWorld::StationWorld(WorldOptions options)
    : m_options(std::move(options)) {
    if (!m_dir.isValid()) {
        fail(u"no temporary folder"_s);
        return;
    }
    const QString registry = m_dir.filePath(u"registry.jsonl"_s);
    m_cloudSim = std::make_unique<CloudSimProcess>(
        m_dir.filePath(u"cloudsim"_s), registry,
        QStringList{QString::fromLatin1(PrimaryKey), QString::fromLatin1(OtherKey)} +
            m_options.extraApiKeys,
        m_options.cloudSimArguments);
    if (!m_cloudSim->start()) {
        fail(u"provstation-cloudsim did not start: "_s + m_cloudSim->output());
        return;
    }

    QStringList deviceArguments{
        u"--state"_s,
        m_dir.filePath(u"device"_s),
        u"--link"_s,
        port(),
        u"--registry"_s,
        m_options.deviceInCloudRegistry ? registry : m_dir.filePath(u"elsewhere.jsonl"_s),
        u"--speed"_s,
        QString::number(Speed),
        u"--boot-on-open"_s};
    if (m_options.connectDeviceToCloud) {
        deviceArguments += QStringList{u"--cloud"_s, u"127.0.0.1:%1"_s.arg(m_cloudSim->coapsPort()),
                                       u"--ca"_s, m_cloudSim->caFile()};
    }
    m_devsim =
        std::make_unique<devsim::test::DevsimProcess>(deviceArguments + m_options.deviceArguments);
    if (!m_devsim->start()) {
        fail(u"provstation-devsim did not start"_s);
        return;
    }
    const auto device = m_devsim->waitForLine(u"DEVICE uuid="_s);
    if (!device) {
        fail(u"provstation-devsim named no device"_s);
        return;
    }
    static const QRegularExpression fields(u"uuid=(\\S+) imei=(\\d+)"_s);
    const auto match = fields.match(*device);
    m_deviceId = match.captured(1);
    m_imei = match.captured(2);

    AuditStoreOptions storeOptions;
    storeOptions.databaseName = auditPath();
    m_store = std::make_unique<AuditStore>(storeOptions);
    if (auto opened = m_store->open(); !opened) {
        fail(u"audit store: "_s + opened.error());
        return;
    }
    m_rest = clientWithKey(QString::fromLatin1(PrimaryKey));
    if (m_options.openLink)
        (void)openLink();
}

StationWorld::~StationWorld() {
    m_link.reset();
    m_devsim.reset();
    m_cloudSim.reset();
}

void StationWorld::fail(const QString &problem) {
    if (m_problem.isEmpty())
        m_problem = problem;
}

QString StationWorld::port() const {
    return m_dir.filePath(u"ttyDEV"_s);
}

QString StationWorld::auditPath() const {
    return m_dir.filePath(u"audit.sqlite"_s);
}

QString StationWorld::keyFile(const char *key) const {
    const QString path = m_dir.filePath(QString::fromLatin1(key) + u".key"_s);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(QByteArray(key) + '\n');
    return path;
}

std::unique_ptr<cloud::RestClient> StationWorld::clientWithKey(const QString &key) const {
    auto client = std::make_unique<cloud::RestClient>(m_cloudSim->settings());
    client->setApiKey(key);
    return client;
}

bool StationWorld::openLink() {
    if (!m_problem.isEmpty())
        return false;
    m_link = std::make_unique<device::DeviceLink>(port());
    QObject::connect(m_link.get(), &device::DeviceLink::linesReceived, m_link.get(),
                     [this](const std::vector<core::Line> &lines) {
                         for (const core::Line &line : lines)
                             m_lines.append(line.text);
                     });
    if (!m_link->open()) {
        fail(u"cannot open the device's port: "_s + m_link->errorString());
        return false;
    }
    // The shell answers once ATT has started its network module.
    if (!QTest::qWaitFor([&] { return sawLine(u"state_disconnected_searching_entry"_s); }, 10000)) {
        fail(u"the device did not boot: "_s + m_lines.join(u'\n'));
        return false;
    }
    return true;
}

QString StationWorld::firmware() const {
    static const QRegularExpression banner(u"\\*\\*\\* Booting (.+ v\\S+) - "_s);
    for (const QString &line : m_lines) {
        if (const auto match = banner.match(line); match.hasMatch())
            return match.captured(1);
    }
    return {};
}

bool StationWorld::sawLine(const QString &text, qsizetype from) const {
    for (qsizetype i = std::max<qsizetype>(0, from); i < m_lines.size(); ++i) {
        if (m_lines.at(i).contains(text))
            return true;
    }
    return false;
}

bool StationWorld::claimWith(const QString &key) {
    if (!m_link)
        return false;
    auto token = QCoro::waitFor(m_link->modem()->attestationToken());
    if (!token) {
        fail(u"no attestation token: "_s + token.error().message);
        return false;
    }
    auto client = clientWithKey(key);
    cloud::ProvisioningApi provisioning(*client);
    auto claimed = QCoro::waitFor(provisioning.claim(token->text));
    if (!claimed) {
        fail(u"claim failed: "_s + claimed.error().toString());
        return false;
    }
    return true;
}

bool StationWorld::run(Flow &flow, int timeoutMs) {
    flow.start();
    return QTest::qWaitFor([&] { return flow.state() == Flow::State::Finished; }, timeoutMs);
}

std::string describe(const AuditRecord &record) {
    QString text = verdictId(record.verdict) + u": "_s + record.error + u'\n';
    for (const StepRecord &step : record.steps) {
        text += u"  %1 %2 %3 ms, %4 attempt(s): %5%6\n"_s.arg(step.id, stepStatusId(step.status))
                    .arg(step.durationMs)
                    .arg(step.attempts)
                    .arg(step.note, step.error);
    }
    for (const CloudCall &call : record.cloudCalls) {
        text += u"  cloud %1 %2 %3 %4\n"_s.arg(call.step, call.operation,
                                               call.ok ? u"ok"_s : QString::number(call.httpStatus),
                                               call.message);
    }
    return text.toStdString();
}

} // namespace ps::station::test
