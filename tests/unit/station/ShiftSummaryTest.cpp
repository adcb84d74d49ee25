// ShiftSummary: yield, failures by reason and median time per device from audit records.
#include "station/ShiftSummary.h"

#include "station/AuditStore.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTimeZone>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using ps::station::AuditRecord;
using ps::station::ShiftRange;
using ps::station::ShiftSummary;
using ps::station::StepRecord;
using ps::station::StepStatus;
using ps::station::Verdict;

namespace {

const QDateTime ShiftStart = QDateTime(QDate(2026, 11, 26), QTime(6, 0), Qt::UTC);

/// A station attempt that started `minute` minutes into the shift and took `seconds`.
AuditRecord attempt(const QString &imei, Verdict verdict, int minute, int seconds,
                    const QString &failedStep = {}, const QString &errorKind = {},
                    const QString &station = u"bench-1"_s) {
    AuditRecord record;
    record.flowId = u"flow-%1-%2"_s.arg(imei).arg(minute);
    record.kind = u"station"_s;
    record.station = station;
    record.slot = u"A"_s;
    record.startedAt = ShiftStart.addSecs(minute * 60);
    record.finishedAt = record.startedAt.addSecs(seconds);
    record.device.imei = imei;
    record.verdict = verdict;
    StepRecord detect;
    detect.id = u"detect"_s;
    detect.title = u"Detect the device"_s;
    detect.status = StepStatus::Succeeded;
    record.steps.push_back(detect);
    if (!failedStep.isEmpty()) {
        StepRecord failed;
        failed.id = failedStep;
        failed.title = failedStep == u"flash" ? u"Flash the firmware"_s : u"Check the label"_s;
        failed.status = StepStatus::Failed;
        failed.errorKind = errorKind;
        failed.error = u"it failed"_s;
        record.steps.push_back(failed);
        record.error = failed.error;
        record.errorKind = errorKind;
    }
    return record;
}

QList<AuditRecord> shift() {
    return {
        attempt(u"350000000000001"_s, Verdict::Succeeded, 0, 60),
        attempt(u"350000000000002"_s, Verdict::Failed, 1, 20, u"flash"_s, u"unreachable"_s),
        attempt(u"350000000000002"_s, Verdict::Succeeded, 3, 40),
        attempt(u"350000000000003"_s, Verdict::Succeeded, 5, 100),
        attempt(u"350000000000004"_s, Verdict::Failed, 7, 10, u"label"_s, u"device"_s),
        attempt(u"350000000000005"_s, Verdict::Failed, 9, 30, u"flash"_s, u"unreachable"_s),
        attempt(u"350000000000006"_s, Verdict::Cancelled, 11, 5),
    };
}

} // namespace

TEST(ShiftSummary, CountsAttemptsYieldAndFailuresByReason) {
    const ShiftSummary summary = ShiftSummary::fromRecords(shift());
    EXPECT_EQ(summary.attempts, 7);
    EXPECT_EQ(summary.passed, 3);
    EXPECT_EQ(summary.failed, 3);
    EXPECT_EQ(summary.cancelled, 1);
    EXPECT_EQ(summary.devices, 6);
    EXPECT_DOUBLE_EQ(summary.yield, 3.0 / 7.0);
    EXPECT_DOUBLE_EQ(summary.firstPassYield, 2.0 / 6.0)
        << "the device that passed on retry failed its first attempt";
    ASSERT_EQ(summary.failuresByReason.size(), 2);
    EXPECT_EQ(summary.failuresByReason.value(u"Flash the firmware: unreachable"_s), 2);
    EXPECT_EQ(summary.failuresByReason.value(u"Check the label: device"_s), 1);
}

