#pragma once

#include "Flasher.h"
#include "mcumgr/SmpMessage.h"
#include "mcumgr/SmpSerial.h"

#include <QPointer>
#include <bitset>
#include <chrono>
#include <optional>

namespace ps::device {

class Transport;

struct SmpFlashOptions {
    enum class Confirm {
        TestThenConfirm, ///< mark the image for a test boot, confirm once it runs (default)
        Permanent,       ///< mark it permanent before the reset
    };

    /// The device's SMP receive buffer; a message is at most this minus 4 (PROTOCOL §8).
    /// MCUboot's default is 1024, Zephyr mcumgr's transport buffer 384. A device that answers
    /// mcumgr's "parameters" command (OS group, command 6: buf_size) overrides it; MCUboot
    /// serial recovery does not implement that command.
    qsizetype deviceBufferSize = 1024;
    std::chrono::milliseconds probeTimeout{1500};
    int probeAttempts = 2;
    std::chrono::milliseconds firstChunkTimeout{30000}; ///< the first chunk erases the slot
    std::chrono::milliseconds chunkTimeout{2500};
    int chunkAttempts = 3;
    std::chrono::milliseconds commandTimeout{3000};
    std::chrono::milliseconds bootTimeout{20000};
    Confirm confirm = Confirm::TestThenConfirm;
    bool skipIfSame = true;
    bool checkBoot = true; ///< after the reset, wait for the banner and compare its version

    /// For a device running the application: when no SMP server answers the first probe, type
    /// `rebootCommand` in its shell and keep probing until the bootloader answers in its wait
    /// for DFU window (MCUboot's CONFIG_BOOT_SERIAL_WAIT_FOR_DFU), at most
    /// `recoveryWindowTimeout`. A bootloader without that window boots straight into the
    /// application again and the flash fails with NotInRecovery.
    bool enterFromShell = false;
    QString rebootCommand = QStringLiteral("kernel reboot cold");
    std::chrono::milliseconds recoveryWindowTimeout{10000};
    /// Time between echo requests while looking for the window; far shorter than any useful
    /// window (MCUboot's default is 500 ms).
    std::chrono::milliseconds recoveryProbeInterval{60};
};

/// Flashes the application image of a bundle over SMP on a serial Transport (PROTOCOL §8): the
/// MCUboot serial recovery of a device whose boot button was held, or mcumgr's serial
/// transport. Framing, CRC and messages come from provstation_mcumgr.
///
/// Steps: echo (is an SMP server there?; with `enterFromShell` and no answer, reboot from the
/// shell and catch the bootloader's wait for DFU), parameters (buf_size, when the device has them),
/// image list (skip when slot 0 already holds the
/// image's hash), upload in chunks sized from the device's buffer (first chunk with `len` and
/// `sha` and a long timeout for the erase, later chunks short timeouts with retries at the
/// offset the device asks for), image state test/confirm (MCUboot serial recovery answers
/// "not supported" because it writes slot 0 directly: that is reported, not an error), reset,
/// then the boot banner `*** Booting <app> v<version> - <commit> ***` must show the version of
/// the image header.
///
/// A cancel or a pulled cable never resets the device: it stays in recovery and a new flash
/// starts the upload again from offset 0. The transport must outlive the flasher; it is opened
/// if it is not open.
class SmpFlasher : public Flasher {
    Q_OBJECT
public:
    explicit SmpFlasher(Transport &transport, SmpFlashOptions options = {},
                        QObject *parent = nullptr);
    ~SmpFlasher() override;

    QCoro::Task<std::expected<FlashOutcome, FlashError>>
    flash(ps::bundle::FirmwareBundle bundle) override;

    /// The largest data field per upload chunk for `options.deviceBufferSize` and an image of
    /// `imageSize` bytes.
    static qsizetype chunkSize(qsizetype deviceBufferSize, qsizetype imageSize);

private:
    struct Reply {
        std::optional<ps::mcumgr::SmpMessage> message;
        std::optional<FlashError> error;
    };
    enum class Wait { Done, Timeout, Lost, Cancelled };

    void onBytes(const QByteArray &bytes);
    void onLost(const QString &reason);
    QCoro::Task<Wait> waitUntil(std::function<bool()> done, std::chrono::milliseconds timeout);
    /// Sends one request and waits for the answer with the same sequence number.
    QCoro::Task<Reply> request(ps::mcumgr::SmpOp op, quint16 group, quint8 command,
                               ps::core::CborValue payload, std::chrono::milliseconds timeout,
                               int attempts);
    FlashError waitError(Wait wait, const QString &what) const;
    /// Types the reboot command and sends echo requests until one is answered; an error when
    /// the window never comes.
    QCoro::Task<std::optional<FlashError>> enterRecoveryFromShell();
    bool send(const QByteArray &bytes);
    QByteArray echoPacket(quint8 sequence) const;

    QPointer<Transport> m_transport;
    SmpFlashOptions m_options;
    ps::mcumgr::SerialPacketDecoder m_decoder{8192};
    quint8 m_sequence = 0;
    std::optional<ps::mcumgr::SmpMessage> m_reply;
    std::bitset<256> m_awaitedSequences; ///< answers to any of these are taken
    bool m_awaiting = false;
    QString m_lostReason;
    QByteArray m_console; ///< text the device printed since the reset (for the banner)
    /// enterFromShell: during the first probe, a shell prompt ends the wait at once (an
    /// application answered, no bootloader will).
    bool m_watchForShell = false;
    bool m_shellSeen = false;
    qint64 m_bytesSent = 0;
    qsizetype m_bufferSize = 0; ///< what the device said, else options.deviceBufferSize
};

} // namespace ps::device
