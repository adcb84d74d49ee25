// The sample captures in tests/data/logs/timeline (see the README there), each read as the CLI
// reads a file, with the summary and the events that matter asserted.
#include "TimelineTestSupport.h"
#include "core/timeline/TimelineEngine.h"

#include <QDateTime>

using namespace ps::core;
using namespace ps::core::test;
using namespace Qt::StringLiterals;

namespace {

struct KeyEvent {
    TimelineLane lane;
    const char *state;
    int line;
    std::optional<double> deviceTime; ///< seconds; nullopt = the line has no uptime stamp
};

struct CaptureCase {
    const char *name;
    const char *file;
    int boots;
    int lteUp;
    int lteDown;
    std::optional<double> firstLteUpAt;
    std::optional<double> firstCloudConnectedAt;
    bool cloudConnected;
    ProvisioningOutcome provisioning;
    bool hasToken;
    int backoffs;
    int droppedMessages;
    std::vector<KeyEvent> keyEvents;
    /// Lane/state pairs that must not appear at all.
    std::vector<std::pair<TimelineLane, const char *>> absent = {};
};

std::optional<double> seconds(const std::optional<qint64> &micros) {
    return micros ? std::optional(double(*micros) / 1e6) : std::nullopt;
}

void PrintTo(const CaptureCase &c, std::ostream *os) {
    *os << c.name;
}

class TimelineCapture : public ::testing::TestWithParam<CaptureCase> {};

using L = TimelineLane;
using P = ProvisioningOutcome;

} // namespace

TEST_P(TimelineCapture, GivesTheExpectedSummaryAndKeyEvents) {
    const CaptureCase &c = GetParam();
    TimelineEngine engine;
    feedBytes(engine, readTestData(u"logs/timeline/"_s + QLatin1StringView(c.file)), 1024);
    const TimelineSummary &summary = engine.summary();
    const TimelineModel &model = engine.model();
    const std::string events = eventKeys(model).join(u' ').toStdString();

    EXPECT_EQ(summary.boots, c.boots);
    EXPECT_EQ(summary.lteUpCount, c.lteUp);
    EXPECT_EQ(summary.lteDownCount, c.lteDown);
    const auto firstLteUp = seconds(summary.firstLteUpUptimeUs);
    EXPECT_EQ(firstLteUp.has_value(), c.firstLteUpAt.has_value());
    if (firstLteUp && c.firstLteUpAt) {
        EXPECT_NEAR(*firstLteUp, *c.firstLteUpAt, 1e-6);
    }
    const auto firstCloud = seconds(summary.firstCloudConnectedUptimeUs);
    EXPECT_EQ(firstCloud.has_value(), c.firstCloudConnectedAt.has_value());
    if (firstCloud && c.firstCloudConnectedAt) {
        EXPECT_NEAR(*firstCloud, *c.firstCloudConnectedAt, 1e-6);
    }
    EXPECT_EQ(summary.cloudConnected, c.cloudConnected);
    EXPECT_EQ(provisioningOutcomeId(summary.provisioning), provisioningOutcomeId(c.provisioning))
        << summary.provisioningDetail.toStdString();
    EXPECT_EQ(!summary.attestationToken.isEmpty(), c.hasToken);
    EXPECT_EQ(summary.backoffs, c.backoffs);
    EXPECT_EQ(summary.droppedMessages, c.droppedMessages);

    for (const KeyEvent &key : c.keyEvents) {
        const TimelineEvent *event =
            findEvent(model, key.lane, QString::fromLatin1(key.state), key.line);
        ASSERT_TRUE(event) << timelineLaneId(key.lane).toStdString() << '/' << key.state << '@'
                           << key.line << " missing in: " << events;
        EXPECT_EQ(event->hasUptime(), key.deviceTime.has_value()) << key.state << '@' << key.line;
        if (event->hasUptime() && key.deviceTime) {
            EXPECT_NEAR(double(event->uptimeUs) / 1e6, *key.deviceTime, 1e-6) << key.state;
        }
    }
    for (const auto &[lane, state] : c.absent)
        EXPECT_FALSE(findEvent(model, lane, QString::fromLatin1(state)))
            << state << " in " << events;

    // Whatever the capture, the axis never goes back and every event points at a line.
    qint64 previous = std::numeric_limits<qint64>::min();
    model.forEachInOrder([&](const TimelineEvent &event) {
        EXPECT_GE(event.timeMs, previous);
        previous = event.timeMs;
        EXPECT_GE(event.line, 1);
        EXPECT_LE(event.line, engine.lineCount());
    });
}

