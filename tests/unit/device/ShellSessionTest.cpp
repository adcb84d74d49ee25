#include "device/ShellSession.h"

#include "DeviceTestSupport.h"
#include "PtyPeer.h"
#include "core/LineAssembler.h"
#include "device/SerialTransport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <gtest/gtest.h>
#include <memory>

using ps::device::DeviceError;
using ps::device::SerialTransport;
using ps::device::ShellResponse;
using ps::device::ShellSession;
using ps::test::PtyPeer;
using namespace std::chrono_literals;

namespace {

using Result = std::expected<ShellResponse, DeviceError>;
constexpr int Deadline = 5000;

QByteArray logRecord(const char *stamp, const char *level, const char *text) {
    return PtyPeer::logLine(stamp, level, text);
}

// A ShellSession on a real SerialTransport on a pseudo-terminal, wired the way DeviceLink wires
// it: bytes -> LineAssembler -> onLine, and the pending text after every chunk.
class ShellOverPty : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(device.open());
        transport = std::make_unique<SerialTransport>(device.linkPath());
        ASSERT_TRUE(transport->open()) << transport->errorString().toStdString();
        session = std::make_unique<ShellSession>(transport.get());
        context = std::make_unique<QObject>();
        QObject::connect(transport.get(), &SerialTransport::bytesReceived, context.get(),
                         [this](const QByteArray &bytes) {
                             if (!session)
                                 return;
                             for (const ps::core::Line &line : assembler.feed(bytes, 0)) {
                                 lines.append(line.text);
                                 session->onLine(line);
                             }
                             pending = assembler.pendingText();
                             session->onPendingText(pending);
                         });
        device.sendPrompt();
        ASSERT_TRUE(QTest::qWaitFor([&] { return pending == session->prompt(); }, Deadline));
    }

    Result run(const QString &command, std::chrono::milliseconds timeout = 3s) {
        return QCoro::waitFor(session->execute(command, timeout));
    }

    PtyPeer device;
    ps::core::LineAssembler assembler;
    std::unique_ptr<SerialTransport> transport;
    std::unique_ptr<ShellSession> session;
    std::unique_ptr<QObject> context;
    QStringList lines;
    QString pending;
};

TEST_F(ShellOverPty, ReturnsTheLinesBeforeOk) {
    device.on(QStringLiteral("at AT+CGMM"), {"nRF9151-LACA", "OK"});
    const Result result = run(QStringLiteral("at AT+CGMM"));
    ASSERT_TRUE(result) << why(result);
    EXPECT_EQ(result->lines, QStringList({QStringLiteral("nRF9151-LACA")}));
    EXPECT_EQ(result->finalLine, QStringLiteral("OK"));
    EXPECT_EQ(device.commands(), QStringList({QStringLiteral("at AT+CGMM")}));
}

TEST_F(ShellOverPty, ReadsAWholeLineEchoToo) {
    device.setEcho(PtyPeer::Echo::WholeLine);
    device.on(QStringLiteral("at AT+CGMR"), {"mfw_nrf91x1_2.0.2", "OK"});
    const Result result = run(QStringLiteral("at AT+CGMR"));
    ASSERT_TRUE(result) << why(result);
    EXPECT_EQ(result->lines, QStringList({QStringLiteral("mfw_nrf91x1_2.0.2")}));
}

TEST_F(ShellOverPty, ReportsErrorAsAnAtError) {
    device.on(QStringLiteral("at AT+BOGUS"), {"ERROR"});
    const Result result = run(QStringLiteral("at AT+BOGUS"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, DeviceError::Kind::AtError);
    EXPECT_EQ(result.error().response, QStringLiteral("ERROR"));
}

TEST_F(ShellOverPty, ReportsACmeErrorWithItsCodeAndWhatToDo) {
    device.on(QStringLiteral("at AT%CMNG=3,42,0"), {"+CME ERROR: 518"});
    const Result result = run(QStringLiteral("at AT%CMNG=3,42,0"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, DeviceError::Kind::CmeError);
    EXPECT_EQ(result.error().code, 518);
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("AT+CFUN=4")))
        << result.error().message.toStdString();
}

