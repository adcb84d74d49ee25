#include "cli/CliApp.h"

#include "PtyPeer.h"
#include "cli/ExitCode.h"
#include "core/AttestationToken.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace Qt::StringLiterals;
using ps::cli::CliApp;

namespace {

struct CliRun {
    int status = -1;
    QString out;
    QString err;
};

CliRun runCli(const QStringList &args, const std::function<void(CliApp &)> &setup = {}) {
    CliRun run;
    QTextStream out(&run.out);
    QTextStream err(&run.err);
    CliApp cli(out, err);
    if (setup) {
        setup(cli);
    }
    run.status = QCoro::waitFor(cli.run(args));
    return run;
}

QString readTestFile(const QString &relative) {
    QFile file(QStringLiteral(PROVSTATION_TEST_DATA) + u'/' + relative);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << relative.toStdString();
    return QString::fromUtf8(file.readAll()).trimmed();
}

} // namespace

TEST(CliApp, DecodesAValidTokenToJsonWithTheDocumentedKeys) {
    const QString token = readTestFile(u"tokens/valid.txt"_s);
    const CliRun run = runCli({u"token"_s, u"decode"_s, token});
    ASSERT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    const QJsonObject json = QJsonDocument::fromJson(run.out.toUtf8()).object();
    for (const char *key : {"messageType", "deviceUuid", "deviceType", "deviceTypeName",
                            "modemFirmwareUuid", "nonce"}) {
        EXPECT_TRUE(json.contains(QLatin1StringView(key))) << key;
    }
    EXPECT_EQ(json.value(u"messageType"_s).toInt(), 1);
    const auto expected = ps::core::AttestationToken::parse(token);
    ASSERT_TRUE(expected.has_value());
    EXPECT_EQ(json.value(u"deviceUuid"_s).toString(),
              ps::core::AttestationToken::uuidText(expected->deviceUuid));
    EXPECT_EQ(json.value(u"deviceTypeName"_s).toString(), expected->deviceTypeName());
    EXPECT_EQ(json.value(u"nonce"_s).toString().size(), 32);
}

TEST(CliApp, ReadsTheTokenFromStandardInputWhenGivenADash) {
    const QString token = readTestFile(u"tokens/valid.txt"_s);
    const CliRun run = runCli({u"token"_s, u"decode"_s, u"-"_s}, [&](CliApp &cli) {
        cli.setStdinReader([&]() -> QString { return u"%ATTESTTOKEN: \""_s + token + u"\"\n"_s; });
    });
    EXPECT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    EXPECT_TRUE(run.out.contains(u"deviceUuid"_s));
}

TEST(CliApp, RejectsAMalformedTokenWithExitStatusTwoAndTheReason) {
    const CliRun run = runCli({u"token"_s, u"decode"_s, u"not-a-token"_s});
    EXPECT_EQ(run.status, ps::cli::UsageError);
    EXPECT_TRUE(run.out.isEmpty());
    EXPECT_TRUE(run.err.contains(u"not a valid attestation token: "_s)) << run.err.toStdString();
    // The reason follows the colon, it is not empty.
    EXPECT_GT(run.err.section(u"token: "_s, 1).trimmed().size(), 3);
}

TEST(CliApp, ListsPortsAsJsonWithTheDetectedBoard) {
    ps::device::PortInfo dk;
    dk.portName = u"ttyACM0"_s;
    dk.systemLocation = u"/dev/ttyACM0"_s;
    dk.serialNumber = u"001051234567"_s;
    dk.vendorId = 0x1366;
    dk.boardName = u"nRF9151 DK"_s;
    dk.isNordic = true;
    ps::device::PortInfo other;
    other.portName = u"ttyS0"_s;
    other.systemLocation = u"/dev/ttyS0"_s;
    const CliRun run = runCli({u"ports"_s, u"--json"_s}, [&](CliApp &cli) {
        cli.setPortLister([&] { return QList<ps::device::PortInfo>{dk, other}; });
    });
    ASSERT_EQ(run.status, ps::cli::Success);
    const QJsonArray ports = QJsonDocument::fromJson(run.out.toUtf8()).array();
    ASSERT_EQ(ports.size(), 2);
    EXPECT_EQ(ports.at(0).toObject().value(u"board"_s).toString(), u"nRF9151 DK"_s);
    EXPECT_EQ(ports.at(0).toObject().value(u"port"_s).toString(), u"/dev/ttyACM0"_s);
    EXPECT_TRUE(ports.at(1).toObject().value(u"board"_s).isNull());
}

