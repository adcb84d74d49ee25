// Inputs the fuzzer (tests/fuzz/fuzz_log_lines) found to crash LogParser, kept as regression
// tests: each must parse without going out of bounds and give the record described.
#include "core/LogParser.h"

#include <gtest/gtest.h>

using namespace ps::core;
using namespace Qt::StringLiterals;

namespace {

struct BareBanner {
    const char *name;
    QString line;
    QString message;
};

class LogParserBareBanner : public testing::TestWithParam<BareBanner> {};

} // namespace

// A banner cut short after its keyword ("*** Using " then line end, as when the console drops
// bytes) used to slice past the end of the text.
TEST_P(LogParserBareBanner, IsABannerWithoutNameOrVersion) {
    LogParser parser;
    const LogRecord record = parser.parse(GetParam().line);
    EXPECT_EQ(record.kind, LogRecord::Kind::Banner);
    EXPECT_EQ(record.message, GetParam().message);
    EXPECT_TRUE(record.firmwareName.isEmpty());
    EXPECT_TRUE(record.firmwareVersion.isEmpty());
    EXPECT_TRUE(record.sdkVersion.isEmpty());
    EXPECT_TRUE(record.zephyrVersion.isEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    FuzzFound, LogParserBareBanner,
    testing::Values(BareBanner{"UsingAtLineEnd", u"*** Using "_s, u"Using"_s},
                    BareBanner{"UsingClosed", u"*** Using ***"_s, u"Using"_s},
                    BareBanner{"BootingAtLineEnd", u"*** Booting "_s, u"Booting"_s},
                    BareBanner{"BootingClosed", u"*** Booting ***"_s, u"Booting"_s},
                    BareBanner{"BootingAfterNoise", u"\u001b *** Booting  ***  "_s, u"Booting"_s}),
    [](const testing::TestParamInfo<BareBanner> &testCase) {
        return std::string(testCase.param.name);
    });

// The banner after a reboot still marks the reboot when it has no name.
TEST(LogParserFuzzRegression, BareBootingBannerStillMarksAReboot) {
    LogParser parser;
    EXPECT_TRUE(parser.parse(u"*** Booting "_s).reboot);
}
