#include "gui/HexInput.h"

#include "GuiTestSupport.h"

#include <gtest/gtest.h>

using namespace ps::gui;

struct ValidHex {
    const char *name;
    // ctest shows the parameter in the test's name: the case name is enough.
    friend void PrintTo(const ValidHex &c, std::ostream *os) { *os << c.name; }
    const char16_t *input;
    QByteArray bytes;
};

class HexInputAccepts : public ::testing::TestWithParam<ValidHex> {};

TEST_P(HexInputAccepts, TheUsualWaysOfWritingBytes) {
    const auto parsed = parseHexInput(QStringView(GetParam().input));
    ASSERT_TRUE(parsed) << qPrintable(parsed.error().message);
    EXPECT_EQ(*parsed, GetParam().bytes);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, HexInputAccepts,
    ::testing::Values(ValidHex{"SpaceSeparated", u"0d 0a", QByteArrayLiteral("\r\n")},
                      ValidHex{"RunTogether", u"0D0A", QByteArrayLiteral("\r\n")},
                      ValidHex{"CPrefixedWithCommas", u"0x0d,0x0a", QByteArrayLiteral("\r\n")},
                      ValidHex{"MixedCaseAndSpacing", u"  41 42  43\t0a ",
                               QByteArrayLiteral("ABC\n")},
                      ValidHex{"ZeroAndHighBytes", u"00 ff 80", QByteArray("\x00\xff\x80", 3)},
                      ValidHex{"LongGroup", u"0x415443", QByteArrayLiteral("ATC")}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

struct InvalidHex {
    const char *name;
    // ctest shows the parameter in the test's name: the case name is enough.
    friend void PrintTo(const InvalidHex &c, std::ostream *os) { *os << c.name; }
    const char16_t *input;
    qsizetype position;
    const char *mentions;
};

class HexInputRefuses : public ::testing::TestWithParam<InvalidHex> {};

TEST_P(HexInputRefuses, BadInputAndSaysWhere) {
    const auto parsed = parseHexInput(QStringView(GetParam().input));
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().position, GetParam().position);
    EXPECT_TRUE(parsed.error().message.contains(QLatin1String(GetParam().mentions)))
        << qPrintable(parsed.error().message);
}

INSTANTIATE_TEST_SUITE_P(Errors, HexInputRefuses,
                         ::testing::Values(InvalidHex{"NotAHexDigit", u"0d 0g", 4,
                                                      "'g' at position 5"},
                                           InvalidHex{"OddDigitCount", u"0d a", 3, "odd number"},
                                           InvalidHex{"OddLongGroup", u"0d0a0", 0, "odd number"},
                                           InvalidHex{"PrefixWithoutDigits", u"0x", 0, "no digits"},
                                           InvalidHex{"Empty", u"   ", 0, "no bytes"},
                                           InvalidHex{"Text", u"help", 0, "'h' at position 1"}),
                         [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(HexInput, FormatsBytesTheWayItParsesThem) {
    const QByteArray bytes("\r\n\x00\xff", 4);
    EXPECT_EQ(formatHex(bytes), QStringLiteral("0d 0a 00 ff"));
    EXPECT_EQ(parseHexInput(formatHex(bytes)).value(), bytes);
}
