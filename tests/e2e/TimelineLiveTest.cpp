// The timeline of a real run: a virtual device that is claimed and provisions against the
// stand-in over DTLS, its lines fed to the timeline engine exactly as the console receives them.
// What the summary says must match what the device's own log shows happened.
#include "E2eHarness.h"
#include "core/AttestationToken.h"
#include "core/timeline/TimelineEngine.h"

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;

namespace {

/// How many lines contain any of `needles`, from `from` on.
int countLines(const QStringList &lines, std::initializer_list<QStringView> needles,
               qsizetype from = 0) {
    int count = 0;
    for (qsizetype i = from; i < lines.size(); ++i) {
        for (QStringView needle : needles) {
            if (lines.at(i).contains(needle)) {
                ++count;
                break;
            }
        }
    }
    return count;
}

} // namespace

TEST(TimelineLive, AClaimAndProvisionRunReadsAsItHappened) {
    ps::e2e::E2eWorld world;
    ASSERT_TRUE(world.isReady()) << qPrintable(world.problem());
    const qsizetype provisioningStart = world.claimAndProvision();
    ASSERT_GE(provisioningStart, 0) << qPrintable(world.problem());

    ps::core::TimelineEngine engine;
    const QStringList lines = world.lines();
    for (const QString &line : lines) {
        engine.addLine(line);
    }
    const ps::core::TimelineSummary &summary = engine.summary();

    // One boot, provisioning done, connected at the end.
    EXPECT_EQ(summary.boots, 1);
    EXPECT_EQ(summary.provisioning, ps::core::ProvisioningOutcome::Done)
        << qPrintable(summary.provisioningDetail);
    EXPECT_TRUE(summary.cloudConnected);
    // Before the claim the device was refused once (not claimed), then provisioned.
    EXPECT_GE(summary.provisioningAttempts, 2);
    EXPECT_GE(summary.backoffs, 1);

    // LTE went down for the credential writes and came back: as often as the device said so.
    const int pdnDrops =
        countLines(lines, {u"PDN connection network detached", u"PDN connection deactivated"});
    const int pdnUps = countLines(lines, {u"PDN connection activated"});
    ASSERT_GE(pdnDrops, 1) << "the device never took LTE down: nothing to compare";
    EXPECT_EQ(summary.lteDownCount, pdnDrops);
    EXPECT_EQ(summary.lteUpCount, pdnUps);

    // LTE came up before the cloud connection, which came after provisioning started.
    ASSERT_TRUE(summary.firstLteUpUptimeUs.has_value());
    ASSERT_TRUE(summary.firstCloudConnectedUptimeUs.has_value());
    EXPECT_LT(*summary.firstLteUpUptimeUs, *summary.firstCloudConnectedUptimeUs);

    // The token the unclaimed device printed is understood, and it is this device's.
    ASSERT_FALSE(summary.attestationToken.isEmpty());
    const auto token = ps::core::AttestationToken::parse(summary.attestationToken);
    ASSERT_TRUE(token.has_value()) << qPrintable(token.error().message);
    EXPECT_EQ(ps::core::AttestationToken::uuidText(token->deviceUuid), world.deviceId());
}
