#pragma once

#include "mcumgr/SmpMessage.h"
#include "mcumgr/SmpSerial.h"

#include <QByteArray>
#include <QObject>
#include <functional>

namespace ps::devsim {

class ImageSlot;
class SimClock;

/// MCUboot serial recovery over SMP (PROTOCOL §8): what the device answers on its UART while
/// the bootloader waits for an image. Supports OS echo and reset, image list and image upload,
/// answering in the SMP v1 shape with an `rc` in every response.
///
/// Upload: the first chunk (off 0, with len) erases slot 0; chunks must arrive in order (a
/// chunk at another offset is answered with the offset expected); the receive buffer is 1024
/// bytes. When the last byte arrives the image is checked against its SHA-256 TLV (and the
/// `sha` of the first chunk, when given); a corrupt image is answered with rc 3 and stays in the
/// slot, where the boot check refuses it.
class SerialRecovery : public QObject {
    Q_OBJECT
public:
    SerialRecovery(ImageSlot &slot, SimClock &clock,
                   std::function<void(const QByteArray &)> transmit, QObject *parent = nullptr);

    void feed(QByteArrayView bytes);

    static constexpr qsizetype ReceiveBufferSize = 1024;
    static constexpr qsizetype SlotSize = 0xe0000; ///< 896 KiB application slot

Q_SIGNALS:
    /// OS reset was requested and answered.
    void resetRequested();
    /// A valid SMP request (CRC and message intact) arrived, before it is answered. MCUboot's
    /// wait for DFU stays in serial recovery on the first one.
    void requestReceived();

private:
    void handle(const ps::mcumgr::SmpMessage &request);
    using Entries = std::vector<std::pair<ps::core::CborValue, ps::core::CborValue>>;
    void respond(const ps::mcumgr::SmpMessage &request, Entries entries);
    Entries upload(const ps::core::CborValue &payload);
    Entries imageList() const;

    ImageSlot &m_slot;
    SimClock &m_clock;
    std::function<void(const QByteArray &)> m_transmit;
    ps::mcumgr::SerialPacketDecoder m_decoder{ReceiveBufferSize};
    QByteArray m_upload;
    qsizetype m_uploadLength = -1;
    QByteArray m_uploadSha;
};

} // namespace ps::devsim
