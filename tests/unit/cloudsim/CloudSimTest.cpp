// The stand-in on the wire: raw HTTPS requests against an in-process CloudSim, and the
// provstation-cloudsim executable as a child process.
#include "SimTestSupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTest>
#include <gtest/gtest.h>
#include <memory>

using namespace ps::cloudsim;
using namespace ps::simtest;
using namespace Qt::StringLiterals;

namespace {

struct RawReply {
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QJsonObject body;
    QByteArray rawBody;
    QByteArray retryAfter;
};

/// One request with QNetworkAccessManager, trusting `caFile`, waited for with a deadline.
RawReply rawRequest(const QString &caFile, const QByteArray &method, const QUrl &url,
                    const QString &key, const QByteArray &body = {}) {
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.addCaCertificates(QSslCertificate::fromPath(caFile));
    request.setSslConfiguration(ssl);
    request.setTransferTimeout(10'000);
    if (!key.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    std::unique_ptr<QNetworkReply> reply(network.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    EXPECT_TRUE(finished.wait(15'000));
    RawReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.error = reply->error();
    result.rawBody = reply->readAll();
    result.body = QJsonDocument::fromJson(result.rawBody).object();
    result.retryAfter = reply->rawHeader("Retry-After");
    return result;
}

class CloudSimWire : public testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(sim.isRunning()) << sim.startError().toStdString(); }

    RawReply call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                  const QString &key = RunningSim::primaryKey()) {
        const QUrl base(u"https://127.0.0.1:%1/"_s.arg(sim.sim().httpsPort()));
        return rawRequest(sim.sim().tls().caCertificatePath, method, base.resolved(QUrl(path)), key,
                          body);
    }

    QByteArray claimBody(const QString &token) {
        return QJsonDocument(QJsonObject{{u"claimToken"_s, token},
                                         {u"tags"_s, QJsonArray{u"nrf-cloud-onboarding"_s}}})
            .toJson();
    }

    RunningSim sim;
};

} // namespace

TEST_F(CloudSimWire, RefusesAMissingOrUnknownKeyWith401AndAMessage) {
    const RawReply missing = call("GET", u"provisioning/v1/claimed-devices"_s, {}, QString());
    EXPECT_EQ(missing.status, 401);
    EXPECT_FALSE(missing.body.value(u"message"_s).toString().isEmpty());
    EXPECT_FALSE(missing.body.contains(u"code"_s));

    const RawReply wrong = call("GET", u"v1/devices"_s, {}, u"wrong-key"_s);
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(wrong.body.value(u"code"_s).toInt(), 40100);
}

TEST_F(CloudSimWire, ClaimAnswers201WithTheClaimedDeviceRecord) {
    const TestDevice device = sim.registerDevice(6);
    const RawReply claimed =
        call("POST", u"provisioning/v1/claimed-devices"_s, claimBody(device.attestationToken()));
    ASSERT_EQ(claimed.status, 201) << claimed.rawBody.toStdString();
    EXPECT_EQ(claimed.body.value(u"id"_s).toString(), device.uuid());
    EXPECT_EQ(claimed.body.value(u"deviceType"_s).toString(), u"nrf9151_LACA"_s);
    EXPECT_EQ(claimed.body.value(u"imei"_s).toString(), device.imei());
    EXPECT_EQ(claimed.body.value(u"firmwareId"_s).toString(),
              device.firmwareUuid().toString(QUuid::WithoutBraces));
    EXPECT_EQ(claimed.body.value(u"ownerId"_s).toString(), RunningSim::primaryOwner());
    EXPECT_EQ(claimed.body.value(u"status"_s).toString(), u"PROVISIONING"_s);
}

TEST_F(CloudSimWire, DryRunAnswers202AndClaimsNothing) {
    const TestDevice device = sim.registerDevice();
    const RawReply checked = call("POST", u"provisioning/v1/claimed-devices?dryrun=true"_s,
                                  claimBody(device.attestationToken()));
    EXPECT_EQ(checked.status, 202);
    EXPECT_FALSE(sim.model().claimOfDevice(device.uuid()).has_value());
}

TEST_F(CloudSimWire, RefusesTokensThatAreMalformedUnknownOrWronglySigned) {
    const TestDevice known = sim.registerDevice();
    const TestDevice unknown = TestDevice::create();
    const QString malformed = u"bm90IGEgdG9rZW4.AAAA"_s;
    for (const QString &token :
         {malformed, unknown.attestationToken(), known.attestationTokenSignedBy(unknown)}) {
        const RawReply refused =
            call("POST", u"provisioning/v1/claimed-devices"_s, claimBody(token));
        EXPECT_EQ(refused.status, 400) << token.toStdString();
        EXPECT_TRUE(
            refused.body.value(u"message"_s).toString().startsWith(u"Invalid claim token"_s))
            << refused.rawBody.toStdString();
    }
    EXPECT_EQ(call("POST", u"provisioning/v1/claimed-devices"_s, "{}").status, 400);
    EXPECT_EQ(call("POST", u"provisioning/v1/claimed-devices"_s, "[1,2").status, 400);
}

TEST_F(CloudSimWire, PagesCarryATokenUntilTheLastPage) {
    for (int i = 0; i < 3; ++i) {
        const TestDevice device = sim.registerDevice();
        ASSERT_EQ(
            call("POST", u"provisioning/v1/claimed-devices"_s, claimBody(device.attestationToken()))
                .status,
            201);
    }
    const RawReply first = call("GET", u"provisioning/v1/claimed-devices?pageLimit=2"_s);
    ASSERT_EQ(first.status, 200);
    EXPECT_EQ(first.body.value(u"items"_s).toArray().size(), 2);
    EXPECT_EQ(first.body.value(u"total"_s).toInt(), 3);
    const QString token = first.body.value(u"pageNextToken"_s).toString();
    ASSERT_FALSE(token.isEmpty());
    const RawReply last =
        call("GET", u"provisioning/v1/claimed-devices?pageLimit=2&pageNextToken="_s + token);
    EXPECT_EQ(last.body.value(u"items"_s).toArray().size(), 1);
    EXPECT_FALSE(last.body.contains(u"pageNextToken"_s));
    EXPECT_EQ(call("GET", u"provisioning/v1/claimed-devices?pageNextToken=bogus"_s).status, 400);
}

TEST_F(CloudSimWire, MainApiErrorsCarryANumericCode) {
    const RawReply missing = call("GET", u"v1/devices/4d3c2b1a-0000-4000-8000-000000000001"_s);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.body.value(u"code"_s).toInt(), 40412);
    EXPECT_EQ(missing.body.value(u"message"_s).toString(),
              u"no device found for this id, not yet provisioned"_s);
    const RawReply badPatch = call("PATCH", u"v1/devices/x/state"_s, R"({"wanted":{}})");
    EXPECT_EQ(badPatch.status, 400);
    EXPECT_EQ(badPatch.body.value(u"code"_s).toInt(), 40000);
}

TEST_F(CloudSimWire, RateLimitAnswersCarryRetryAfterInSecondsOrAsAnHttpDate) {
    sim.sim().faults().setPlan({.rateLimitCount = 1, .retryAfterSeconds = 3});
    const RawReply seconds = call("GET", u"v1/devices"_s);
    EXPECT_EQ(seconds.status, 429);
    EXPECT_EQ(seconds.retryAfter, "3");

    sim.sim().faults().setPlan(
        {.rateLimitCount = 1, .retryAfterSeconds = 60, .retryAfterAsDate = true});
    const RawReply date = call("GET", u"v1/devices"_s);
    EXPECT_EQ(date.status, 429);
    const QDateTime when = QLocale::c().toDateTime(QString::fromLatin1(date.retryAfter),
                                                   u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s);
    ASSERT_TRUE(when.isValid()) << date.retryAfter.toStdString();
    EXPECT_GT(QDateTime(when.date(), when.time(), Qt::UTC), QDateTime::currentDateTimeUtc());
}

TEST_F(CloudSimWire, FaultsCanBeSetThroughTheAdminEndpointWithTheApiKey) {
    EXPECT_EQ(call("POST", u"_sim/faults"_s, R"({"errorCount":1})", QString()).status, 401);
    const RawReply set = call("POST", u"_sim/faults"_s, R"({"errorCount":1,"errorStatus":502})");
    ASSERT_EQ(set.status, 200) << set.rawBody.toStdString();
    EXPECT_EQ(call("GET", u"v1/devices"_s).status, 502);
    EXPECT_EQ(call("GET", u"v1/devices"_s).status, 200);
    EXPECT_EQ(call("POST", u"_sim/faults"_s, R"({"errorCount":"x"})").status, 400);
    const RawReply statistics = call("GET", u"_sim/faults"_s);
    EXPECT_EQ(statistics.body.value(u"statistics"_s).toObject().value(u"faultsInjected"_s).toInt(),
              1);
}

TEST_F(CloudSimWire, ADroppedAnswerEndsTheConnectionMidBody) {
    sim.sim().faults().setPlan({.dropCount = 1});
    const RawReply dropped = call("GET", u"provisioning/v1/provisioning-rules"_s);
    EXPECT_EQ(dropped.error, QNetworkReply::RemoteHostClosedError);
    EXPECT_EQ(call("GET", u"provisioning/v1/provisioning-rules"_s).status, 200);
}

TEST(CloudSim, StateAndCertificatesSurviveARestart) {
    QTemporaryDir dir;
    QString deviceId;
    QByteArray caPem;
    {
        RunningSim first(dir.path(), {});
        ASSERT_TRUE(first.isRunning()) << first.startError().toStdString();
        const TestDevice device = first.registerDevice();
        deviceId = device.uuid();
        caPem = first.sim().tls().caCertificatePem;
        ASSERT_TRUE(first.model().claim(RunningSim::primaryOwner(),
                                        {.deviceId = deviceId, .tags = {u"nrf-cloud-onboarding"_s}},
                                        false));
        ASSERT_EQ(first.provisionDevice(deviceId), 2);
        ASSERT_TRUE(first.model().patchState(RunningSim::primaryOwner(), deviceId,
                                             QJsonObject{{u"mode"_s, 2}}, std::nullopt));
    }
    RunningSim second(dir.path(), {});
    ASSERT_TRUE(second.isRunning()) << second.startError().toStdString();
    EXPECT_EQ(second.sim().tls().caCertificatePem, caPem);
    ASSERT_TRUE(second.model().claim(RunningSim::primaryOwner(), deviceId).has_value());
    auto device = second.model().device(RunningSim::primaryOwner(), deviceId);
    ASSERT_TRUE(device.has_value());
    EXPECT_EQ(device->desired.value(u"mode"_s).toInt(), 2);
    EXPECT_EQ(second.model().rules(RunningSim::primaryOwner()).size(), 1);
}

TEST(CloudSim, RefusesToStartOverABrokenStateFile) {
    QTemporaryDir dir;
    QFile state(dir.filePath(u"state.json"_s));
    ASSERT_TRUE(state.open(QIODevice::WriteOnly));
    state.write("{ broken");
    state.close();
    RunningSim sim(dir.path(), {});
    EXPECT_FALSE(sim.isRunning());
    EXPECT_TRUE(sim.startError().contains(u"state.json"_s));
}

TEST(CloudSim, GeneratesAnAccountKeyFileWhenNoKeyIsGiven) {
    RunningSim sim([](CloudSimOptions &options) { options.apiKeys.clear(); });
    ASSERT_TRUE(sim.isRunning()) << sim.startError().toStdString();
    const QString keyFile = sim.sim().generatedKeyFile();
    QFile file(keyFile);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QString key = QString::fromUtf8(file.readAll()).trimmed();
    EXPECT_EQ(key.size(), 48);
    const QString summary = sim.sim().summary();
    EXPECT_TRUE(summary.contains(keyFile));
    EXPECT_FALSE(summary.contains(key));
    EXPECT_EQ(rawRequest(sim.sim().tls().caCertificatePath, "GET",
                         sim.sim().mainBaseUrl().resolved(QUrl(u"devices"_s)), key)
                  .status,
              200);
}

TEST(CloudSim, SummaryNamesTheUrlsTheCaAndTheRegistryButNoKey) {
    RunningSim sim;
    ASSERT_TRUE(sim.isRunning());
    const QString summary = sim.sim().summary();
    EXPECT_TRUE(summary.contains(sim.sim().provisioningBaseUrl().toString()));
    EXPECT_TRUE(summary.contains(sim.sim().mainBaseUrl().toString()));
    EXPECT_TRUE(summary.contains(sim.sim().tls().caCertificatePath));
    EXPECT_TRUE(summary.contains(sim.sim().options().effectiveRegistryPath()));
    EXPECT_FALSE(summary.contains(RunningSim::primaryKey()));
    EXPECT_FALSE(summary.contains(RunningSim::otherKey()));
}

TEST(CloudSimProgram, StartsPrintsItsPortAndServes) {
    QTemporaryDir dir;
    QProcess process;
    process.setProgram(QStringLiteral(PROVSTATION_CLOUDSIM_EXECUTABLE));
    process.setArguments(
        {u"--state"_s, dir.path(), u"--api-key"_s, u"process-key"_s, u"--http-port"_s, u"0"_s});
    process.start();
    ASSERT_TRUE(process.waitForStarted(10'000));
    QByteArray output;
    const QRegularExpression portLine(u"https port:\\s+(\\d+)"_s);
    QRegularExpressionMatch match;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            output += process.readAllStandardOutput();
            match = portLine.match(QString::fromUtf8(output));
            return match.hasMatch();
        },
        15'000))
        << output.toStdString() << process.readAllStandardError().toStdString();
    const int port = match.captured(1).toInt();
    EXPECT_GT(port, 0);
    EXPECT_TRUE(output.contains(QDir(dir.path()).absoluteFilePath(u"ca.pem"_s).toUtf8()));

    const RawReply rules =
        rawRequest(dir.filePath(u"ca.pem"_s), "GET",
                   QUrl(u"https://127.0.0.1:%1/provisioning/v1/provisioning-rules"_s.arg(port)),
                   u"process-key"_s);
    EXPECT_EQ(rules.status, 200);
    EXPECT_EQ(rules.body.value(u"items"_s).toArray().size(), 1);

    process.terminate();
    EXPECT_TRUE(process.waitForFinished(10'000));
}

TEST(CloudSimProgram, ExplainsABadFlagAndExitsWithStatus2) {
    QProcess process;
    process.start(QStringLiteral(PROVSTATION_CLOUDSIM_EXECUTABLE), {u"--latency"_s, u"x"_s});
    ASSERT_TRUE(process.waitForFinished(10'000));
    EXPECT_EQ(process.exitCode(), 2);
    EXPECT_TRUE(process.readAllStandardError().contains("--latency"));
}
