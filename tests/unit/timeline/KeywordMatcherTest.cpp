#include "core/timeline/KeywordMatcher.h"

#include <QString>
#include <gtest/gtest.h>
#include <set>

using namespace ps::core;

namespace {

std::multiset<quint32> matches(const KeywordMatcher &matcher, QStringView text) {
    std::multiset<quint32> ids;
    matcher.find(text, [&](quint32 id) { ids.insert(id); });
    return ids;
}

} // namespace

TEST(KeywordMatcher, FindsEveryKeywordThatOccursIncludingOverlappingOnes) {
    KeywordMatcher matcher;
    matcher.add(u"PDN connection activated", 1);
    matcher.add(u"connection", 2);
    matcher.add(u"activated", 3);
    matcher.add(u"deactivated", 4);
    matcher.build();
    EXPECT_EQ(matches(matcher, u"network: PDN connection activated"),
              (std::multiset<quint32>{1, 2, 3}));
    EXPECT_EQ(matches(matcher, u"PDN connection deactivated"), (std::multiset<quint32>{2, 3, 4}));
    EXPECT_TRUE(matches(matcher, u"Connecting to the network").empty());
}

TEST(KeywordMatcher, FoldsAsciiCase) {
    KeywordMatcher matcher;
    matcher.add(u"Backoff Time:", 7);
    matcher.build();
    EXPECT_EQ(matches(matcher, u"Connection attempt failed, backoff time: 60 seconds"),
              (std::multiset<quint32>{7}));
    EXPECT_EQ(matches(matcher, u"BACKOFF TIME: 60"), (std::multiset<quint32>{7}));
}

TEST(KeywordMatcher, ReportsEachOccurrence) {
    KeywordMatcher matcher;
    matcher.add(u"ab", 1);
    matcher.build();
    EXPECT_EQ(matches(matcher, u"abxabab").count(1), 3u);
}

TEST(KeywordMatcher, SharesPrefixesAndSuffixesBetweenKeywords) {
    KeywordMatcher matcher;
    matcher.add(u"he", 1);
    matcher.add(u"she", 2);
    matcher.add(u"his", 3);
    matcher.add(u"hers", 4);
    matcher.build();
    EXPECT_EQ(matches(matcher, u"ushers"), (std::multiset<quint32>{1, 2, 4}));
}

TEST(KeywordMatcher, CharactersOutsideTheKeywordsBreakAMatch) {
    KeywordMatcher matcher;
    matcher.add(u"+CEREG:", 1);
    matcher.build();
    EXPECT_TRUE(matches(matcher, u"+CEREG=5").empty());
    EXPECT_TRUE(matches(matcher, u"+CER\u00e9G:").empty());
    EXPECT_EQ(matches(matcher, u"\u00e9\u00e9+CEREG: 1"), (std::multiset<quint32>{1}));
}

TEST(KeywordMatcher, AnEmptyMatcherFindsNothing) {
    KeywordMatcher matcher;
    matcher.build();
    EXPECT_TRUE(matcher.isEmpty());
    EXPECT_TRUE(matches(matcher, u"anything").empty());
    KeywordMatcher unbuilt;
    EXPECT_TRUE(matches(unbuilt, u"anything").empty());
}

TEST(KeywordMatcher, CanBeRebuiltAfterAddingMoreKeywords) {
    KeywordMatcher matcher;
    matcher.add(u"alpha", 1);
    matcher.build();
    matcher.add(u"beta", 2);
    matcher.build();
    EXPECT_EQ(matches(matcher, u"alpha beta"), (std::multiset<quint32>{1, 2}));
}

TEST(KeywordMatcher, RefusesKeywordsThatNeedTooManyStates) {
    // 8000 ten-digit keywords that share little more than their first digits need about 50000
    // automaton states; a transition holds at most 32767.
    KeywordMatcher matcher;
    for (int i = 0; i < 8000; ++i)
        matcher.add(QString::number(i * 7919 + 1000000).repeated(2).left(10), quint32(i));
    EXPECT_FALSE(matcher.build());
    int found = 0;
    matcher.find(u"1000000100", [&](quint32) { ++found; });
    EXPECT_EQ(found, 0);

    KeywordMatcher fewer;
    for (int i = 0; i < 2000; ++i)
        fewer.add(QString::number(i * 7919 + 1000000).repeated(2).left(10), quint32(i));
    EXPECT_TRUE(fewer.build());
    fewer.find(u"1000000100", [&](quint32 id) { found += id == 0; });
    EXPECT_EQ(found, 1);
}
