#include "core/LogParser.h"

#include "TestData.h"
#include "core/AttestationToken.h"
#include "core/LineAssembler.h"

#include <gtest/gtest.h>

using namespace ps::core;
using namespace Qt::StringLiterals;
using Kind = LogRecord::Kind;

namespace {

char kindLetter(Kind kind) {
    switch (kind) {
    case Kind::Log:
        return 'L';
    case Kind::Continuation:
        return 'C';
    case Kind::Dropped:
        return 'D';
    case Kind::Banner:
        return 'B';
    case Kind::Other:
        return 'O';
    }
    return '?';
}

struct ParsedCapture {
    std::vector<Line> lines;
    std::vector<LogRecord> records;
    std::string kinds; // one letter per line, see kindLetter()
    std::vector<size_t> reboots;
};

ParsedCapture parseCapture(const QString &name) {
    ParsedCapture out;
    LineAssembler assembler;
    LogParser parser;
    out.lines = assembler.feed(ps::core::test::readTestData(u"logs/"_s + name), 0);
    for (const Line &line : out.lines) {
        out.records.push_back(parser.parse(line));
        out.kinds += kindLetter(out.records.back().kind);
        if (out.records.back().reboot)
            out.reboots.push_back(out.records.size() - 1);
    }
    return out;
}

struct SingleLineCase {
    const char *name;
    QString text;
    Kind kind;
    std::optional<qint64> uptimeUs;
    LogLevel level;
    QString module;
    QString function;
    QString message;
};

class SingleLines : public ::testing::TestWithParam<SingleLineCase> {};

} // namespace

