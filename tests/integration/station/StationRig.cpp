#include "StationRig.h"

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace ps::station::test {

StationRig::StationRig(RigOptions options)
    : m_options(std::move(options)) {
    if (!m_dir.isValid()) {
        fail(u"no temporary folder"_s);
        return;
    }
    const QString registry = m_dir.filePath(u"registry.jsonl"_s);
    m_cloudSim = std::make_unique<CloudSimProcess>(m_dir.filePath(u"cloudsim"_s), registry,
                                                   QStringList{QString::fromLatin1(ApiKey)},
                                                   m_options.cloudSimArguments);
    if (!m_cloudSim->start()) {
        fail(u"provstation-cloudsim did not start: "_s + m_cloudSim->output());
        return;
    }
    static const QRegularExpression fields(u"imei=(\\d+)"_s);
    for (int i = 0; i < m_options.devices; ++i) {
        QStringList arguments{u"--state"_s,    m_dir.filePath(u"device-%1"_s.arg(i)),
                              u"--link"_s,     link(i),
                              u"--registry"_s, registry,
                              u"--speed"_s,    QString::number(m_options.speed),
                              u"--cloud"_s,    u"127.0.0.1:%1"_s.arg(m_cloudSim->coapsPort()),
                              u"--ca"_s,       m_cloudSim->caFile()};
        if (m_options.bootloader)
            arguments.push_back(u"--bootloader"_s);
        if (m_options.bootOnOpen)
            arguments.push_back(u"--boot-on-open"_s);
        arguments += m_options.deviceArguments;
        if (i < m_options.perDeviceArguments.size())
            arguments += m_options.perDeviceArguments.at(i);
        auto device = std::make_unique<devsim::test::DevsimProcess>(arguments);
        if (!device->start()) {
            fail(u"provstation-devsim %1 did not start"_s.arg(i));
            return;
        }
        const auto named = device->waitForLine(u"DEVICE uuid="_s);
        if (!named) {
            fail(u"provstation-devsim %1 named no device"_s.arg(i));
            return;
        }
        m_imeis.push_back(fields.match(*named).captured(1));
        if (!m_options.bootOnOpen && !m_options.bootloader &&
            !device->waitForLine(u"BOOT Asset Tracker"_s)) {
            fail(u"provstation-devsim %1 did not boot its application"_s.arg(i));
            return;
        }
        m_devices.push_back(std::move(device));
    }

    AuditStoreOptions storeOptions;
    storeOptions.databaseName = m_dir.filePath(u"audit.sqlite"_s);
    m_store = std::make_unique<AuditStore>(storeOptions);
    if (auto opened = m_store->open(); !opened) {
        fail(u"audit store: "_s + opened.error());
        return;
    }
    m_rest = std::make_unique<cloud::RestClient>(m_cloudSim->settings());
    m_rest->setApiKey(QString::fromLatin1(ApiKey));
}

StationRig::~StationRig() {
    m_devices.clear();
    m_cloudSim.reset();
}

void StationRig::fail(const QString &problem) {
    if (m_problem.isEmpty())
        m_problem = problem;
}

QString StationRig::link(int index) const {
    return m_dir.filePath(u"ttyDEV-%1"_s.arg(index + 1));
}

SlotMap StationRig::slotMap() const {
    SlotMap map;
    for (int i = 0; i < m_options.devices; ++i)
        (void)map.assign(Slot::forPath(slotId(i), link(i)));
    return map;
}

StationOptions StationRig::stationOptions(const QString &bundleFile) const {
    StationOptions options;
    options.cloud = m_rest.get();
    options.store = m_store.get();
    options.identity.operatorName = u"rig-operator"_s;
    options.identity.station = u"rig-station"_s;
    options.bundleFile = bundleFile;
    options.claim.provisionTimeout = 60s;
    options.claim.verifyTimeout = 30s;
    options.claim.pollInterval = 200ms;
    options.claim.retryDelay = 200ms;
    options.detectTimeout = 15s;
    options.flashTimeout = 60s;
    options.labelTimeout = 30s;
    options.scanInterval = 100ms;
    options.resumeWait = 20s;
    options.portLister = [] { return QList<device::PortInfo>(); };
    options.reconnect.interval = 100ms;
    options.reconnect.maxAttempts = 100;
    return options;
}

QString StationRig::demoBundle() {
    return QStringLiteral(PROVSTATION_DEMO_BUNDLE);
}

QString StationRig::corruptedBundle() const {
    // Change a byte inside the application image's entry so the zip's CRC-32 and the image's
    // SHA-256 both disagree; the file still looks like a bundle from the outside.
    QFile demo(demoBundle());
    if (!demo.open(QIODevice::ReadOnly))
        return {};
    QByteArray bytes = demo.readAll();
    const qsizetype at = bytes.indexOf(QByteArray("app_update.bin"));
    const qsizetype target = at < 0 ? bytes.size() / 2 : at + 200;
    bytes[target] = char(bytes.at(target) ^ 0x5a);
    const QString path = m_dir.filePath(u"corrupted.zip"_s);
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return {};
    out.write(bytes);
    return path;
}

void StationRig::record(Station &station) {
    QObject::connect(&station, &Station::event, &station,
                     [this](const QJsonObject &event) { m_events.push_back(event); });
}

QList<QJsonObject> StationRig::eventsOf(const QString &type, const QString &slot) const {
    QList<QJsonObject> found;
    for (const QJsonObject &event : m_events) {
        if (event.value(u"event"_s).toString() == type &&
            (slot.isEmpty() || event.value(u"slot"_s).toString() == slot))
            found.push_back(event);
    }
    return found;
}

std::string StationRig::eventLog() const {
    QByteArray text;
    for (const QJsonObject &event : m_events)
        text += QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n';
    return text.toStdString();
}

QList<AuditRecord> stationRecords(AuditStore &store) {
    AuditQuery query;
    query.kind = QString::fromLatin1(PipelineFlow::Kind);
    auto records = store.search(query);
    if (!records)
        return {};
    std::sort(records->begin(), records->end(),
              [](const AuditRecord &a, const AuditRecord &b) { return a.sequence < b.sequence; });
    return *records;
}

} // namespace ps::station::test
