#pragma once

#include "AuditRecord.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QTextStream>
#include <expected>

namespace ps::station {

class AuditStore;

/// Which audit records a ShiftSummary counts.
struct ShiftRange {
    QDateTime from;                           ///< started at or after (invalid: no bound)
    QDateTime to;                             ///< started before (invalid: no bound)
    QString station;                          ///< empty: every station
    QString kind = QStringLiteral("station"); ///< empty: every kind
};

/// The figures of a shift at a station: how many attempts, how many passed and failed, the
/// yield, what the failures were, and the median time per device.
///
///     auto summary = ShiftSummary::fromStore(store, {.from = shiftStart, .station = host});
///     label->setText(u"%1 passed, yield %2 %"_s.arg(summary->passed).arg(summary->yield * 100));
///
/// Counted: records of kind "station" (the pipeline) unless `kind` says otherwise. A device
/// that failed and then passed on retry counts as two attempts, one failed and one passed; the
/// yield is passed / attempts (0 without attempts); the first-pass yield looks at each IMEI's
/// first attempt only.
struct ShiftSummary {
    using Range = ShiftRange;

    Range range;
    int attempts = 0;
    int passed = 0;
    int failed = 0;    ///< failed for good (interrupted attempts included)
    int cancelled = 0; ///< stopped by the operator
    int devices = 0;   ///< distinct IMEIs (an attempt without one counts with its retry, which
                       ///< names it in details.retryOf, or else on its own)
    double yield = 0;  ///< passed / attempts
    double firstPassYield = 0;
    /// Failures by reason: the failing step's title and the error kind, e.g.
    /// "Flash the firmware: unreachable" -> 2.
    QMap<QString, int> failuresByReason;
    /// Median duration of the passed attempts, in milliseconds (0 without any).
    qint64 medianPassMs = 0;
    /// Median duration of all attempts, in milliseconds.
    qint64 medianAttemptMs = 0;
    QDateTime firstStart; ///< of the attempts counted
    QDateTime lastEnd;

    /// The summary of `records` (filtered by `range`).
    static ShiftSummary fromRecords(const QList<AuditRecord> &records, Range range = {});
    /// The summary of the store's records in `range`.
    static std::expected<ShiftSummary, QString> fromStore(const AuditStore &store,
                                                          Range range = {});

    /// {"from", "to", "station", "kind", "attempts", "passed", "failed", "cancelled",
    ///  "devices", "yield", "firstPassYield", "failuresByReason": {reason: n},
    ///  "medianPassMs", "medianAttemptMs", "firstStart", "lastEnd"}
    [[nodiscard]] QJsonObject toJson() const;
    /// Two-column CSV ("figure,value") with one line per figure and one per failure reason
    /// ("failure: <reason>,n").
    void writeCsv(QTextStream &out) const;

    /// The reason a failed record is counted under.
    static QString reasonOf(const AuditRecord &record);
};

} // namespace ps::station
