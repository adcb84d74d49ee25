// MCUboot's wait for DFU (`--dfu-wait`) in the real provstation-devsim: after every reset the
// bootloader listens for an SMP command for a while; one keeps it in serial recovery, else the
// application boots.
#include "DeviceOptions.h"
#include "DevsimHarness.h"
#include "mcumgr/SmpMessage.h"
#include "mcumgr/SmpSerial.h"

#include <QElapsedTimer>
#include <QTest>
#include <gtest/gtest.h>

using namespace ps::devsim::test;
using namespace ps::mcumgr;
using ps::core::CborValue;

namespace {

QByteArray echoPacket(quint8 sequence, const QString &text) {
    SmpHeader header;
    header.op = SmpOp::Write;
    header.group = SmpGroup::Os;
    header.command = SmpOsCommand::Echo;
    header.sequence = sequence;
    return encodeSerialPacket(encodeSmpMessage(
        header, CborValue::map({smpEntry(QStringLiteral("d"), CborValue::textString(text))})));
}

class DevsimDfuWait : public testing::Test {
protected:
    // `speed` and `dfuWaitMs` together give the window in host time (dfuWaitMs / speed).
    void startDevice(int speed, int dfuWaitMs) {
        process = std::make_unique<DevsimProcess>(
            QStringList{QStringLiteral("--state"), box.state(), QStringLiteral("--speed"),
                        QString::number(speed), QStringLiteral("--dfu-wait"),
                        QString::number(dfuWaitMs), QStringLiteral("--boot-on-open")});
        ASSERT_TRUE(process->start());
        ASSERT_TRUE(terminal.open(process->ptyPath()));
        ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT MCUboot waiting for DFU")));
    }

    // Sends an echo request and returns the answer's text, or nothing after the timeout.
    std::optional<QString> echo(const QString &text, int timeoutMs = 3000) {
        const quint8 sequence = ++m_sequence;
        const qsizetype from = terminal.mark();
        terminal.send(echoPacket(sequence, text));
        SerialPacketDecoder decoder;
        qsizetype consumed = from;
        std::optional<QString> answer;
        (void)QTest::qWaitFor(
            [&] {
                for (const QByteArray &body : decoder.feed(terminal.received().mid(consumed))) {
                    auto message = decodeSmpMessage(body);
                    if (message && message->header.sequence == sequence &&
                        message->header.op == SmpOp::WriteResponse && message->payload.find(u"r"))
                        answer = message->payload.find(u"r")->text;
                }
                consumed = terminal.received().size();
                return answer.has_value();
            },
            timeoutMs);
        return answer;
    }

    DevsimSandbox box;
    std::unique_ptr<DevsimProcess> process;
    PtyTerminal terminal;
    quint8 m_sequence = 0;
};

} // namespace

TEST(DevsimCommandLine, TakesTheDfuWaitInDeviceMilliseconds) {
    const auto options =
        ps::devsim::parseDeviceOptions({QStringLiteral("provstation-devsim"),
                                        QStringLiteral("--dfu-wait"), QStringLiteral("750")});
    ASSERT_TRUE(options.has_value()) << options.error().toStdString();
    EXPECT_EQ(options->dfuWaitMs, 750);
    EXPECT_EQ(ps::devsim::parseDeviceOptions({QStringLiteral("provstation-devsim")})->dfuWaitMs, 0);
    EXPECT_FALSE(ps::devsim::parseDeviceOptions(
        {QStringLiteral("provstation-devsim"), QStringLiteral("--dfu-wait"), QStringLiteral("x")}));
    EXPECT_TRUE(ps::devsim::helpText().contains(u"--dfu-wait MS"));
}

TEST_F(DevsimDfuWait, AnnouncesTheWindowAndBootsTheApplicationWhenNoCommandComes) {
    QElapsedTimer host;
    host.start();
    startDevice(10, 4000); // 400 host milliseconds
    const auto waiting = process->waitForLine(QStringLiteral("BOOT MCUboot waiting for DFU"));
    ASSERT_TRUE(waiting);
    EXPECT_EQ(*waiting, u"BOOT MCUboot waiting for DFU (4000 ms)");
    const auto boot = process->waitForLine(QStringLiteral("BOOT Asset Tracker Template v1.5.0"));
    ASSERT_TRUE(boot);
    // The window is device time: at speed 10 it lasts 400 ms on the host, and the process
    // printed its first line after this timer started.
    EXPECT_GE(host.elapsed(), 400);
    EXPECT_GE(terminal.waitFor("*** Booting Asset Tracker Template v1.5.0"), 0);
    EXPECT_TRUE(terminal.waitForPrompt());
    EXPECT_FALSE(process->stdoutLines().join(u'\n').contains(u"serial recovery"));
}

TEST_F(DevsimDfuWait, StaysInSerialRecoveryWhenAnSmpCommandArrivesInTheWindow) {
    startDevice(10, 30000); // 3 host seconds
    const auto answer = echo(QStringLiteral("catch the window"));
    ASSERT_TRUE(answer);
    EXPECT_EQ(*answer, u"catch the window");
    EXPECT_TRUE(process->waitForLine(
        QStringLiteral("BOOT MCUboot serial recovery (SMP command during the wait for DFU)")));

    // Long after the window would have closed, it still answers SMP and never booted the app.
    EXPECT_FALSE(
        process->waitForLine(QStringLiteral("BOOT Asset Tracker Template"), 0, 4000).has_value());
    EXPECT_EQ(echo(QStringLiteral("still here")), QStringLiteral("still here"));
    EXPECT_LT(terminal.received().indexOf("*** Booting"), 0);
}

TEST_F(DevsimDfuWait, IgnoresConsoleTextAndBrokenFramesInTheWindow) {
    startDevice(10, 6000);
    terminal.send("\r\nkernel reboot cold\r\n");
    QByteArray broken = echoPacket(1, QStringLiteral("broken"));
    broken[6] = broken[6] == 'A' ? 'B' : 'A'; // base64 still valid, the CRC no longer matches
    terminal.send(broken);
    ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT Asset Tracker Template")));
    EXPECT_FALSE(process->stdoutLines().join(u'\n').contains(u"serial recovery"));
}

TEST_F(DevsimDfuWait, WaitsAgainAfterEveryReset) {
    startDevice(10, 3000);
    ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT Asset Tracker Template")));
    ASSERT_TRUE(terminal.waitForPrompt());

    // A reboot from the shell opens the window again, and this time an SMP command catches it.
    qsizetype lines = process->stdoutLines().size();
    terminal.send("kernel reboot cold\r\n");
    ASSERT_TRUE(
        process->waitForLine(QStringLiteral("BOOT MCUboot waiting for DFU (3000 ms)"), lines));
    std::optional<QString> answer;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            answer = echo(QStringLiteral("probe"), 50);
            return answer.has_value();
        },
        5000));
    ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT MCUboot serial recovery"), lines));

    // An SMP reset from recovery opens it again; nothing arrives, so the app boots.
    lines = process->stdoutLines().size();
    SmpHeader header;
    header.op = SmpOp::Write;
    header.group = SmpGroup::Os;
    header.command = SmpOsCommand::Reset;
    header.sequence = 200;
    terminal.send(encodeSerialPacket(encodeSmpMessage(header, CborValue::map({}))));
    const auto waiting = process->waitForLine(QStringLiteral("BOOT "), lines);
    ASSERT_TRUE(waiting);
    EXPECT_EQ(*waiting, u"BOOT MCUboot waiting for DFU (3000 ms)");
    EXPECT_TRUE(process->waitForLine(QStringLiteral("BOOT Asset Tracker Template"), lines));
}
