#include "core/timeline/TimelineEngine.h"

#include "TimelineTestSupport.h"
#include "core/timeline/TimelineExport.h"

#include <QDateTime>
#include <QJsonDocument>

using namespace ps::core;
using namespace ps::core::test;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 Host = 1'795'000'000'000; // some host time, ms since the epoch

QString summaryJson(const TimelineEngine &engine) {
    return QString::fromUtf8(
        QJsonDocument(TimelineExport::summaryToJson(engine.summary())).toJson());
}

const TimelineEvent &onlySpan(const TimelineModel &model, TimelineLane lane) {
    const auto spans = model.spans(lane);
    EXPECT_EQ(spans.size(), 1u) << eventKeys(model).join(u' ').toStdString();
    return spans.front();
}

} // namespace

TEST(TimelineEngine, GivesTheSameTimelineWhateverTheReadSize) {
    for (const char *file : {"timeline/first-provisioning.log", "timeline/unclaimed-token.log",
                             "timeline/host-timestamped.log", "timeline/dropped-garbage.log",
                             "att-v1.5-boot-claim.log"}) {
        const QByteArray bytes = readTestData(u"logs/"_s + QLatin1StringView(file));
        TimelineEngine whole;
        feedBytes(whole, bytes, bytes.size());
        for (const qsizetype chunk : {1, 7, 64}) {
            TimelineEngine split;
            feedBytes(split, bytes, chunk);
            EXPECT_EQ(eventKeys(split.model()), eventKeys(whole.model())) << file << " " << chunk;
            EXPECT_EQ(summaryJson(split), summaryJson(whole)) << file << " " << chunk;
        }
        EXPECT_GT(whole.model().eventCount(), 3) << file;
    }
}

TEST(TimelineEngine, MapsUptimeToHostTimeWithTheLeastDelayedLineOfEachBoot) {
    TimelineEngine engine;
    // Live: every line carries its arrival time; the first one arrived 30 ms late.
    engine.addLine(
        u"[00:00:01.000,000] <dbg> network: lte_lc_evt_handler: PDN connection activated",
        Host + 1030);
    engine.addLine(u"[00:00:02.000,000] <inf> cloud: Connecting to nRF Cloud CoAP", Host + 2005);
    engine.addLine(u"AT event handler: +CGEV: NW PDN DEACT 0", Host + 2500);
    engine.addLine(u"*** Booting Asset Tracker Template v1.5.0 - 7c9d2e1f0a3b ***", Host + 3000);
    engine.addLine(u"[00:00:00.250,000] <inf> main: Asset Tracker Template started", Host + 3260);

    const TimelineModel &model = engine.model();
    const auto lte = model.spans(TimelineLane::Lte);
    ASSERT_EQ(lte.size(), 2u);
    EXPECT_EQ(lte[0].timeMs, Host + 1030);
    EXPECT_EQ(lte[0].uptimeUs, 1'000'000);
    EXPECT_TRUE(lte[0].flags & TimelineEvent::HostClock);
    EXPECT_TRUE(lte[0].flags & TimelineEvent::DeviceClock);
    EXPECT_EQ(model.spans(TimelineLane::Cloud)[0].timeMs, Host + 2005); // offset now Host + 5
    EXPECT_EQ(lte[1].timeMs, Host + 2500);
    EXPECT_FALSE(lte[1].hasUptime());
    EXPECT_EQ(lte[0].endMs, Host + 2500);

    const auto device = model.spans(TimelineLane::Device);
    ASSERT_EQ(device.size(), 1u);
    EXPECT_EQ(device[0].timeMs, Host + 3000);
    const auto started = model.points(TimelineLane::Device);
    ASSERT_EQ(started.size(), 1u);
    EXPECT_EQ(started[0].timeMs, Host + 3260);
    EXPECT_EQ(started[0].segment, 1u);
    // The reboot ended the states of the previous boot.
    EXPECT_EQ(lte[1].endMs, Host + 3000);
    EXPECT_EQ(model.spans(TimelineLane::Cloud)[0].endMs, Host + 3000);
    EXPECT_EQ(TimelineExport::hostTimeText(started[0]),
              QDateTime::fromMSecsSinceEpoch(Host + 3260, Qt::UTC).toString(Qt::ISODateWithMs));
}

