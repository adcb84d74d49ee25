// The stand-in's CoAP server over real DTLS on loopback, with the virtual device's blocking
// client (firmware/sim CoapDtlsClient) on a thread of its own while the Qt thread serves.
#include "CoapDtlsClient.h"
#include "CoapTestSupport.h"
#include "SimTestSupport.h"
#include "cloudsim/CertificateAuthority.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <future>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using ps::devsim::CoapDtlsClient;
using ps::simtest::RunningSim;

namespace {

constexpr auto Never = [] { return false; };

/// Runs `work` on its own thread and keeps the Qt event loop (the server) turning meanwhile.
template<class Work> auto offThread(Work work, int timeoutMs = 15000) {
    auto future = std::async(std::launch::async, std::move(work));
    const bool finished = QTest::qWaitFor(
        [&] { return future.wait_for(0ms) == std::future_status::ready; }, timeoutMs);
    EXPECT_TRUE(finished) << "the client did not finish in time";
    return future.get();
}

QString codeText(quint8 code) {
    return u"%1.%2"_s.arg(code >> 5).arg(code & 0x1f, 2, 10, QLatin1Char('0'));
}

class CoapOverDtls : public testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(sim.isRunning()) << sim.startError().toStdString();
        ASSERT_NE(sim.sim().coapPort(), 0);
    }

    QByteArray ca() { return sim.sim().tls().caCertificatePem; }
    quint16 port() { return sim.sim().coapPort(); }

    RunningSim sim;
};

TEST_F(CoapOverDtls, AnswersADeviceThatTrustsTheStandInsCa) {
    const auto result = offThread([ca = ca(), port = port()] {
        CoapDtlsClient client;
        auto connected = client.connect(u"127.0.0.1"_s, port, ca, 5s, Never);
        if (!connected)
            return std::expected<CoapDtlsClient::Response, CoapDtlsClient::Error>(
                std::unexpected(connected.error()));
        return client.request(CoapDtlsClient::Get, "p/cmd?after=&limit=20", {}, -1, 5s, Never);
    });
    ASSERT_TRUE(result) << CoapDtlsClient::errorText(result.error()).toStdString();
    EXPECT_EQ(codeText(result->code), u"4.01"_s); // not authenticated yet
    EXPECT_GE(sim.sim().coap().requestCount(), 1);
}

TEST_F(CoapOverDtls, VerifiesTheServerNameAsWellAsTheCa) {
    const auto result = offThread([ca = ca(), port = port()] {
        CoapDtlsClient client;
        return client.connect(u"localhost"_s, port, ca, 5s, Never);
    });
    EXPECT_TRUE(result) << CoapDtlsClient::errorText(result.error()).toStdString();
}

TEST_F(CoapOverDtls, RefusesTheHandshakeOfADeviceWithAnotherCa) {
    QTemporaryDir otherState;
    const auto other = ps::cloudsim::CertificateAuthority::ensure(otherState.path());
    ASSERT_TRUE(other);
    const auto result = offThread([ca = other->caCertificatePem, port = port()] {
        CoapDtlsClient client;
        return client.connect(u"127.0.0.1"_s, port, ca, 5s, Never);
    });
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), CoapDtlsClient::Error::HandshakeRefused);
}

TEST_F(CoapOverDtls, RefusesTheHandshakeOfADeviceWithoutCa) {
    const auto result = offThread([port = port()] {
        CoapDtlsClient client;
        return client.connect(u"127.0.0.1"_s, port, QByteArray(), 5s, Never);
    });
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), CoapDtlsClient::Error::HandshakeRefused);
}

TEST_F(CoapOverDtls, CarriesLargePayloadsBlockWise) {
    // A body far beyond one datagram still arrives whole: the server can only say what is wrong
    // with the "JWT" after reading every block.
    const auto result = offThread([ca = ca(), port = port()] {
        CoapDtlsClient client;
        (void)client.connect(u"127.0.0.1"_s, port, ca, 5s, Never);
        return client.request(CoapDtlsClient::Post, "auth/jwt", QByteArray(5000, 'x'), 0, 5s,
                              Never);
    });
    ASSERT_TRUE(result) << CoapDtlsClient::errorText(result.error()).toStdString();
    EXPECT_EQ(codeText(result->code), u"4.00"_s);
    EXPECT_TRUE(result->payload.contains("three dot-separated parts"));
}

TEST_F(CoapOverDtls, AnswersUnknownPathsAndMethodsFromLibcoap) {
    const auto result = offThread([ca = ca(), port = port()] {
        CoapDtlsClient client;
        (void)client.connect(u"127.0.0.1"_s, port, ca, 5s, Never);
        auto unknown = client.request(CoapDtlsClient::Get, "p/nothing", {}, -1, 5s, Never);
        auto method = client.request(CoapDtlsClient::Delete, "p/cmd", {}, -1, 5s, Never);
        return std::pair{unknown ? codeText(unknown->code) : QString(),
                         method ? codeText(method->code) : QString()};
    });
    EXPECT_EQ(result.first, u"4.04"_s);
    EXPECT_EQ(result.second, u"4.05"_s);
}

