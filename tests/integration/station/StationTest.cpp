// The flashing station end to end: virtual devices (provstation-devsim, in MCUboot serial
// recovery) and the cloud stand-in (provstation-cloudsim) on loopback, the demo bundle, one
// Station running every slot in parallel.
#include "StationRig.h"
#include "station/ShiftSummary.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>
#include <csignal>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace ps::station::test {
namespace {

constexpr int SettleMs = 90'000;

std::string describeAll(const QList<AuditRecord> &records) {
    std::string text;
    for (const AuditRecord &record : records)
        text += record.slot.toStdString() + " " + describe(record);
    return text;
}

const StepRecord *stepOf(const AuditRecord &record, const QString &id) {
    for (const StepRecord &step : record.steps) {
        if (step.id == id)
            return &step;
    }
    return nullptr;
}

/// The application image's SHA-256 as the demo bundle holds it.
QString demoImageHash() {
    auto bundle = ps::bundle::FirmwareBundle::readFile(StationRig::demoBundle());
    if (!bundle || !bundle->application())
        return {};
    return QString::fromLatin1(bundle->application()->sha256.toHex());
}

bool waitSettled(Station &station, int timeoutMs = SettleMs) {
    return QTest::qWaitFor([&] { return station.isSettled(); }, timeoutMs);
}

} // namespace

TEST(Station, EightVirtualDevicesAllPassWithOneRecordEach) {
    StationRig rig({.devices = 8});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    Station station(rig.slotMap(), rig.stationOptions(StationRig::demoBundle()));
    rig.record(station);
    ASSERT_TRUE(station.start());

    ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    const QString imageHash = demoImageHash();
    ASSERT_FALSE(imageHash.isEmpty());
    for (int i = 0; i < 8; ++i) {
        const SlotStatus status = station.status(StationRig::slotId(i));
        EXPECT_EQ(status.phase, SlotPhase::Passed)
            << status.slotId.toStdString() << ": " << status.failure.toStdString();
        EXPECT_EQ(status.imei, rig.imei(i));
        EXPECT_DOUBLE_EQ(status.progress, 1.0);
    }

    const QList<AuditRecord> records = stationRecords(rig.store());
    ASSERT_EQ(records.size(), 8) << describeAll(records);
    QSet<QString> imeis;
    for (const AuditRecord &record : records) {
        EXPECT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
        imeis.insert(record.device.imei);
        EXPECT_EQ(record.station, u"rig-station"_s);
        const StepRecord *flash = stepOf(record, u"flash"_s);
        ASSERT_NE(flash, nullptr);
        EXPECT_EQ(flash->status, StepStatus::Succeeded) << describe(record);
        EXPECT_GT(flash->durationMs, 0);
        const QJsonObject bundle = record.details.value(u"bundle"_s).toObject();
        EXPECT_EQ(bundle.value(u"version"_s).toString(), u"1.6.0"_s);
        EXPECT_EQ(bundle.value(u"images"_s).toArray().at(0).toObject().value(u"sha256"_s),
                  imageHash);
        EXPECT_EQ(record.details.value(u"flash"_s).toObject().value(u"bootedVersion"_s),
                  u"1.6.0"_s);
        EXPECT_TRUE(record.device.firmware.contains(u"v1.6.0"_s)) << describe(record);
    }
    EXPECT_EQ(imeis.size(), 8) << "one record per device";
    EXPECT_TRUE(rig.store().verify()->isIntact());
    EXPECT_EQ(station.finishedAttempts(), 8);
    EXPECT_EQ(station.passedAttempts(), 8);
}

