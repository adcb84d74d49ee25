#include "SmpSerial.h"

#include <array>

namespace ps::mcumgr {

namespace {

// Each frame carries a whole number of base64 quanta, so every frame decodes on its own and a
// receiver may decode frame by frame or the packet as a whole.
qsizetype rawBytesPerFrame(qsizetype maxFrameSize) {
    const qsizetype textRoom = maxFrameSize - 3; // two start bytes and the newline
    return std::max<qsizetype>(3, textRoom / 4 * 3);
}

// Lines longer than this cannot be SMP frames; they are console text and are not kept.
constexpr qsizetype MaxLineLength = 1024;

// CRC-16/XMODEM a byte at a time: entry i is the CRC register after shifting i (as the high
// byte) through the polynomial eight times.
constexpr std::array<quint16, 256> crcTable() {
    std::array<quint16, 256> table{};
    for (int i = 0; i < 256; ++i) {
        auto crc = quint16(i << 8);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
        table[std::size_t(i)] = crc;
    }
    return table;
}
constexpr std::array<quint16, 256> CrcTable = crcTable();

} // namespace

quint16 crc16Xmodem(QByteArrayView data, quint16 crc) {
    for (const char byte : data)
        crc = quint16(crc << 8) ^ CrcTable[std::size_t((crc >> 8) ^ quint8(byte))];
    return crc;
}

QByteArray encodeSerialPacket(QByteArrayView body, qsizetype maxFrameSize) {
    const qsizetype length = body.size() + 2;
    const quint16 crc = crc16Xmodem(body);
    QByteArray raw;
    raw.reserve(length + 2);
    raw.append(char(length >> 8)).append(char(length & 0xff));
    raw.append(body);
    raw.append(char(crc >> 8)).append(char(crc & 0xff));

    const qsizetype chunk = rawBytesPerFrame(maxFrameSize);
    QByteArray frames;
    for (qsizetype offset = 0; offset < raw.size(); offset += chunk) {
        frames.append(offset == 0 ? QByteArrayView(FirstFrameStart, 2)
                                  : QByteArrayView(ContinuationFrameStart, 2));
        frames.append(raw.mid(offset, chunk).toBase64());
        frames.append('\n');
    }
    return frames;
}

SerialPacketDecoder::SerialPacketDecoder(qsizetype maxPacketSize)
    : m_maxPacketSize(maxPacketSize) {}

void SerialPacketDecoder::reset() {
    m_line.clear();
    m_raw.clear();
    m_inPacket = false;
}

std::vector<QByteArray> SerialPacketDecoder::feed(QByteArrayView bytes) {
    std::vector<QByteArray> packets;
    qsizetype at = 0;
    while (at < bytes.size()) {
        const qsizetype newline = bytes.indexOf('\n', at);
        const qsizetype end = newline < 0 ? bytes.size() : newline;
        const qsizetype room = MaxLineLength - m_line.size();
        if (room > 0)
            m_line.append(bytes.sliced(at, std::min(room, end - at)));
        if (newline < 0)
            break;
        takeLine(packets);
        m_line.resize(0); // keeps the capacity for the next line
        at = newline + 1;
    }
    return packets;
}

void SerialPacketDecoder::dropPacket() {
    ++m_dropped;
    m_raw.clear();
    m_inPacket = false;
}

void SerialPacketDecoder::takeLine(std::vector<QByteArray> &packets) {
    QByteArrayView line(m_line);
    if (line.endsWith('\r'))
        line.chop(1);
    // A reset can cut a console line short, so a first frame may follow text on the same line;
    // the start bytes are control characters no console text contains.
    if (const qsizetype start = line.indexOf(QByteArrayView(FirstFrameStart, 2)); start > 0)
        line = line.sliced(start);
    if (line.startsWith(QByteArrayView(FirstFrameStart, 2))) {
        if (m_inPacket)
            dropPacket(); // a new packet started before the previous one was complete
        m_inPacket = true;
        m_raw.clear();
    } else if (line.startsWith(QByteArrayView(ContinuationFrameStart, 2))) {
        if (!m_inPacket)
            return; // continuation of a packet we never saw the start of
    } else {
        return; // console text between packets
    }

    // Every frame is base64 on its own (MCUboot decodes frame by frame, too).
    const auto decoded = QByteArray::fromBase64Encoding(line.sliced(2).toByteArray(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        dropPacket();
        return;
    }
    m_raw.append(*decoded);
    if (m_raw.size() < 2)
        return;
    const qsizetype length = (qsizetype(quint8(m_raw[0])) << 8) | quint8(m_raw[1]);
    if (length < 2 || length > m_maxPacketSize || m_raw.size() > length + 2) {
        dropPacket();
        return;
    }
    if (m_raw.size() < length + 2)
        return; // more frames to come
    const QByteArrayView withCrc = QByteArrayView(m_raw).sliced(2, length);
    // The CRC over body + CRC is zero exactly when the CRC matches.
    if (crc16Xmodem(withCrc) != 0) {
        dropPacket();
        return;
    }
    packets.push_back(withCrc.first(length - 2).toByteArray());
    m_raw.clear();
    m_inPacket = false;
}

} // namespace ps::mcumgr
