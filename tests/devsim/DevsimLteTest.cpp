// The LTE model, its notifications, the faults and the cable of the real provstation-devsim.
#include "DevsimHarness.h"

#include <QFileInfo>
#include <csignal>
#include <gtest/gtest.h>

using namespace ps::devsim::test;

namespace {

QByteArray eventLine(const QByteArray &notification) {
    // shell_print("AT event handler:\n%s", notification + CR LF) with LF -> CR LF.
    return "AT event handler:\r\n" + notification + "\r\r\n\r\n";
}

class DevsimLte : public testing::Test {
protected:
    void startDevice(QStringList extra = {}) {
        QStringList arguments{QStringLiteral("--state"),
                              box.state(),
                              QStringLiteral("--speed"),
                              QStringLiteral("100"),
                              QStringLiteral("--boot-on-open"),
                              QStringLiteral("--replug-delay"),
                              QStringLiteral("100")};
        process = std::make_unique<DevsimProcess>(arguments + extra);
        ASSERT_TRUE(process->start());
        ASSERT_TRUE(terminal.open(process->ptyPath()));
        ASSERT_TRUE(terminal.waitForPrompt());
    }

    QList<QByteArray> command(const QByteArray &text) {
        const auto response = terminal.command(text);
        EXPECT_TRUE(response) << text.toStdString();
        return response ? responseLines(*response) : QList<QByteArray>{};
    }

