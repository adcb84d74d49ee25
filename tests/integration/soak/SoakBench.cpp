#include "SoakBench.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTest>
#include <csignal>

using namespace Qt::StringLiterals;

namespace ps::station::test {

namespace {

int positiveFromEnvironment(const char *name, int fallback) {
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

} // namespace

SoakSettings SoakSettings::fromEnvironment() {
    SoakSettings settings;
    bool ok = false;
    const uint seed = qEnvironmentVariable("PROVSTATION_SOAK_SEED").toUInt(&ok);
    // The stand-in's --seed takes 0 to 2^31 - 1, so a drawn seed stays in that range.
    settings.seed = ok ? quint32(seed) : QRandomGenerator::system()->generate() & 0x7fffffffU;
    settings.rounds = positiveFromEnvironment("PROVSTATION_SOAK_ROUNDS", settings.rounds);
    settings.slots = positiveFromEnvironment("PROVSTATION_SOAK_SLOTS", settings.slots);
    return settings;
}

QString SoakSettings::describe() const {
    return u"seed %1 (PROVSTATION_SOAK_SEED=%1 replays it), %2 slots, %3 rounds, %4 operator "
           u"retries per round, pull chance %5, cloud faults 5xx %6 / 429 %7 / drop %8"_s.arg(seed)
               .arg(slots)
               .arg(rounds)
               .arg(retriesPerRound)
               .arg(pullChance)
               .arg(errorRate)
               .arg(rateLimitRate)
               .arg(dropRate);
}

SoakBench::SoakBench(StationRig &rig, int slots)
    : m_rig(rig)
    , m_slots(slots)
    , m_current(std::size_t(slots), nullptr) {}

SoakBench::~SoakBench() {
    for (auto &device : m_devices)
        device->process.reset();
}

SlotMap SoakBench::slotMap() const {
    SlotMap map;
    for (int i = 0; i < m_slots; ++i)
        (void)map.assign(Slot::forPath(StationRig::slotId(i), m_rig.link(i)));
    return map;
}

QString SoakBench::plugFresh(int slot, QRandomGenerator &random) {
    if (current(slot))
        return u"slot %1 still holds device %2"_s.arg(slot).arg(current(slot)->number);
    auto device = std::make_unique<SoakDevice>();
    device->slot = slot;
    device->number = int(m_devices.size()) + 1;
    device->bootloader = random.bounded(2) == 0;
    // Most devices send a clean line; some add a stray byte now and then, a few more often.
    static constexpr double GarbageRates[] = {0, 0, 0.0002, 0.001};
    device->garbage = GarbageRates[random.bounded(int(std::size(GarbageRates)))];

    QStringList arguments{
        u"--state"_s,
        QDir(m_rig.folder()).filePath(u"soak-device-%1"_s.arg(device->number)),
        u"--link"_s,
        m_rig.link(slot),
        // StationRig's stand-in reads the registry its devices write here.
        u"--registry"_s,
        QDir(m_rig.folder()).filePath(u"registry.jsonl"_s),
        u"--speed"_s,
        u"100"_s,
        u"--boot-on-open"_s,
        u"--cloud"_s,
        u"127.0.0.1:%1"_s.arg(m_rig.cloudSim().coapsPort()),
        u"--ca"_s,
        m_rig.cloudSim().caFile(),
        u"--replug-delay"_s,
        QString::number(ReplugDelayMs),
        // MCUboot listens half a host second after every reset, so a device that runs its
        // application is flashed from its shell (the station's enterFromShell).
        u"--dfu-wait"_s,
        u"50000"_s,
    };
    if (device->bootloader)
        arguments.push_back(u"--bootloader"_s);
    // The stray bytes come from the soak's seed too (devsim --seed), so a replay sends the same.
    if (device->garbage > 0)
        arguments += QStringList{u"--garbage"_s, QString::number(device->garbage), u"--seed"_s,
                                 QString::number(random.generate())};
    device->process = std::make_unique<devsim::test::DevsimProcess>(arguments);
    if (!device->process->start())
        return u"provstation-devsim %1 did not start"_s.arg(device->number);
    const auto named = device->process->waitForLine(u"DEVICE uuid="_s);
    if (!named)
        return u"provstation-devsim %1 named no device"_s.arg(device->number);
    static const QRegularExpression fields(u"uuid=(\\S+) imei=(\\d+)"_s);
    const auto match = fields.match(*named);
    device->uuid = match.captured(1);
    device->imei = match.captured(2);
    m_current[std::size_t(slot)] = device.get();
    m_devices.push_back(std::move(device));
    return {};
}

void SoakBench::unplug(int slot) {
    SoakDevice *device = current(slot);
    if (!device)
        return;
    device->process->stop();
    m_current[std::size_t(slot)] = nullptr;
}

void SoakBench::pull(int slot, bool powerLoss) {
    SoakDevice *device = current(slot);
    if (!device)
        return;
    device->pullMark = device->process->stdoutLines().size();
    device->process->sendSignal(powerLoss ? SIGUSR2 : SIGUSR1);
}

bool SoakBench::pullOver(int slot) const {
    const SoakDevice *device = current(slot);
    if (!device || device->pullMark < 0)
        return true;
    // A pull announces UNPLUGGED and, after the replug delay, the new PTY. A signal that came
    // while the cable was out already is ignored, and that pull's PTY line ends it too.
    const QStringList lines = device->process->stdoutLines();
    for (qsizetype i = device->pullMark; i < lines.size(); ++i) {
        if (lines.at(i).startsWith(u"PTY "_s))
            return true;
    }
    return false;
}

bool SoakBench::allPullsOver() const {
    for (int slot = 0; slot < m_slots; ++slot) {
        if (!pullOver(slot))
            return false;
    }
    return true;
}

SoakDevice *SoakBench::current(int slot) const {
    return m_current.at(std::size_t(slot));
}

std::vector<const SoakDevice *> SoakBench::devices() const {
    std::vector<const SoakDevice *> list;
    for (const auto &device : m_devices)
        list.push_back(device.get());
    return list;
}

const SoakDevice *SoakBench::deviceWithImei(const QString &imei) const {
    for (const auto &device : m_devices) {
        if (device->imei == imei)
            return device.get();
    }
    return nullptr;
}

std::optional<QJsonObject> faultStatistics(CloudSimProcess &cloudSim, const QString &apiKey) {
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(u"https://127.0.0.1:%1/_sim/faults"_s.arg(cloudSim.httpsPort())));
    request.setRawHeader("Authorization", "Bearer " + apiKey.toUtf8());
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(QSslCertificate::fromPath(cloudSim.caFile()));
    request.setSslConfiguration(tls);
    request.setTransferTimeout(5000);
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 10'000) ||
        reply->error() != QNetworkReply::NoError)
        return std::nullopt;
    return QJsonDocument::fromJson(reply->readAll()).object();
}

QList<QJsonObject> cloudClaims(const QString &stateDir) {
    QFile file(QDir(stateDir).filePath(u"state.json"_s));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QJsonObject> claims;
    for (const QJsonValue claim :
         QJsonDocument::fromJson(file.readAll()).object().value(u"claims"_s).toArray())
        claims.push_back(claim.toObject());
    return claims;
}

} // namespace ps::station::test