INSTANTIATE_TEST_SUITE_P(
    Captures, TimelineCapture,
    ::testing::Values(
        // PROTOCOL §7: PDN up, cloud unauthorized, provisioning, LTE off and on, finished,
        // about 10 s later the cloud connection.
        CaptureCase{"FirstProvisioningAfterAClaim",
                    "first-provisioning.log",
                    1,
                    2,
                    1,
                    4.870002,
                    27.8105,
                    true,
                    P::Done,
                    false,
                    0,
                    0,
                    {{L::Device, "boot", 1, std::nullopt},
                     {L::Lte, "pdn-up", 7, 4.870002},
                     {L::Cloud, "connecting", 8, 4.8704},
                     {L::Cloud, "unauthorised", 9, 5.912004},
                     {L::Provisioning, "dtls-setup", 10, 5.91523},
                     {L::Provisioning, "connected", 11, 6.702118},
                     {L::Provisioning, "requesting", 12, 7.511902},
                     {L::Provisioning, "processing", 13, 8.020441},
                     {L::Provisioning, "offline-for-writes", 14, 8.021007},
                     {L::Lte, "detached", 15, 8.340512},
                     {L::Provisioning, "online-for-responses", 16, 12.100733},
                     {L::Lte, "pdn-up", 17, 14.880016},
                     {L::Provisioning, "sending-responses", 18, 15.400291},
                     {L::Provisioning, "end-of-commands", 20, 16.900113},
                     {L::Provisioning, "done", 21, 16.90102},
                     {L::Cloud, "authorising", 24, 27.300419},
                     {L::Cloud, "authorised", 25, 27.800233},
                     {L::Cloud, "connected", 28, 27.8105}},
                    {{L::Provisioning, "failed"}, {L::Cloud, "backoff"}}},
        // Unclaimed: not claimed, the v1.5 token block, the follow-up error, a 60 s backoff.
        CaptureCase{"UnclaimedDevicePrintsItsToken",
                    "unclaimed-token.log",
                    1,
                    1,
                    0,
                    5.268859,
                    std::nullopt,
                    false,
                    P::NotClaimed,
                    true,
                    1,
                    0,
                    {{L::Cloud, "unauthorised", 8, 6.002117},
                     {L::Provisioning, "not-claimed", 11, 7.300114},
                     {L::Provisioning, "token", 16, 7.301522},
                     {L::Provisioning, "failed", 18, 7.302004},
                     {L::Cloud, "backoff", 19, 7.3026}},
                    {{L::Cloud, "connected"}, {L::Provisioning, "done"}}},
        // Claimed, but no onboarding rule queued anything.
        CaptureCase{"NoCommands",
                    "no-commands.log",
                    1,
                    1,
                    0,
                    4.990331,
                    std::nullopt,
                    false,
                    P::NoCommands,
                    false,
                    2,
                    0,
                    {{L::Provisioning, "requesting", 10, 6.900271},
                     {L::Provisioning, "end-of-commands", 11, 7.40299},
                     {L::Provisioning, "no-commands", 12, 7.403505},
                     {L::Cloud, "backoff", 16, 18.100991},
                     {L::Cloud, "backoff", 20, 78.800512}},
                    {{L::Provisioning, "processing"}, {L::Provisioning, "done"}}},
        // A connected device asked through its shadow; the capture starts an hour into the run.
        CaptureCase{"ReprovisioningThroughTheShadow",
                    "reprovisioning.log",
                    0,
                    1,
                    0,
                    3731.920544,
                    3744.402271,
                    true,
                    P::Done,
                    false,
                    0,
                    0,
                    {{L::Modem, "normal", 2, std::nullopt},
                     {L::Provisioning, "triggered", 4, 3723.104551},
                     {L::Provisioning, "processing", 8, 3724.812447},
                     {L::Lte, "pdn-down", 10, 3725.101116},
                     {L::Lte, "pdn-up", 12, 3731.920544},
                     {L::Provisioning, "done", 16, 3733.650877},
                     {L::Cloud, "connected", 18, 3744.402271}},
                    {{L::Device, "boot"}}},
        // Registration denied, from the network module and from +CEREG notifications.
        CaptureCase{"RegistrationDenied",
                    "registration-denied.log",
                    1,
                    0,
                    0,
                    std::nullopt,
                    std::nullopt,
                    false,
                    P::None,
                    false,
                    0,
                    0,
                    {{L::Lte, "searching", 8, 1.523004}, {L::Lte, "denied", 10, 9.870113}},
                    {{L::Lte, "registered"}, {L::Lte, "pdn-up"}, {L::Cloud, "connecting"}}},
        // kernel reboot cold during the credential writes; provisioning runs again and ends.
        CaptureCase{"RebootInTheMiddleOfProvisioning",
                    "reboot-mid-provisioning.log",
                    2,
                    3,
                    2,
                    4.870002,
                    27.702385,
                    true,
                    P::Done,
                    false,
                    0,
                    0,
                    {{L::Provisioning, "offline-for-writes", 12, 8.021007},
                     {L::Device, "reboot-requested", 14, std::nullopt},
                     {L::Device, "boot", 15, std::nullopt},
                     {L::Provisioning, "dtls-setup", 22, 6.203119},
                     {L::Provisioning, "end-of-commands", 32, 16.998771},
                     {L::Cloud, "connected", 34, 27.702385}}},
        // Dropped messages, binary garbage, broken escapes, and rule words outside records.
        CaptureCase{"DroppedMessagesAndGarbage",
                    "dropped-garbage.log",
                    1,
                    1,
                    1,
                    4.870002,
                    9.90012,
                    true,
                    P::None,
                    false,
                    0,
                    15,
                    {{L::Device, "dropped", 5, std::nullopt},
                     {L::Lte, "pdn-up", 9, 4.870002},
                     {L::Device, "dropped", 10, std::nullopt},
                     {L::Lte, "pdn-down", 12, std::nullopt},
                     {L::Cloud, "connected", 15, 9.90012}},
                    {{L::Lte, "registered"}, {L::Provisioning, "token"}, {L::Modem, "mode"}}},
        // Every line stamped by the terminal program; notifications get host times.
        CaptureCase{"HostTimestampedCapture",
                    "host-timestamped.log",
                    1,
                    2,
                    1,
                    4.801,
                    5.640331,
                    true,
                    P::None,
                    false,
                    0,
                    0,
                    {{L::Lte, "searching", 6, std::nullopt},
                     {L::Lte, "registered", 7, std::nullopt},
                     {L::Lte, "pdn-up", 8, std::nullopt},
                     {L::Cloud, "connected", 11, 5.640331},
                     {L::Lte, "pdn-down", 13, std::nullopt},
                     {L::Lte, "registered", 15, std::nullopt}}},
        // No uptime stamps and no host stamps: order and outcome still come through.
        CaptureCase{"CaptureWithoutTimestamps",
                    "no-timestamps.log",
                    1,
                    2,
                    1,
                    std::nullopt,
                    std::nullopt,
                    true,
                    P::Done,
                    false,
                    0,
                    0,
                    {{L::Lte, "pdn-up", 5, std::nullopt},
                     {L::Cloud, "unauthorised", 7, std::nullopt},
                     {L::Provisioning, "processing", 11, std::nullopt},
                     {L::Lte, "pdn-down", 13, std::nullopt},
                     {L::Cloud, "connected", 20, std::nullopt}}},
        // ATT 1.2 wording: 'Network connectivity ...', the token alone on a warning line,
        // `att_cloud_provision now`, and "requires device activate LTE".
        CaptureCase{"Att12Wording",
                    "att-1.2-provisioning.log",
                    1,
                    2,
                    1,
                    5.010772,
                    62.780215,
                    true,
                    P::Done,
                    true,
                    1,
                    0,
                    {{L::Lte, "pdn-up", 5, 5.010772},
                     {L::Provisioning, "not-claimed", 10, 7.10093},
                     {L::Provisioning, "token", 13, 7.10209},
                     {L::Cloud, "backoff", 14, 7.102544},
                     {L::Provisioning, "triggered", 15, std::nullopt},
                     {L::Provisioning, "offline-for-writes", 20, 43.120533},
                     {L::Lte, "pdn-down", 21, 43.402114},
                     {L::Provisioning, "online-for-responses", 22, 47.990654},
                     {L::Provisioning, "end-of-commands", 26, 52.001993},
                     {L::Cloud, "connected", 28, 62.780215}}},
        // The SDK's own sample over HTTP: its words for the same events.
        CaptureCase{"SdkSampleOverHttp",
                    "sdk-sample-http.log",
                    1,
                    2,
                    1,
                    3.998112,
                    std::nullopt,
                    false,
                    P::Done,
                    false,
                    0,
                    0,
                    {{L::Device, "boot", 1, std::nullopt},
                     {L::Provisioning, "started", 6, 4.100555},
                     {L::Provisioning, "requesting", 7, 4.102023},
                     {L::Provisioning, "connected", 8, 5.880312},
                     {L::Provisioning, "offline-for-writes", 10, 5.901884},
                     {L::Modem, "credential-write", 12, std::nullopt},
                     {L::Provisioning, "online-for-responses", 14, 7.400338},
                     {L::Provisioning, "end-of-commands", 19, 11.20388},
                     {L::Provisioning, "done", 20, 11.204502}}}),
    [](const auto &p) { return std::string(p.param.name); });

