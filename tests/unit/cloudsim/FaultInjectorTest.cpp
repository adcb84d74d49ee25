#include "cloudsim/FaultInjector.h"

#include <QJsonDocument>
#include <gtest/gtest.h>

using namespace ps::cloudsim;
using namespace Qt::StringLiterals;
using Action = FaultDecision::Action;

namespace {

QJsonObject parse(const char *json) {
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

std::vector<Action> actions(FaultInjector &injector, int count, const QString &path = u"/v1/x"_s) {
    std::vector<Action> list;
    for (int i = 0; i < count; ++i)
        list.push_back(injector.decide(path).action);
    return list;
}

} // namespace

TEST(FaultInjector, InjectsNothingWithoutAPlan) {
    FaultInjector injector;
    EXPECT_EQ(actions(injector, 3), std::vector<Action>(3, Action::None));
    EXPECT_EQ(injector.requestsSeen(), 3);
    EXPECT_EQ(injector.faultsInjected(), 0);
}

TEST(FaultInjector, UsesUpCountedFaultsInTheirOrder) {
    FaultInjector injector;
    injector.setPlan(
        {.errorCount = 1, .rateLimitCount = 1, .dropCount = 1, .garbageCount = 1, .hangCount = 1});
    EXPECT_EQ(actions(injector, 6),
              (std::vector<Action>{Action::Hang, Action::Drop, Action::Garbage, Action::RateLimit,
                                   Action::Error, Action::None}));
    EXPECT_EQ(injector.faultsInjected(), 5);
}

TEST(FaultInjector, ErrorAnswersUseTheConfiguredStatusAndRateLimitsCarryRetryAfter) {
    FaultInjector injector;
    injector.setPlan({.errorCount = 1,
                      .errorStatus = 502,
                      .rateLimitCount = 1,
                      .retryAfterSeconds = 7,
                      .retryAfterAsDate = true});
    const FaultDecision rateLimited = injector.decide(u"/"_s);
    EXPECT_EQ(rateLimited.status, 429);
    EXPECT_EQ(rateLimited.retryAfterSeconds, 7);
    EXPECT_TRUE(rateLimited.retryAfterAsDate);
    EXPECT_EQ(injector.decide(u"/"_s).status, 502);
}

TEST(FaultInjector, OnlyTouchesPathsWithThePrefix) {
    FaultInjector injector;
    injector.setPlan({.latencyMs = 50, .errorCount = 1, .pathPrefix = u"/v1/devices"_s});
    const FaultDecision other = injector.decide(u"/provisioning/v1/claimed-devices"_s);
    EXPECT_EQ(other.action, Action::None);
    EXPECT_EQ(other.latencyMs, 0);
    const FaultDecision matching = injector.decide(u"/v1/devices/abc"_s);
    EXPECT_EQ(matching.action, Action::Error);
    EXPECT_EQ(matching.latencyMs, 50);
}

TEST(FaultInjector, LetsSkippedRequestsThroughFirst) {
    FaultInjector injector;
    injector.setPlan({.errorCount = 1, .skipCount = 2});
    EXPECT_EQ(actions(injector, 4),
              (std::vector<Action>{Action::None, Action::None, Action::Error, Action::None}));
}

TEST(FaultInjector, AnErrorRateIsRepeatableForASeed) {
    FaultInjector first(42);
    FaultInjector second(42);
    first.setPlan({.errorRate = 0.5});
    second.setPlan({.errorRate = 0.5});
    const auto a = actions(first, 200);
    EXPECT_EQ(a, actions(second, 200));
    const auto errors = std::count(a.begin(), a.end(), Action::Error);
    EXPECT_GT(errors, 60);
    EXPECT_LT(errors, 140);
}

TEST(FaultInjector, AnErrorRateAloneDrawsOneNumberPerRequest) {
    // Plans written before the 429 and drop rates existed keep their sequence for a seed.
    FaultInjector injector(7);
    injector.setPlan({.errorRate = 0.3});
    QRandomGenerator reference(7);
    for (int i = 0; i < 100; ++i) {
        const Action expected = reference.generateDouble() < 0.3 ? Action::Error : Action::None;
        EXPECT_EQ(injector.decide(u"/"_s).action, expected) << "request " << i;
    }
}

TEST(FaultInjector, MixesErrorsRateLimitsAndDropsByTheirRates) {
    FaultInjector injector(2026);
    injector.setPlan({.errorRate = 0.2, .rateLimitRate = 0.3, .dropRate = 0.1});
    const auto a = actions(injector, 1000);
    const auto count = [&a](Action action) { return std::count(a.begin(), a.end(), action); };
    // Expected 200, 300, 100 and 400; the bounds are about five standard deviations wide.
    EXPECT_GT(count(Action::Error), 135);
    EXPECT_LT(count(Action::Error), 265);
    EXPECT_GT(count(Action::RateLimit), 225);
    EXPECT_LT(count(Action::RateLimit), 375);
    EXPECT_GT(count(Action::Drop), 50);
    EXPECT_LT(count(Action::Drop), 150);
    EXPECT_EQ(count(Action::Hang) + count(Action::Garbage), 0);
    EXPECT_EQ(injector.injected(Action::Error), count(Action::Error));
    EXPECT_EQ(injector.injected(Action::RateLimit), count(Action::RateLimit));
    EXPECT_EQ(injector.injected(Action::Drop), count(Action::Drop));
    EXPECT_EQ(injector.faultsInjected(), 1000 - count(Action::None));

    FaultInjector again(2026);
    again.setPlan(injector.plan());
    EXPECT_EQ(actions(again, 1000), a) << "the same seed gives the same mix";
}

TEST(FaultInjector, ARateLimitFromTheRateCarriesRetryAfter) {
    FaultInjector injector;
    injector.setPlan({.rateLimitRate = 1, .retryAfterSeconds = 4});
    const FaultDecision decision = injector.decide(u"/v1/x"_s);
    EXPECT_EQ(decision.action, Action::RateLimit);
    EXPECT_EQ(decision.status, 429);
    EXPECT_EQ(decision.retryAfterSeconds, 4);
}

TEST(FaultInjector, CountedFaultsComeBeforeTheRates) {
    FaultInjector injector;
    injector.setPlan({.dropRate = 1, .rateLimitCount = 2});
    EXPECT_EQ(actions(injector, 3),
              (std::vector<Action>{Action::RateLimit, Action::RateLimit, Action::Drop}));
}

TEST(FaultInjector, StatisticsCountEachKindOfFault) {
    FaultInjector injector;
    injector.setPlan({.errorCount = 2, .rateLimitCount = 1, .dropCount = 3, .garbageCount = 1});
    (void)actions(injector, 9);
    const QJsonObject statistics = injector.statistics();
    EXPECT_EQ(statistics.value(u"requestsSeen"_s).toInt(), 9);
    EXPECT_EQ(statistics.value(u"faultsInjected"_s).toInt(), 7);
    EXPECT_EQ(statistics.value(u"errors"_s).toInt(), 2);
    EXPECT_EQ(statistics.value(u"rateLimits"_s).toInt(), 1);
    EXPECT_EQ(statistics.value(u"drops"_s).toInt(), 3);
    EXPECT_EQ(statistics.value(u"garbage"_s).toInt(), 1);
    EXPECT_EQ(statistics.value(u"hangs"_s).toInt(), 0);
}

TEST(FaultPlan, ReadsTheRatesFromTheAdminBody) {
    auto plan = FaultPlan::fromJson(parse(R"({"rateLimitRate":0.25,"dropRate":0.5})"));
    ASSERT_TRUE(plan.has_value()) << plan.error().toStdString();
    EXPECT_DOUBLE_EQ(plan->rateLimitRate, 0.25);
    EXPECT_DOUBLE_EQ(plan->dropRate, 0.5);
    EXPECT_DOUBLE_EQ(plan->totalRate(), 0.75);
    EXPECT_FALSE(plan->isEmpty());
    const auto again = FaultPlan::fromJson(plan->toJson());
    ASSERT_TRUE(again.has_value()) << again.error().toStdString();
    EXPECT_EQ(again->toJson(), plan->toJson());
}

TEST(FaultPlan, ReadsTheAdminBodyAndKeepsDefaultsForAbsentFields) {
    auto plan = FaultPlan::fromJson(parse(R"({"rateLimitCount":2,"retryAfterSeconds":3})"));
    ASSERT_TRUE(plan.has_value());
    EXPECT_EQ(plan->rateLimitCount, 2);
    EXPECT_EQ(plan->retryAfterSeconds, 3);
    EXPECT_EQ(plan->errorStatus, 503);
    EXPECT_FALSE(plan->isEmpty());
    const auto again = FaultPlan::fromJson(plan->toJson());
    ASSERT_TRUE(again.has_value()) << again.error().toStdString();
    EXPECT_EQ(again->toJson(), plan->toJson());
}

class InvalidFaultPlan : public testing::TestWithParam<const char *> {};

TEST_P(InvalidFaultPlan, IsRefusedWithAReason) {
    auto plan = FaultPlan::fromJson(parse(GetParam()));
    ASSERT_FALSE(plan.has_value());
    EXPECT_FALSE(plan.error().isEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    FaultPlan, InvalidFaultPlan,
    testing::Values(R"({"explode":1})", R"({"errorCount":-1})", R"({"errorCount":1.5})",
                    R"({"errorStatus":404})", R"({"errorStatus":509})", R"({"errorRate":2})",
                    R"({"hangCount":"1"})", R"({"dropRate":-0.5})", R"({"rateLimitRate":"0.1"})",
                    R"({"errorRate":0.5,"rateLimitRate":0.3,"dropRate":0.3})"));
