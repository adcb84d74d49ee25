// Boot, shell and log behaviour of the real provstation-devsim, seen through its pty.
#include "DevsimHarness.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <gtest/gtest.h>

using namespace ps::devsim::test;

namespace {

class DevsimBoot : public testing::Test {
protected:
    // Starts a device that boots when the terminal opens, so the test sees the banner.
    void startDevice(QStringList extra = {}, bool waitForPrompt = true) {
        QStringList arguments{QStringLiteral("--state"), box.state(), QStringLiteral("--speed"),
                              QStringLiteral("100"), QStringLiteral("--boot-on-open")};
        process = std::make_unique<DevsimProcess>(arguments + extra);
        ASSERT_TRUE(process->start());
        ASSERT_TRUE(terminal.open(process->ptyPath()));
        if (waitForPrompt) {
            ASSERT_TRUE(terminal.waitForPrompt());
        }
    }

    DevsimSandbox box;
    std::unique_ptr<DevsimProcess> process;
    PtyTerminal terminal;
};

QList<qint64> timestampsIn(const QByteArray &bytes) {
    static const QRegularExpression stamp(
        QStringLiteral("\\[(\\d{2,}):(\\d{2}):(\\d{2})\\.(\\d{3}),(\\d{3})\\] <"));
    QList<qint64> result;
    auto it = stamp.globalMatch(QString::fromLatin1(stripAnsi(bytes)));
    while (it.hasNext()) {
        const auto m = it.next();
        result.append((((m.captured(1).toLongLong() * 60 + m.captured(2).toLongLong()) * 60 +
                        m.captured(3).toLongLong()) *
                           1000 +
                       m.captured(4).toLongLong()) *
                          1000 +
                      m.captured(5).toLongLong());
    }
    return result;
}

TEST_F(DevsimBoot, PrintsTheAttBannerThenStartsTheShell) {
    startDevice();
    static const QRegularExpression banner(QStringLiteral(
        "^\\*\\*\\* Booting Asset Tracker Template v1\\.5\\.0 - [0-9a-f]{12} \\*\\*\\*\r\n"
        "\\*\\*\\* Using nRF Connect SDK v3\\.1\\.1 \\*\\*\\*\r\n"
        "\\*\\*\\* Using Zephyr OS v4\\.1\\.99 \\*\\*\\*\r\n"
        "\x1b\\[0m\r\n\r\n\x1b\\[1;32muart:~\\$ \x1b\\[0m"));
    EXPECT_TRUE(banner.match(QString::fromLatin1(terminal.received())).hasMatch())
        << terminal.received().left(300).toStdString();
    EXPECT_TRUE(process->waitForLine(QStringLiteral("BOOT Asset Tracker Template v1.5.0")));
}

TEST_F(DevsimBoot, WritesZephyrLogRecordsWithColoursAndUptime) {
    startDevice();
    ASSERT_GE(terminal.waitFor("Connection attempt failed, backoff time: 60 seconds"), 0);
    const QString raw = QString::fromLatin1(terminal.received());
    // An info record erases the prompt, then prints and re-prints the prompt.
    static const QRegularExpression info(
        QStringLiteral("\x1b\\[8D\x1b\\[J\\[\\d{2}:\\d{2}:\\d{2}\\.\\d{3},\\d{3}\\] \x1b\\[0m<inf> "
                       "nrf_provisioning_coap: "
                       "Init CoAP client\x1b\\[0m\r\n\x1b\\[1;32muart:~\\$ \x1b\\[0m"));
    EXPECT_TRUE(info.match(raw).hasMatch());
    static const QRegularExpression debug(QStringLiteral(
        "\\] \x1b\\[0m<dbg> network: lte_lc_evt_handler: PDN connection activated\x1b\\[0m\r\n"));
    EXPECT_TRUE(debug.match(raw).hasMatch());
    static const QRegularExpression warning(
        QStringLiteral("\\] \x1b\\[1;33m<wrn> cloud: Connection attempt failed, backoff time: 60 "
                       "seconds\x1b\\[0m\r\n"));
    EXPECT_TRUE(warning.match(raw).hasMatch());
    static const QRegularExpression error(
        QStringLiteral("\\] \x1b\\[1;31m<err> nrf_cloud_coap_transport: [^\r]*no cloud "
                       "endpoint[^\r]*\x1b\\[0m\r\n"));
    EXPECT_TRUE(error.match(raw).hasMatch());

    const QList<qint64> stamps = timestampsIn(terminal.received());
    ASSERT_GT(stamps.size(), 10);
    EXPECT_TRUE(std::is_sorted(stamps.begin(), stamps.end()));
    // The attach (3 s of device time at 100x) shows up in the uptime, not in host time.
    EXPECT_GT(stamps.last(), 3000000);
}

TEST_F(DevsimBoot, RestartsUptimeAfterKernelReboot) {
    startDevice();
    ASSERT_GE(terminal.waitFor("PDN connection activated"), 0);
    const qint64 before = timestampsIn(terminal.received()).last();
    const qsizetype mark = terminal.mark();
    terminal.send("kernel reboot cold\r\n");
    const QByteArray echo = "kernel reboot cold\r\n";
    const qsizetype echoed = terminal.waitFor(echo, 5000, mark);
    ASSERT_GE(echoed, 0);
    const qsizetype banner = terminal.waitFor("*** Booting Asset Tracker Template", 5000, echoed);
    ASSERT_GE(banner, 0);
    // Nothing between the command and the banner, not even a prompt: sys_reboot() does not
    // return, and log records still queued are lost with the reset.
    EXPECT_EQ(banner, echoed + echo.size());
    ASSERT_GE(terminal.waitFor("Main has started", 5000, banner), 0);
    const QList<qint64> after = timestampsIn(terminal.received().mid(banner));
    ASSERT_FALSE(after.isEmpty());
    EXPECT_LT(after.first(), before);
}

TEST_F(DevsimBoot, InterleavesLogRecordsWithTheTypedText) {
    // A long attach leaves time to type before the next record arrives.
    startDevice({QStringLiteral("--speed"), QStringLiteral("10"), QStringLiteral("--attach-time"),
                 QStringLiteral("10")});
    ASSERT_GE(terminal.waitFor("state_disconnected_searching_entry"), 0);
    ASSERT_TRUE(
        terminal.waitForPrompt(5000, terminal.waitFor("state_disconnected_searching_entry")));
    const qsizetype typed = terminal.mark();
    terminal.send("at AT+CG");
    ASSERT_GE(terminal.waitFor("at AT+CG", 5000, typed), 0);
    const qsizetype afterEcho = typed + 8;
    ASSERT_GE(terminal.waitFor("PSM parameters received", 5000, afterEcho), 0);

    const QByteArray tail = terminal.received().mid(afterEcho);
    // Erase prompt (8) and typed text (8), print the record, re-print both.
    static const QRegularExpression interleaved(QStringLiteral(
        "^\x1b\\[16D\x1b\\[J\\[\\d{2}:\\d{2}:\\d{2}\\.\\d{3},\\d{3}\\] \x1b\\[0m<dbg> network: "
        "lte_lc_evt_handler: PSM parameters received, TAU: 7200, Active time: 16\x1b\\[0m\r\n"
        "\x1b\\[1;32muart:~\\$ \x1b\\[0mat AT\\+CG"));
    EXPECT_TRUE(interleaved.match(QString::fromLatin1(tail)).hasMatch())
        << tail.left(200).toStdString();

    // The typed text survived: finishing the line runs the whole command.
    const qsizetype finish = terminal.mark();
    terminal.send("MM\r\n");
    EXPECT_GE(terminal.waitFor("MM\r\nnRF9151-LACA\r\r\nOK\r\r\n", 5000, finish), 0);
}

TEST_F(DevsimBoot, ExplainsUsageErrorsLikeTheRealShell) {
    startDevice();
    auto response = terminal.command("att_cloud publish only-one");
    ASSERT_TRUE(response);
    EXPECT_EQ(responseLines(*response),
              (QList<QByteArray>{"Invalid number of arguments (2)",
                                 "Usage: att_cloud publish <appid> <data>"}));

    response = terminal.command("no_such_command");
    ASSERT_TRUE(response);
    EXPECT_TRUE(response->startsWith("\x1b[1;31mno_such_command: command not found\r\n\x1b[0m"));

    response = terminal.command("at");
    ASSERT_TRUE(response);
    EXPECT_EQ(responseLines(*response).first(), QByteArray("Usage: at <subcommand>"));

    response = terminal.command("at AT+NOPE");
    ASSERT_TRUE(response);
    EXPECT_EQ(*response, QByteArray("ERROR\r\r\n\r\n"));

    response = terminal.command("att_network");
    ASSERT_TRUE(response);
    EXPECT_EQ(responseLines(*response),
              (QList<QByteArray>{"att_network - Asset Tracker Template Network CMDs",
                                 "Subcommands:", "  connect     :Connect to LTE",
                                 "  disconnect  :Disconnect from LTE"}));
}

TEST_F(DevsimBoot, SpeaksTheOlderWordingUnderAtt12) {
    startDevice({QStringLiteral("--att"), QStringLiteral("1.2")});
    EXPECT_TRUE(terminal.received().startsWith("*** Booting Asset Tracker Template v1.2.5 - "));
    ASSERT_GE(terminal.waitFor("<inf> network: Network connectivity established"), 0);

    auto response = terminal.command("att_cloud provision");
    ASSERT_TRUE(response);
    EXPECT_TRUE(response->contains("att_cloud: command not found"));

    const qsizetype mark = terminal.mark();
    response = terminal.command("att_cloud_provision now");
    ASSERT_TRUE(response);
    EXPECT_GE(
        terminal.waitFor("<dbg> cloud: handle_cloud_channel_message: Provisioning request received",
                         5000, mark),
        0);
    EXPECT_GE(
        terminal.waitFor("<err> nrf_provisioning_coap: Unable to resolve address", 5000, mark), 0);
}

TEST_F(DevsimBoot, PutsGarbageBetweenTheRealBytes) {
    startDevice({QStringLiteral("--garbage"), QStringLiteral("1")}, false);
    const QByteArray expected = "*** Booting Asset Tracker Template v1.5.0 - ";
    ASSERT_TRUE(QTest::qWaitFor([&] {
        terminal.waitFor("\n", 10);
        return terminal.received().size() >= 2 * expected.size();
    }));
    QByteArray clean;
    for (qsizetype i = 0; i < 2 * expected.size(); i += 2)
        clean.append(terminal.received().at(i));
    EXPECT_EQ(clean, expected);
    EXPECT_FALSE(terminal.received().startsWith(expected)); // with rate 1 every byte gets company
}

namespace {

/// The first `count` bytes a fresh device (booting when the terminal opens) sends with
/// `arguments`, and the line devsim printed about its stray bytes.
struct NoisyBoot {
    QByteArray bytes;
    QString announced;
};

NoisyBoot firstBytes(const QStringList &arguments, qsizetype count) {
    DevsimSandbox box;
    DevsimProcess process(QStringList{QStringLiteral("--state"), box.state(),
                                      QStringLiteral("--speed"), QStringLiteral("100"),
                                      QStringLiteral("--boot-on-open")} +
                          arguments);
    if (!process.start())
        return {};
    PtyTerminal terminal;
    if (!terminal.open(process.ptyPath()))
        return {};
    // The banner and the shell's first prompt are the same bytes at every boot; only the
    // stray bytes between them depend on the seed.
    if (!QTest::qWaitFor([&] {
            terminal.waitFor("\n", 10);
            return terminal.received().size() >= count;
        }))
        return {};
    const auto announced = process.waitForLine(QStringLiteral("GARBAGE "), 0, 2000);
    return {terminal.received().left(count), announced.value_or(QString())};
}

} // namespace

TEST(DevsimGarbage, TheSameSeedGivesTheSameStrayBytesInTheSamePlaces) {
    const QStringList noisy{QStringLiteral("--garbage"), QStringLiteral("0.1")};
    constexpr qsizetype Count = 120; // within the banner's three lines and the first prompt
    const NoisyBoot clean = firstBytes({}, Count);
    const NoisyBoot first =
        firstBytes(noisy + QStringList{QStringLiteral("--seed"), QStringLiteral("7")}, Count);
    const NoisyBoot again =
        firstBytes(noisy + QStringList{QStringLiteral("--seed"), QStringLiteral("7")}, Count);
    const NoisyBoot other =
        firstBytes(noisy + QStringList{QStringLiteral("--seed"), QStringLiteral("8")}, Count);
    ASSERT_EQ(clean.bytes.size(), Count);
    ASSERT_EQ(first.bytes.size(), Count);
    ASSERT_EQ(again.bytes.size(), Count);
    ASSERT_EQ(other.bytes.size(), Count);
    EXPECT_NE(first.bytes, clean.bytes) << "stray bytes at rate 0.1 within 120 bytes";
    EXPECT_EQ(first.bytes, again.bytes);
    EXPECT_NE(first.bytes, other.bytes);
    EXPECT_EQ(first.announced, QStringLiteral("GARBAGE 0.1 seed 7"));
    EXPECT_TRUE(clean.announced.isEmpty()) << clean.announced.toStdString();
}

TEST(DevsimGarbage, AnnouncesTheSeedItDrewSoThatARunCanBeReplayed) {
    const QStringList noisy{QStringLiteral("--garbage"), QStringLiteral("0.1")};
    const NoisyBoot drawn = firstBytes(noisy, 120);
    static const QRegularExpression line(QStringLiteral("^GARBAGE 0\\.1 seed (\\d+)$"));
    ASSERT_EQ(drawn.bytes.size(), 120);
    const auto match = line.match(drawn.announced);
    ASSERT_TRUE(match.hasMatch()) << drawn.announced.toStdString();
    const NoisyBoot replayed =
        firstBytes(noisy + QStringList{QStringLiteral("--seed"), match.captured(1)}, 120);
    EXPECT_EQ(replayed.bytes, drawn.bytes);
}

TEST(DevsimCommandLine, RefusesASeedThatIsNotAWholeNumber) {
    for (const QString &seed : {QStringLiteral("-1"), QStringLiteral("1.5"),
                                QStringLiteral("4294967296"), QStringLiteral("seven")}) {
        QProcess process;
        process.start(QStringLiteral(PROVSTATION_DEVSIM_EXECUTABLE),
                      {QStringLiteral("--seed"), seed});
        ASSERT_TRUE(process.waitForFinished(10000));
        EXPECT_EQ(process.exitCode(), 2) << seed.toStdString();
        EXPECT_TRUE(process.readAllStandardError().contains("--seed")) << seed.toStdString();
    }
}

TEST(DevsimCommandLine, PrintsAShortHelp) {
    QProcess process;
    process.start(QStringLiteral(PROVSTATION_DEVSIM_EXECUTABLE), {QStringLiteral("--help")});
    ASSERT_TRUE(process.waitForFinished(10000));
    EXPECT_EQ(process.exitCode(), 0);
    const QByteArray text = process.readAllStandardOutput();
    EXPECT_TRUE(text.startsWith("Usage: provstation-devsim"));
    EXPECT_TRUE(text.contains("--fault"));
    EXPECT_TRUE(text.contains("SIGUSR1"));
    EXPECT_TRUE(text.contains("--seed N"));
}

TEST(DevsimCommandLine, RefusesAnUnknownOption) {
    QProcess process;
    process.start(QStringLiteral(PROVSTATION_DEVSIM_EXECUTABLE), {QStringLiteral("--frobnicate")});
    ASSERT_TRUE(process.waitForFinished(10000));
    EXPECT_EQ(process.exitCode(), 2);
    EXPECT_TRUE(process.readAllStandardError().contains("unknown option --frobnicate"));
}

} // namespace