TEST(ShiftSummary, MedianTimeIsOverPassedDevices) {
    const ShiftSummary summary = ShiftSummary::fromRecords(shift());
    EXPECT_EQ(summary.medianPassMs, 60'000) << "40, 60, 100 s";
    EXPECT_EQ(summary.medianAttemptMs, 30'000) << "5, 10, 20, 30, 40, 60, 100 s";

    QList<AuditRecord> even = shift();
    even.push_back(attempt(u"350000000000007"_s, Verdict::Succeeded, 13, 80));
    EXPECT_EQ(ShiftSummary::fromRecords(even).medianPassMs, 70'000) << "40, 60, 80, 100 s";
}

TEST(ShiftSummary, CountsOnlyTheRangeStationAndKind) {
    QList<AuditRecord> records = shift();
    records.push_back(
        attempt(u"350000000000008"_s, Verdict::Succeeded, 2, 50, {}, {}, u"bench-2"_s));
    AuditRecord claim = attempt(u"350000000000009"_s, Verdict::Succeeded, 2, 50);
    claim.kind = u"claim"_s;
    records.push_back(claim);

    ShiftRange range;
    range.from = ShiftStart.addSecs(60);
    range.to = ShiftStart.addSecs(6 * 60);
    range.station = u"bench-1"_s;
    const ShiftSummary summary = ShiftSummary::fromRecords(records, range);
    EXPECT_EQ(summary.attempts, 3) << "minutes 1, 3 and 5 of bench-1's station attempts";
    EXPECT_EQ(summary.passed, 2);
    EXPECT_EQ(summary.firstStart, ShiftStart.addSecs(60));
    EXPECT_EQ(summary.lastEnd, ShiftStart.addSecs(5 * 60 + 100));
}

TEST(ShiftSummary, AnAttemptWithoutImeiCountsForTheDeviceItsRetryNames) {
    AuditRecord pulled =
        attempt(u"350000000000002"_s, Verdict::Failed, 1, 20, u"flash"_s, u"unreachable"_s);
    pulled.device.imei.clear(); // failed before the device was identified
    AuditRecord retry = attempt(u"350000000000002"_s, Verdict::Succeeded, 3, 40);
    retry.details.insert(u"retryOf"_s, pulled.flowId);
    AuditRecord unknown =
        attempt(u"350000000000009"_s, Verdict::Failed, 5, 5, u"flash"_s, u"unreachable"_s);
    unknown.device.imei.clear();

    const ShiftSummary summary = ShiftSummary::fromRecords({pulled, retry, unknown});
    EXPECT_EQ(summary.attempts, 3);
    EXPECT_EQ(summary.devices, 2) << "the pulled device and one that never said who it was";
    EXPECT_DOUBLE_EQ(summary.firstPassYield, 0.0) << "the pulled device's first attempt failed";
}

TEST(ShiftSummary, WithoutAttemptsTheYieldIsZero) {
    const ShiftSummary summary = ShiftSummary::fromRecords({});
    EXPECT_EQ(summary.attempts, 0);
    EXPECT_EQ(summary.yield, 0.0);
    EXPECT_EQ(summary.medianPassMs, 0);
}

TEST(ShiftSummary, ExportsJsonAndCsv) {
    const ShiftSummary summary = ShiftSummary::fromRecords(shift());
    const QJsonObject json = summary.toJson();
    EXPECT_EQ(json.value(u"attempts"_s).toInt(), 7);
    EXPECT_EQ(json.value(u"passed"_s).toInt(), 3);
    EXPECT_EQ(json.value(u"failuresByReason"_s)
                  .toObject()
                  .value(u"Flash the firmware: unreachable"_s)
                  .toInt(),
              2);
    EXPECT_EQ(json.value(u"medianPassMs"_s).toInteger(), 60'000);

    QString csv;
    QTextStream out(&csv);
    summary.writeCsv(out);
    out.flush();
    EXPECT_TRUE(csv.startsWith(u"figure,value\r\n"_s));
    EXPECT_TRUE(csv.contains(u"attempts,7\r\n"_s)) << csv.toStdString();
    EXPECT_TRUE(csv.contains(u"yield,0.4286\r\n"_s)) << csv.toStdString();
    EXPECT_TRUE(csv.contains(u"failure: Flash the firmware: unreachable,2\r\n"_s))
        << csv.toStdString();
}

TEST(ShiftSummary, ReadsTheRecordsOfAnAuditStore) {
    QTemporaryDir dir;
    ps::station::AuditStoreOptions options;
    options.databaseName = dir.filePath(u"audit.sqlite"_s);
    ps::station::AuditStore store(options);
    ASSERT_TRUE(store.open());
    for (const AuditRecord &record : shift())
        ASSERT_TRUE(store.append(record));

    ShiftRange range;
    range.from = ShiftStart.addSecs(2 * 60);
    const auto summary = ShiftSummary::fromStore(store, range);
    ASSERT_TRUE(summary) << summary.error().toStdString();
    EXPECT_EQ(summary->attempts, 5);
    EXPECT_EQ(summary->passed, 2);
    EXPECT_EQ(summary->failed, 2);
}