TEST(TimelineEngine, WithoutAHostClockLaysBootsEndToEnd) {
    TimelineEngine engine;
    feedLines(engine, {u"[00:00:05.000,000] <dbg> network: x: PDN connection activated"_s,
                       u"[00:00:09.000,000] <inf> cloud: Connected to Cloud"_s,
                       u"*** Booting Asset Tracker Template v1.5.0 - 7c9d2e1f0a3b ***"_s,
                       u"[00:00:03.000,000] <dbg> network: x: PDN connection activated"_s});
    const auto lte = engine.model().spans(TimelineLane::Lte);
    ASSERT_EQ(lte.size(), 2u);
    EXPECT_EQ(lte[0].timeMs, 5000);
    EXPECT_EQ(lte[1].timeMs, 9000 + 3000);
    EXPECT_FALSE(lte[1].flags & TimelineEvent::HostClock);
    EXPECT_TRUE(lte[1].flags & TimelineEvent::DeviceClock);
    EXPECT_EQ(lte[1].uptimeUs, 3'000'000);
    EXPECT_EQ(TimelineExport::hostTimeText(lte[1]), QString());
    ASSERT_EQ(engine.model().segments().size(), 2u);
    EXPECT_EQ(engine.model().segments()[1].startMs, 9000);
    EXPECT_EQ(engine.model().segments()[1].firstLine, 3);
    EXPECT_EQ(engine.summary().boots, 1);
}

TEST(TimelineEngine, TimeOfDayStampsRollOverAtMidnight) {
    TimelineEngine engine;
    feedLines(engine, {u"[23:59:59.900] AT event handler: +CEREG: 2"_s,
                       u"[00:00:00.100] AT event handler: +CEREG: 1"_s});
    const auto lte = engine.model().spans(TimelineLane::Lte);
    ASSERT_EQ(lte.size(), 2u);
    EXPECT_EQ(lte[1].timeMs - lte[0].timeMs, 200);
    EXPECT_TRUE(lte[1].flags & TimelineEvent::TimeOfDayOnly);
    EXPECT_EQ(TimelineExport::hostTimeText(lte[1]), u"00:00:00.100"_s);
}

TEST(TimelineEngine, TimeNeverGoesBack) {
    TimelineEngine engine;
    engine.addLine(u"AT event handler: +CEREG: 2", Host + 5000);
    engine.addLine(u"AT event handler: +CEREG: 1", Host + 4000); // host clock stepped back
    const auto lte = engine.model().spans(TimelineLane::Lte);
    ASSERT_EQ(lte.size(), 2u);
    EXPECT_EQ(lte[1].timeMs, Host + 5000);
}

TEST(TimelineEngine, ANotificationWhileThePdnIsUpDoesNotInterruptIt) {
    TimelineEngine engine;
    feedLines(engine, {u"AT event handler: +CGEV: ME PDN ACT 0"_s,
                       u"AT event handler: +CEREG: 1,\"1A2B\",\"0123ABCD\",7"_s});
    const TimelineEvent &pdn = onlySpan(engine.model(), TimelineLane::Lte);
    EXPECT_EQ(engine.model().stateInfo(pdn).id, u"pdn-up"_s);
    EXPECT_EQ(engine.summary().lteUpCount, 1);
}

TEST(TimelineEngine, SayingTheSameStateAgainRefinesTheOpenSpan) {
    TimelineEngine engine;
    feedLines(engine, {u"[00:00:09.870,113] <wrn> network: Not registered, check rejection cause"_s,
                       u"[00:00:09.870,402] <wrn> lte_lc: Registration rejected, EMM cause: 15, "
                       u"Cell ID: 1, Tracking area: 2, LTE mode: 7"_s});
    const TimelineEvent &denied = onlySpan(engine.model(), TimelineLane::Lte);
    EXPECT_EQ(denied.line, 1);
    EXPECT_EQ(engine.model().label(denied), u"Registration denied, EMM cause 15"_s);
    EXPECT_EQ(denied.value, 15);
}