TEST(TimelineCapture, AHostTimestampedCaptureKeepsTheTerminalClock) {
    TimelineEngine engine;
    feedBytes(engine, readTestData(u"logs/timeline/host-timestamped.log"_s));
    const auto connected = findEvent(engine.model(), TimelineLane::Cloud, u"connected");
    ASSERT_TRUE(connected);
    EXPECT_TRUE(connected->flags & TimelineEvent::HostClock);
    // Booted at 10:15:03.123 (the banner's stamp); connected 5.640 s of uptime later.
    const qint64 boot =
        QDateTime(QDate(2026, 11, 26), QTime(10, 15, 3, 123), Qt::UTC).toMSecsSinceEpoch();
    EXPECT_EQ(engine.model().segments().front().startMs, boot);
    EXPECT_EQ(engine.summary().timeToCloudMs, 5640);
    const auto registered = findEvent(engine.model(), TimelineLane::Lte, u"registered", 7);
    ASSERT_TRUE(registered);
    EXPECT_EQ(registered->timeMs, boot + 4801);
}

TEST(TimelineCapture, TimeToCloudRunsFromTheFirstBootAcrossAReboot) {
    TimelineEngine engine;
    feedBytes(engine, readTestData(u"logs/timeline/reboot-mid-provisioning.log"_s));
    // First boot's last line at 8.340512 s, the second boot connects 27.702385 s after booting.
    EXPECT_EQ(engine.summary().timeToCloudMs, 8340 + 27702);
}

TEST(TimelineCapture, ACaptureWithoutAnyClockHasNoTimeToCloud) {
    TimelineEngine engine;
    feedBytes(engine, readTestData(u"logs/timeline/no-timestamps.log"_s));
    EXPECT_TRUE(engine.summary().firstCloudConnectedTimeMs.has_value());
    EXPECT_FALSE(engine.summary().timeToCloudMs.has_value());
    engine.model().forEachInOrder(
        [](const TimelineEvent &event) { EXPECT_FALSE(event.hasClock()); });
}
