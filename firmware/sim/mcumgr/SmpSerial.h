#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <vector>

namespace ps::mcumgr {

/// The SMP serial transport of mcumgr and MCUboot serial recovery (PROTOCOL §8), as pure
/// functions so the device side (the virtual device's bootloader) and the host side (the SMP
/// flasher) share one implementation.
///
/// A packet is `length (2 bytes big-endian, counting body and CRC) + body + CRC-16/XMODEM of the
/// body`, base64-encoded and cut into frames: the first starts with 0x06 0x09, the others with
/// 0x04 0x14, each ends with '\n' and is at most 127 bytes long.

inline constexpr char FirstFrameStart[] = "\x06\x09";
inline constexpr char ContinuationFrameStart[] = "\x04\x14";
inline constexpr qsizetype DefaultMaxFrameSize = 127;

/// CRC-16/XMODEM: polynomial 0x1021, initial value 0, not reflected ("123456789" -> 0x31C3).
quint16 crc16Xmodem(QByteArrayView data, quint16 crc = 0);

/// Frames one SMP message body (8-byte header + CBOR) for the serial line.
/// `maxFrameSize` counts the two start bytes and the newline.
QByteArray encodeSerialPacket(QByteArrayView body, qsizetype maxFrameSize = DefaultMaxFrameSize);

/// Reassembles SMP packets from a byte stream, one feed() per read.
///
/// Bytes that are not part of a frame (console text, line noise) are skipped, as MCUboot and
/// mcumgr do; a first frame is also found after text on the same line (a console line cut
/// short by a reset). A packet whose CRC does not match, whose base64 is broken or which is longer
/// than `maxPacketSize` is dropped and counted in droppedPackets().
class SerialPacketDecoder {
public:
    explicit SerialPacketDecoder(qsizetype maxPacketSize = 4096);

    /// Returns the bodies (SMP header + CBOR) of the packets completed by `bytes`.
    std::vector<QByteArray> feed(QByteArrayView bytes);

    [[nodiscard]] int droppedPackets() const { return m_dropped; }
    /// Forget a half-received packet (e.g. after a timeout on the host side).
    void reset();

private:
    void takeLine(std::vector<QByteArray> &packets);
    void dropPacket();

    qsizetype m_maxPacketSize;
    QByteArray m_line;
    QByteArray m_raw; ///< decoded bytes of the packet being received (length, body, CRC)
    bool m_inPacket = false;
    int m_dropped = 0;
};

} // namespace ps::mcumgr
