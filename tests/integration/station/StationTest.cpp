// The flashing station end to end: virtual devices (provstation-devsim, in MCUboot serial
// recovery) and the cloud stand-in (provstation-cloudsim) on loopback, the demo bundle, one
// Station running every slot in parallel.
#include "StationRig.h"

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

} // namespace ps::station::test