TEST(TimelineEngine, AShorterWordingDoesNotReplaceAMoreDetailedLabel) {
    TimelineEngine engine;
    feedLines(engine, {u"AT event handler: +CGEV: ME PDN ACT 0"_s,
                       u"[00:00:04.870,002] <dbg> network: h: PDN connection activated"_s});
    EXPECT_EQ(engine.model().label(onlySpan(engine.model(), TimelineLane::Lte)),
              u"PDN up (context 0)"_s);
}

TEST(TimelineEngine, AnAttemptInterruptedByARebootEndsAsFailed) {
    TimelineEngine engine;
    feedLines(engine, {u"[00:00:08.020,441] <inf> nrf_provisioning_coap: Processing commands"_s,
                       u"*** Booting Asset Tracker Template v1.5.0 - 7c9d2e1f0a3b ***"_s,
                       u"[00:00:00.250,000] <inf> main: Asset Tracker Template started"_s});
    EXPECT_EQ(engine.summary().provisioning, ProvisioningOutcome::Failed);
    EXPECT_EQ(engine.summary().provisioningDetail, u"interrupted by a reboot"_s);
    EXPECT_FALSE(engine.model().spans(TimelineLane::Provisioning).front().isOpen());
}

TEST(TimelineEngine, ConnectingToTheCloudAfterProcessingCommandsEndsTheAttemptAsDone) {
    // At info level ATT says nothing when provisioning finishes after processing commands.
    TimelineEngine engine;
    feedLines(
        engine,
        {u"[00:00:08.020,441] <inf> nrf_provisioning_coap: Processing commands"_s,
         u"[00:00:15.400,291] <inf> nrf_provisioning_coap: Sending response to server"_s,
         u"[00:00:26.910,002] <inf> cloud: Connecting to nRF Cloud CoAP with client ID: x"_s});
    EXPECT_EQ(engine.summary().provisioning, ProvisioningOutcome::InProgress);
    engine.addLine(u"[00:00:27.810,500] <inf> cloud: nRF Cloud CoAP connection successful");
    EXPECT_EQ(engine.summary().provisioning, ProvisioningOutcome::Done);
    EXPECT_TRUE(engine.summary().cloudConnected);
}

TEST(TimelineEngine, EndOfCommandsMeansNoCommandsWhenNoneWereProcessed) {
    TimelineEngine engine;
    feedLines(engine, {u"[00:00:06.900,271] <inf> nrf_provisioning_coap: Requesting commands"_s,
                       u"[00:00:07.402,990] <inf> nrf_provisioning_coap: No commands to process "
                       u"on server side"_s});
    EXPECT_EQ(engine.summary().provisioning, ProvisioningOutcome::NoCommands);
    engine.addLine(u"[00:00:08.000,000] <inf> nrf_provisioning_coap: DTLS setup");
    EXPECT_EQ(engine.summary().provisioning, ProvisioningOutcome::InProgress);
    EXPECT_EQ(engine.summary().provisioningAttempts, 2);
}

TEST(TimelineEngine, AGenericFailureAfterNotClaimedKeepsNotClaimed) {
    TimelineEngine engine;
    feedLines(engine,
              {u"[00:00:07.301,003] <wrn> cloud: Provisioning failed, device not claimed"_s,
               u"[00:00:07.302,004] <err> nrf_provisioning: Provisioning failed, error: -13"_s});
    EXPECT_EQ(engine.summary().provisioning, ProvisioningOutcome::NotClaimed);
    EXPECT_EQ(engine.summary().provisioningAttempts, 1);
    const auto failed = findEvent(engine.model(), TimelineLane::Provisioning, u"failed");
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->value, -13);
}