TEST_P(SingleLines, ParseIntoTheirParts) {
    const SingleLineCase &c = GetParam();
    LogParser parser;
    const LogRecord record = parser.parse(c.text);
    EXPECT_EQ(kindLetter(record.kind), kindLetter(c.kind));
    EXPECT_EQ(record.uptimeUs, c.uptimeUs);
    EXPECT_EQ(LogParser::levelName(record.level), LogParser::levelName(c.level));
    EXPECT_EQ(record.module, c.module);
    EXPECT_EQ(record.function, c.function);
    EXPECT_EQ(record.message, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    LogParser, SingleLines,
    ::testing::Values(
        SingleLineCase{"InfoRecord",
                       u"[00:00:05.268,859] <inf> network: PDN connection activated"_s, Kind::Log,
                       5'268'859, LogLevel::Info, u"network"_s, QString(),
                       u"PDN connection activated"_s},
        SingleLineCase{
            "ErrorRecord",
            u"[00:01:02.003,004] <err> nrf_provisioning: Provisioning failed, error: -13"_s,
            Kind::Log, 62'003'004, LogLevel::Error, u"nrf_provisioning"_s, QString(),
            u"Provisioning failed, error: -13"_s},
        SingleLineCase{"WarningRecord", u"[00:00:00.000,000] <wrn> cloud: Not claimed"_s, Kind::Log,
                       0, LogLevel::Warning, u"cloud"_s, QString(), u"Not claimed"_s},
        SingleLineCase{"DebugRecordWithFunction",
                       u"[00:00:01.610,004] <dbg> cloud: cloud_task: Shadow delta"_s, Kind::Log,
                       1'610'004, LogLevel::Debug, u"cloud"_s, u"cloud_task"_s, u"Shadow delta"_s},
        SingleLineCase{"DebugRecordWhoseMessageHasAColon",
                       u"[00:00:01.000,000] <dbg> main: value is: 5"_s, Kind::Log, 1'000'000,
                       LogLevel::Debug, u"main"_s, QString(), u"value is: 5"_s},
        SingleLineCase{"InfoRecordKeepsAColonInItsMessage",
                       u"[00:00:01.000,000] <inf> cloud: Connecting with client ID: 4a2f"_s,
                       Kind::Log, 1'000'000, LogLevel::Info, u"cloud"_s, QString(),
                       u"Connecting with client ID: 4a2f"_s},
        SingleLineCase{"HoursBeyondTwoDigits", u"[123:04:05.678,901] <inf> main: up"_s, Kind::Log,
                       ((123LL * 60 + 4) * 60 + 5) * 1'000'000 + 678'901, LogLevel::Info, u"main"_s,
                       QString(), u"up"_s},
        SingleLineCase{"RecordBehindAPromptFragment",
                       u"uart:~$ at AT+CG[00:00:06.002,117] <wrn> cloud: failed"_s, Kind::Log,
                       6'002'117, LogLevel::Warning, u"cloud"_s, QString(), u"failed"_s},
        SingleLineCase{"RecordThatStillHasItsColourEscapes",
                       u"[00:00:01.000,000] \x1b[1;31m<err> main: boom\x1b[0m"_s, Kind::Log,
                       1'000'000, LogLevel::Error, u"main"_s, QString(), u"boom"_s},
        SingleLineCase{"RecordWithAnEmptyMessage", u"[00:00:01.000,000] <inf> main: "_s, Kind::Log,
                       1'000'000, LogLevel::Info, u"main"_s, QString(), QString()},
        SingleLineCase{"DroppedMessages", u"--- 12 messages dropped ---"_s, Kind::Dropped,
                       std::nullopt, LogLevel::None, QString(), QString(),
                       u"--- 12 messages dropped ---"_s},
        SingleLineCase{"AtResponseIsOther", u"OK"_s, Kind::Other, std::nullopt, LogLevel::None,
                       QString(), QString(), u"OK"_s},
        SingleLineCase{"StampWithoutMicrosecondsIsNotARecord", u"[00:00:05.268] <inf> main: x"_s,
                       Kind::Other, std::nullopt, LogLevel::None, QString(), QString(),
                       u"[00:00:05.268] <inf> main: x"_s},
        SingleLineCase{"MinutesAbove59AreNotARecord", u"[00:61:00.000,000] <inf> main: x"_s,
                       Kind::Other, std::nullopt, LogLevel::None, QString(), QString(),
                       u"[00:61:00.000,000] <inf> main: x"_s},
        SingleLineCase{"UnknownLevelIsNotARecord", u"[00:00:01.000,000] <crt> main: x"_s,
                       Kind::Other, std::nullopt, LogLevel::None, QString(), QString(),
                       u"[00:00:01.000,000] <crt> main: x"_s}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(LogParser, ReadsTheBootBanner) {
    LogParser parser;
    const LogRecord boot =
        parser.parse(u"*** Booting Asset Tracker Template v1.5.0 - 7c9d2e1f0a3b ***"_s);
    EXPECT_EQ(boot.kind, Kind::Banner);
    EXPECT_TRUE(boot.reboot);
    EXPECT_EQ(boot.firmwareName, u"Asset Tracker Template"_s);
    EXPECT_EQ(boot.firmwareVersion, u"1.5.0"_s);
    EXPECT_EQ(boot.firmwareCommit, u"7c9d2e1f0a3b"_s);

    const LogRecord sdk = parser.parse(u"*** Using nRF Connect SDK v3.0.2-89ba1294ac9b ***"_s);
    EXPECT_EQ(sdk.kind, Kind::Banner);
    EXPECT_FALSE(sdk.reboot);
    EXPECT_EQ(sdk.sdkVersion, u"3.0.2-89ba1294ac9b"_s);

    const LogRecord zephyr = parser.parse(u"*** Using Zephyr OS v4.0.99-f791c49f492c ***"_s);
    EXPECT_EQ(zephyr.kind, Kind::Banner);
    EXPECT_EQ(zephyr.zephyrVersion, u"4.0.99-f791c49f492c"_s);
    EXPECT_TRUE(zephyr.sdkVersion.isEmpty());
}

TEST(LogParser, ReadsABannerWithoutCommitAndWithGarbageInFront) {
    LogParser parser;
    const LogRecord boot =
        parser.parse(u"\uFFFDuart:~$ *** Booting nRF Connect SDK v3.0.0-3bfc46578e42 ***"_s);
    EXPECT_EQ(boot.kind, Kind::Banner);
    EXPECT_TRUE(boot.reboot);
    EXPECT_EQ(boot.firmwareName, u"nRF Connect SDK"_s);
    EXPECT_EQ(boot.firmwareVersion, u"3.0.0-3bfc46578e42"_s);
    EXPECT_TRUE(boot.firmwareCommit.isEmpty());
}

TEST(LogParser, ParsesUptimeStamps) {
    EXPECT_EQ(LogParser::parseUptime(u"[00:00:05.268,859]"), 5'268'859);
    EXPECT_EQ(LogParser::parseUptime(u"00:00:05.268,859"), 5'268'859);
    EXPECT_EQ(LogParser::parseUptime(u"[1000:00:00.000,001]"), 3'600'000'000'001LL);
    EXPECT_EQ(LogParser::parseUptime(u"[00:00:05.268,859] tail"), std::nullopt);
    EXPECT_EQ(LogParser::parseUptime(u"[00:00:60.000,000]"), std::nullopt);
    EXPECT_EQ(LogParser::parseUptime(u"[:00:05.268,859]"), std::nullopt);
    EXPECT_EQ(LogParser::parseUptime(u"[0000000000:00:05.268,859]"), std::nullopt);
    EXPECT_EQ(LogParser::parseUptime(u""), std::nullopt);
}

TEST(LogParser, NamesLevels) {
    EXPECT_EQ(LogParser::levelName(LogLevel::Error), u"err"_s);
    EXPECT_EQ(LogParser::levelName(LogLevel::Warning), u"wrn"_s);
    EXPECT_EQ(LogParser::levelName(LogLevel::Info), u"inf"_s);
    EXPECT_EQ(LogParser::levelName(LogLevel::Debug), u"dbg"_s);
    EXPECT_EQ(LogParser::levelName(LogLevel::None), QString());
}

TEST(LogParser, ContinuesARecordUntilSomethingElseArrives) {
    LogParser parser;
    parser.parse(u"[00:00:01.000,000] <wrn> cloud: Claim the device"_s);
    const LogRecord first = parser.parse(u"----- BEGIN ATTESTATION TOKEN -----"_s);
    EXPECT_EQ(first.kind, Kind::Continuation);
    EXPECT_EQ(first.level, LogLevel::Warning);
    EXPECT_EQ(first.module, u"cloud"_s);
    EXPECT_EQ(first.message, u"----- BEGIN ATTESTATION TOKEN -----"_s);
    EXPECT_EQ(parser.parse(u"  indented hex row"_s).kind, Kind::Continuation);
    EXPECT_EQ(parser.parse(u"uart:~$ at AT+CGSN"_s).kind, Kind::Other);
    EXPECT_EQ(parser.parse(u"352404612345676"_s).kind, Kind::Other);
}

TEST(LogParser, EndsARecordAtAnEmptyLineAnAtResultOrANewRecord) {
    const QStringList enders = {QString(),
                                u"OK"_s,
                                u"ERROR"_s,
                                u"+CME ERROR: 518"_s,
                                u"AT event handler: +CEREG: 1"_s,
                                u"Sending AT command failed with error code -5"_s};
    for (const QString &ender : enders) {
        LogParser parser;
        parser.parse(u"[00:00:01.000,000] <inf> main: a"_s);
        EXPECT_EQ(parser.parse(ender).kind, Kind::Other) << ender.toStdString();
        EXPECT_EQ(parser.parse(u"after"_s).kind, Kind::Other) << ender.toStdString();
    }
    LogParser parser;
    parser.parse(u"[00:00:01.000,000] <inf> main: a"_s);
    const LogRecord next = parser.parse(u"[00:00:01.000,100] <err> cloud: b"_s);
    EXPECT_EQ(next.kind, Kind::Log);
    EXPECT_EQ(parser.parse(u"tail"_s).module, u"cloud"_s);
    EXPECT_EQ(parser.parse(u"tail"_s).level, LogLevel::Error);
}

TEST(LogParser, SeesARebootWhenTheUptimeGoesBack) {
    LogParser parser;
    EXPECT_FALSE(parser.parse(u"[00:10:00.000,000] <inf> main: a"_s).reboot);
    EXPECT_TRUE(parser.parse(u"[00:00:03.000,000] <inf> main: b"_s).reboot);
    EXPECT_FALSE(parser.parse(u"[00:00:03.000,100] <inf> main: c"_s).reboot);
}

TEST(LogParser, ToleratesASlightlyReorderedRecord) {
    LogParser parser;
    EXPECT_FALSE(parser.parse(u"[00:00:02.500,000] <inf> main: a"_s).reboot);
    EXPECT_FALSE(parser.parse(u"[00:00:02.499,800] <inf> main: b"_s).reboot);
}

TEST(LogParser, SeesAQuickRebootThatStartsAgainNearZero) {
    LogParser parser;
    EXPECT_FALSE(parser.parse(u"[00:00:00.900,000] <inf> main: a"_s).reboot);
    EXPECT_TRUE(parser.parse(u"[00:00:00.300,000] <inf> main: b"_s).reboot);
}

TEST(LogParser, CountsABannerAndTheFirstRecordAfterItAsOneReboot) {
    LogParser parser;
    parser.parse(u"[01:00:00.000,000] <inf> main: before"_s);
    EXPECT_TRUE(parser.parse(u"*** Booting Asset Tracker Template v1.5.0 - abc ***"_s).reboot);
    EXPECT_FALSE(parser.parse(u"[00:00:00.250,000] <inf> main: after"_s).reboot);
}

TEST(LogParser, ResetForgetsTheLastUptimeAndTheOpenRecord) {
    LogParser parser;
    parser.parse(u"[01:00:00.000,000] <inf> main: before"_s);
    parser.reset();
    EXPECT_FALSE(parser.parse(u"[00:00:01.000,000] <inf> main: after"_s).reboot);
    parser.reset();
    EXPECT_EQ(parser.parse(u"text"_s).kind, Kind::Other);
}

TEST(LogParser, UsesAConfiguredPromptToEndRecords) {
    LogParser parser;
    parser.setPrompt(u"mcuboot> "_s);
    parser.parse(u"[00:00:01.000,000] <inf> main: a"_s);
    EXPECT_EQ(parser.parse(u"mcuboot> help"_s).kind, Kind::Other);
}

TEST(LogParser, ReadsAnAssetTrackerBootAndClaimCapture) {
    const ParsedCapture capture = parseCapture(u"att-v1.5-boot-claim.log"_s);
    EXPECT_EQ(capture.kinds, "BBBLLLLCCLDLOOOLCCCLOBBBL");
    EXPECT_EQ(capture.reboots, (std::vector<size_t>{0, 21}));
    if (capture.records.size() != 25)
        return;
    const auto &r = capture.records;
    EXPECT_EQ(r[0].firmwareVersion, u"1.5.0"_s);
    EXPECT_EQ(r[0].firmwareCommit, u"7c9d2e1f0a3b"_s);
    EXPECT_EQ(r[1].sdkVersion, u"3.0.2-89ba1294ac9b"_s);
    EXPECT_EQ(r[2].zephyrVersion, u"4.0.99-f791c49f492c"_s);
    EXPECT_EQ(r[4].function, u"network_task"_s);
    EXPECT_EQ(r[5].message, u"Connecting to the network"_s);
    EXPECT_EQ(r[7].module, u"cloud"_s); // hex dump row
    EXPECT_EQ(r[7].level, LogLevel::Debug);
    EXPECT_EQ(r[10].droppedCount, 3);
    EXPECT_EQ(r[11].message,
              u"nRF Cloud CoAP connection failed, unauthorized or invalid credentials"_s);
    EXPECT_EQ(r[14].message, u"OK"_s);
    EXPECT_EQ(r[16].message, u"----- BEGIN ATTESTATION TOKEN -----"_s);
    EXPECT_EQ(r[18].message, u"----- END ATTESTATION TOKEN -----"_s);
    EXPECT_EQ(r[19].level, LogLevel::Error);
    EXPECT_EQ(r[19].module, u"nrf_provisioning"_s);

    // The token printed on the continuation line is the one in tests/data/tokens/valid.txt.
    EXPECT_EQ(r[17].kind, Kind::Continuation);
    EXPECT_EQ(r[17].level, LogLevel::Warning);
    const auto token = AttestationToken::parse(r[17].message);
    ASSERT_TRUE(token.has_value()) << token.error().message.toStdString();
    EXPECT_EQ(token->text,
              QString::fromLatin1(ps::core::test::readTestData(u"tokens/valid.txt"_s).trimmed()));
}

TEST(LogParser, SeesARebootWithoutABannerInACapture) {
    const ParsedCapture capture = parseCapture(u"uptime-reboot.log"_s);
    EXPECT_EQ(capture.kinds, "LLLLLL");
    EXPECT_EQ(capture.reboots, std::vector<size_t>{3});
    if (capture.records.size() == 6) {
        EXPECT_EQ(capture.records[2].uptimeUs, 124LL * 3600 * 1'000'000 + 1);
        EXPECT_EQ(capture.records[3].message, u"Asset Tracker Template started"_s);
        EXPECT_EQ(capture.records[5].module, u"lte_lc"_s);
    }
}

TEST(LogParser, FindsTokensPrintedByOlderAssetTrackerVersions) {
    const ParsedCapture capture = parseCapture(u"att-legacy-token.log"_s);
    EXPECT_EQ(capture.kinds, "BLLLLBLL");
    EXPECT_EQ(capture.reboots, (std::vector<size_t>{0, 5}));
    if (capture.records.size() != 8)
        return;
    EXPECT_EQ(capture.records[0].firmwareVersion, u"1.4.0"_s);
    EXPECT_EQ(capture.records[5].firmwareVersion, u"1.3.0"_s);
    for (const size_t i : {3, 7}) {
        EXPECT_EQ(capture.records[i].level, LogLevel::Warning);
        EXPECT_TRUE(AttestationToken::parse(capture.records[i].message).has_value()) << i;
    }
}
