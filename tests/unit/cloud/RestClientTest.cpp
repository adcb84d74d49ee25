// RestClient against the real stand-in over HTTPS on loopback: authentication, retries and
// backoff under injected faults, time-outs, TLS verification, concurrency and log hygiene.
#include "CloudTestSupport.h"
#include "cloud/ProvisioningApi.h"

#include <QCoro/QCoroTask>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QTimer>
#include <gtest/gtest.h>

using namespace ps::cloud;
using namespace ps::cloudtest;
using namespace ps::simtest;
using namespace Qt::StringLiterals;

namespace {

RestRequest listRules() {
    return RestRequest::get(Service::Provisioning, u"provisioning-rules"_s);
}

std::expected<RestResponse, ApiError> sendAndWait(RestClient &client, RestRequest request) {
    return QCoro::waitFor(client.send(std::move(request)));
}

QList<int> retryDelays(const QSignalSpy &spy) {
    QList<int> delays;
    for (const QList<QVariant> &arguments : spy)
        delays.append(arguments.at(3).toInt());
    return delays;
}

/// A loopback port with nothing listening on it.
quint16 closedPort() {
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

} // namespace

TEST(RestClient, SendsTheKeyAsABearerTokenAndReturnsTheAnswer) {
    ClientAndSim setup;
    ASSERT_TRUE(setup.client) << setup.sim.startError().toStdString();
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_TRUE(reply.has_value()) << reply.error().toString().toStdString();
    EXPECT_EQ(reply->httpStatus, 200);
    EXPECT_EQ(reply->attempts, 1);
    EXPECT_TRUE(reply->body.contains("nrf-cloud-onboarding"));
}

TEST(RestClient, AWrongKeyFailsAtOnceWith401AndPointsToTheAccountSettings) {
    ClientAndSim setup;
    setup.client->setApiKey(u"not-a-key-of-this-cloud"_s);
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_FALSE(reply.has_value());
    const ApiError &error = reply.error();
    EXPECT_EQ(error.kind, ApiError::Kind::Http);
    EXPECT_EQ(error.httpStatus, 401);
    EXPECT_EQ(error.message, u"Unauthorized: the API key is not valid"_s);
    EXPECT_EQ(error.hint, u"Check the API key in Settings > Account."_s);
    EXPECT_FALSE(error.retryable);
    EXPECT_EQ(error.attempts, 1);
    EXPECT_EQ(setup.sim.sim().https().requestCount(), 1);
}

TEST(RestClient, WithoutAKeyNothingIsSent) {
    ClientAndSim setup;
    setup.client->setApiKey(QString());
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_FALSE(reply.has_value());
    EXPECT_EQ(reply.error().kind, ApiError::Kind::Configuration);
    EXPECT_TRUE(reply.error().hint.contains(u"Settings > Account"_s));
    EXPECT_EQ(setup.sim.sim().https().requestCount(), 0);
}

TEST(RestClient, RetriesServerErrorsWithGrowingBackoffUntilOneSucceeds) {
    ClientAndSim setup;
    setup.sim.sim().faults().setPlan({.errorCount = 2, .errorStatus = 500});
    QSignalSpy retries(setup.client.get(), &RestClient::retryScheduled);
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_TRUE(reply.has_value()) << reply.error().toString().toStdString();
    EXPECT_EQ(reply->attempts, 3);
    // initialBackoffMs 10 and jitter 0: half of 10, then half of 20 (500 carries no
    // Retry-After, unlike the stand-in's 503).
    EXPECT_EQ(retryDelays(retries), (QList<int>{5, 10}));
    EXPECT_EQ(retries.at(0).at(2).toInt(), 2);
    EXPECT_EQ(retries.at(0).at(4).value<ApiError>().httpStatus, 500);
    EXPECT_EQ(setup.sim.sim().https().requestCount(), 3);
}

TEST(RestClient, GivesUpAfterTheLastAttemptWithARetryableError) {
    ClientAndSim setup({}, [](CloudSettings &settings) { settings.maxAttempts = 3; });
    setup.sim.sim().faults().setPlan({.errorCount = 10, .errorStatus = 502});
    QSignalSpy retries(setup.client.get(), &RestClient::retryScheduled);
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_FALSE(reply.has_value());
    EXPECT_EQ(reply.error().httpStatus, 502);
    EXPECT_TRUE(reply.error().retryable);
    EXPECT_EQ(reply.error().attempts, 3);
    EXPECT_TRUE(reply.error().hint.contains(u"try again"_s));
    EXPECT_EQ(setup.sim.sim().faults().faultsInjected(), 3);
    EXPECT_EQ(retries.count(), 2);
}

TEST(RestClient, HonoursTheRetryAfterOfA503) {
    ClientAndSim setup;
    setup.sim.sim().faults().setPlan({.errorCount = 1, .errorStatus = 503, .retryAfterSeconds = 1});
    QSignalSpy retries(setup.client.get(), &RestClient::retryScheduled);
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_TRUE(reply.has_value()) << reply.error().toString().toStdString();
    ASSERT_EQ(retries.count(), 1);
    EXPECT_GE(retryDelays(retries).at(0), 1000);
}

TEST(RestClient, WaitsAtLeastTheRetryAfterSecondsOfA429) {
    ClientAndSim setup;
    setup.sim.sim().faults().setPlan({.rateLimitCount = 1, .retryAfterSeconds = 1});
    QSignalSpy retries(setup.client.get(), &RestClient::retryScheduled);
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_TRUE(reply.has_value()) << reply.error().toString().toStdString();
    EXPECT_EQ(reply->attempts, 2);
    ASSERT_EQ(retries.count(), 1);
    EXPECT_GE(retryDelays(retries).at(0), 1000);
    EXPECT_EQ(retries.at(0).at(4).value<ApiError>().httpStatus, 429);
}

TEST(RestClient, HonoursARetryAfterGivenAsAnHttpDate) {
    ClientAndSim setup;
    setup.sim.sim().faults().setPlan(
        {.rateLimitCount = 1, .retryAfterSeconds = 2, .retryAfterAsDate = true});
    QSignalSpy retries(setup.client.get(), &RestClient::retryScheduled);
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_TRUE(reply.has_value()) << reply.error().toString().toStdString();
    ASSERT_EQ(retries.count(), 1);
    // The date has whole seconds, so "now + 2 s" is up to 2 s away, and well above the 5 ms
    // backoff that an unread date would leave.
    EXPECT_GE(retryDelays(retries).at(0), 300);
    EXPECT_LE(retryDelays(retries).at(0), 2100);
}

TEST(RestClient, GivesUpAtOnceWhenTheServerAsksForAnOverlongWait) {
    ClientAndSim setup;
    setup.sim.sim().faults().setPlan({.rateLimitCount = 1, .retryAfterSeconds = 600});
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_FALSE(reply.has_value());
    EXPECT_EQ(reply.error().httpStatus, 429);
    EXPECT_EQ(reply.error().attempts, 1);
    EXPECT_TRUE(reply.error().hint.contains(u"600 s"_s)) << reply.error().hint.toStdString();
}

TEST(RestClient, RepeatsAnIdempotentRequestWhoseAnswerWasCutOff) {
    ClientAndSim setup;
    setup.sim.sim().faults().setPlan({.dropCount = 1});
    QSignalSpy retries(setup.client.get(), &RestClient::retryScheduled);
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_TRUE(reply.has_value()) << reply.error().toString().toStdString();
    EXPECT_EQ(reply->attempts, 2);
    ASSERT_EQ(retries.count(), 1);
    EXPECT_EQ(retries.at(0).at(4).value<ApiError>().kind, ApiError::Kind::Network);
}

TEST(RestClient, DoesNotRepeatAClaimWhoseAnswerWasCutOff) {
    ClientAndSim setup;
    const TestDevice device = setup.sim.registerDevice();
    setup.sim.sim().faults().setPlan({.dropCount = 1});
    auto claimed = QCoro::waitFor(ProvisioningApi(*setup.client).claim(device.attestationToken()));
    ASSERT_FALSE(claimed.has_value());
    EXPECT_EQ(claimed.error().kind, ApiError::Kind::Network);
    EXPECT_EQ(claimed.error().attempts, 1);
    EXPECT_TRUE(claimed.error().retryable);
    // The server did claim it: sending the POST again would have met a 409.
    EXPECT_TRUE(setup.sim.model().claimOfDevice(device.uuid()).has_value());
}

TEST(RestClient, AHangingRequestIsCutByItsTransferTimeout) {
    ClientAndSim setup({}, [](CloudSettings &settings) {
        settings.transferTimeoutMs = 300;
        settings.maxAttempts = 1;
    });
    setup.sim.sim().faults().setPlan({.hangCount = 1});
    QElapsedTimer elapsed;
    elapsed.start();
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_FALSE(reply.has_value());
    EXPECT_EQ(reply.error().kind, ApiError::Kind::Timeout);
    EXPECT_TRUE(reply.error().retryable);
    EXPECT_TRUE(reply.error().message.contains(u"0.3 s"_s)) << reply.error().message.toStdString();
    EXPECT_LT(elapsed.elapsed(), 5'000); // the bound, not a measurement: it did not hang
}

TEST(RestClient, RetriesAGetAfterItsTransferTimeout) {
    ClientAndSim setup({}, [](CloudSettings &settings) { settings.transferTimeoutMs = 1000; });
    setup.sim.sim().faults().setPlan({.hangCount = 1});
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_TRUE(reply.has_value()) << reply.error().toString().toStdString();
    EXPECT_EQ(reply->attempts, 2);
}

TEST(RestClient, RefusesAServerWhoseCertificateIsNotTrusted) {
    ClientAndSim setup({}, [](CloudSettings &settings) { settings.extraCaFile.clear(); });
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_FALSE(reply.has_value());
    const ApiError &error = reply.error();
    EXPECT_EQ(error.kind, ApiError::Kind::Tls);
    EXPECT_FALSE(error.retryable);
    EXPECT_EQ(error.attempts, 1);
    EXPECT_TRUE(error.hint.startsWith(u"The server's certificate is not trusted: "_s))
        << error.hint.toStdString();
    EXPECT_TRUE(error.message.contains(u"certificate"_s, Qt::CaseInsensitive))
        << error.message.toStdString();
    EXPECT_EQ(setup.sim.sim().https().requestCount(), 0);
}

TEST(RestClient, TrustsOnlyTheCaItWasGiven) {
    ClientAndSim setup;
    RunningSim stranger;
    ASSERT_TRUE(stranger.isRunning());
    CloudSettings settings = setup.client->settings();
    settings.extraCaFile = stranger.sim().tls().caCertificatePath;
    setup.client->setSettings(settings);
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_FALSE(reply.has_value());
    EXPECT_EQ(reply.error().kind, ApiError::Kind::Tls);
}

TEST(RestClient, RefusesPlainHttpBaseUrls) {
    ClientAndSim setup;
    CloudSettings settings = setup.client->settings();
    settings.provisioningBaseUrl.setScheme(u"http"_s);
    setup.client->setSettings(settings);
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_FALSE(reply.has_value());
    EXPECT_EQ(reply.error().kind, ApiError::Kind::Configuration);
    EXPECT_TRUE(reply.error().message.contains(u"https://"_s));
}

TEST(RestClient, ReportsAnUnusableCaFileBeforeSending) {
    ClientAndSim setup(
        {}, [](CloudSettings &settings) { settings.extraCaFile = u"/nonexistent/ca.pem"_s; });
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_FALSE(reply.has_value());
    EXPECT_EQ(reply.error().kind, ApiError::Kind::Configuration);
    EXPECT_TRUE(reply.error().message.contains(u"/nonexistent/ca.pem"_s));
    EXPECT_EQ(setup.sim.sim().https().requestCount(), 0);
}

TEST(RestClient, ARefusedConnectionIsANetworkErrorThatIsRetried) {
    ClientAndSim setup({}, [](CloudSettings &settings) {
        settings.provisioningBaseUrl = QUrl(u"https://127.0.0.1:%1/v1/"_s.arg(closedPort()));
        settings.maxAttempts = 3;
    });
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_FALSE(reply.has_value());
    EXPECT_EQ(reply.error().kind, ApiError::Kind::Network);
    EXPECT_EQ(reply.error().attempts, 3);
    EXPECT_TRUE(reply.error().hint.startsWith(u"Cannot reach 127.0.0.1:"_s));
}

TEST(RestClient, TheEventLoopKeepsTurningDuringASlowRequest) {
    ClientAndSim setup;
    setup.sim.sim().faults().setPlan({.latencyMs = 500});
    int ticks = 0;
    QTimer timer;
    timer.setInterval(10);
    QObject::connect(&timer, &QTimer::timeout, &timer, [&ticks] { ++ticks; });
    timer.start();
    auto reply = sendAndWait(*setup.client, listRules());
    ASSERT_TRUE(reply.has_value());
    // A loop blocked by the request would tick once at most; 500 ms allow about 50 ticks.
    EXPECT_GE(ticks, 5);
}

struct ConcurrencyCase {
    int bound;
    int fewestInFlight;
    int mostInFlight;
};

class RestClientConcurrency : public testing::TestWithParam<ConcurrencyCase> {};

TEST_P(RestClientConcurrency, KeepsAtMostTheConfiguredNumberOfRequestsInFlight) {
    const int bound = GetParam().bound;
    ClientAndSim setup(
        {}, [bound](CloudSettings &settings) { settings.maxConcurrentRequests = bound; });
    setup.sim.sim().faults().setPlan({.latencyMs = 300});
    auto all = [](RestClient &client) -> QCoro::Task<int> {
        std::vector<QCoro::Task<std::expected<RestResponse, ApiError>>> tasks;
        for (int i = 0; i < 6; ++i)
            tasks.push_back(client.send(listRules()));
        int succeeded = 0;
        for (auto &task : tasks)
            succeeded += (co_await std::move(task)).has_value() ? 1 : 0;
        co_return succeeded;
    };
    EXPECT_EQ(QCoro::waitFor(all(*setup.client)), 6);
    EXPECT_GE(setup.sim.sim().https().maxInFlight(), GetParam().fewestInFlight);
    EXPECT_LE(setup.sim.sim().https().maxInFlight(), GetParam().mostInFlight);
}

// With a bound of 6 the client itself does not hold requests back, which shows that the
// bound of 2 is what limits the first case.
INSTANTIATE_TEST_SUITE_P(RestClient, RestClientConcurrency,
                         testing::Values(ConcurrencyCase{2, 2, 2}, ConcurrencyCase{6, 3, 6}));

TEST(RestClient, AnswersThatAreNotJsonBecomeABadResponseError) {
    ClientAndSim setup;
    setup.sim.sim().faults().setPlan({.garbageCount = 1});
    auto rules = QCoro::waitFor(ProvisioningApi(*setup.client).listRules());
    ASSERT_FALSE(rules.has_value());
    EXPECT_EQ(rules.error().kind, ApiError::Kind::BadResponse);
    EXPECT_TRUE(rules.error().message.contains(u"broken JSON"_s))
        << rules.error().message.toStdString();
    EXPECT_FALSE(rules.error().retryable);
}

TEST(RestClient, TheApiKeyNeverAppearsInErrorsOrLogOutput) {
    LogCapture capture;
    QStringList errorTexts;
    const QString wrongKey = u"ps-test-wrong-key-a61f0c"_s;
    {
        ClientAndSim setup({}, [](CloudSettings &settings) { settings.maxAttempts = 2; });
        ASSERT_TRUE(sendAndWait(*setup.client, listRules()).has_value());

        setup.sim.sim().faults().setPlan({.errorCount = 1});
        ASSERT_TRUE(sendAndWait(*setup.client, listRules()).has_value());

        setup.sim.sim().faults().setPlan({.errorCount = 5});
        auto failed = sendAndWait(*setup.client, listRules());
        ASSERT_FALSE(failed.has_value());
        errorTexts.append(failed.error().toString());

        setup.client->setApiKey(wrongKey);
        setup.sim.sim().faults().setPlan({});
        auto refused = sendAndWait(*setup.client, listRules());
        ASSERT_FALSE(refused.has_value());
        errorTexts.append(refused.error().toString());

        CloudSettings untrusting = setup.client->settings();
        untrusting.extraCaFile.clear();
        setup.client->setSettings(untrusting);
        auto tls = sendAndWait(*setup.client, listRules());
        ASSERT_FALSE(tls.has_value());
        errorTexts.append(tls.error().toString());
    }
    const QString log = capture.text();
    // The capture saw the client at work, so an absent key means something.
    EXPECT_TRUE(log.contains(u"provstation.cloud: GET /provisioning/v1/provisioning-rules"_s))
        << log.toStdString();
    EXPECT_TRUE(log.contains(u"retrying"_s));
    for (const QString &key : {RunningSim::primaryKey(), wrongKey}) {
        EXPECT_FALSE(log.contains(key)) << log.toStdString();
        for (const QString &text : errorTexts)
            EXPECT_FALSE(text.contains(key)) << text.toStdString();
    }
}