TEST(TimelineEngine, ReadsRecordsPrintedWithoutUptimeStamp) {
    TimelineEngine engine;
    feedLines(engine, {u"<inf> cloud: Connecting to nRF Cloud CoAP with client ID: x"_s,
                       u"uart:~$ <wrn> cloud: nRF Cloud CoAP connection failed, unauthorized or "
                       u"invalid credentials"_s,
                       u"<dbg> cloud: calculate_backoff_time: Backoff time: 60 seconds"_s,
                       u"<inf> cloud no colon Connected to Cloud"_s});
    EXPECT_EQ(
        eventKeys(engine.model()),
        (QStringList{u"cloud/connecting@1"_s, u"cloud/unauthorised@2"_s, u"cloud/backoff@3"_s}));
    EXPECT_EQ(engine.summary().backoffSeconds, 60);
    EXPECT_FALSE(engine.model().spans(TimelineLane::Cloud)[0].hasUptime());
}

TEST(TimelineEngine, DecodesTheTokenInEveryFormatAttPrints) {
    const QString token = QString::fromLatin1(readTestData(u"tokens/valid.txt"_s)).trimmed();
    struct Source {
        const char *file;
        std::vector<int> tokenLines;
    };
    for (const Source &source :
         {Source{"logs/att-legacy-token.log", {4, 8}},       // v1.4 three lines, v1.3 one line
          Source{"logs/att-v1.5-boot-claim.log", {18}},      // v1.5 block on continuation lines
          Source{"tokens/attesttoken-response.txt", {1}}}) { // the %ATTESTTOKEN answer
        TimelineEngine engine;
        feedBytes(engine, readTestData(QLatin1StringView(source.file)));
        std::vector<int> lines;
        for (const TimelineEvent &e : engine.model().points(TimelineLane::Provisioning)) {
            if (engine.model().stateInfo(e).id == u"token")
                lines.push_back(e.line);
        }
        EXPECT_EQ(lines, source.tokenLines) << source.file;
        EXPECT_EQ(engine.summary().attestationToken, token) << source.file;
    }
}

TEST(TimelineEngine, ATokenOnAContinuationLineTakesTheUptimeOfItsRecord) {
    TimelineEngine engine;
    feedBytes(engine, readTestData(u"logs/att-v1.5-boot-claim.log"_s));
    const auto token = findEvent(engine.model(), TimelineLane::Provisioning, u"token");
    ASSERT_TRUE(token);
    EXPECT_EQ(token->uptimeUs, 6'120'400);
}

TEST(TimelineEngine, IgnoresTokensThatDoNotDecode) {
    for (const char *file : {"invalid-missing-dot.txt", "invalid-no-self-describe-tag.txt",
                             "invalid-short-signature.txt", "invalid-standard-base64.txt"}) {
        const QString token =
            QString::fromLatin1(readTestData(u"tokens/"_s + QLatin1StringView(file))).trimmed();
        TimelineEngine engine;
        feedLines(engine, {u"[00:00:07.102,090] <wrn> cloud: "_s + token,
                           u"%ATTESTTOKEN: \""_s + token + u'"'});
        EXPECT_TRUE(engine.model().points(TimelineLane::Provisioning).empty()) << file;
        EXPECT_TRUE(engine.summary().attestationToken.isEmpty()) << file;
    }
}

