#include "core/timeline/HostTimestamp.h"

#include <QDateTime>
#include <gtest/gtest.h>

using namespace ps::core;

namespace {

qint64 utcMs(int y, int mo, int d, int h, int mi, int s, int ms) {
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC).toMSecsSinceEpoch();
}

struct StampCase {
    const char *name;
    const char16_t *text;
    qint64 expectedMs;
    qsizetype expectedLength;
    bool hasDate;
};

void PrintTo(const StampCase &c, std::ostream *os) {
    *os << c.name;
}

class HostTimestampFormats : public ::testing::TestWithParam<StampCase> {};

} // namespace

TEST_P(HostTimestampFormats, ParsesTheStampAndSaysWhereTheLineStarts) {
    const StampCase &c = GetParam();
    const auto stamp = parseHostTimestamp(QStringView(c.text));
    ASSERT_TRUE(stamp.has_value()) << c.name;
    EXPECT_EQ(stamp->msSinceEpoch, c.expectedMs);
    EXPECT_EQ(stamp->length, c.expectedLength);
    EXPECT_EQ(stamp->hasDate, c.hasDate);
}

INSTANTIATE_TEST_SUITE_P(
    Terminals, HostTimestampFormats,
    ::testing::Values(StampCase{"bracketed", u"[2026-11-26 10:15:03.123] uart:~$ ",
                                utcMs(2026, 11, 26, 10, 15, 3, 123), 26, true},
                      StampCase{"iso_z", u"2026-11-26T10:15:03.123Z [00:00:05.268,859] <inf> x: y",
                                utcMs(2026, 11, 26, 10, 15, 3, 123), 25, true},
                      StampCase{"iso_offset", u"[2026-11-26T11:15:03.5+01:00] text",
                                utcMs(2026, 11, 26, 10, 15, 3, 500), 30, true},
                      StampCase{"offset_without_colon", u"2026-11-26T05:15:03-0500 text",
                                utcMs(2026, 11, 26, 10, 15, 3, 0), 25, true},
                      StampCase{"comma_fraction", u"2026-11-26 10:15:03,007\ttext",
                                utcMs(2026, 11, 26, 10, 15, 3, 7), 24, true},
                      StampCase{"microseconds", u"[2026-02-28 23:59:59.999999] x",
                                utcMs(2026, 2, 28, 23, 59, 59, 999), 29, true},
                      StampCase{"leap_day", u"[2028-02-29 00:00:00.000] x",
                                utcMs(2028, 2, 29, 0, 0, 0, 0), 26, true},
                      StampCase{"no_fraction", u"[2026-11-26 10:15:03]x",
                                utcMs(2026, 11, 26, 10, 15, 3, 0), 21, true},
                      StampCase{"time_of_day", u"[10:15:03.123] uart:~$",
                                (10 * 3600 + 15 * 60 + 3) * 1000 + 123, 15, false}),
    [](const auto &p) { return std::string(p.param.name); });

TEST(HostTimestamp, NeverTakesTheDeviceUptimeStampForAHostStamp) {
    EXPECT_FALSE(parseHostTimestamp(u"[00:00:05.268,859] <inf> cloud: Connected to Cloud"));
    EXPECT_FALSE(parseHostTimestamp(u"[123:59:58.001,000] <inf> network: x"));
}

TEST(HostTimestamp, RejectsTextThatOnlyLooksLikeAStamp) {
    for (const char16_t *text :
         {u"2026-11-26", u"2026-13-01 10:00:00 x", u"2026-11-26 25:00:00 x",
          u"2026-11-26 10:15:03.123abc", u"[2026-11-26 10:15:03.123 x", u"10:15:03.123 text",
          u"[10:15:03.123 text", u"352404612345676", u"+CEREG: 1", u"", u"[]"}) {
        EXPECT_FALSE(parseHostTimestamp(QStringView(text)))
            << QString::fromUtf16(text).toStdString();
    }
}

TEST(HostTimestamp, CountsDaysLikeTheGregorianCalendar) {
    EXPECT_EQ(daysFromCivil(1970, 1, 1), 0);
    EXPECT_EQ(daysFromCivil(2000, 3, 1), QDate(1970, 1, 1).daysTo(QDate(2000, 3, 1)));
    EXPECT_EQ(daysFromCivil(1969, 12, 31), -1);
    for (const QDate date : {QDate(1900, 2, 28), QDate(2024, 2, 29), QDate(2100, 3, 1),
                             QDate(2026, 11, 26), QDate(2399, 12, 31)}) {
        EXPECT_EQ(daysFromCivil(date.year(), date.month(), date.day()),
                  QDate(1970, 1, 1).daysTo(date))
            << date.toString(Qt::ISODate).toStdString();
    }
}