    DevsimSandbox box;
    std::unique_ptr<DevsimProcess> process;
    PtyTerminal terminal;
};

TEST_F(DevsimLte, ReportsFunctionalModeChangesAsNotificationsAndLogs) {
    startDevice();
    ASSERT_GE(terminal.waitFor("PDN connection activated"), 0);
    EXPECT_EQ(command("at events_enable"), (QList<QByteArray>{"AT command event handler enabled"}));
    EXPECT_EQ(command("at AT+CEREG?"),
              (QList<QByteArray>{"+CEREG: 5,1,\"76C1\",\"0102DA04\",7,,,\"00001000\",\"00100010\"",
                                 "OK"}));

    qsizetype mark = terminal.mark();
    EXPECT_EQ(command("at AT+CFUN=4"), (QList<QByteArray>{"OK"}));
    EXPECT_GE(terminal.waitFor(eventLine("+CEREG: 0"), 5000, mark), 0);
    EXPECT_GE(terminal.waitFor(eventLine("+CGEV: ME DETACH"), 5000, mark), 0);
    EXPECT_GE(terminal.waitFor("<dbg> network: lte_lc_evt_handler: PDN connection network detached",
                               5000, mark),
              0);
    EXPECT_GE(terminal.waitFor("<wrn> network: Not registered, check rejection cause", 5000, mark),
              0);
    EXPECT_EQ(command("at AT+CFUN?"), (QList<QByteArray>{"+CFUN: 4", "OK"}));

    mark = terminal.mark();
    EXPECT_EQ(command("at AT+CFUN=1"), (QList<QByteArray>{"OK"}));
    const qsizetype searching =
        terminal.waitFor(eventLine("+CEREG: 2,\"76C1\",\"0102DA04\",7"), 5000, mark);
    const qsizetype registered = terminal.waitFor(
        eventLine("+CEREG: 1,\"76C1\",\"0102DA04\",7,,,\"00001000\",\"00100010\""), 5000, mark);
    const qsizetype pdn = terminal.waitFor(eventLine("+CGEV: ME PDN ACT 0"), 5000, mark);
    ASSERT_GE(searching, 0);
    EXPECT_LT(searching, registered);
    EXPECT_LT(registered, pdn);
    EXPECT_GE(terminal.waitFor("PDN connection activated", 5000, pdn), 0);

    // Notifications stop with events_disable.
    EXPECT_EQ(command("at events_disable"),
              (QList<QByteArray>{"AT command event handler disabled"}));
    mark = terminal.mark();
    command("at AT+CFUN=4");
    ASSERT_GE(terminal.waitFor("PDN connection network detached", 5000, mark), 0);
    EXPECT_LT(terminal.received().indexOf("AT event handler:", mark), 0);
}

TEST_F(DevsimLte, TakesTheModemOfflineOnAttNetworkDisconnect) {
    startDevice();
    ASSERT_GE(terminal.waitFor("PDN connection activated"), 0);
    qsizetype mark = terminal.mark();
    command("att_network disconnect");
    EXPECT_GE(
        terminal.waitFor("<dbg> network: state_disconnecting_entry: state_disconnecting_entry",
                         5000, mark),
        0);
    EXPECT_GE(terminal.waitFor("PDN connection network detached", 5000, mark), 0);
    EXPECT_GE(terminal.waitFor("<dbg> cloud: state_disconnected_entry", 5000, mark), 0);
    EXPECT_EQ(command("at AT+CFUN?"), (QList<QByteArray>{"+CFUN: 4", "OK"}));

    mark = terminal.mark();
    command("att_network connect");
    EXPECT_GE(terminal.waitFor("PDN connection activated", 5000, mark), 0);
    EXPECT_EQ(command("at AT+CFUN?"), (QList<QByteArray>{"+CFUN: 1", "OK"}));
}

TEST_F(DevsimLte, ReportsAMissingSim) {
    startDevice({QStringLiteral("--fault"), QStringLiteral("no-sim")});
    EXPECT_GE(terminal.waitFor("\x1b[1;31m<err> network: No SIM card detected!\x1b[0m"), 0);
    EXPECT_EQ(command("at AT+CEREG?"), (QList<QByteArray>{"+CEREG: 5,90", "OK"}));
    EXPECT_EQ(command("at AT%CCLK?"), (QList<QByteArray>{"ERROR"})); // never got network time
}

TEST_F(DevsimLte, ReportsARegistrationRejection) {
    startDevice({QStringLiteral("--fault"), QStringLiteral("reg-denied")});
    EXPECT_GE(terminal.waitFor("<wrn> lte_lc: Registration rejected, EMM cause: 15, Cell ID: "
                               "16964100, Tracking area: 30401, LTE mode: 7"),
              0);
    EXPECT_GE(terminal.waitFor("<wrn> network: Not registered, check rejection cause"), 0);
    EXPECT_LT(terminal.received().indexOf("PDN connection activated"), 0);
}

TEST_F(DevsimLte, LosesCoverageForAWhileAndRegistersAgain) {
    // A slow attach, so that events are enabled before the first registration.
    startDevice({QStringLiteral("--fault"), QStringLiteral("coverage-loss=20@5"),
                 QStringLiteral("--attach-time"), QStringLiteral("30")});
    EXPECT_EQ(command("at events_enable"), (QList<QByteArray>{"AT command event handler enabled"}));
    const qsizetype pdn = terminal.waitFor(eventLine("+CGEV: ME PDN ACT 0"));
    ASSERT_GE(pdn, 0);
    const qsizetype lost = terminal.waitFor(eventLine("+CEREG: 2"), 5000, pdn);
    ASSERT_GE(lost, 0);
    EXPECT_GE(
        terminal.waitFor(eventLine("+CEREG: 1,\"76C1\",\"0102DA04\",7,,,\"00001000\",\"00100010\""),
                         5000, lost),
        0);
}

TEST_F(DevsimLte, ComesBackUnderTheSameLinkAfterTheCableIsPulled) {
    startDevice({QStringLiteral("--link"), box.link()});
    ASSERT_TRUE(terminal.open(box.link())); // the link leads to the same device
    const auto before = command("kernel uptime");
    ASSERT_EQ(before.size(), 1);
    const qsizetype lines = process->stdoutLines().size();

    process->sendSignal(SIGUSR1);
    EXPECT_TRUE(terminal.waitForHangUp());
    ASSERT_TRUE(process->waitForLine(QStringLiteral("UNPLUGGED"), lines));
    const auto replugged = process->waitForLine(QStringLiteral("PTY "), lines);
    ASSERT_TRUE(replugged);
    EXPECT_EQ(QFileInfo(box.link()).symLinkTarget(), replugged->mid(4));

    ASSERT_TRUE(terminal.open(box.link()));
    ASSERT_TRUE(terminal.probePrompt());
    const auto after = command("kernel uptime");
    ASSERT_EQ(after.size(), 1);
    // Only the cable went: the device kept running, no new boot.
    EXPECT_GT(after.first().split(' ').value(1).toLongLong(),
              before.first().split(' ').value(1).toLongLong());
    EXPECT_EQ(process->stdoutLines().filter(QStringLiteral("BOOT ")).size(), 1);
}

TEST_F(DevsimLte, RebootsWhenPluggedBackAfterAPowerCut) {
    startDevice({QStringLiteral("--link"), box.link()});
    const qsizetype lines = process->stdoutLines().size();
    process->sendSignal(SIGUSR2);
    EXPECT_TRUE(terminal.waitForHangUp());
    ASSERT_TRUE(process->waitForLine(QStringLiteral("UNPLUGGED power lost"), lines));
    ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT "), lines));
    ASSERT_TRUE(terminal.open(box.link()));
    ASSERT_TRUE(terminal.probePrompt());
    const auto uptime = command("kernel uptime");
    ASSERT_EQ(uptime.size(), 1);
    EXPECT_TRUE(uptime.first().startsWith("Uptime: "));
}

} // namespace