TEST(TimelineEngine, DecodesNotificationsAndAnswersOnlyAtTheStartOfALine) {
    TimelineEngine engine;
    feedLines(engine, {u"garbage +CEREG: 1"_s,                                     // 1: no
                       u"uart:~$ AT event handler: +CEREG: 5"_s,                   // 2: registered
                       u"uart:~$ at AT+CFUN=4"_s,                                  // 3: offline
                       u"+CFUN: 21"_s,                                             // 4: other mode
                       u"uart:~$ at 'AT+CFUN=0'"_s,                                // 5: power off
                       u"+CME ERROR: 518"_s,                                       // 6: CME error
                       u"at AT+CFUN?"_s,                                           // 7: no
                       u"uart:~$ at 'AT%CMNG=3,16842753,2'"_s,                     // 8: delete
                       u"[00:00:01.000,000] <inf> x: quoted +CGEV: ME DETACH"_s}); // 9: no
    EXPECT_EQ(eventKeys(engine.model()),
              (QStringList{u"lte/registered@2"_s, u"modem/offline@3"_s, u"modem/mode@4"_s,
                           u"modem/power-off@5"_s, u"modem/cme-error@6"_s,
                           u"modem/credential-delete@8"_s}));
    const TimelineModel &model = engine.model();
    EXPECT_EQ(model.label(*findEvent(model, TimelineLane::Modem, u"offline")),
              u"Functional mode 4 (offline)"_s);
    EXPECT_EQ(model.label(*findEvent(model, TimelineLane::Modem, u"cme-error")),
              u"+CME ERROR: 518 (not allowed while the modem is active)"_s);
    EXPECT_EQ(model.label(*findEvent(model, TimelineLane::Modem, u"credential-delete")),
              u"Delete client private key from sec tag 16842753"_s);
    EXPECT_EQ(model.label(*findEvent(model, TimelineLane::Lte, u"registered")),
              u"LTE registered, roaming"_s);
}

TEST(TimelineEngine, LogRulesIgnoreTheSameWordsOutsideALogRecord) {
    TimelineEngine engine;
    feedLines(engine, {u"Connected to Cloud"_s, u"xx <inf> cloud: Connected to Cloud"_s,
                       u"uart:~$ echo PDN connection activated"_s});
    EXPECT_TRUE(engine.model().isEmpty()) << eventKeys(engine.model()).join(u' ').toStdString();
}

TEST(TimelineEngine, CloudEventsJoinTheTimeAxisInTheirOwnLane) {
    TimelineEngine engine;
    engine.addLine(u"[00:00:01.000,000] <inf> nrf_provisioning_coap: DTLS setup", Host + 1000);
    ASSERT_TRUE(engine.addCloudEvent(Host + 500, u"claimed", u"Claimed by station 3"_s));
    ASSERT_TRUE(engine.addCloudEvent(Host + 3000, u"command-pending", {}, 42));
    ASSERT_TRUE(engine.addCloudEvent(Host + 2000, u"command-created"));
    engine.addLine(u"*** Booting Asset Tracker Template v1.5.0 - 7c9d2e1f0a3b ***", Host + 4000);
    const auto unknown = engine.addCloudEvent(Host + 5000, u"claimd");
    ASSERT_FALSE(unknown.has_value());
    EXPECT_TRUE(unknown.error().contains(u"claimd"_s));

    const TimelineModel &model = engine.model();
    const auto points = model.points(TimelineLane::CloudApi);
    ASSERT_EQ(points.size(), 2u);
    EXPECT_EQ(model.label(points[0]), u"Claimed by station 3"_s);
    EXPECT_EQ(points[0].timeMs, Host + 500);
    EXPECT_EQ(points[0].line, 0);
    EXPECT_EQ(model.label(points[1]), u"Command queued"_s); // the state's own label
    const TimelineEvent &pending = onlySpan(model, TimelineLane::CloudApi);
    EXPECT_EQ(pending.value, 42);
    EXPECT_TRUE(pending.isOpen()); // a device reboot does not end cloud-side states
    EXPECT_FALSE(model.spans(TimelineLane::Provisioning).front().isOpen());
    EXPECT_EQ(model.pointsIn(TimelineLane::CloudApi, Host, Host + 1000).size(), 1u);
}

