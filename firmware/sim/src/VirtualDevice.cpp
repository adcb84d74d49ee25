#include "VirtualDevice.h"

#include "AttApplication.h"
#include "CredentialStore.h"
#include "ImageSlot.h"
#include "Modem.h"
#include "ProvisioningCloud.h"
#include "SerialRecovery.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTimer>

namespace ps::devsim {

VirtualDevice::VirtualDevice(DeviceOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_clock(m_options.speed)
    , m_port(m_options.linkPath) {
    m_holdBootButton = m_options.bootloader;
    // A run with stray bytes can be replayed: the seed is either given or drawn and announced.
    if (!m_options.seed)
        m_options.seed = QRandomGenerator::system()->generate();
    m_strayBytes.seed(*m_options.seed);
    // Baud is device time like every rate on the device: at --speed N the line is N times faster.
    if (m_options.baud > 0)
        m_port.setByteRate(m_options.baud / 10.0 * m_clock.speed());
    connect(&m_port, &PtyPort::bytesReceived, this, &VirtualDevice::onInput);
    connect(&m_port, &PtyPort::terminalAttachedChanged, this, [this](bool attached) {
        if (attached && !m_powered && m_options.bootOnOpen && !m_pulling)
            powerOn();
    });
}

VirtualDevice::~VirtualDevice() {
    m_application.reset();
    m_recovery.reset();
    m_cloud.reset(); // stops its worker before the credentials it reads go away
}

std::expected<void, QString> VirtualDevice::start() {
    m_stateDir = m_options.stateDir;
    if (m_stateDir.isEmpty()) {
        m_temporaryState = std::make_unique<QTemporaryDir>();
        if (!m_temporaryState->isValid())
            return std::unexpected(QStringLiteral("cannot create a temporary state folder"));
        m_stateDir = m_temporaryState->path();
    }
    const auto model = ModemModel::byName(m_options.model);
    if (!model)
        return std::unexpected(QStringLiteral("unknown model %1").arg(m_options.model));
    bool created = false;
    auto identity = loadOrCreateIdentity(m_stateDir, *model, &created);
    if (!identity)
        return std::unexpected(identity.error());
    m_identity = std::move(*identity);

    m_credentials = std::make_unique<CredentialStore>(m_stateDir);
    if (!m_credentials->loadError().isEmpty())
        return std::unexpected(m_credentials->loadError());
    m_slot = std::make_unique<ImageSlot>(m_stateDir);
    m_slot->ensureFactoryImage(m_options.attVersion);

    if (!m_options.caFile.isEmpty()) {
        QFile ca(m_options.caFile);
        if (!ca.open(QIODevice::ReadOnly))
            return std::unexpected(
                QStringLiteral("cannot read --ca %1: %2").arg(m_options.caFile, ca.errorString()));
        m_caCertificate = ca.readAll();
        if (!m_caCertificate.contains("-----BEGIN CERTIFICATE-----"))
            return std::unexpected(
                QStringLiteral("--ca %1 holds no PEM certificate").arg(m_options.caFile));
    }

    QString registryStatus;
    if (!m_options.registryFile.isEmpty()) {
        auto added = addToRegistry(m_options.registryFile, *m_identity);
        if (!added)
            return std::unexpected(added.error());
        registryStatus = *added ? QStringLiteral("added") : QStringLiteral("listed");
    }

    m_modem = std::make_unique<Modem>(*m_identity, *m_credentials, m_clock, m_options.lte);
    if (m_options.cloud.isEmpty()) {
        m_cloud = std::make_unique<UnconfiguredCloud>();
    } else {
        auto endpoint = CloudEndpoint::parse(m_options.cloud);
        if (!endpoint)
            return std::unexpected(endpoint.error());
        m_cloud = std::make_unique<ProvisioningCloud>(*endpoint, m_stateDir, *m_credentials,
                                                      m_options.speed);
    }

    auto path = m_port.open();
    if (!path)
        return std::unexpected(path.error());
    Q_EMIT announce(QStringLiteral("PTY ") + *path);
    if (!m_options.linkPath.isEmpty())
        Q_EMIT announce(QStringLiteral("LINK ") + m_options.linkPath);
    Q_EMIT announce(QStringLiteral("DEVICE uuid=%1 imei=%2 model=%3 %4")
                        .arg(m_identity->uuidText(), m_identity->imei, m_identity->modem.model,
                             created ? QStringLiteral("new") : QStringLiteral("existing")));
    Q_EMIT announce(QStringLiteral("STATE ") + m_stateDir);
    if (!registryStatus.isEmpty())
        Q_EMIT announce(
            QStringLiteral("REGISTRY %1 %2").arg(m_options.registryFile, registryStatus));
    if (!m_options.cloud.isEmpty())
        Q_EMIT announce(QStringLiteral("CLOUD coaps://%1").arg(m_options.cloud));
    if (m_options.garbageRate > 0)
        Q_EMIT announce(
            QStringLiteral("GARBAGE %1 seed %2").arg(m_options.garbageRate).arg(*m_options.seed));

    if (m_options.bootOnOpen)
        Q_EMIT announce(QStringLiteral("POWER off until a terminal opens the port"));
    else
        powerOn();
    return {};
}

void VirtualDevice::transmit(const QByteArray &bytes) {
    if (m_options.garbageRate <= 0) {
        m_port.write(bytes);
        return;
    }
    QByteArray noisy;
    noisy.reserve(bytes.size() + 8);
    // Two draws per stray byte and one per real byte, in the order sent: with the same seed
    // the same byte positions get the same stray bytes, whatever the chunks' sizes.
    for (const char c : bytes) {
        noisy.append(c);
        if (m_strayBytes.generateDouble() < m_options.garbageRate)
            noisy.append(char(m_strayBytes.bounded(256)));
    }
    m_port.write(noisy);
}

void VirtualDevice::onInput(const QByteArray &bytes) {
    if (m_application)
        m_application->feed(bytes);
    else if (m_recovery)
        m_recovery->feed(bytes);
}

void VirtualDevice::powerOn() {
    m_application.reset();
    m_recovery.reset();
    m_waitingForDfu = false;
    m_powered = true;
    m_clock.restart();
    m_modem->reset();
    // MCUboot's order: the boot button first, then the wait for DFU, then the image check.
    if (m_holdBootButton) {
        m_holdBootButton = false;
        bootRecovery(QStringLiteral("boot button held"));
        return;
    }
    if (m_options.dfuWaitMs > 0) {
        waitForDfu();
        return;
    }
    bootSlot();
}

void VirtualDevice::bootSlot() {
    const auto image = m_slot->bootableImage();
    if (!image) {
        bootRecovery(QStringLiteral("no bootable image: ") + image.error());
        return;
    }
    bootApplication();
}

void VirtualDevice::waitForDfu() {
    startRecovery();
    m_waitingForDfu = true;
    connect(m_recovery.get(), &SerialRecovery::requestReceived, this, [this] {
        if (!m_waitingForDfu)
            return;
        m_waitingForDfu = false;
        Q_EMIT announce(
            QStringLiteral("BOOT MCUboot serial recovery (SMP command during the wait for DFU)"));
    });
    Q_EMIT announce(
        QStringLiteral("BOOT MCUboot waiting for DFU (%1 ms)").arg(m_options.dfuWaitMs));
    // The recovery is the context: a reset or power loss in the window cancels this.
    m_clock.after(m_recovery.get(), std::chrono::milliseconds(m_options.dfuWaitMs), [this] {
        if (!m_waitingForDfu)
            return;
        m_waitingForDfu = false;
        m_recovery.reset();
        // The application's kernel starts its uptime at 0, as after any boot.
        m_clock.restart();
        bootSlot();
    });
}

void VirtualDevice::powerOff() {
    m_application.reset();
    m_recovery.reset();
    m_waitingForDfu = false;
    m_powered = false;
    m_modem->reset();
    m_clock.restart();
}

void VirtualDevice::bootApplication() {
    const auto image = m_slot->bootableImage();
    const AttProfile profile = AttProfile::forVersion(image->version);
    AppEnvironment environment{
        m_clock,
        *m_modem,
        *m_credentials,
        *m_identity,
        *m_cloud,
        [this](const QByteArray &bytes) { transmit(bytes); },
        m_options.logLevel,
        m_caCertificate,
        image->sha256.toHex().left(12),
    };
    m_application = std::make_unique<AttApplication>(profile, std::move(environment));
    // Queued: the application is deleted by the reboot, not while it emits.
    connect(m_application.get(), &AttApplication::rebootRequested, this, &VirtualDevice::powerOn,
            Qt::QueuedConnection);
    Q_EMIT announce(QStringLiteral("BOOT Asset Tracker Template v%1%2")
                        .arg(QString::fromLatin1(profile.versionText()),
                             m_slot->isUpload() ? QStringLiteral(" (uploaded image)")
                                                : QStringLiteral(" (factory image)")));
    m_application->boot();
}

void VirtualDevice::startRecovery() {
    m_recovery = std::make_unique<SerialRecovery>(
        *m_slot, m_clock, [this](const QByteArray &bytes) { transmit(bytes); });
    connect(m_recovery.get(), &SerialRecovery::resetRequested, this, &VirtualDevice::powerOn,
            Qt::QueuedConnection);
}

void VirtualDevice::bootRecovery(const QString &reason) {
    startRecovery();
    Q_EMIT announce(QStringLiteral("BOOT MCUboot serial recovery (%1)").arg(reason));
}

void VirtualDevice::openPort() {
    auto path = m_port.open();
    if (!path) {
        Q_EMIT announce(QStringLiteral("ERROR ") + path.error());
        return;
    }
    Q_EMIT announce(QStringLiteral("PTY ") + *path);
}

void VirtualDevice::pullCable(bool powerCycle) {
    if (m_pulling || !m_port.isOpen())
        return;
    m_pulling = true;
    m_port.close();
    Q_EMIT announce(powerCycle ? QStringLiteral("UNPLUGGED power lost")
                               : QStringLiteral("UNPLUGGED"));
    if (powerCycle)
        powerOff();
    QTimer::singleShot(m_options.replugDelayMs, this, [this, powerCycle] {
        m_pulling = false;
        openPort();
        if (powerCycle)
            powerOn();
    });
}

} // namespace ps::devsim
