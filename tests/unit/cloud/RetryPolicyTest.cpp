#include "cloud/RetryPolicy.h"

#include <gtest/gtest.h>

using namespace ps::cloud;
using namespace Qt::StringLiterals;

namespace {

const RetryPolicy Policy{
    .maxAttempts = 5, .initialBackoffMs = 500, .maxBackoffMs = 4'000, .maxRetryAfterMs = 60'000};
const QDateTime Now = QDateTime(QDate(2025, 3, 4), QTime(10, 0, 0), Qt::UTC);

} // namespace

struct BackoffCase {
    int retry;
    int withoutJitter;
    int withFullJitter;
};

class RetryBackoff : public testing::TestWithParam<BackoffCase> {};

TEST_P(RetryBackoff, DoublesPerRetryUpToTheCapWithHalfOfItJittered) {
    const BackoffCase &c = GetParam();
    EXPECT_EQ(Policy.backoffMs(c.retry, 0.0), c.withoutJitter);
    EXPECT_EQ(Policy.backoffMs(c.retry, 0.999999), c.withFullJitter);
    EXPECT_EQ(Policy.delayMs(c.retry, std::nullopt, 0.0), c.withoutJitter);
}

INSTANTIATE_TEST_SUITE_P(RetryPolicy, RetryBackoff,
                         testing::Values(BackoffCase{1, 250, 500}, BackoffCase{2, 500, 1000},
                                         BackoffCase{3, 1000, 2000}, BackoffCase{4, 2000, 4000},
                                         BackoffCase{5, 2000, 4000}, BackoffCase{40, 2000, 4000}));

TEST(RetryPolicy, NeverWaitsLessThanRetryAfter) {
    EXPECT_EQ(Policy.delayMs(1, 3'000, 0.0), 3'000);
    const std::optional<int> jittered = Policy.delayMs(1, 3'000, 0.5);
    ASSERT_TRUE(jittered.has_value());
    EXPECT_GE(*jittered, 3'000);
    EXPECT_LE(*jittered, 3'500);
}

TEST(RetryPolicy, GivesUpWhenRetryAfterIsLongerThanItsLimit) {
    EXPECT_FALSE(Policy.delayMs(1, 60'001, 0.0).has_value());
    EXPECT_TRUE(Policy.delayMs(1, 60'000, 0.0).has_value());
}

struct RetryAfterCase {
    const char *name;
    const char *value;
    std::optional<qint64> milliseconds;
};

class RetryAfterHeader : public testing::TestWithParam<RetryAfterCase> {};

TEST_P(RetryAfterHeader, IsReadAsSecondsOrAsAnHttpDate) {
    EXPECT_EQ(parseRetryAfter(GetParam().value, Now), GetParam().milliseconds);
}

INSTANTIATE_TEST_SUITE_P(
    RetryPolicy, RetryAfterHeader,
    testing::Values(RetryAfterCase{"Seconds", "120", 120'000}, RetryAfterCase{"Zero", "0", 0},
                    RetryAfterCase{"SpacesAround", " 7 ", 7'000},
                    RetryAfterCase{"ImfFixdate", "Tue, 04 Mar 2025 10:00:30 GMT", 30'000},
                    RetryAfterCase{"Rfc850", "Tuesday, 04-Mar-25 10:01:00 GMT", 60'000},
                    RetryAfterCase{"Asctime", "Tue Mar  4 10:00:05 2025", 5'000},
                    RetryAfterCase{"DateInThePast", "Tue, 04 Mar 2025 09:00:00 GMT", 0},
                    RetryAfterCase{"Negative", "-5", std::nullopt},
                    RetryAfterCase{"Fraction", "1.5", std::nullopt},
                    RetryAfterCase{"Garbage", "soon", std::nullopt},
                    RetryAfterCase{"Empty", "", std::nullopt},
                    RetryAfterCase{"AbsurdlyLarge", "99999999999", std::nullopt}),
    [](const testing::TestParamInfo<RetryAfterCase> &param) {
        return std::string(param.param.name);
    });
