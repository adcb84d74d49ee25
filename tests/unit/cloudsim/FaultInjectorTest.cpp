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

INSTANTIATE_TEST_SUITE_P(FaultPlan, InvalidFaultPlan,
                         testing::Values(R"({"explode":1})", R"({"errorCount":-1})",
                                         R"({"errorCount":1.5})", R"({"errorStatus":404})",
                                         R"({"errorStatus":509})", R"({"errorRate":2})",
                                         R"({"hangCount":"1"})"));
