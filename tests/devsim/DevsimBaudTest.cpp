// The virtual UART's speed (`--baud`): PtyPort as a slow line in each direction, and the real
// provstation-devsim answering SMP over a 115200 baud line.
#include "DeviceOptions.h"
#include "DevsimHarness.h"
#include "PtyPort.h"
#include "mcumgr/SmpMessage.h"
#include "mcumgr/SmpSerial.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>
#include <cerrno>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace ps::devsim::test;
using namespace ps::mcumgr;
using ps::core::CborValue;
using ps::devsim::PtyPort;

namespace {

// 115200 baud with device time running twice as fast as the host: 23040 bytes per host second.
constexpr double Speed = 2.0;
constexpr double BytesPerHostSecond = 115200 / 10.0 * Speed;
constexpr qsizetype OneDeviceSecond = 11520; // bytes 115200 baud carries in a device second

QByteArray pattern(qsizetype size) {
    QByteArray bytes(size, '\0');
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char('a' + i % 26);
    return bytes;
}

double deviceSeconds(const QElapsedTimer &host) {
    return double(host.nsecsElapsed()) / 1e9 * Speed;
}

} // namespace

TEST(PtyPortBaud, CarriesATenthOfTheBaudRateToTheTerminal) {
    PtyPort port;
    port.setByteRate(BytesPerHostSecond);
    const auto path = port.open();
    ASSERT_TRUE(path.has_value()) << path.error().toStdString();
    PtyTerminal terminal;
    ASSERT_TRUE(terminal.open(*path));
    ASSERT_TRUE(QTest::qWaitFor([&] { return port.isTerminalAttached(); }, 5000));

    const QByteArray sent = pattern(OneDeviceSecond - 5) + "<end>";
    QElapsedTimer host;
    host.start();
    port.write(sent);
    ASSERT_GE(terminal.waitFor("<end>", 10000), 0);
    const double seconds = deviceSeconds(host);
    EXPECT_EQ(terminal.received(), sent);
    EXPECT_GE(seconds, 0.99);
    EXPECT_LT(seconds, 3.0); // a slow line, not a stalled one
}

TEST(PtyPortBaud, HoldsBackWhatTheTerminalWritesToTheLineRate) {
    PtyPort port;
    port.setByteRate(BytesPerHostSecond);
    const auto path = port.open();
    ASSERT_TRUE(path.has_value()) << path.error().toStdString();
    QByteArray received;
    QObject::connect(&port, &PtyPort::bytesReceived, &port,
                     [&](const QByteArray &bytes) { received += bytes; });
    PtyTerminal terminal;
    ASSERT_TRUE(terminal.open(*path));
    const int fd = ::open(QFile::encodeName(*path).constData(), O_WRONLY | O_NOCTTY | O_NONBLOCK);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(QTest::qWaitFor([&] { return port.isTerminalAttached(); }, 5000));

    const QByteArray sent = pattern(OneDeviceSecond);
    qsizetype written = 0;
    QElapsedTimer host;
    host.start();
    // Writes what the pty takes without blocking, so the port keeps reading meanwhile.
    const bool done = QTest::qWaitFor(
        [&] {
            while (written < sent.size()) {
                const ssize_t n =
                    ::write(fd, sent.constData() + written, size_t(sent.size() - written));
                if (n <= 0)
                    break;
                written += n;
            }
            return received.size() >= sent.size();
        },
        10000);
    const double seconds = deviceSeconds(host);
    ::close(fd);
    ASSERT_TRUE(done) << received.size();
    EXPECT_EQ(received, sent);
    EXPECT_GE(seconds, 0.99);
    EXPECT_LT(seconds, 3.0);
}

TEST(DevsimCommandLine, TakesTheBaudRate) {
    const auto options = ps::devsim::parseDeviceOptions(
        {QStringLiteral("provstation-devsim"), QStringLiteral("--baud"), QStringLiteral("115200")});
    ASSERT_TRUE(options.has_value()) << options.error().toStdString();
    EXPECT_EQ(options->baud, 115200);
    EXPECT_FALSE(ps::devsim::parseDeviceOptions(
        {QStringLiteral("provstation-devsim"), QStringLiteral("--baud"), QStringLiteral("9.5")}));
    EXPECT_TRUE(ps::devsim::helpText().contains(u"--baud N"));
}

// Echo requests, sent all at once, of at least a device second's worth of bytes at 115200 baud:
// the answers cannot all be back before the line has carried the requests.
TEST(DevsimBaud, AnswersSmpNoFasterThanTheLineCarriesIt) {
    DevsimSandbox box;
    DevsimProcess process({QStringLiteral("--state"), box.state(), QStringLiteral("--speed"),
                           QString::number(Speed), QStringLiteral("--baud"),
                           QStringLiteral("115200"), QStringLiteral("--bootloader")});
    ASSERT_TRUE(process.start());
    ASSERT_TRUE(process.waitForLine(QStringLiteral("BOOT MCUboot serial recovery")));
    PtyTerminal terminal;
    ASSERT_TRUE(terminal.open(process.ptyPath()));

    QByteArray requests;
    quint8 sequence = 0;
    while (requests.size() < OneDeviceSecond) {
        SmpHeader header;
        header.op = SmpOp::Write;
        header.group = SmpGroup::Os;
        header.command = SmpOsCommand::Echo;
        header.sequence = sequence++;
        const CborValue payload = CborValue::map({smpEntry(
            QStringLiteral("d"), CborValue::textString(QString::fromLatin1(pattern(600))))});
        requests += encodeSerialPacket(encodeSmpMessage(header, payload));
    }
    const int expected = sequence;

    QElapsedTimer host;
    host.start();
    terminal.send(requests);
    SerialPacketDecoder decoder;
    qsizetype consumed = 0;
    int answers = 0;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            terminal.waitFor("\n", 10, consumed);
            for (const QByteArray &body : decoder.feed(terminal.received().mid(consumed))) {
                if (auto message = decodeSmpMessage(body);
                    message && message->header.op == SmpOp::WriteResponse)
                    ++answers;
            }
            consumed = terminal.received().size();
            return answers == expected;
        },
        15000))
        << answers << " of " << expected;
    const double seconds = deviceSeconds(host);
    const double lineSeconds = double(requests.size()) / OneDeviceSecond;
    EXPECT_GE(seconds, lineSeconds * 0.99);
    EXPECT_LT(seconds, lineSeconds * 3.0 + 1.0);
}
