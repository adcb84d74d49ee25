#include "core/LineAssembler.h"

#include <gtest/gtest.h>

using namespace ps::core;
using namespace Qt::StringLiterals;

TEST(LineAssembler, JoinsALineSplitAcrossTwoReads) {
    LineAssembler assembler;
    EXPECT_TRUE(assembler.feed("[00:00:01.000,000] <inf> cloud: Conn", 1).empty());
    const auto lines = assembler.feed("ected to Cloud\r\n", 2);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, u"[00:00:01.000,000] <inf> cloud: Connected to Cloud"_s);
    EXPECT_EQ(lines[0].raw, QByteArray("[00:00:01.000,000] <inf> cloud: Connected to Cloud"));
    EXPECT_EQ(lines[0].hostTimeMs, 2);
}
