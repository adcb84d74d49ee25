// A device started with --cloud whose endpoint does not answer: ATT's cloud module reports the
// refused connection and backs off, and the device keeps working.
#include "DevsimHarness.h"

#include <QRegularExpression>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace ps::devsim::test;

namespace {

/// A loopback UDP port nobody listens on (bound for a moment to learn a free one).
quint16 silentUdpPort() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

TEST(DevsimCloud, AnUnreachableEndpointIsARefusedConnectionFollowedByBackoff) {
    DevsimSandbox box;
    DevsimProcess process({QStringLiteral("--state"), box.state(), QStringLiteral("--speed"),
                           QStringLiteral("100"), QStringLiteral("--boot-on-open"),
                           QStringLiteral("--cloud"),
                           QStringLiteral("127.0.0.1:%1").arg(silentUdpPort())});
    ASSERT_TRUE(process.start());
    EXPECT_TRUE(process.waitForLine(QStringLiteral("CLOUD coaps://127.0.0.1:")));
    PtyTerminal terminal;
    ASSERT_TRUE(terminal.open(process.ptyPath()));

    const auto refused = terminal.waitForMatch(
        QRegularExpression(QStringLiteral("<err> nrf_cloud_coap_transport: Failed to connect "
                                          "socket: [^\\r\\n]+\\r?\\n.*"
                                          "<wrn> cloud: nRF Cloud CoAP connection refused.*"
                                          "Connection attempt failed, backoff time: 60 seconds"),
                           QRegularExpression::DotMatchesEverythingOption),
        10000);
    ASSERT_TRUE(refused) << stripAnsi(terminal.received()).toStdString();
    EXPECT_FALSE(stripAnsi(terminal.received()).contains("nrf_provisioning_coap: DTLS setup"));

    // The shell still answers while the cloud module waits.
    const auto answer = terminal.command("at AT+CGMM");
    ASSERT_TRUE(answer);
    EXPECT_TRUE(answer->contains("nRF9151-LACA"));
    EXPECT_EQ(process.stop(), 0);
}

} // namespace