TEST(Station, ADevicePulledMidFlashFailsAloneWithItsReasonAndPassesOnRetry) {
    // The second device's UART is slow (--baud), so its upload takes long enough to pull it.
    StationRig rig({.devices = 3, .perDeviceArguments = {{}, {u"--baud"_s, u"4800"_s}, {}}});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    Station station(rig.slotMap(), rig.stationOptions(StationRig::demoBundle()));
    rig.record(station);
    ASSERT_TRUE(station.start());

    const QString pulled = StationRig::slotId(1);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            for (const QJsonObject &event : rig.eventsOf(u"progress"_s, pulled)) {
                if (event.value(u"step"_s).toString() == u"flash" &&
                    event.value(u"fraction"_s).toDouble() >= 0.2)
                    return true;
            }
            return false;
        },
        30'000))
        << rig.eventLog();
    rig.device(1).sendSignal(SIGUSR1);

    ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    const SlotStatus failed = station.status(pulled);
    ASSERT_EQ(failed.phase, SlotPhase::Failed) << rig.eventLog();
    EXPECT_EQ(failed.stepId, u"flash"_s);
    EXPECT_EQ(failed.failureKind, u"unreachable"_s);
    EXPECT_TRUE(failed.failure.startsWith(u"Flashing failed: "_s)) << failed.failure.toStdString();
    EXPECT_FALSE(failed.hint.isEmpty());
    EXPECT_EQ(station.status(StationRig::slotId(0)).phase, SlotPhase::Passed);
    EXPECT_EQ(station.status(StationRig::slotId(2)).phase, SlotPhase::Passed);

    QList<AuditRecord> records = stationRecords(rig.store());
    ASSERT_EQ(records.size(), 3) << describeAll(records);
    const auto failedRecord = std::find_if(records.cbegin(), records.cend(), [](const auto &r) {
        return r.verdict == Verdict::Failed;
    });
    ASSERT_NE(failedRecord, records.cend()) << describeAll(records);
    EXPECT_EQ(failedRecord->slot, pulled);
    EXPECT_EQ(failedRecord->errorKind, u"unreachable"_s);
    const QString failedFlow = failedRecord->flowId;

    // Retry as soon as the device is back (the link reconnects by itself).
    ASSERT_TRUE(QTest::qWaitFor([&] { return station.retry(pulled); }, 10'000));
    ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    const SlotStatus retried = station.status(pulled);
    EXPECT_EQ(retried.phase, SlotPhase::Passed) << retried.failure.toStdString();
    EXPECT_EQ(retried.imei, rig.imei(1));
    EXPECT_EQ(retried.attempts, 2);

    records = stationRecords(rig.store());
    ASSERT_EQ(records.size(), 4) << describeAll(records);
    const AuditRecord &retry = records.last();
    EXPECT_EQ(retry.verdict, Verdict::Succeeded) << describe(retry);
    EXPECT_EQ(retry.slot, pulled);
    EXPECT_EQ(retry.details.value(u"retryOf"_s).toString(), failedFlow);
    EXPECT_EQ(stepOf(retry, u"flash"_s)->status, StepStatus::Succeeded)
        << "the upload starts again from the beginning";

    const auto summary = ShiftSummary::fromStore(rig.store());
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->attempts, 4);
    EXPECT_EQ(summary->passed, 3);
    EXPECT_EQ(summary->failed, 1);
    EXPECT_EQ(summary->failuresByReason.value(u"Flash the firmware: unreachable"_s), 1);
    EXPECT_EQ(summary->devices, 3);
}

TEST(Station, RefusesACorruptedBundleBeforeFlashing) {
    StationRig rig({.devices = 2});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    const QString corrupted = rig.corruptedBundle();
    ASSERT_FALSE(corrupted.isEmpty());
    Station station(rig.slotMap(), rig.stationOptions(corrupted));
    rig.record(station);

    const auto started = station.start();
    ASSERT_FALSE(started);
    EXPECT_TRUE(started.error().contains(u"corrupted.zip is refused: "_s))
        << started.error().toStdString();
    EXPECT_FALSE(station.isRunning());
    const QList<QJsonObject> refused = rig.eventsOf(u"station"_s);
    ASSERT_EQ(refused.size(), 1);
    EXPECT_EQ(refused.first().value(u"state"_s).toString(), u"refused"_s);
    EXPECT_EQ(refused.first().value(u"reason"_s).toString(), started.error());

    // Nothing ran: no attempt, no record, and no device was even powered on (--boot-on-open).
    EXPECT_TRUE(rig.eventsOf(u"attempt"_s).isEmpty());
    EXPECT_TRUE(stationRecords(rig.store()).isEmpty());
    for (int i = 0; i < rig.deviceCount(); ++i) {
        EXPECT_EQ(station.status(StationRig::slotId(i)).phase, SlotPhase::Empty);
        EXPECT_FALSE(rig.device(i).stdoutLines().join(u'\n').contains(u"BOOT"_s));
    }
}

