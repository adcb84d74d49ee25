#include "mcumgr/SmpSerial.h"

#include "mcumgr/SmpMessage.h"

#include <QList>
#include <gtest/gtest.h>

using namespace ps::mcumgr;
using ps::core::CborValue;

namespace {

QByteArray body(qsizetype size) {
    QByteArray bytes(size, '\0');
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(i * 7 + 3);
    return bytes;
}

TEST(SmpSerial, ComputesTheXmodemCheckValue) {
    EXPECT_EQ(crc16Xmodem("123456789"), 0x31C3);
}

TEST(SmpSerial, FramesALongPacketInto127ByteFramesThatDecodeBack) {
    const QByteArray packet = body(700);
    const QByteArray frames = encodeSerialPacket(packet);
    const QList<QByteArray> lines = frames.split('\n');
    ASSERT_GT(lines.size(), 2);
    EXPECT_TRUE(lines.first().startsWith("\x06\x09"));
    EXPECT_TRUE(lines.at(1).startsWith("\x04\x14"));
    for (const QByteArray &line : lines)
        EXPECT_LE(line.size() + 1, 127);

    SerialPacketDecoder decoder;
    const auto packets = decoder.feed(frames);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets.front(), packet);
}

TEST(SmpSerial, DecodesBytesThatArriveOneAtATime) {
    const QByteArray packet = body(200);
    const QByteArray frames = encodeSerialPacket(packet);
    SerialPacketDecoder decoder;
    std::vector<QByteArray> packets;
    for (const char c : frames) {
        for (QByteArray &p : decoder.feed(QByteArrayView(&c, 1)))
            packets.push_back(p);
    }
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets.front(), packet);
}

TEST(SmpSerial, SkipsConsoleTextBetweenPackets) {
    const QByteArray stream = "uart:~$ hello\r\n" + encodeSerialPacket(body(10)) + "noise\n" +
                              encodeSerialPacket(body(20));
    SerialPacketDecoder decoder;
    const auto packets = decoder.feed(stream);
    ASSERT_EQ(packets.size(), 2u);
    EXPECT_EQ(packets.at(0), body(10));
    EXPECT_EQ(packets.at(1), body(20));
}

TEST(SmpSerial, FindsAPacketAfterAConsoleLineCutShortByAReset) {
    const QByteArray packet = body(300); // three frames
    const QByteArray stream = "\x1b[1;32muart:~$ \x1b[0mkernel reboot cold\r\n"
                              "[00:00:02.125,000] <inf> network: half a li" +
                              encodeSerialPacket(packet) + "*** Booting";
    SerialPacketDecoder decoder;
    const auto packets = decoder.feed(stream);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets.front(), packet);
    EXPECT_EQ(decoder.droppedPackets(), 0);
}

TEST(SmpSerial, DropsAPacketWhoseCrcDoesNotMatch) {
    QByteArray raw = body(30);
    const quint16 wrongCrc = crc16Xmodem(raw) ^ 0x0101;
    QByteArray packet;
    packet.append(char(0))
        .append(char(32))
        .append(raw)
        .append(char(wrongCrc >> 8))
        .append(char(wrongCrc & 0xff));
    const QByteArray frame = "\x06\x09" + packet.toBase64() + '\n';
    SerialPacketDecoder decoder;
    EXPECT_TRUE(decoder.feed(frame).empty());
    EXPECT_EQ(decoder.droppedPackets(), 1);
}

TEST(SmpMessage, EncodesTheHeaderAndDecodesItBack) {
    SmpHeader header;
    header.op = SmpOp::Write;
    header.group = SmpGroup::Image;
    header.sequence = 42;
    header.command = SmpImageCommand::Upload;
    const CborValue payload =
        CborValue::map({smpEntry(QStringLiteral("off"), CborValue::integer(512))});
    const QByteArray encoded = encodeSmpMessage(header, payload);
    EXPECT_EQ(encoded.first(8), QByteArray("\x02\x00\x00\x08\x00\x01\x2a\x01", 8));

    const auto decoded = decodeSmpMessage(encoded);
    ASSERT_TRUE(decoded) << decoded.error().toStdString();
    EXPECT_EQ(decoded->header.op, SmpOp::Write);
    EXPECT_EQ(decoded->header.sequence, 42);
    ASSERT_NE(decoded->payload.find(u"off"), nullptr);
    EXPECT_EQ(decoded->payload.find(u"off")->toInteger(), 512);
    EXPECT_EQ(responseHeaderFor(decoded->header).op, SmpOp::WriteResponse);
}

TEST(SmpMessage, RefusesALengthThatDisagreesWithTheHeader) {
    const QByteArray encoded = encodeSmpMessage({}, CborValue::map({}));
    const QByteArray withExtra = encoded + "\xa0";
    const auto decoded = decodeSmpMessage(withExtra);
    ASSERT_FALSE(decoded);
    EXPECT_TRUE(decoded.error().contains(u"announces"));
}

} // namespace