TEST(TimelineEngine, DetectsARebootFromTheUptimeGoingBack) {
    TimelineEngine engine;
    feedBytes(engine, readTestData(u"logs/uptime-reboot.log"_s));
    EXPECT_EQ(engine.summary().boots, 1);
    const auto reboot = findEvent(engine.model(), TimelineLane::Device, u"reboot");
    ASSERT_TRUE(reboot);
    EXPECT_EQ(reboot->line, 4);
    EXPECT_EQ(reboot->uptimeUs, 300'120);
    // The 200 µs step back on the last line is not a reboot, and the cloud state ended at the
    // reboot.
    EXPECT_EQ(engine.model().segments().size(), 2u);
    EXPECT_FALSE(engine.summary().cloudConnected);
    EXPECT_FALSE(engine.model().spans(TimelineLane::Cloud).front().isOpen());
}

TEST(TimelineEngine, KeepsTheFirmwareOfEachBoot) {
    TimelineEngine engine;
    feedBytes(engine, readTestData(u"logs/att-legacy-token.log"_s));
    const auto &segments = engine.model().segments();
    ASSERT_EQ(segments.size(), 2u);
    EXPECT_EQ(segments[0].firmware, u"Asset Tracker Template v1.4.0"_s);
    EXPECT_TRUE(segments[0].bootSeen);
    EXPECT_EQ(segments[1].firmware, u"Asset Tracker Template v1.3.0"_s);
    EXPECT_EQ(segments[1].firstLine, 6);
    EXPECT_EQ(engine.summary().firmware, u"Asset Tracker Template v1.3.0"_s);

    TimelineEngine sdk;
    feedBytes(sdk, readTestData(u"logs/timeline/first-provisioning.log"_s));
    ASSERT_EQ(sdk.model().segments().size(), 1u);
    EXPECT_EQ(sdk.model().segments()[0].sdkVersion, u"3.0.2-89ba1294ac9b"_s);
    EXPECT_EQ(sdk.model().segments()[0].zephyrVersion, u"4.0.99-f791c49f492c"_s);
}

TEST(TimelineEngine, UsesARuleTableGivenToIt) {
    const auto rules = TimelineRules::parse(R"json({
        "format": "provstation-timeline-rules", "version": 1,
        "states": [ { "lane": "cloud", "id": "up", "cloud": "connected" } ],
        "rules": [ { "lane": "cloud", "state": "up", "levels": ["inf"], "modules": ["app*"],
                     "anchor": "hello", "regex": "hello (?<who>\\w+)", "label": "Hi {who}" } ]
    })json");
    ASSERT_TRUE(rules.has_value()) << rules.error().toStdString();
    TimelineEngine engine(*rules);
    feedLines(engine, {u"[00:00:01.000,000] <inf> application: hello cloud"_s,
                       u"[00:00:02.000,000] <wrn> application: hello again"_s,
                       u"[00:00:03.000,000] <inf> other: hello there"_s,
                       u"[00:00:04.000,000] <inf> cloud: Connected to Cloud"_s});
    EXPECT_EQ(eventKeys(engine.model()), QStringList{u"cloud/up@1"_s});
    EXPECT_EQ(engine.model().label(engine.model().spans(TimelineLane::Cloud)[0]), u"Hi cloud"_s);
    EXPECT_TRUE(engine.summary().cloudConnected);
    EXPECT_EQ(engine.summary().firstCloudConnectedUptimeUs, 1'000'000);
}

TEST(TimelineEngine, ResetForgetsEverything) {
    TimelineEngine engine;
    feedBytes(engine, readTestData(u"logs/timeline/first-provisioning.log"_s));
    ASSERT_FALSE(engine.model().isEmpty());
    engine.reset();
    EXPECT_TRUE(engine.model().isEmpty());
    EXPECT_EQ(engine.lineCount(), 0);
    EXPECT_EQ(engine.summary().provisioning, ProvisioningOutcome::None);
    feedBytes(engine, readTestData(u"logs/timeline/first-provisioning.log"_s));
    EXPECT_EQ(engine.summary().provisioning, ProvisioningOutcome::Done);
    EXPECT_EQ(engine.model().spans(TimelineLane::Device).front().line, 1);
}
