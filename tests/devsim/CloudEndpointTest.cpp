// `--cloud HOST:PORT`: the endpoint the virtual device's provisioning client and nRF Cloud CoAP
// connection talk to.
#include "DeviceOptions.h"
#include "ProvisioningCloud.h"

#include <gtest/gtest.h>

using ps::devsim::CloudEndpoint;

namespace {

struct EndpointCase {
    const char *text;
    const char *host;
    quint16 port;
};

class CloudEndpointParse : public testing::TestWithParam<EndpointCase> {};

TEST_P(CloudEndpointParse, SplitsHostAndPort) {
    const auto endpoint = CloudEndpoint::parse(QString::fromLatin1(GetParam().text));
    ASSERT_TRUE(endpoint) << endpoint.error().toStdString();
    EXPECT_EQ(endpoint->host, QString::fromLatin1(GetParam().host));
    EXPECT_EQ(endpoint->port, GetParam().port);
    EXPECT_EQ(endpoint->toString(), QString::fromLatin1(GetParam().text));
}

INSTANTIATE_TEST_SUITE_P(CloudEndpoint, CloudEndpointParse,
                         testing::Values(EndpointCase{"127.0.0.1:5684", "127.0.0.1", 5684},
                                         EndpointCase{"localhost:1", "localhost", 1},
                                         EndpointCase{"coap.nrfcloud.com:5684", "coap.nrfcloud.com",
                                                      5684},
                                         EndpointCase{"[::1]:65535", "::1", 65535}));

TEST(CloudEndpoint, RefusesTextThatIsNotHostColonPort) {
    for (const char *text : {"", "127.0.0.1", ":5684", "127.0.0.1:0", "127.0.0.1:65536",
                             "127.0.0.1:port", "a b:1", "::1:5684"}) {
        const auto endpoint = CloudEndpoint::parse(QString::fromLatin1(text));
        ASSERT_FALSE(endpoint) << text;
        EXPECT_TRUE(endpoint.error().contains(QStringLiteral("HOST:PORT"))) << text;
    }
}

TEST(CloudEndpoint, IsADeviceOption) {
    const auto options = ps::devsim::parseDeviceOptions({QStringLiteral("provstation-devsim"),
                                                         QStringLiteral("--cloud"),
                                                         QStringLiteral("127.0.0.1:5684")});
    ASSERT_TRUE(options) << options.error().toStdString();
    EXPECT_EQ(options->cloud, QStringLiteral("127.0.0.1:5684"));
    const auto wrong = ps::devsim::parseDeviceOptions(
        {QStringLiteral("provstation-devsim"), QStringLiteral("--cloud=nowhere")});
    ASSERT_FALSE(wrong);
    EXPECT_TRUE(wrong.error().contains(QStringLiteral("--cloud nowhere")));
    EXPECT_TRUE(ps::devsim::helpText().contains(QStringLiteral("--cloud HOST:PORT")));
}

} // namespace
