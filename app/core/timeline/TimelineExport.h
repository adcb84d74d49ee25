#pragma once

#include "TimelineModel.h"
#include "TimelineTypes.h"

#include <QJsonObject>
#include <QTextStream>

namespace ps::core {

/// Text forms of a timeline for files and scripts (`provstation-cli timeline`, an export button).
///
/// JSON: `{"summary": {...}, "events": [...]}`. Summary keys: reboots, lteUpCount, lteDownCount,
/// firstLteUpAt and firstCloudConnectedAt (device uptime in seconds or null), cloudConnected,
/// provisioning (none, in-progress, done, no-commands, not-claimed, failed), provisioningDetail,
/// provisioningAttempts, attestationToken (or null), backoffs, backoffSeconds, droppedMessages,
/// timeToCloud (seconds or null), firmware (or null). Event keys: lane, state, kind, label,
/// line (1-based, null for cloud-side events), deviceTime (uptime in seconds or null), hostTime
/// (ISO 8601 UTC, or a time of day, or null), segment, and when present value and duration
/// (seconds, for spans that ended).
class TimelineExport {
public:
    TimelineExport() = delete;

    static QJsonObject summaryToJson(const TimelineSummary &summary);
    /// The summary keys in the order a person reads them (QJsonObject sorts its keys).
    static QStringList summaryKeys();
    static QJsonObject eventToJson(const TimelineModel &model, const TimelineEvent &event);
    /// Writes the document event by event, so a large timeline is never built as one JSON tree.
    static void writeJson(QTextStream &out, const TimelineModel &model,
                          const TimelineSummary &summary);
    /// One row per event: line,deviceTime,hostTime,lane,state,kind,label,value,duration.
    static void writeCsv(QTextStream &out, const TimelineModel &model);

    /// The event's host time as text, or an empty string when its time has no host clock.
    static QString hostTimeText(const TimelineEvent &event);
};

} // namespace ps::core
