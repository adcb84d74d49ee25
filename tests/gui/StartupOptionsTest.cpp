#include "gui/StartupOptions.h"

#include "GuiTestSupport.h"

#include <gtest/gtest.h>

using namespace ps::gui;

namespace {
QStringList args(std::initializer_list<const char *> list) {
    QStringList out{QStringLiteral("provstation")};
    for (const char *arg : list)
        out.append(QString::fromLatin1(arg));
    return out;
}
} // namespace

TEST(StartupOptions, CollectEveryPortGivenWithPort) {
    const auto options = StartupOptions::parse(
        args({"--port", "/dev/pts/3", "-p", "/dev/pts/4", "--port=/dev/pts/3"}));
    ASSERT_TRUE(options);
    EXPECT_EQ(options->ports,
              (QStringList{QStringLiteral("/dev/pts/3"), QStringLiteral("/dev/pts/4")}));
    EXPECT_FALSE(options->theme);
}

TEST(StartupOptions, ReadTheThemeAndTheSettingsFile) {
    const auto options =
        StartupOptions::parse(args({"--theme", "Dark", "--settings", "/tmp/x.ini"}));
    ASSERT_TRUE(options);
    EXPECT_EQ(options->theme, Theme::Dark);
    EXPECT_EQ(options->settingsFile, QStringLiteral("/tmp/x.ini"));
}

struct BadArguments {
    const char *name;
    // ctest shows the parameter in the test's name: the case name is enough.
    friend void PrintTo(const BadArguments &c, std::ostream *os) { *os << c.name; }
    QStringList arguments;
    const char *mentions;
};

class StartupOptionsRefuse : public ::testing::TestWithParam<BadArguments> {};

TEST_P(StartupOptionsRefuse, WhatTheyCannotUseWithExitCodeTwo) {
    const auto options = StartupOptions::parse(GetParam().arguments);
    ASSERT_FALSE(options);
    EXPECT_EQ(options.error().code, 2);
    EXPECT_TRUE(options.error().text.contains(QLatin1String(GetParam().mentions)))
        << qPrintable(options.error().text);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StartupOptionsRefuse,
    ::testing::Values(BadArguments{"UnknownTheme", args({"--theme", "purple"}), "purple"},
                      BadArguments{"PositionalPort", args({"/dev/ttyACM0"}), "--port PATH"},
                      BadArguments{"UnknownOption", args({"--colour"}), "colour"},
                      BadArguments{"PortWithoutPath", args({"--port"}), "port"}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(StartupOptions, AnswerHelpWithTheUsageAndExitCodeZero) {
    const auto options = StartupOptions::parse(args({"--help"}));
    ASSERT_FALSE(options);
    EXPECT_EQ(options.error().code, 0);
    EXPECT_TRUE(options.error().text.contains(QLatin1String("--port")));
}
