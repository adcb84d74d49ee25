#pragma once

#include "KeywordMatcher.h"
#include "TimelineTypes.h"
#include "core/LogRecord.h"

#include <QByteArrayView>
#include <QRegularExpression>
#include <QStringList>
#include <array>
#include <expected>
#include <memory>
#include <vector>

namespace ps::core {

/// One state of a lane, as the rule table declares it: what it is called and what it means for
/// the summary.
struct TimelineStateInfo {
    enum class LteEffect : quint8 { None, Up, Down };
    enum class CloudEffect : quint8 { None, Connected, Disconnected };

    TimelineLane lane = TimelineLane::Device;
    QString id;    ///< e.g. "pdn-up"; unique within the lane
    QString label; ///< default label of events in this state
    TimelineEventKind kind = TimelineEventKind::Span;
    QString color; ///< "#rrggbb" hint for views, may be empty
    LteEffect lte = LteEffect::None;
    CloudEffect cloud = CloudEffect::None;
    bool backoff = false; ///< counts as a backoff; the event value is its duration in seconds
    /// Provisioning: None = no effect; InProgress starts or continues an attempt; the others end
    /// it.
    ProvisioningOutcome outcome = ProvisioningOutcome::None;
    /// Outcome "end-of-commands": Done when the attempt processed commands, else NoCommands.
    bool endOfCommands = false;
    bool processesCommands = false; ///< the attempt has processed commands once it got here
    /// Within one attempt a later ending replaces an earlier one only with a priority at least as
    /// high (so "failed, error -13" after "not claimed" keeps "not claimed").
    int priority = 0;
    /// States of the same lane that this one does not interrupt (a +CEREG "registered" while the
    /// PDN is up says nothing new).
    std::vector<quint16> ignoredDuring;
};

/// Where a rule's data comes from besides the message text.
enum class TimelineDecoder : quint8 {
    None,
    Cereg,            ///< `+CEREG: ...` (fields stat, tac, cell, act, causeType, rejectCause)
    Cgev,             ///< `+CGEV: ...` (fields kind, cid, network, text)
    Cfun,             ///< `+CFUN: <n>` answer or `AT+CFUN=<n>` command (field mode)
    AttestationToken, ///< a valid token anywhere in the text (fields token, uuid, deviceType)
    Boot,             ///< a booting banner (fields name, version, commit, firmware)
    Reboot,           ///< a reboot seen only because the uptime went back (field uptime)
    Dropped,          ///< `--- <n> messages dropped ---` (field count)
};

/// A compiled rule: which lines it matches and the event it makes.
struct TimelineRule {
    enum class Source : quint8 {
        Log,   ///< the message of log records (and their continuations when `continuations`)
        Other, ///< lines that are not log records: shell echo, AT responses, notifications
        Any,   ///< both
    };

    QString id;
    quint16 state = 0;
    TimelineLane lane = TimelineLane::Device;
    Source source = Source::Log;
    bool continuations = false;
    quint8 levelMask = 0; ///< bit (1 << LogLevel); 0 = any level
    QStringList modules;  ///< exact names, or prefixes when they end in '*'; empty = any
    TimelineDecoder decoder = TimelineDecoder::None;
    QStringList anchors;  ///< keywords that make the rule a candidate (one must occur)
    QStringList contains; ///< all must occur (ASCII case folded)
    QString equals;       ///< the whole message (trimmed, case folded), when set
    QRegularExpression regex;
    QStringList regexGroups;                            ///< named groups of `regex`
    std::vector<std::pair<QString, QStringList>> where; ///< field -> accepted values
    QString label; ///< template: `{field}`, `{field:format}`, `[optional part]`
    bool labelIsTemplate = false;
    QString valueField; ///< field whose integer becomes the event value; empty = none
};

/// The versioned rule table (resources/timeline/rules-v1.json): lanes, their states, and the
/// rules that map log lines to states. A new firmware wording is a new row in the table, not new
/// code. See docs in the JSON file's "about" entry and TimelineEngine for the matching order.
///
///   auto rules = TimelineRules::fromFile(path);     // or TimelineRules::builtin()
///   if (!rules) qWarning() << rules.error();
class TimelineRules {
public:
    static constexpr int SupportedVersion = 1;
    static constexpr QStringView Format = u"provstation-timeline-rules";

    /// Parses and checks a table; the error names the entry and what is wrong with it.
    static std::expected<std::shared_ptr<const TimelineRules>, QString> parse(QByteArrayView json);
    static std::expected<std::shared_ptr<const TimelineRules>, QString>
    fromFile(const QString &path);
    /// The table compiled into the core library. A broken built-in table is a build defect
    /// (the unit tests load it), so this aborts with the reason instead of returning an error.
    static std::shared_ptr<const TimelineRules> builtin();
    static QString builtinPath() { return QStringLiteral(":/timeline/rules-v1.json"); }

    [[nodiscard]] int version() const { return m_version; }
    [[nodiscard]] const QString &name() const { return m_name; }
    [[nodiscard]] const QString &laneLabel(TimelineLane lane) const {
        return m_laneLabels[size_t(lane)];
    }
    [[nodiscard]] const std::vector<TimelineStateInfo> &states() const { return m_states; }
    [[nodiscard]] const TimelineStateInfo &state(quint16 index) const { return m_states[index]; }
    [[nodiscard]] std::optional<quint16> stateIndex(TimelineLane lane, QStringView id) const;
    [[nodiscard]] const std::vector<TimelineRule> &rules() const { return m_rules; }
    /// Anchors of all text rules; reports rule indices.
    [[nodiscard]] const KeywordMatcher &matcher() const { return m_matcher; }
    /// Rules fired by a kind of record rather than by text (Boot, Reboot, Dropped), in table order.
    [[nodiscard]] const std::vector<quint16> &recordRules(TimelineDecoder decoder) const {
        return m_recordRules[size_t(decoder)];
    }

    /// Renders a label template with the fields of a match. `{name}` is replaced by the field,
    /// `{name:format}` by a formatted field (formats: cereg, cfun, credentialType, cme,
    /// deviceType); a `[...]` part is dropped when a field in it is empty.
    static QString renderLabel(QStringView labelTemplate,
                               const std::vector<std::pair<QString, QString>> &fields);
    static bool isKnownFormat(QStringView format);

private:
    TimelineRules() = default;

    int m_version = 0;
    QString m_name;
    std::array<QString, TimelineLaneCount> m_laneLabels;
    std::vector<TimelineStateInfo> m_states;
    std::vector<TimelineRule> m_rules;
    KeywordMatcher m_matcher;
    std::array<std::vector<quint16>, 8> m_recordRules;
};

} // namespace ps::core
