#include "ShiftSummary.h"

#include "AuditStore.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <algorithm>

namespace ps::station {

using namespace Qt::StringLiterals;

namespace {

qint64 median(QList<qint64> values) {
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype middle = values.size() / 2;
    if (values.size() % 2 == 1)
        return values.at(middle);
    return (values.at(middle - 1) + values.at(middle)) / 2;
}

bool inRange(const AuditRecord &record, const ShiftRange &range) {
    if (range.from.isValid() && record.startedAt < range.from)
        return false;
    if (range.to.isValid() && record.startedAt >= range.to)
        return false;
    if (!range.station.isEmpty() && record.station != range.station)
        return false;
    if (!range.kind.isEmpty() && record.kind != range.kind)
        return false;
    return true;
}

} // namespace

QString ShiftSummary::reasonOf(const AuditRecord &record) {
    // The step that failed for good: the last one with the status "failed" (a step that
    // failed and then succeeded keeps its error text but not the status).
    for (auto step = record.steps.crbegin(); step != record.steps.crend(); ++step) {
        if (step->status == StepStatus::Failed) {
            const QString kind = step->errorKind.isEmpty() ? record.errorKind : step->errorKind;
            return kind.isEmpty() ? step->title : step->title + u": "_s + kind;
        }
    }
    if (record.error.startsWith(u"interrupted"))
        return u"interrupted"_s;
    return record.errorKind.isEmpty() ? u"failed"_s : record.errorKind;
}

ShiftSummary ShiftSummary::fromRecords(const QList<AuditRecord> &records, Range range) {
    ShiftSummary summary;
    summary.range = range;
    QList<AuditRecord> counted;
    for (const AuditRecord &record : records) {
        if (inRange(record, range))
            counted.push_back(record);
    }
    std::sort(counted.begin(), counted.end(), [](const AuditRecord &a, const AuditRecord &b) {
        return a.startedAt != b.startedAt ? a.startedAt < b.startedAt : a.sequence < b.sequence;
    });

    // An attempt that failed before it identified the device has no IMEI; its retry names it
    // (details.retryOf), so both count for the same device.
    QHash<QString, QString> imeiOfFlow;
    for (const AuditRecord &record : counted) {
        const QString retryOf = record.details.value(u"retryOf"_s).toString();
        if (!retryOf.isEmpty() && !record.device.imei.isEmpty())
            imeiOfFlow.insert(retryOf, record.device.imei);
    }

    QList<qint64> passTimes;
    QList<qint64> attemptTimes;
    QSet<QString> imeis;
    int anonymous = 0;
    int firstAttempts = 0;
    int firstPassed = 0;
    for (const AuditRecord &record : counted) {
        if (record.verdict == Verdict::None)
            continue;
        ++summary.attempts;
        attemptTimes.push_back(record.durationMs());
        const QString imei =
            record.device.imei.isEmpty() ? imeiOfFlow.value(record.flowId) : record.device.imei;
        if (imei.isEmpty()) {
            ++anonymous;
        } else if (!imeis.contains(imei)) {
            imeis.insert(imei);
            ++firstAttempts;
            if (record.verdict == Verdict::Succeeded)
                ++firstPassed;
        }
        switch (record.verdict) {
        case Verdict::Succeeded:
            ++summary.passed;
            passTimes.push_back(record.durationMs());
            break;
        case Verdict::Failed:
            ++summary.failed;
            ++summary.failuresByReason[reasonOf(record)];
            break;
        case Verdict::Cancelled:
            ++summary.cancelled;
            break;
        case Verdict::None:
            break;
        }
        if (!summary.firstStart.isValid() || record.startedAt < summary.firstStart)
            summary.firstStart = record.startedAt;
        if (!summary.lastEnd.isValid() || record.finishedAt > summary.lastEnd)
            summary.lastEnd = record.finishedAt;
    }
    summary.devices = int(imeis.size()) + anonymous;
    summary.yield = summary.attempts == 0 ? 0.0 : double(summary.passed) / summary.attempts;
    summary.firstPassYield = firstAttempts == 0 ? 0.0 : double(firstPassed) / firstAttempts;
    summary.medianPassMs = median(passTimes);
    summary.medianAttemptMs = median(attemptTimes);
    return summary;
}

std::expected<ShiftSummary, QString> ShiftSummary::fromStore(const AuditStore &store, Range range) {
    AuditQuery query;
    query.from = range.from;
    query.to = range.to;
    query.kind = range.kind;
    auto records = store.search(query);
    if (!records)
        return std::unexpected(records.error());
    return fromRecords(*records, std::move(range));
}

QJsonObject ShiftSummary::toJson() const {
    QJsonObject reasons;
    for (auto it = failuresByReason.cbegin(); it != failuresByReason.cend(); ++it)
        reasons.insert(it.key(), it.value());
    return {
        {u"from"_s, range.from.isValid() ? isoTime(range.from) : QString()},
        {u"to"_s, range.to.isValid() ? isoTime(range.to) : QString()},
        {u"station"_s, range.station},
        {u"kind"_s, range.kind},
        {u"attempts"_s, attempts},
        {u"passed"_s, passed},
        {u"failed"_s, failed},
        {u"cancelled"_s, cancelled},
        {u"devices"_s, devices},
        {u"yield"_s, yield},
        {u"firstPassYield"_s, firstPassYield},
        {u"failuresByReason"_s, reasons},
        {u"medianPassMs"_s, medianPassMs},
        {u"medianAttemptMs"_s, medianAttemptMs},
        {u"firstStart"_s, firstStart.isValid() ? isoTime(firstStart) : QString()},
        {u"lastEnd"_s, lastEnd.isValid() ? isoTime(lastEnd) : QString()},
    };
}

void ShiftSummary::writeCsv(QTextStream &out) const {
    const auto line = [&out](const QString &figure, const QString &value) {
        out << AuditRecord::csvField(figure) << ',' << AuditRecord::csvField(value) << "\r\n";
    };
    line(u"figure"_s, u"value"_s);
    line(u"from"_s, range.from.isValid() ? isoTime(range.from) : QString());
    line(u"to"_s, range.to.isValid() ? isoTime(range.to) : QString());
    line(u"station"_s, range.station);
    line(u"attempts"_s, QString::number(attempts));
    line(u"passed"_s, QString::number(passed));
    line(u"failed"_s, QString::number(failed));
    line(u"cancelled"_s, QString::number(cancelled));
    line(u"devices"_s, QString::number(devices));
    line(u"yield"_s, QString::number(yield, 'f', 4));
    line(u"first pass yield"_s, QString::number(firstPassYield, 'f', 4));
    line(u"median pass ms"_s, QString::number(medianPassMs));
    line(u"median attempt ms"_s, QString::number(medianAttemptMs));
    for (auto it = failuresByReason.cbegin(); it != failuresByReason.cend(); ++it)
        line(u"failure: "_s + it.key(), QString::number(it.value()));
}

} // namespace ps::station
