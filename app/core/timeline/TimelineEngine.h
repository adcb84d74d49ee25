#pragma once

#include "TimelineModel.h"
#include "TimelineRules.h"
#include "TimelineTypes.h"
#include "core/Line.h"
#include "core/LogParser.h"

#include <expected>
#include <memory>
#include <optional>
#include <vector>

namespace ps::core {

/// Turns a device's console output into timeline events and a running summary.
///
/// Feed it every Line in order (from LineAssembler, live or from a file); it parses each line
/// with its own LogParser, matches it against the rule table, and appends events to model().
/// Cloud-side events from the REST client join the same time axis with addCloudEvent().
///
///   TimelineEngine engine;                 // built-in rule table
///   for (const Line &line : assembler.feed(bytes, QDateTime::currentMSecsSinceEpoch()))
///       engine.addLine(line);
///   engine.addCloudEvent(now, u"claimed", u"Claimed by the station"_s);
///   view.setModel(&engine.model());        // poll model().revision() to repaint
///
/// Time: a line's host time is a stamp a terminal program put in front of it (see
/// parseHostTimestamp), else Line::hostTimeMs when it is > 0 (a live port), else none. Device
/// uptimes are mapped to host time with one offset per boot (the smallest host-minus-uptime
/// seen, as arrival can only be late); without any host time, boots are laid end to end on an
/// uptime axis. A line with neither takes the time of the line before. Times never go back.
///
/// Matching: a line is a log record (`[uptime] <lvl> module: message`, also without the uptime
/// stamp), a continuation of one, or other output (shell echo, AT responses, notifications).
/// Rules whose anchor occurs in the text are tried in table order and the first that matches
/// makes the event. A span in the state its lane is already in does not start a new span: it
/// refines the open span's label. A reboot (banner, or uptime going back) ends every open
/// device span and starts a new segment.
class TimelineEngine {
public:
    TimelineEngine();
    explicit TimelineEngine(std::shared_ptr<const TimelineRules> rules);

    void addLine(const Line &line);
    /// `hostTimeMs` <= 0 means "no host clock for this line".
    void addLine(QStringView text, qint64 hostTimeMs = 0);

    /// Adds a cloud-side event (lane CloudApi) at host time, e.g. "claimed", "command-created",
    /// "command-in-progress" (see the cloudApi states of the rule table). Fails for a state the
    /// table does not declare.
    std::expected<void, QString> addCloudEvent(qint64 hostTimeMs, QStringView state,
                                               const QString &label = {},
                                               std::optional<qint32> value = {});

    [[nodiscard]] const TimelineModel &model() const { return m_model; }
    [[nodiscard]] const TimelineSummary &summary() const { return m_summary; }
    [[nodiscard]] const TimelineRules &rules() const { return *m_rules; }
    /// Lines seen so far (the line number of the last one).
    [[nodiscard]] qint32 lineCount() const { return m_lineCount; }
    /// Forgets everything, as for a new capture.
    void reset();

private:
    struct Moment {
        qint64 timeMs = 0;
        quint8 flags = 0;
    };
    // What a rule looks at on one line.
    struct Input {
        LogRecord::Kind kind = LogRecord::Kind::Other;
        LogLevel level = LogLevel::None;
        QStringView module;
        QStringView text;
    };
    // The event a line makes, before a rule fills in lane, state, label and value.
    struct Origin {
        Moment moment;
        qint64 uptimeUs = TimelineEvent::NoUptime;
        qint32 line = 0;
    };
    using Fields = std::vector<std::pair<QString, QString>>;

    void processRecord(const LogRecord &record, QStringView body, std::optional<qint64> hostMs,
                       quint8 hostFlags);
    Moment moment(std::optional<qint64> hostMs, quint8 hostFlags, std::optional<qint64> uptimeUs);
    void startSegment(qint32 line, qint64 bootMs, bool bootSeen);
    bool matchText(const Input &input, const Origin &origin);
    bool decode(const TimelineRule &rule, const Input &input, Fields &fields) const;
    void fireRecordRules(TimelineDecoder decoder, const Origin &origin, const Fields &fields);
    void emitEvent(const TimelineRule &rule, const Origin &origin, const Fields &fields);
    void applyEffects(const TimelineStateInfo &state, const TimelineEvent &event);
    void noteProvisioning(const TimelineStateInfo &state, const TimelineEvent &event);
    void interruptProvisioning(const QString &reason);

    std::shared_ptr<const TimelineRules> m_rules;
    TimelineModel m_model;
    LogParser m_parser;
    QString m_prompt; // the parser's prompt without blanks, for records without uptime stamp
    TimelineSummary m_summary;
    std::vector<quint32> m_ruleLabels; // pool index of each rule's fixed label
    std::vector<quint16> m_candidates; // scratch: rules whose anchor occurs in the line
    Fields m_fields;                   // scratch

    qint32 m_lineCount = 0;
    qint64 m_lastMs = 0;
    // Time of day stamps (no date): a day is added each time they wrap past midnight.
    qint64 m_dayOffsetMs = 0;
    std::optional<qint64> m_lastTimeOfDayMs;

    // The current boot segment.
    quint32 m_segment = 0;
    qint64 m_segmentStartMs = 0;
    std::optional<qint64> m_offsetMs; // time axis = offset + uptime
    bool m_offsetFromHost = false;
    std::optional<qint64> m_segmentUptimeUs; // last uptime seen in this segment
    std::optional<qint64> m_recordUptimeUs;  // uptime of the record continuation lines belong to

    enum class Lte : quint8 { Unknown, Up, Down };
    Lte m_lte = Lte::Unknown;
    std::optional<qint64> m_firstBootMs;
    std::optional<qint64> m_firstClockMs;
    // The provisioning attempt in progress or last ended.
    bool m_attemptOpen = false;
    bool m_attemptEnded = false;
    bool m_attemptProcessed = false;
    int m_attemptPriority = 0;
    std::optional<quint32> m_outcomeSequence; // event that decided the summary's outcome
};

} // namespace ps::core
