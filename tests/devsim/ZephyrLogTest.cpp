#include "ZephyrLog.h"

#include <gtest/gtest.h>

using ps::devsim::formatLogRecord;
using ps::devsim::formatLogTimestamp;
using ps::devsim::LogLevel;

namespace {

struct LevelCase {
    LogLevel level;
    QByteArray expected;
};

class ZephyrLogLevels : public testing::TestWithParam<LevelCase> {};

TEST_P(ZephyrLogLevels, ColoursTheLevelAndResetsAfterTheMessage) {
    const LevelCase &c = GetParam();
    EXPECT_EQ(formatLogRecord(5268859, c.level, "cloud", "Connected to Cloud", "state_entry"),
              c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    AllLevels, ZephyrLogLevels,
    testing::Values(
        LevelCase{LogLevel::Error,
                  "[00:00:05.268,859] \x1b[1;31m<err> cloud: Connected to Cloud\x1b[0m\r\n"},
        LevelCase{LogLevel::Warning,
                  "[00:00:05.268,859] \x1b[1;33m<wrn> cloud: Connected to Cloud\x1b[0m\r\n"},
        LevelCase{LogLevel::Info,
                  "[00:00:05.268,859] \x1b[0m<inf> cloud: Connected to Cloud\x1b[0m\r\n"},
        LevelCase{LogLevel::Debug, "[00:00:05.268,859] \x1b[0m<dbg> cloud: state_entry: "
                                   "Connected to Cloud\x1b[0m\r\n"}),
    [](const testing::TestParamInfo<LevelCase> &param) {
        return std::string(ps::devsim::logLevelName(param.param.level).data(), 3);
    });

TEST(ZephyrLogFormat, CountsHoursPastTwoDigits) {
    const qint64 us = ((123LL * 60 + 4) * 60 + 5) * 1000000 + 6007;
    EXPECT_EQ(formatLogTimestamp(us), QByteArray("[123:04:05.006,007]"));
}

TEST(ZephyrLogFormat, StartsAtZeroAfterBoot) {
    EXPECT_EQ(formatLogTimestamp(0), QByteArray("[00:00:00.000,000]"));
}

TEST(ZephyrLogFormat, ContinuesEmbeddedNewlinesOnLinesWithoutTimestamp) {
    EXPECT_EQ(
        formatLogRecord(1000, LogLevel::Warning, "cloud", "BEGIN\ntoken\nEND"),
        QByteArray("[00:00:00.001,000] \x1b[1;33m<wrn> cloud: BEGIN\n\rtoken\n\rEND\x1b[0m\r\n"));
}

} // namespace