TEST_F(ShellOverPty, ReportsThatTheShellCouldNotReachTheModem) {
    device.on(QStringLiteral("at AT+CFUN?"), {"Sending AT command failed with error code -8"});
    const Result result = run(QStringLiteral("at AT+CFUN?"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, DeviceError::Kind::TransportError);
    EXPECT_EQ(result.error().code, -8);
}

TEST_F(ShellOverPty, LeavesLogRecordsAndNotificationsOutOfTheAnswer) {
    device.on(
        QStringLiteral("at AT%CMNG=1"),
        {"%CMNG: 16842753,0,\"2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD1\"",
         logRecord("00:00:05.268,859", "inf", "network: PDN connection activated"),
         "AT event handler: +CEREG: 1,\"4E2D\",\"0132B10F\",7",
         logRecord("00:00:05.270,001", "dbg", "nrf_provisioning: check: Connected to network"),
         "%CMNG: 16842753,1", "OK"});
    const Result result = run(QStringLiteral("at AT%CMNG=1"));
    ASSERT_TRUE(result) << why(result);
    EXPECT_EQ(result->lines,
              QStringList({QStringLiteral("%CMNG: 16842753,0,"
                                          "\"2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741"
                                          "CBD54F05BD1\""),
                           QStringLiteral("%CMNG: 16842753,1")}));
    // The log records still reach whoever reads the lines (console, timeline).
    EXPECT_TRUE(lines.filter(QStringLiteral("PDN connection activated")).size() == 1);
}

TEST_F(ShellOverPty, SkipsALogRecordThatErasesThePromptInTheMiddleOfTheEcho) {
    // The log backend erases "uart:~$ at AT+C" with cursor escapes, prints the record and types
    // prompt and text again (PROTOCOL §1).
    device.injectLogDuringEcho(
        logRecord("00:00:07.001,002", "wrn", "cloud: Connection attempt failed"), 7);
    device.on(QStringLiteral("at AT+CGSN"), {"490154203237518", "OK"});
    const Result result = run(QStringLiteral("at AT+CGSN"));
    ASSERT_TRUE(result) << why(result);
    EXPECT_EQ(result->lines, QStringList({QStringLiteral("490154203237518")}));
    EXPECT_TRUE(
        lines.contains(QStringLiteral("[00:00:07.001,002] <wrn> cloud: Connection attempt failed")))
        << lines.join(u'|').toStdString();
}

TEST_F(ShellOverPty, SkipsMultiLineLogRecordsAndBootBannersInTheMiddleOfTheAnswer) {
    device.on(
        QStringLiteral("at AT+CGMM"),
        {logRecord("00:00:01.000,000", "inf", "modem: hexdump:"),
         "                 01 02 03 04 05 06 07 08  09 0a 0b 0c 0d 0e 0f 10 |........ ........",
         "*** Booting Asset Tracker Template v1.5.0 - 1a2b3c4d ***", "nRF9151-LACA", "OK"});
    const Result result = run(QStringLiteral("at AT+CGMM"));
    ASSERT_TRUE(result) << why(result);
    EXPECT_EQ(result->lines, QStringList({QStringLiteral("nRF9151-LACA")}));
}

TEST_F(ShellOverPty, KeepsEmptyLinesInsideAnAnswerButNotAroundIt) {
    device.on(QStringLiteral("at AT%CMNG=1"), {"", "%CMNG: 1,0", "", "%CMNG: 2,0", "", "OK", ""});
    const Result result = run(QStringLiteral("at AT%CMNG=1"));
    ASSERT_TRUE(result) << why(result);
    EXPECT_EQ(result->lines,
              QStringList({QStringLiteral("%CMNG: 1,0"), QString(), QStringLiteral("%CMNG: 2,0")}));
}

TEST_F(ShellOverPty, EndsAnOrdinaryShellCommandAtThePrompt) {
    device.on(QStringLiteral("help"), {"Available commands:", "  at", "  att_cloud", "  kernel"});
    const Result result = run(QStringLiteral("help"));
    ASSERT_TRUE(result) << why(result);
    EXPECT_EQ(result->finalLine, QString());
    EXPECT_EQ(result->lines,
              QStringList({QStringLiteral("Available commands:"), QStringLiteral("  at"),
                           QStringLiteral("  att_cloud"), QStringLiteral("  kernel")}));
}

TEST_F(ShellOverPty, WaitsForTheFinalLineWhenThePromptComesFirst) {
    // Some builds print the prompt before the modem's final line reaches the shell.
    device.on(QStringLiteral("at AT+CFUN?"), PtyPeer::Reply{{"+CFUN: 4"}, true});
    auto task = session->execute(QStringLiteral("at AT+CFUN?"), 3s);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return lines.contains(QStringLiteral("+CFUN: 4")) && pending == session->prompt(); },
        Deadline));
    device.send(QByteArrayLiteral("OK\r\n"));
    device.sendPrompt();
    const Result result = QCoro::waitFor(std::move(task));
    ASSERT_TRUE(result) << why(result);
    EXPECT_EQ(result->lines, QStringList({QStringLiteral("+CFUN: 4")}));
    EXPECT_EQ(result->finalLine, QStringLiteral("OK"));
}

