#include "cloud/CloudTypes.h"

#include "cloud/ApiError.h"
#include "cloud/CloudSettings.h"
#include "cloud/DeviceApi.h"
#include "cloud/RestClient.h"

#include <QJsonDocument>
#include <QSettings>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <type_traits>

using namespace ps::cloud;
using namespace Qt::StringLiterals;

namespace ps::cloud {

// Readable parameter names in test output (and no raw bytes of padding for gtest to print).
void PrintTo(const CommandRequest &request, std::ostream *out) {
    *out << QJsonDocument(request.toJson()).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace ps::cloud

namespace {

QJsonObject parse(const char *json) {
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

struct BrokenBody {
    const char *name;
    QByteArray body;
    const char *mentions;
};

class BrokenJson : public testing::TestWithParam<BrokenBody> {};

TEST_P(BrokenJson, IsReportedNotTrusted) {
    auto object = parseJsonObject(GetParam().body);
    ASSERT_FALSE(object.has_value());
    EXPECT_TRUE(object.error().contains(QString::fromUtf8(GetParam().mentions)))
        << object.error().toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    CloudTypes, BrokenJson,
    testing::Values(BrokenBody{"Truncated", R"({"items": [)", "broken JSON"},
                    BrokenBody{"NotJsonAtAll", "<html>Bad gateway</html>", "broken JSON"},
                    BrokenBody{"Array", "[1, 2]", "an array"},
                    BrokenBody{"Empty", "", "broken JSON"},
                    BrokenBody{"BinaryGarbage", QByteArray("\x00\xff\xfe{", 4), "broken JSON"}),
    [](const testing::TestParamInfo<BrokenBody> &param) { return std::string(param.param.name); });

// g++ 12 destroys a brace-initialised aggregate temporary inside a co_await expression twice;
// the types callers pass into the API coroutines are kept non-aggregates so that such code
// does not compile.
static_assert(!std::is_aggregate_v<RestRequest>);
static_assert(!std::is_aggregate_v<StatePatch>);
static_assert(!std::is_aggregate_v<CommandRequest>);
static_assert(!std::is_aggregate_v<ProvisioningRule>);

TEST(CloudTypes, AClaimedDeviceNeedsAnIdAndToleratesOddFields) {
    EXPECT_FALSE(ClaimedDevice::fromJson(parse(R"({"imei":"1"})")).has_value());
    EXPECT_FALSE(ClaimedDevice::fromJson(parse(R"({"id":42})")).has_value());
    auto device = ClaimedDevice::fromJson(parse(
        R"({"id":"d1","imei":35,"tags":["a",7,"b"],"claimedAt":"2025-01-02T03:04:05.678Z","extra":{}})"));
    ASSERT_TRUE(device.has_value());
    EXPECT_EQ(device->id, u"d1"_s);
    EXPECT_TRUE(device->imei.isEmpty());
    EXPECT_EQ(device->tags, (QStringList{u"a"_s, u"b"_s}));
    EXPECT_EQ(device->claimedAt.toMSecsSinceEpoch(), 1735787045678);
}

struct StatusCase {
    const char *text;
    ProvisioningCommand::Status status;
    bool final;
};

class CommandStatusText : public testing::TestWithParam<StatusCase> {};

TEST_P(CommandStatusText, MapsToAStatusAndUnknownNamesCountAsFinal) {
    auto command = ProvisioningCommand::fromJson(
        QJsonObject{{u"id"_s, u"c1"_s}, {u"status"_s, QString::fromUtf8(GetParam().text)}});
    ASSERT_TRUE(command.has_value());
    EXPECT_EQ(command->status, GetParam().status);
    EXPECT_EQ(command->isFinal(), GetParam().final);
    EXPECT_EQ(command->statusText, QString::fromUtf8(GetParam().text));
}

INSTANTIATE_TEST_SUITE_P(
    CloudTypes, CommandStatusText,
    testing::Values(StatusCase{"PENDING", ProvisioningCommand::Status::Pending, false},
                    StatusCase{"IN_PROGRESS", ProvisioningCommand::Status::InProgress, false},
                    StatusCase{"SUCCEEDED", ProvisioningCommand::Status::Succeeded, true},
                    StatusCase{"FAILED", ProvisioningCommand::Status::Failed, true},
                    StatusCase{"CANCELLED", ProvisioningCommand::Status::Other, true}));

TEST(CloudTypes, ACommandWithoutStatusIsRefused) {
    auto command = ProvisioningCommand::fromJson(parse(R"({"id":"c1"})"));
    ASSERT_FALSE(command.has_value());
    EXPECT_TRUE(command.error().contains(u"status"_s));
}

class CommandRequestRoundTrip : public testing::TestWithParam<CommandRequest> {};

TEST_P(CommandRequestRoundTrip, SurvivesJson) {
    const CommandRequest &request = GetParam();
    const QJsonObject json = request.toJson();
    ASSERT_EQ(json.size(), 1);
    EXPECT_EQ(json.begin().key(), CommandRequest::typeName(request.type));
    auto back = CommandRequest::fromJson(json);
    ASSERT_TRUE(back.has_value()) << back.error().toStdString();
    EXPECT_EQ(*back, request);
}

INSTANTIATE_TEST_SUITE_P(
    CloudTypes, CommandRequestRoundTrip,
    testing::Values(CommandRequest::cloudAccessKeyGeneration(),
                    CommandRequest::clientPrivateKeyGeneration(42),
                    CommandRequest::certificateSigningRequest(42, u"O=Nordic"_s, u"101010000"_s),
                    CommandRequest::serverCertificate(7, u"-----BEGIN CERTIFICATE-----"_s),
                    CommandRequest::clientCertificate(7, u"-----BEGIN CERTIFICATE-----"_s),
                    CommandRequest::finished()));

TEST(CloudTypes, TheCloudAccessKeyCommandHasTheDocumentedShape) {
    EXPECT_EQ(CommandRequest::cloudAccessKeyGeneration().toJson(),
              parse(R"({"cloudAccessKeyGeneration":{"secTag":16842753}})"));
    EXPECT_EQ(CommandRequest::finished().toJson(), parse(R"({"finished":{}})"));
}

TEST(CloudTypes, InvalidCommandRequestsAreRefused) {
    for (const char *json : {R"({})", R"({"reboot":{}})", R"({"cloudAccessKeyGeneration":{}})",
                             R"({"clientCertificate":{"secTag":1}})",
                             R"({"finished":{},"cloudAccessKeyGeneration":{"secTag":1}})"})
        EXPECT_FALSE(CommandRequest::fromJson(parse(json)).has_value()) << json;
}

TEST(CloudTypes, TheDefaultOnboardingRuleIsWhatTheClaimTagSelects) {
    const ProvisioningRule rule = ProvisioningRule::defaultOnboardingRule();
    EXPECT_EQ(rule.toJson(), parse(R"({"name":"nrf-cloud-onboarding","active":true,
                        "description":"Generate the nRF Cloud access key on the device, then finish.",
                        "commands":[{"request":{"cloudAccessKeyGeneration":{"secTag":16842753}}},
                                    {"request":{"finished":{}}}],
                        "tags":["nrf-cloud-onboarding"]})"));
}

TEST(CloudTypes, ADeviceReadsItsShadow) {
    auto device = Device::fromJson(parse(
        R"({"id":"d","state":{"reported":{"a":1},"desired":{"a":2},"delta":{"a":2},"version":9}})"));
    ASSERT_TRUE(device.has_value());
    EXPECT_EQ(device->reported, parse(R"({"a":1})"));
    EXPECT_EQ(device->delta, parse(R"({"a":2})"));
    EXPECT_EQ(device->stateVersion, 9);
    EXPECT_FALSE(Device::fromJson(parse(R"({"state":{}})")).has_value());
}

TEST(CloudSettings, SurvivesARoundTripThroughASettingsFile) {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.ini"_s);
    CloudSettings settings;
    settings.provisioningBaseUrl = QUrl(u"https://api.provisioning.beta.nrfcloud.com/v1/"_s);
    settings.extraCaFile = u"/etc/ca.pem"_s;
    settings.maxConcurrentRequests = 3;
    settings.transferTimeoutMs = 12'000;
    {
        QSettings file(path, QSettings::IniFormat);
        settings.save(file);
    }
    QSettings file(path, QSettings::IniFormat);
    EXPECT_EQ(CloudSettings::load(file), settings);
}

TEST(CloudSettings, InvalidValuesKeepTheirDefaults) {
    QTemporaryDir dir;
    QSettings file(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
    file.setValue(u"cloud/mainBaseUrl"_s, u"not a url"_s);
    file.setValue(u"cloud/maxAttempts"_s, 0);
    file.setValue(u"cloud/transferTimeoutMs"_s, u"soon"_s);
    const CloudSettings loaded = CloudSettings::load(file);
    EXPECT_EQ(loaded, CloudSettings{});
}

struct HintCase {
    int status;
    const char *hint;
};

class ApiErrorHint : public testing::TestWithParam<HintCase> {};

TEST_P(ApiErrorHint, SaysWhatTheUserCanDo) {
    const ApiError error = ApiError::fromHttp(GetParam().status, 0, u"msg"_s);
    EXPECT_TRUE(error.hint.contains(QString::fromUtf8(GetParam().hint)))
        << error.hint.toStdString();
    EXPECT_EQ(error.retryable, GetParam().status == 429 || GetParam().status >= 500);
    EXPECT_TRUE(error.toString().startsWith(u"HTTP %1: msg"_s.arg(GetParam().status)));
}

INSTANTIATE_TEST_SUITE_P(ApiError, ApiErrorHint,
                         testing::Values(HintCase{400, "invalid"},
                                         HintCase{401, "Check the API key in Settings > Account"},
                                         HintCase{403, "not allowed"}, HintCase{404, "device id"},
                                         HintCase{409, "conflicts"},
                                         HintCase{429, "fewer stations"},
                                         HintCase{500, "try again"}, HintCase{503, "try again"},
                                         HintCase{302, "redirect"}));

TEST(ApiError, NamesTheCodeOfTheMainApi) {
    EXPECT_EQ(ApiError::fromHttp(404, 40412, u"no device found"_s).toString().left(32),
              u"HTTP 404 (code 40412): no device"_s);
}