TEST(CliApp, AnUnknownCommandIsAUsageError) {
    const CliRun run = runCli({u"frobnicate"_s});
    EXPECT_EQ(run.status, ps::cli::UsageError);
    EXPECT_TRUE(run.err.contains(u"unknown command 'frobnicate'"_s));
}

TEST(CliApp, AtWithoutAPortIsAUsageError) {
    const CliRun run = runCli({u"at"_s, u"AT+CGSN"_s});
    EXPECT_EQ(run.status, ps::cli::UsageError);
}

TEST(CliApp, AtOnAPortThatDoesNotExistSaysSoWithExitStatusThree) {
    const CliRun run = runCli({u"at"_s, u"--port"_s, u"/dev/does-not-exist-42"_s, u"AT+CGSN"_s});
    EXPECT_EQ(run.status, ps::cli::DeviceUnreachable);
    EXPECT_TRUE(run.err.contains(u"cannot open /dev/does-not-exist-42"_s)) << run.err.toStdString();
}

TEST(CliApp, AtRunsTheCommandThroughTheShellAndPrintsTheResponse) {
    ps::test::PtyPeer device;
    ASSERT_TRUE(device.open());
    device.on(u"at AT+CGSN"_s, QList<QByteArray>{"352404612345676", "OK"});
    const CliRun run = runCli({u"at"_s, u"--port"_s, device.linkPath(), u"AT+CGSN"_s});
    EXPECT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    EXPECT_EQ(run.out, u"352404612345676\nOK\n"_s);
    EXPECT_EQ(device.commands(), QStringList{u"at AT+CGSN"_s});
}

TEST(CliApp, AtQuotesACommandWithSpacesAndExitsOneWithTheDecodedCmeError) {
    ps::test::PtyPeer device;
    ASSERT_TRUE(device.open());
    device.on(u"at 'AT%CMNG=0,16842753,0,\"abc\"'"_s, QList<QByteArray>{"+CME ERROR: 518"});
    const CliRun run =
        runCli({u"at"_s, u"-p"_s, device.linkPath(), u"AT%CMNG=0,16842753,0,\"abc\""_s});
    EXPECT_EQ(run.status, ps::cli::CommandFailed);
    EXPECT_EQ(device.commands(), QStringList{u"at 'AT%CMNG=0,16842753,0,\"abc\"'"_s});
    EXPECT_TRUE(run.err.contains(u"AT+CFUN=4"_s)) << run.err.toStdString();
}

TEST(CliApp, AtOnADeviceThatStaysSilentTimesOutWithExitStatusThree) {
    ps::test::PtyPeer device;
    ASSERT_TRUE(device.open());
    device.setSilent(true);
    const CliRun run =
        runCli({u"at"_s, u"--port"_s, device.linkPath(), u"--timeout"_s, u"300"_s, u"AT+CGMM"_s});
    EXPECT_EQ(run.status, ps::cli::DeviceUnreachable);
    EXPECT_FALSE(run.err.isEmpty());
}

TEST(CliApp, VersionPrintsTheProjectVersionAndTheGitRevision) {
    const CliRun run = runCli({u"--version"_s});
    EXPECT_EQ(run.status, ps::cli::Success);
    EXPECT_TRUE(run.out.startsWith(u"provstation-cli "_s + QStringLiteral(PROVSTATION_VERSION)))
        << run.out.toStdString();
    EXPECT_TRUE(run.out.contains(u"(git "_s)) << run.out.toStdString();
}