TEST_F(ShellOverPty, EndsAnAtCommandWithoutFinalLineSoonAfterThePrompt) {
    device.on(QStringLiteral("at events_enable"), {"AT event handler enabled"});
    device.on(QStringLiteral("at AT+ODD"), {"something"});
    const Result plain = run(QStringLiteral("at events_enable"));
    ASSERT_TRUE(plain) << why(plain);
    EXPECT_EQ(plain->lines, QStringList({QStringLiteral("AT event handler enabled")}));

    QElapsedTimer clock;
    clock.start();
    const Result odd = run(QStringLiteral("at AT+ODD"), 5s);
    ASSERT_TRUE(odd) << why(odd);
    EXPECT_EQ(odd->finalLine, QString());
    EXPECT_EQ(odd->lines, QStringList({QStringLiteral("something")}));
    EXPECT_LT(clock.elapsed(), 4000) << "ended by the prompt, not by the timeout";
}

TEST_F(ShellOverPty, FollowsAnEchoWrappedAtTheTerminalWidth) {
    device.setEchoWrapWidth(40);
    const QString command =
        QStringLiteral("at 'AT%KEYGEN=16842753,2,0,\"O=Nordic Semiconductor,L=Trondheim,C=NO\"'");
    device.on(command, {"%KEYGEN: \"MIIBCjCBrwIBADBJMQ0wCwYDVQQK.0oRDoQEmoQRB\"", "OK"});
    const Result result = run(command);
    ASSERT_TRUE(result) << why(result);
    EXPECT_EQ(
        result->lines,
        QStringList({QStringLiteral("%KEYGEN: \"MIIBCjCBrwIBADBJMQ0wCwYDVQQK.0oRDoQEmoQRB\"")}));
}

TEST_F(ShellOverPty, TimesOutWhenTheDeviceStaysSilent) {
    device.setSilent(true);
    QElapsedTimer clock;
    clock.start();
    const Result result = run(QStringLiteral("at AT+CGSN"), 300ms);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, DeviceError::Kind::Timeout);
    EXPECT_GE(clock.elapsed(), 300);
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("did not echo")))
        << result.error().message.toStdString();
    EXPECT_EQ(session->queuedCount(), 0);
}

TEST_F(ShellOverPty, RunsQueuedCommandsInOrderOneAtATime) {
    device.on(QStringLiteral("at AT+CGSN"), {"490154203237518", "OK"});
    device.on(QStringLiteral("at AT+CGMM"), {"nRF9151-LACA", "OK"});
    device.on(QStringLiteral("at AT+CGMR"), {"mfw_nrf91x1_2.0.2", "OK"});
    QStringList events;
    QObject::connect(session.get(), &ShellSession::commandStarted, context.get(),
                     [&](const QString &c) { events.append(QStringLiteral("start ") + c); });
    QObject::connect(session.get(), &ShellSession::commandFinished, context.get(),
                     [&](const QString &c, bool ok) {
                         events.append((ok ? QStringLiteral("ok ") : QStringLiteral("fail ")) + c);
                     });

    auto imei = session->execute(QStringLiteral("at AT+CGSN"));
    auto model = session->execute(QStringLiteral("at AT+CGMM"));
    auto firmware = session->execute(QStringLiteral("at AT+CGMR"));
    EXPECT_EQ(session->queuedCount(), 3);

    const Result firmwareResult = QCoro::waitFor(std::move(firmware));
    const Result modelResult = QCoro::waitFor(std::move(model));
    const Result imeiResult = QCoro::waitFor(std::move(imei));
    ASSERT_TRUE(imeiResult && modelResult && firmwareResult);
    EXPECT_EQ(imeiResult->lines.value(0), QStringLiteral("490154203237518"));
    EXPECT_EQ(modelResult->lines.value(0), QStringLiteral("nRF9151-LACA"));
    EXPECT_EQ(firmwareResult->lines.value(0), QStringLiteral("mfw_nrf91x1_2.0.2"));
    EXPECT_EQ(device.commands(),
              QStringList({QStringLiteral("at AT+CGSN"), QStringLiteral("at AT+CGMM"),
                           QStringLiteral("at AT+CGMR")}));
    EXPECT_EQ(events,
              QStringList({QStringLiteral("start at AT+CGSN"), QStringLiteral("ok at AT+CGSN"),
                           QStringLiteral("start at AT+CGMM"), QStringLiteral("ok at AT+CGMM"),
                           QStringLiteral("start at AT+CGMR"), QStringLiteral("ok at AT+CGMR")}));
    EXPECT_EQ(session->queuedCount(), 0);
}