TEST(Station, AStormOf429sSlowsTheStationButLosesNothing) {
    constexpr int RateLimited = 12;
    StationRig rig({.devices = 4,
                    .cloudSimArguments = {u"--rate-limit"_s, QString::number(RateLimited),
                                          u"--retry-after"_s, u"1"_s,
                                          // REST only: the devices' CoAP requests pass the
                                          // same injector under "coaps/..."
                                          u"--fault-path"_s, u"/"_s}});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    // The station waits out Retry-After more often than a single wizard would.
    cloud::CloudSettings settings = rig.rest().settings();
    settings.maxAttempts = 8;
    rig.rest().setSettings(settings);
    int retried429 = 0;
    QObject::connect(
        &rig.rest(), &cloud::RestClient::retryScheduled, &rig.rest(),
        [&](const QString &, const QString &, int, int delayMs, const cloud::ApiError &reason) {
            if (reason.httpStatus == 429) {
                ++retried429;
                EXPECT_GE(delayMs, 1000) << "Retry-After is honoured";
            }
        });
    Station station(rig.slotMap(), rig.stationOptions(StationRig::demoBundle()));
    rig.record(station);
    ASSERT_TRUE(station.start());

    ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    EXPECT_EQ(retried429, RateLimited) << "every 429 was waited out and sent again";
    const QList<AuditRecord> records = stationRecords(rig.store());
    ASSERT_EQ(records.size(), 4) << describeAll(records);
    QSet<QString> imeis;
    int retriedCalls = 0;
    for (const AuditRecord &record : records) {
        EXPECT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
        imeis.insert(record.device.imei);
        for (const CloudCall &call : record.cloudCalls)
            retriedCalls += call.retried || call.attempts > 1 ? 1 : 0;
    }
    EXPECT_EQ(imeis.size(), 4);
    EXPECT_GT(retriedCalls, 0) << "the records show the retries";
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(station.status(StationRig::slotId(i)).phase, SlotPhase::Passed);
}