TEST_F(CoapOverDtls, DelaysAnswersByTheInjectedLatency) {
    ps::cloudsim::FaultPlan plan;
    plan.latencyMs = 400;
    plan.pathPrefix = u"coaps/"_s;
    sim.sim().faults().setPlan(plan);
    const auto result = offThread([ca = ca(), port = port()] {
        CoapDtlsClient client;
        (void)client.connect(u"127.0.0.1"_s, port, ca, 5s, Never);
        QElapsedTimer clock;
        clock.start();
        auto answer = client.request(CoapDtlsClient::Get, "p/cmd", {}, -1, 5s, Never);
        return std::pair{answer ? codeText(answer->code) : QString(), clock.elapsed()};
    });
    EXPECT_EQ(result.first, u"4.01"_s);
    EXPECT_GE(result.second, 400);
}

TEST_F(CoapOverDtls, AnswersInjectedErrorsAsServiceUnavailable) {
    ps::cloudsim::FaultPlan plan;
    plan.errorCount = 1;
    plan.pathPrefix = u"coaps/p/"_s;
    sim.sim().faults().setPlan(plan);
    const auto result = offThread([ca = ca(), port = port()] {
        CoapDtlsClient client;
        (void)client.connect(u"127.0.0.1"_s, port, ca, 5s, Never);
        auto first = client.request(CoapDtlsClient::Get, "p/cmd", {}, -1, 5s, Never);
        auto second = client.request(CoapDtlsClient::Get, "p/cmd", {}, -1, 5s, Never);
        return std::pair{first ? codeText(first->code) : QString(),
                         second ? codeText(second->code) : QString()};
    });
    EXPECT_EQ(result.first, u"5.03"_s);
    EXPECT_EQ(result.second, u"4.01"_s);
}

TEST_F(CoapOverDtls, NeverAnswersAHungRequestSoTheDeviceTimesOut) {
    ps::cloudsim::FaultPlan plan;
    plan.hangCount = 1;
    plan.pathPrefix = u"coaps/"_s;
    sim.sim().faults().setPlan(plan);
    const auto result = offThread([ca = ca(), port = port()] {
        CoapDtlsClient client;
        (void)client.connect(u"127.0.0.1"_s, port, ca, 5s, Never);
        return client.request(CoapDtlsClient::Get, "p/cmd", {}, -1, 600ms, Never);
    });
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), CoapDtlsClient::Error::Timeout);
}

TEST_F(CoapOverDtls, ForgetsASessionWhenTheDeviceCloses) {
    const auto result = offThread([ca = ca(), port = port()] {
        CoapDtlsClient client;
        (void)client.connect(u"127.0.0.1"_s, port, ca, 5s, Never);
        auto answer = client.request(CoapDtlsClient::Get, "p/cmd", {}, -1, 5s, Never);
        client.close();
        return answer.has_value();
    });
    EXPECT_TRUE(result);
    EXPECT_TRUE(QTest::qWaitFor([&] { return sim.sim().coap().sessionCount() == 0; }, 5000));
}

TEST_F(CoapOverDtls, AuthorisesAProvisioningSessionEndToEnd) {
    // A device the registry knows, claimed by the primary account, with its own identity key.
    const ps::coaptest::EcTestKey identity = ps::coaptest::EcTestKey::generate();
    const QString deviceId = QUuid::createUuid().toString(QUuid::WithoutBraces).toLower();
    ps::cloudsim::RegistryEntry entry;
    entry.uuid = deviceId;
    entry.imei = u"352669100000002"_s;
    entry.deviceType = 6;
    entry.identityPublicKeyPem = identity.publicPem();
    ASSERT_TRUE(ps::cloudsim::DeviceRegistry::append(sim.sim().registry().path(), entry));
    ps::cloudsim::CloudModel::ClaimInput input;
    input.deviceId = deviceId;
    input.deviceType = 6;
    input.tags = {u"nrf-cloud-onboarding"_s};
    ASSERT_TRUE(sim.model().claim(RunningSim::primaryOwner(), input, false));

    const auto result = offThread([ca = ca(), port = port(), jwt = identity.deviceJwt(deviceId)] {
        CoapDtlsClient client;
        (void)client.connect(u"127.0.0.1"_s, port, ca, 5s, Never);
        auto auth =
            client.request(CoapDtlsClient::Post, "p/auth-jwt?mver=2.0.2&cver=1", jwt, 0, 5s, Never);
        auto commands = client.request(CoapDtlsClient::Get,
                                       "p/cmd?after=&rxMaxSize=4096&txMaxSize=4096&limit=20", {},
                                       -1, 5s, Never);
        return std::pair{auth ? codeText(auth->code) : QString(),
                         commands ? *commands : CoapDtlsClient::Response{}};
    });
    EXPECT_EQ(result.first, u"2.01"_s);
    EXPECT_EQ(codeText(result.second.code), u"2.05"_s);
    EXPECT_EQ(result.second.contentFormat, 60);
    EXPECT_TRUE(result.second.payload.contains("%KEYGEN"));
}

} // namespace