TEST_F(ShellOverPty, FailsTheCommandInFlightAndTheQueueWhenTheDeviceDisconnects) {
    QObject::connect(&device, &PtyPeer::commandReceived, context.get(), [&](const QString &c) {
        if (c == QStringLiteral("att_cloud provision"))
            device.close(); // the cable comes out while the command runs
    });
    auto first = session->execute(QStringLiteral("att_cloud provision"), 3s);
    auto second = session->execute(QStringLiteral("at AT+CGSN"), 3s);
    const Result firstResult = QCoro::waitFor(std::move(first));
    const Result secondResult = QCoro::waitFor(std::move(second));
    ASSERT_FALSE(firstResult);
    EXPECT_EQ(firstResult.error().kind, DeviceError::Kind::Disconnected);
    EXPECT_TRUE(firstResult.error().message.contains(QStringLiteral("disconnected")));
    ASSERT_FALSE(secondResult);
    EXPECT_EQ(secondResult.error().kind, DeviceError::Kind::Disconnected);

    const Result later = run(QStringLiteral("at AT+CGSN"));
    ASSERT_FALSE(later);
    EXPECT_EQ(later.error().kind, DeviceError::Kind::NotConnected);
}

TEST_F(ShellOverPty, ReportsAnUnknownCommandAsAShellError) {
    const Result result = run(QStringLiteral("att_cloud_provision now"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, DeviceError::Kind::ShellError);
    EXPECT_TRUE(
        result.error().message.contains(QStringLiteral("att_cloud_provision: command not found")))
        << result.error().message.toStdString();
}

TEST_F(ShellOverPty, ReportsAUsageErrorWithTheUsageLine) {
    device.on(QStringLiteral("att_button press"),
              {"Invalid number of arguments (2)", "Usage: att_button short|long <1|2>"});
    const Result result = run(QStringLiteral("att_button press"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, DeviceError::Kind::ShellError);
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("Invalid number of arguments (2)")));
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("Usage: att_button short|long")))
        << result.error().message.toStdString();
}

TEST_F(ShellOverPty, WorksAgainAfterATimeout) {
    device.setSilent(true);
    const Result lostOne = run(QStringLiteral("at AT+CGMM"), 200ms);
    ASSERT_FALSE(lostOne);
    device.setSilent(false);
    device.on(QStringLiteral("at AT+CGMR"), {"mfw_nrf91x1_2.0.2", "OK"});
    const Result next = run(QStringLiteral("at AT+CGMR"));
    ASSERT_TRUE(next) << why(next);
    EXPECT_EQ(next->lines, QStringList({QStringLiteral("mfw_nrf91x1_2.0.2")}));
}

TEST_F(ShellOverPty, FailsAtOnceWhenThePortIsClosed) {
    transport->close();
    const Result result = run(QStringLiteral("at AT+CGSN"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, DeviceError::Kind::NotConnected);
}

TEST_F(ShellOverPty, RefusesACommandThatIsNotOneLine) {
    const Result result = run(QStringLiteral("at AT+CGSN\r\nkernel reboot cold"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, DeviceError::Kind::ShellError);
    EXPECT_TRUE(device.commands().isEmpty());
}

TEST_F(ShellOverPty, CancelsItsCommandsWhenDestroyed) {
    device.setSilent(true);
    auto inFlight = session->execute(QStringLiteral("at AT+CGSN"), 3s);
    auto queued = session->execute(QStringLiteral("at AT+CGMM"), 3s);
    session.reset();
    const Result inFlightResult = QCoro::waitFor(std::move(inFlight));
    const Result queuedResult = QCoro::waitFor(std::move(queued));
    ASSERT_FALSE(inFlightResult);
    EXPECT_EQ(inFlightResult.error().kind, DeviceError::Kind::Cancelled);
    ASSERT_FALSE(queuedResult);
    EXPECT_EQ(queuedResult.error().kind, DeviceError::Kind::Cancelled);
}

} // namespace