TEST(Station, AStationRestartedMidRunResumesEverySlot) {
    StationRig rig({.devices = 4});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    QSet<QString> firstFlows;
    {
        auto first =
            std::make_unique<Station>(rig.slotMap(), rig.stationOptions(StationRig::demoBundle()));
        rig.record(*first);
        ASSERT_TRUE(first->start());
        // Stop the world while the slots are somewhere between flashing and claiming.
        ASSERT_TRUE(QTest::qWaitFor(
            [&] {
                for (const QJsonObject &event : rig.eventsOf(u"step"_s)) {
                    if (event.value(u"step"_s).toString() == u"account" &&
                        event.value(u"state"_s).toString() == u"started")
                        return true;
                }
                return false;
            },
            30'000))
            << rig.eventLog();
        for (const QJsonObject &event : rig.eventsOf(u"attempt"_s))
            firstFlows.insert(event.value(u"flowId"_s).toString());
        ASSERT_TRUE(stationRecords(rig.store()).isEmpty()) << "the restart comes mid-run";
    } // destroyed as a crash would leave it

    const qsizetype mark = rig.events().size();
    Station second(rig.slotMap(), rig.stationOptions(StationRig::demoBundle()));
    rig.record(second);
    ASSERT_TRUE(second.start());
    ASSERT_TRUE(waitSettled(second)) << rig.eventLog();

    int resumed = 0;
    for (qsizetype i = mark; i < rig.events().size(); ++i) {
        const QJsonObject &event = rig.events().at(i);
        if (event.value(u"event"_s).toString() == u"resume" &&
            event.value(u"state"_s).toString() == u"resumed") {
            ++resumed;
            EXPECT_TRUE(firstFlows.contains(event.value(u"flowId"_s).toString()));
        }
    }
    const QList<AuditRecord> records = stationRecords(rig.store());
    ASSERT_EQ(records.size(), 4) << describeAll(records) << rig.eventLog();
    QSet<QString> imeis;
    for (const AuditRecord &record : records) {
        EXPECT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
        EXPECT_TRUE(firstFlows.contains(record.flowId))
            << "the attempt that was interrupted is the one that finished";
        imeis.insert(record.device.imei);
    }
    EXPECT_EQ(imeis.size(), 4);
    EXPECT_EQ(resumed, 4) << rig.eventLog();
    EXPECT_TRUE(rig.store().verify()->isIntact());
    EXPECT_TRUE(rig.store().unfinishedFlows()->isEmpty());
}

TEST(Station, RunsNoMoreSlotsAtOnceThanItsBoundAndQueuesTheRest) {
    StationRig rig({.devices = 3});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    StationOptions options = rig.stationOptions(StationRig::demoBundle());
    options.maxParallelSlots = 2;
    Station station(rig.slotMap(), options);
    rig.record(station);
    int mostAtOnce = 0;
    QObject::connect(&station, &Station::slotChanged, &station, [&] {
        int running = 0;
        for (const SlotStatus &status : station.statuses()) {
            running += status.phase == SlotPhase::Running || status.phase == SlotPhase::Label;
        }
        mostAtOnce = std::max(mostAtOnce, running);
    });
    ASSERT_TRUE(station.start());

    ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    EXPECT_EQ(mostAtOnce, 2);
    int queued = 0;
    for (const QJsonObject &event : rig.eventsOf(u"slot"_s))
        queued += event.value(u"state"_s).toString() == u"queued" ? 1 : 0;
    EXPECT_EQ(queued, 1) << rig.eventLog();
    const QList<AuditRecord> records = stationRecords(rig.store());
    ASSERT_EQ(records.size(), 3) << describeAll(records);
    for (const AuditRecord &record : records)
        EXPECT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
}

TEST(Station, FlashesADeviceRunningItsApplicationThroughTheBootloadersWaitForDfu) {
    // Factory image v1.5.0 running since before the station opened the port (its banner was
    // not seen); after each reset MCUboot waits for DFU 50 device seconds, half a second at
    // --speed 100.
    StationRig rig({.devices = 2,
                    .bootloader = false,
                    .bootOnOpen = false,
                    .deviceArguments = {u"--dfu-wait"_s, u"50000"_s}});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    Station station(rig.slotMap(), rig.stationOptions(StationRig::demoBundle()));
    rig.record(station);
    ASSERT_TRUE(station.start());

    ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    const QList<AuditRecord> records = stationRecords(rig.store());
    ASSERT_EQ(records.size(), 2) << describeAll(records);
    for (const AuditRecord &record : records) {
        EXPECT_EQ(record.verdict, Verdict::Succeeded) << describe(record);
        EXPECT_EQ(record.details.value(u"mode"_s).toString(), u"shell"_s)
            << "after flashing the device runs its application again";
        const StepRecord *detect = stepOf(record, u"detect"_s);
        ASSERT_NE(detect, nullptr);
        EXPECT_TRUE(detect->note.startsWith(u"shell answers"_s)) << describe(record);
        EXPECT_EQ(stepOf(record, u"flash"_s)->status, StepStatus::Succeeded) << describe(record);
        EXPECT_EQ(record.details.value(u"flash"_s).toObject().value(u"bootedVersion"_s),
                  u"1.6.0"_s);
    }

    // The same devices again (a retry by hand): v1.6.0 runs, so nothing is flashed.
    ASSERT_TRUE(station.retry(StationRig::slotId(0)));
    ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    const AuditRecord again = stationRecords(rig.store()).last();
    EXPECT_EQ(again.verdict, Verdict::Succeeded) << describe(again);
    EXPECT_EQ(stepOf(again, u"flash"_s)->status, StepStatus::Skipped) << describe(again);
    EXPECT_TRUE(stepOf(again, u"flash"_s)->note.contains(u"1.6.0"_s)) << describe(again);
}

TEST(Station, ALabelThatIsNotTheDevicesFailsInPlainWords) {
    StationRig rig({.devices = 2});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    StationOptions options = rig.stationOptions(StationRig::demoBundle());
    options.labelCheck = true;
    Station station(rig.slotMap(), options);
    rig.record(station);
    QStringList waiting;
    QObject::connect(&station, &Station::labelRequested, &station,
                     [&](const QString &slot) { waiting.push_back(slot); });
    ASSERT_TRUE(station.start());

    ASSERT_TRUE(QTest::qWaitFor([&] { return waiting.size() == 2; }, 30'000)) << rig.eventLog();
    EXPECT_EQ(station.status(StationRig::slotId(0)).phase, SlotPhase::Label);
    EXPECT_FALSE(station.submitLabel(u"IMEI:"_s + rig.imei(0)))
        << "two slots wait: an unaddressed label is not guessed";
    ASSERT_TRUE(station.submitLabel(u"IMEI:"_s + rig.imei(0) + u" SN:A1"_s, StationRig::slotId(0)));
    ASSERT_TRUE(station.submitLabel(rig.imei(0), StationRig::slotId(1))); // the wrong label

    ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    EXPECT_EQ(station.status(StationRig::slotId(0)).phase, SlotPhase::Passed);
    const SlotStatus wrong = station.status(StationRig::slotId(1));
    ASSERT_EQ(wrong.phase, SlotPhase::Failed);
    EXPECT_EQ(wrong.stepId, u"label"_s);
    EXPECT_EQ(wrong.failure,
              u"The label says IMEI %1, but the device in this slot is IMEI %2"_s.arg(rig.imei(0),
                                                                                      rig.imei(1)));
    EXPECT_FALSE(wrong.hint.isEmpty());
    const QList<AuditRecord> records = stationRecords(rig.store());
    ASSERT_EQ(records.size(), 2);
    for (const AuditRecord &record : records) {
        if (record.slot == StationRig::slotId(1)) {
            EXPECT_EQ(record.verdict, Verdict::Failed);
            EXPECT_EQ(stepOf(record, u"claim"_s)->status, StepStatus::Pending)
                << "nothing is claimed for a device whose label does not match";
        }
    }
}

TEST(Station, ADevicePluggedIntoAnEmptySlotStartsItsPipelineByItself) {
    StationRig rig({.devices = 1});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    SlotMap slots = rig.slotMap();
    const QString laterLink = rig.folder() + u"/ttyDEV-later"_s;
    ASSERT_TRUE(slots.assign(Slot::forPath(u"late"_s, laterLink, u"right fixture"_s)));
    Station station(slots, rig.stationOptions(StationRig::demoBundle()));
    rig.record(station);
    ASSERT_TRUE(station.start());
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return station.status(StationRig::slotId(0)).phase == SlotPhase::Passed; }, 60'000))
        << rig.eventLog();
    EXPECT_EQ(station.status(u"late"_s).phase, SlotPhase::Empty);
    EXPECT_FALSE(station.isSettled()) << "a slot without a device has no verdict";

    // The operator plugs a device into the right fixture.
    devsim::test::DevsimProcess later(
        {u"--state"_s, rig.folder() + u"/device-later"_s, u"--link"_s, laterLink, u"--registry"_s,
         rig.folder() + u"/registry.jsonl"_s, u"--speed"_s, u"100"_s, u"--boot-on-open"_s,
         u"--bootloader"_s, u"--cloud"_s, u"127.0.0.1:%1"_s.arg(rig.cloudSim().coapsPort()),
         u"--ca"_s, rig.cloudSim().caFile()});
    ASSERT_TRUE(later.start());
    ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    const SlotStatus late = station.status(u"late"_s);
    EXPECT_EQ(late.phase, SlotPhase::Passed) << late.failure.toStdString();
    EXPECT_EQ(late.label, u"right fixture"_s);
    EXPECT_EQ(late.port, laterLink);
    const QList<QJsonObject> plugged = rig.eventsOf(u"slot"_s, u"late"_s);
    ASSERT_FALSE(plugged.isEmpty());
    EXPECT_EQ(plugged.first().value(u"state"_s).toString(), u"plugged"_s);
    EXPECT_EQ(stationRecords(rig.store()).size(), 2);
}

} // namespace ps::station::test

namespace ps::station::test {

TEST(Station, ADevicePulledWhileProvisioningPassesVerifyOnTheCloudsWord) {
    // With the cable out the UART drops the device's "Connected to Cloud" line; provisioning
    // passes on the cloud's command states, and verify must not wait for the lost line, neither
    // in this attempt nor in a retry (which skips provisioning, done before).
    StationRig rig({.devices = 1});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    Station station(rig.slotMap(), rig.stationOptions(StationRig::demoBundle()));
    rig.record(station);
    ASSERT_TRUE(station.start());
    const QString slot = StationRig::slotId(0);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            for (const QJsonObject &event : rig.eventsOf(u"progress"_s, slot)) {
                if (event.value(u"step"_s).toString() == u"provision" &&
                    event.value(u"text"_s).toString().contains(u"provisioning service"_s))
                    return true;
            }
            return false;
        },
        60'000))
        << rig.eventLog();
    rig.device(0).sendSignal(SIGUSR1);

    ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    if (station.status(slot).phase == SlotPhase::Failed) {
        // The pull may cost the attempt elsewhere (a command lost on its way); the operator's
        // retry must then pass.
        ASSERT_TRUE(QTest::qWaitFor([&] { return station.retry(slot); }, 10'000));
        ASSERT_TRUE(waitSettled(station)) << rig.eventLog();
    }
    const SlotStatus status = station.status(slot);
    EXPECT_EQ(status.phase, SlotPhase::Passed) << status.failure.toStdString() << "\n"
                                               << describeAll(stationRecords(rig.store()));
    const AuditRecord last = stationRecords(rig.store()).last();
    const StepRecord *verify = stepOf(last, u"verify"_s);
    ASSERT_NE(verify, nullptr);
    EXPECT_EQ(verify->status, StepStatus::Succeeded) << describe(last);
    // Which evidence verify used is in its note: the cloud's list when the line was lost.
    EXPECT_TRUE(verify->note.contains(u"nRF Cloud lists"_s)) << describe(last);
    if (!verify->note.contains(u"the device logged"_s)) {
        EXPECT_TRUE(verify->note.contains(u"evidence: the cloud's device list"_s))
            << describe(last);
    }
}

} // namespace ps::station::test
