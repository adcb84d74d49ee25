#include "cloudsim/CloudSimOptions.h"

#include <gtest/gtest.h>

using namespace ps::cloudsim;
using namespace Qt::StringLiterals;

TEST(CloudSimOptions, ReadsEveryFlag) {
    auto options = CloudSimOptions::parse({u"--state"_s,
                                           u"/tmp/s"_s,
                                           u"--http-port"_s,
                                           u"8443"_s,
                                           u"--api-key"_s,
                                           u"one"_s,
                                           u"--api-key"_s,
                                           u"two"_s,
                                           u"--registry"_s,
                                           u"/tmp/r.jsonl"_s,
                                           u"--no-default-rule"_s,
                                           u"--latency"_s,
                                           u"250"_s,
                                           u"--error-rate"_s,
                                           u"0.25"_s,
                                           u"--error-count"_s,
                                           u"3"_s,
                                           u"--error-status"_s,
                                           u"502"_s,
                                           u"--rate-limit"_s,
                                           u"2"_s,
                                           u"--retry-after"_s,
                                           u"9"_s,
                                           u"--retry-after-date"_s,
                                           u"--drop"_s,
                                           u"1"_s,
                                           u"--hang"_s,
                                           u"4"_s,
                                           u"--garbage"_s,
                                           u"5"_s,
                                           u"--fault-path"_s,
                                           u"/v1/devices"_s,
                                           u"--seed"_s,
                                           u"77"_s,
                                           u"--fault-skip"_s,
                                           u"6"_s,
                                           u"--verbose"_s});
    ASSERT_TRUE(options.has_value()) << options.error().toStdString();
    EXPECT_EQ(options->stateDir, u"/tmp/s"_s);
    EXPECT_EQ(options->httpPort, 8443);
    EXPECT_EQ(options->apiKeys, (QStringList{u"one"_s, u"two"_s}));
    EXPECT_EQ(options->effectiveRegistryPath(), u"/tmp/r.jsonl"_s);
    EXPECT_FALSE(options->defaultOnboardingRule);
    EXPECT_EQ(options->faults.latencyMs, 250);
    EXPECT_DOUBLE_EQ(options->faults.errorRate, 0.25);
    EXPECT_EQ(options->faults.errorCount, 3);
    EXPECT_EQ(options->faults.errorStatus, 502);
    EXPECT_EQ(options->faults.rateLimitCount, 2);
    EXPECT_EQ(options->faults.retryAfterSeconds, 9);
    EXPECT_TRUE(options->faults.retryAfterAsDate);
    EXPECT_EQ(options->faults.dropCount, 1);
    EXPECT_EQ(options->faults.hangCount, 4);
    EXPECT_EQ(options->faults.garbageCount, 5);
    EXPECT_EQ(options->faults.pathPrefix, u"/v1/devices"_s);
    EXPECT_EQ(options->seed, 77u);
    EXPECT_TRUE(options->verbose);
    EXPECT_EQ(options->faults.skipCount, 6);
}

TEST(CloudSimOptions, DefaultsPickAFreePortAndKeepTheRegistryInTheStateFolder) {
    auto options = CloudSimOptions::parse({u"--state"_s, u"/tmp/s"_s});
    ASSERT_TRUE(options.has_value());
    EXPECT_EQ(options->httpPort, 0);
    EXPECT_TRUE(options->defaultOnboardingRule);
    EXPECT_TRUE(options->faults.isEmpty());
    EXPECT_EQ(options->effectiveRegistryPath(), u"/tmp/s/registry.jsonl"_s);
}

TEST(CloudSimOptions, ReadsTheRatesOf429sAndDroppedAnswers) {
    auto options = CloudSimOptions::parse({u"--error-rate"_s, u"0.1"_s, u"--rate-limit-rate"_s,
                                           u"0.2"_s, u"--drop-rate"_s, u"0.05"_s});
    ASSERT_TRUE(options.has_value()) << options.error().toStdString();
    EXPECT_DOUBLE_EQ(options->faults.errorRate, 0.1);
    EXPECT_DOUBLE_EQ(options->faults.rateLimitRate, 0.2);
    EXPECT_DOUBLE_EQ(options->faults.dropRate, 0.05);
    EXPECT_FALSE(options->faults.isEmpty());
}

struct BadArguments {
    const char *name;
    QStringList arguments;
    const char *mentions;
};

class CloudSimOptionsRefusal : public testing::TestWithParam<BadArguments> {};

TEST_P(CloudSimOptionsRefusal, SaysWhatIsWrong) {
    auto options = CloudSimOptions::parse(GetParam().arguments);
    ASSERT_FALSE(options.has_value());
    EXPECT_TRUE(options.error().contains(QString::fromUtf8(GetParam().mentions)))
        << options.error().toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    CloudSimOptions, CloudSimOptionsRefusal,
    testing::Values(
        BadArguments{"PortOutOfRange", {u"--http-port"_s, u"70000"_s}, "--http-port"},
        BadArguments{"NotANumber", {u"--latency"_s, u"soon"_s}, "--latency"},
        BadArguments{"UnsupportedStatus", {u"--error-status"_s, u"509"_s}, "--error-status"},
        BadArguments{"RateAboveOne", {u"--error-rate"_s, u"1.5"_s}, "--error-rate"},
        BadArguments{
            "RateLimitRateNotANumber", {u"--rate-limit-rate"_s, u"often"_s}, "--rate-limit-rate"},
        BadArguments{"NegativeDropRate", {u"--drop-rate"_s, u"-0.1"_s}, "--drop-rate"},
        BadArguments{"RatesAddUpToMoreThanOne",
                     {u"--error-rate"_s, u"0.5"_s, u"--drop-rate"_s, u"0.6"_s},
                     "add up to 1"},
        BadArguments{"UnknownFlag", {u"--explode"_s}, "explode"},
        BadArguments{"StrayArgument", {u"extra"_s}, "extra"},
        BadArguments{"Help", {u"--help"_s}, "--api-key"}),
    [](const testing::TestParamInfo<BadArguments> &param) {
        return std::string(param.param.name);
    });
