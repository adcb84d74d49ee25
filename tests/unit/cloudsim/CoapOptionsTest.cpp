// --coap-port and the startup summary line that tells scripts where devices connect.
#include "SimTestSupport.h"
#include "cloudsim/CloudSimOptions.h"

#include <QRegularExpression>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using ps::cloudsim::CloudSimOptions;

namespace {

TEST(CoapOptions, PicksAFreePortUnlessToldOtherwise) {
    const auto defaults = CloudSimOptions::parse({});
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->coapPort, 0);
    const auto chosen = CloudSimOptions::parse({u"--coap-port"_s, u"5699"_s});
    ASSERT_TRUE(chosen);
    EXPECT_EQ(chosen->coapPort, 5699);
}

TEST(CoapOptions, RefusesAPortOutOfRange) {
    for (const QString &value : {u"65536"_s, u"-1"_s, u"port"_s}) {
        const auto parsed = CloudSimOptions::parse({u"--coap-port"_s, value});
        ASSERT_FALSE(parsed) << value.toStdString();
        EXPECT_TRUE(parsed.error().contains(u"--coap-port"_s)) << parsed.error().toStdString();
    }
}

TEST(CoapOptions, TheSummaryNamesTheCoapsPortTheServerListensOn) {
    ps::simtest::RunningSim sim;
    ASSERT_TRUE(sim.isRunning()) << sim.startError().toStdString();
    const QRegularExpressionMatch match =
        QRegularExpression(u"coaps port:\\s+(\\d+)"_s).match(sim.sim().summary());
    ASSERT_TRUE(match.hasMatch());
    EXPECT_EQ(match.captured(1).toUInt(), sim.sim().coapPort());
    EXPECT_NE(sim.sim().coapPort(), sim.sim().httpsPort());
}

} // namespace
