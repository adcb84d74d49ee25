#pragma once

#include "CloudPort.h"
#include "DeviceIdentity.h"
#include "DeviceOptions.h"
#include "PtyPort.h"
#include "SimClock.h"

#include <QObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <expected>
#include <memory>
#include <optional>

namespace ps::devsim {

class AttApplication;
class CredentialStore;
class ImageSlot;
class Modem;
class SerialRecovery;

/// A whole virtual nRF91 device: identity and storage in the state folder, the modem, the
/// UART on a pseudo-terminal, and per boot either the ATT application or MCUboot serial
/// recovery. Reboots, cable pulls and garbage on the line happen here.
///
/// announce() reports what a person starting the device wants to know, one "KEY value" line at
/// a time (main prints them on stdout): `PTY <slave>` first, `LINK`, `DEVICE`, `STATE`,
/// `REGISTRY`, then `BOOT ...` at every boot (with `--dfu-wait` first `BOOT MCUboot waiting for
/// DFU (<ms> ms)`), `UNPLUGGED` and a new `PTY` on a cable pull.
class VirtualDevice : public QObject {
    Q_OBJECT
public:
    explicit VirtualDevice(DeviceOptions options, QObject *parent = nullptr);
    ~VirtualDevice() override;

    std::expected<void, QString> start();

    /// The cable is pulled and put back after the replug delay; with `powerCycle` the device
    /// loses power meanwhile and boots when plugged back.
    void pullCable(bool powerCycle);

Q_SIGNALS:
    void announce(const QString &line);

private:
    void transmit(const QByteArray &bytes);
    void onInput(const QByteArray &bytes);
    void powerOn();
    void powerOff();
    /// Boots slot 0 when it verifies, else stays in serial recovery (what MCUboot does after
    /// the boot button and the wait for DFU).
    void bootSlot();
    void bootApplication();
    void bootRecovery(const QString &reason);
    /// `--dfu-wait`: serial recovery listens; the first SMP request keeps it, the end of the
    /// window boots slot 0.
    void waitForDfu();
    void startRecovery();
    void openPort();

    DeviceOptions m_options;
    std::unique_ptr<QTemporaryDir> m_temporaryState;
    QString m_stateDir;
    SimClock m_clock;
    std::optional<DeviceIdentity> m_identity;
    std::unique_ptr<CredentialStore> m_credentials;
    std::unique_ptr<ImageSlot> m_slot;
    std::unique_ptr<Modem> m_modem;
    std::unique_ptr<CloudPort> m_cloud; ///< made in start(): UnconfiguredCloud or ProvisioningCloud
    PtyPort m_port;
    QByteArray m_caCertificate;
    QRandomGenerator m_strayBytes; ///< --garbage, seeded with --seed

    std::unique_ptr<AttApplication> m_application;
    std::unique_ptr<SerialRecovery> m_recovery;
    bool m_powered = false;
    bool m_holdBootButton = false; ///< --bootloader: recovery at the first boot
    bool m_waitingForDfu = false;  ///< --dfu-wait: in the window after a reset
    bool m_pulling = false;
};

} // namespace ps::devsim
