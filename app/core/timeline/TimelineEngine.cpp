#include "TimelineEngine.h"

#include "HostTimestamp.h"
#include "core/AtResponse.h"
#include "core/AttestationToken.h"

#include <algorithm>

namespace ps::core {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 DayMs = 86'400'000;

bool isAsciiDigit(QChar c) {
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

LogLevel levelFromTag(QStringView tag) {
    if (tag == u"err")
        return LogLevel::Error;
    if (tag == u"wrn")
        return LogLevel::Warning;
    if (tag == u"inf")
        return LogLevel::Info;
    if (tag == u"dbg")
        return LogLevel::Debug;
    return LogLevel::None;
}

struct UnstampedRecord {
    LogLevel level = LogLevel::None;
    QStringView module;
    QStringView message;
};

// Splits "name: rest"; nullopt unless the text starts with a name (no blanks) and ": ".
std::optional<std::pair<QStringView, QStringView>> splitName(QStringView text) {
    const qsizetype colon = text.indexOf(u':');
    if (colon <= 0)
        return std::nullopt;
    const QStringView name = text.first(colon);
    if (std::any_of(name.begin(), name.end(), [](QChar c) { return c.isSpace(); }))
        return std::nullopt;
    QStringView rest = text.sliced(colon + 1);
    if (!rest.isEmpty() && rest.front() != u' ')
        return std::nullopt;
    return std::pair{name, rest.isEmpty() ? rest : rest.sliced(1)};
}

// `<lvl> module: message` without the uptime stamp (CONFIG_LOG_BACKEND_FORMAT_TIMESTAMP off),
// possibly behind the shell prompt.
std::optional<UnstampedRecord> parseUnstamped(QStringView text, QStringView prompt) {
    if (!prompt.isEmpty() && text.startsWith(prompt))
        text = text.sliced(prompt.size());
    while (!text.isEmpty() && text.front() == u' ')
        text = text.sliced(1);
    if (text.size() < 7 || text[0] != u'<' || text[4] != u'>' || text[5] != u' ')
        return std::nullopt;
    UnstampedRecord record;
    record.level = levelFromTag(text.sliced(1, 3));
    if (record.level == LogLevel::None)
        return std::nullopt;
    text = text.sliced(6);
    if (const auto module = splitName(text)) {
        record.module = module->first;
        text = module->second;
        if (record.level == LogLevel::Debug) {
            if (const auto function = splitName(text))
                text = function->second;
        }
    }
    while (!text.isEmpty() && text.back().isSpace())
        text.chop(1);
    record.message = text;
    return record;
}

bool moduleMatches(const QStringList &patterns, QStringView module) {
    for (const QString &pattern : patterns) {
        if (pattern.endsWith(u'*') ? module.startsWith(QStringView(pattern).chopped(1))
                                   : module == pattern) {
            return true;
        }
    }
    return false;
}

const QString *findField(const std::vector<std::pair<QString, QString>> &fields, QStringView name) {
    for (const auto &[key, value] : fields) {
        if (key == name)
            return &value;
    }
    return nullptr;
}

QString cgevKindId(CgevEvent::Kind kind) {
    switch (kind) {
    case CgevEvent::Kind::PdnActivated:
        return u"pdn-activated"_s;
    case CgevEvent::Kind::PdnDeactivated:
        return u"pdn-deactivated"_s;
    case CgevEvent::Kind::Detached:
        return u"detached"_s;
    case CgevEvent::Kind::Ipv6LinkUp:
        return u"ipv6-up"_s;
    case CgevEvent::Kind::Ipv6LinkDown:
        return u"ipv6-down"_s;
    case CgevEvent::Kind::Other:
        break;
    }
    return u"other"_s;
}

QString optionalNumber(const std::optional<int> &value) {
    return value ? QString::number(*value) : QString();
}

// The text of a notification or response line without what may precede it: blanks, a prompt
// fragment, the `AT event handler:` of `at events_enable`, the `at` of an echoed command.
// Decoders only accept their prefix at the start of what remains, so a notification quoted in
// the middle of garbage or of another message is not taken for one.
QStringView notificationBody(QStringView text, QStringView prompt) {
    text = text.trimmed();
    if (!prompt.isEmpty() && text.startsWith(prompt))
        text = text.sliced(prompt.size()).trimmed();
    static constexpr QStringView Handler = u"AT event handler:";
    if (text.startsWith(Handler))
        text = text.sliced(Handler.size()).trimmed();
    if (text.size() > 3 && text.first(3).compare(u"at ", Qt::CaseInsensitive) == 0)
        text = text.sliced(3).trimmed();
    if (text.size() > 1 && (text.front() == u'\'' || text.front() == u'"'))
        text = text.sliced(1); // at 'AT+CFUN=4'
    return text;
}

// The token a line shows: the `%ATTESTTOKEN: "..."` answer, or a line (or message) that is
// only `<part1>.<part2>` as ATT prints it.
std::optional<AttestationToken> findToken(QStringView body) {
    if (body.startsWith(u"%ATTESTTOKEN:")) {
        const auto value = AtResponse::attestationToken(body);
        if (!value)
            return std::nullopt;
        auto token = AttestationToken::parse(*value);
        return token ? std::optional(*token) : std::nullopt;
    }
    if (!body.startsWith(u"2dn3hQFQ"))
        return std::nullopt;
    auto token = AttestationToken::parse(body);
    return token ? std::optional(*token) : std::nullopt;
}

// `+CFUN: <n>` (answer) or `AT+CFUN=<n>` (command, in any case).
std::optional<int> findFunctionalMode(QStringView body) {
    qsizetype i = 0;
    if (body.startsWith(u"+CFUN:"))
        i = 6;
    else if (body.startsWith(u"AT+CFUN=", Qt::CaseInsensitive))
        i = 8;
    else
        return std::nullopt;
    while (i < body.size() && body[i] == u' ')
        ++i;
    int mode = 0;
    const qsizetype digitsStart = i;
    while (i < body.size() && isAsciiDigit(body[i]) && i - digitsStart < 3)
        mode = mode * 10 + (body[i++].unicode() - u'0');
    if (i == digitsStart ||
        (i < body.size() && !body[i].isSpace() && body[i] != u'\'' && body[i] != u'"')) {
        return std::nullopt;
    }
    return mode;
}

} // namespace

TimelineEngine::TimelineEngine()
    : TimelineEngine(TimelineRules::builtin()) {}

TimelineEngine::TimelineEngine(std::shared_ptr<const TimelineRules> rules)
    : m_rules(std::move(rules))
    , m_model(m_rules) {
    reset();
}

void TimelineEngine::reset() {
    m_model.clear();
    m_parser.reset();
    m_prompt = m_parser.prompt().trimmed();
    m_summary = {};
    m_ruleLabels.clear();
    for (const TimelineRule &rule : m_rules->rules())
        m_ruleLabels.push_back(rule.labelIsTemplate ? 0 : m_model.internLabel(rule.label));
    m_lineCount = 0;
    m_lastMs = 0;
    m_dayOffsetMs = 0;
    m_lastTimeOfDayMs.reset();
    m_segment = 0;
    m_segmentStartMs = 0;
    m_offsetMs.reset();
    m_offsetFromHost = false;
    m_segmentUptimeUs.reset();
    m_recordUptimeUs.reset();
    m_lte = Lte::Unknown;
    m_firstBootMs.reset();
    m_firstClockMs.reset();
    m_attemptOpen = false;
    m_attemptEnded = false;
    m_attemptProcessed = false;
    m_attemptPriority = 0;
    m_outcomeSequence.reset();
    // Segment 0 is the boot the capture starts in; a banner on the first lines takes it over.
    m_model.addSegment(TimelineSegment{});
}

void TimelineEngine::addLine(const Line &line) {
    addLine(QStringView(line.text), line.hostTimeMs);
}

void TimelineEngine::addLine(QStringView text, qint64 hostTimeMs) {
    ++m_lineCount;
    std::optional<qint64> hostMs;
    quint8 hostFlags = 0;
    QStringView body = text;
    if (!text.isEmpty() && (text.front() == u'[' || isAsciiDigit(text.front()))) {
        if (const auto stamp = parseHostTimestamp(text)) {
            qint64 ms = stamp->msSinceEpoch;
            if (!stamp->hasDate) {
                // A time of day that jumps back by more than half a day passed midnight.
                ms += m_dayOffsetMs;
                if (m_lastTimeOfDayMs && ms < *m_lastTimeOfDayMs - DayMs / 2) {
                    m_dayOffsetMs += DayMs;
                    ms += DayMs;
                }
                m_lastTimeOfDayMs = ms;
                hostFlags |= TimelineEvent::TimeOfDayOnly;
            }
            hostMs = ms;
            body = text.sliced(stamp->length);
        }
    }
    if (!hostMs && hostTimeMs > 0)
        hostMs = hostTimeMs;
    if (hostMs)
        hostFlags |= TimelineEvent::HostClock;
    const LogRecord record = m_parser.parse(body);
    processRecord(record, body, hostMs, hostFlags);
}

TimelineEngine::Moment TimelineEngine::moment(std::optional<qint64> hostMs, quint8 hostFlags,
                                              std::optional<qint64> uptimeUs) {
    Moment moment;
    if (uptimeUs) {
        m_segmentUptimeUs = uptimeUs;
        const qint64 uptimeMs = *uptimeUs / 1000;
        if (hostMs) {
            // Arrival can only be late, so the smallest host-minus-uptime is the best offset.
            const qint64 offset = *hostMs - uptimeMs;
            if (!m_offsetMs || !m_offsetFromHost || offset < *m_offsetMs) {
                m_offsetMs = offset;
                m_offsetFromHost = true;
            }
        } else if (!m_offsetMs) {
            m_offsetMs = m_segmentStartMs; // no host clock: this boot follows the previous one
            m_offsetFromHost = false;
        }
        moment.timeMs = *m_offsetMs + uptimeMs;
        moment.flags = TimelineEvent::DeviceClock;
        if (m_offsetFromHost)
            moment.flags |= TimelineEvent::HostClock | (hostFlags & TimelineEvent::TimeOfDayOnly);
    } else if (hostMs) {
        moment.timeMs = *hostMs;
        moment.flags = hostFlags;
    } else {
        moment.timeMs = m_lastMs;
    }
    moment.timeMs = std::max(moment.timeMs, m_lastMs);
    m_lastMs = moment.timeMs;
    if (moment.flags != 0 && !m_firstClockMs) {
        m_firstClockMs = moment.timeMs;
        if (m_segment == 0 && !m_model.segments().front().bootSeen)
            m_model.currentSegment()->startMs = moment.timeMs;
    }
    return moment;
}

void TimelineEngine::processRecord(const LogRecord &record, QStringView body,
                                   std::optional<qint64> hostMs, quint8 hostFlags) {
    Origin origin;
    origin.line = m_lineCount;
    using Kind = LogRecord::Kind;
    switch (record.kind) {
    case Kind::Banner: {
        origin.moment = moment(hostMs, hostFlags, std::nullopt);
        if (record.reboot) {
            startSegment(origin.line, origin.moment.timeMs, true);
            QString firmware = record.firmwareName;
            if (!record.firmwareVersion.isEmpty())
                firmware += u" v"_s + record.firmwareVersion;
            m_model.currentSegment()->firmware = firmware;
            m_summary.firmware = firmware;
            fireRecordRules(TimelineDecoder::Boot, origin,
                            {{u"name"_s, record.firmwareName},
                             {u"version"_s, record.firmwareVersion},
                             {u"commit"_s, record.firmwareCommit},
                             {u"firmware"_s, firmware}});
        } else if (TimelineSegment *segment = m_model.currentSegment()) {
            if (!record.sdkVersion.isEmpty())
                segment->sdkVersion = record.sdkVersion;
            if (!record.zephyrVersion.isEmpty())
                segment->zephyrVersion = record.zephyrVersion;
        }
        return;
    }
    case Kind::Dropped:
        origin.moment = moment(hostMs, hostFlags, std::nullopt);
        m_summary.droppedMessages += record.droppedCount;
        fireRecordRules(TimelineDecoder::Dropped, origin,
                        {{u"count"_s, QString::number(record.droppedCount)}});
        return;
    case Kind::Log: {
        if (record.reboot) {
            // The boot happened `uptime` before this line; without a host clock the new boot
            // starts where the previous one's last line was.
            qint64 bootMs = m_lastMs;
            if (hostMs)
                bootMs = std::max(m_lastMs, *hostMs - *record.uptimeUs / 1000);
            startSegment(origin.line, bootMs, true);
            Origin boot = origin;
            boot.moment = {bootMs, quint8(hostMs ? hostFlags : 0)};
            boot.uptimeUs = *record.uptimeUs;
            fireRecordRules(
                TimelineDecoder::Reboot, boot,
                {{u"uptime"_s, QString::number(double(*record.uptimeUs) / 1e6, 'f', 3)}});
        }
        origin.moment = moment(hostMs, hostFlags, record.uptimeUs);
        origin.uptimeUs = *record.uptimeUs;
        m_recordUptimeUs = record.uptimeUs;
        matchText({Kind::Log, record.level, record.module, record.message}, origin);
        return;
    }
    case Kind::Continuation:
        origin.moment = moment(hostMs, hostFlags, std::nullopt);
        if (m_recordUptimeUs)
            origin.uptimeUs = *m_recordUptimeUs; // the record this line continues

        matchText({Kind::Continuation, record.level, record.module, record.message}, origin);
        return;
    case Kind::Other:
        origin.moment = moment(hostMs, hostFlags, std::nullopt);
        m_recordUptimeUs.reset();
        if (const auto unstamped = parseUnstamped(body, m_prompt)) {
            matchText({Kind::Log, unstamped->level, unstamped->module, unstamped->message}, origin);
        } else {
            matchText({Kind::Other, LogLevel::None, {}, body}, origin);
        }
        return;
    }
}

void TimelineEngine::startSegment(qint32 line, qint64 bootMs, bool bootSeen) {
    for (int lane = 0; lane < TimelineLaneCount; ++lane) {
        if (TimelineLane(lane) != TimelineLane::CloudApi)
            m_model.closeOpenSpan(TimelineLane(lane), bootMs);
    }
    if (m_attemptOpen && !m_attemptEnded)
        interruptProvisioning(u"interrupted by a reboot"_s);
    m_attemptOpen = false;
    m_attemptEnded = false;
    m_attemptProcessed = false;
    m_attemptPriority = 0;
    m_lte = Lte::Unknown;
    m_summary.cloudConnected = false;

    // The segment the capture starts in is taken over when nothing happened in it yet (a
    // capture that starts with the banner); otherwise a new one begins.
    TimelineSegment *current = m_model.currentSegment();
    const bool takeOver =
        m_segment == 0 && !current->bootSeen && m_model.isEmpty() && !m_segmentUptimeUs;
    if (!takeOver) {
        TimelineSegment segment;
        segment.index = ++m_segment;
        m_model.addSegment(segment);
        current = m_model.currentSegment();
    }
    current->firstLine = line;
    current->startMs = bootMs;
    current->bootSeen = bootSeen;
    if (bootSeen) {
        ++m_summary.boots;
        if (!m_firstBootMs)
            m_firstBootMs = bootMs;
    }
    m_segmentStartMs = bootMs;
    m_offsetMs.reset();
    m_offsetFromHost = false;
    m_segmentUptimeUs.reset();
}

bool TimelineEngine::matchText(const Input &input, const Origin &origin) {
    m_candidates.clear();
    m_rules->matcher().find(input.text, [this](quint32 id) {
        if (std::find(m_candidates.begin(), m_candidates.end(), id) == m_candidates.end())
            m_candidates.push_back(quint16(id));
    });
    if (m_candidates.empty())
        return false;
    std::sort(m_candidates.begin(), m_candidates.end());

    using Kind = LogRecord::Kind;
    const bool isRecord = input.kind == Kind::Log || input.kind == Kind::Continuation;
    for (const quint16 index : m_candidates) {
        const TimelineRule &rule = m_rules->rules()[index];
        if (rule.source == TimelineRule::Source::Log && !isRecord)
            continue;
        if (rule.source == TimelineRule::Source::Other && isRecord)
            continue;
        if (input.kind == Kind::Continuation && !rule.continuations)
            continue;
        if (rule.levelMask && (!isRecord || !(rule.levelMask & (1u << quint8(input.level))))) {
            continue;
        }
        if (!rule.modules.isEmpty() && (!isRecord || !moduleMatches(rule.modules, input.module)))
            continue;
        if (!std::all_of(rule.contains.begin(), rule.contains.end(), [&](const QString &part) {
                return input.text.contains(part, Qt::CaseInsensitive);
            })) {
            continue;
        }
        if (!rule.equals.isEmpty() &&
            input.text.trimmed().compare(rule.equals, Qt::CaseInsensitive) != 0) {
            continue;
        }
        m_fields.clear();
        if (!rule.regex.pattern().isEmpty()) {
            const QRegularExpressionMatch match = rule.regex.match(input.text);
            if (!match.hasMatch())
                continue;
            for (const QString &group : rule.regexGroups)
                m_fields.emplace_back(group, match.captured(group));
        }
        if (!decode(rule, input, m_fields))
            continue;
        m_fields.emplace_back(u"message"_s, input.text.toString());
        m_fields.emplace_back(u"module"_s, input.module.toString());
        const bool accepted =
            std::all_of(rule.where.begin(), rule.where.end(), [this](const auto &condition) {
                const QString *value = findField(m_fields, condition.first);
                return value && condition.second.contains(*value);
            });
        if (!accepted)
            continue;
        emitEvent(rule, origin, m_fields);
        return true;
    }
    return false;
}

bool TimelineEngine::decode(const TimelineRule &rule, const Input &input, Fields &fields) const {
    switch (rule.decoder) {
    case TimelineDecoder::None:
    case TimelineDecoder::Boot:
    case TimelineDecoder::Reboot:
    case TimelineDecoder::Dropped:
        return true;
    case TimelineDecoder::Cereg: {
        const QStringView body = notificationBody(input.text, m_prompt);
        if (!body.startsWith(u"+CEREG:"))
            return false;
        const auto status = AtResponse::cereg(body);
        if (!status)
            return false;
        fields.emplace_back(u"stat"_s, QString::number(status->stat));
        fields.emplace_back(u"tac"_s, status->tac);
        fields.emplace_back(u"cell"_s, status->cellId);
        fields.emplace_back(u"act"_s, optionalNumber(status->accessTechnology));
        fields.emplace_back(u"causeType"_s, optionalNumber(status->causeType));
        fields.emplace_back(u"rejectCause"_s, optionalNumber(status->rejectCause));
        fields.emplace_back(u"mode"_s, optionalNumber(status->mode));
        return true;
    }
    case TimelineDecoder::Cgev: {
        const QStringView body = notificationBody(input.text, m_prompt);
        if (!body.startsWith(u"+CGEV:"))
            return false;
        const auto event = AtResponse::cgev(body);
        if (!event)
            return false;
        fields.emplace_back(u"kind"_s, cgevKindId(event->kind));
        fields.emplace_back(u"cid"_s, optionalNumber(event->cid));
        fields.emplace_back(u"network"_s, event->byNetwork ? u"1"_s : u"0"_s);
        fields.emplace_back(u"text"_s, event->text);
        return true;
    }
    case TimelineDecoder::Cfun: {
        const auto mode = findFunctionalMode(notificationBody(input.text, m_prompt));
        if (!mode)
            return false;
        fields.emplace_back(u"mode"_s, QString::number(*mode));
        return true;
    }
    case TimelineDecoder::AttestationToken: {
        const auto token = findToken(notificationBody(input.text, m_prompt));
        if (!token)
            return false;
        fields.emplace_back(u"token"_s, token->text);
        fields.emplace_back(u"uuid"_s, AttestationToken::uuidText(token->deviceUuid));
        fields.emplace_back(u"deviceType"_s, QString::number(token->deviceType));
        fields.emplace_back(u"modemFirmwareUuid"_s,
                            AttestationToken::uuidText(token->modemFirmwareUuid));
        return true;
    }
    }
    return false;
}

void TimelineEngine::fireRecordRules(TimelineDecoder decoder, const Origin &origin,
                                     const Fields &fields) {
    for (const quint16 index : m_rules->recordRules(decoder)) {
        const TimelineRule &rule = m_rules->rules()[index];
        const bool accepted =
            std::all_of(rule.where.begin(), rule.where.end(), [&](const auto &condition) {
                const QString *value = findField(fields, condition.first);
                return value && condition.second.contains(*value);
            });
        if (accepted) {
            emitEvent(rule, origin, fields);
            return;
        }
    }
}

void TimelineEngine::emitEvent(const TimelineRule &rule, const Origin &origin,
                               const Fields &fields) {
    const TimelineStateInfo &state = m_rules->state(rule.state);
    const auto ruleIndex = size_t(&rule - m_rules->rules().data());
    const quint32 label = rule.labelIsTemplate
                              ? m_model.internLabel(TimelineRules::renderLabel(rule.label, fields))
                              : m_ruleLabels[ruleIndex];
    qint32 value = TimelineEvent::NoValue;
    if (!rule.valueField.isEmpty()) {
        if (const QString *text = findField(fields, rule.valueField)) {
            bool ok = false;
            const int number = text->toInt(&ok);
            if (ok)
                value = number;
        }
    }

    if (state.kind == TimelineEventKind::Span) {
        if (const TimelineEvent *open = m_model.openSpan(rule.lane)) {
            if (open->state == rule.state) {
                // The same state said again, often in other words: keep one span and take the
                // new wording, unless it only shortens the old one ("PDN up" after
                // "PDN up (context 0)").
                if (m_model.label(*open).startsWith(m_model.label(label)))
                    return;
                m_model.refineOpenSpan(rule.lane, label, value);
                if (m_outcomeSequence == open->sequence)
                    m_summary.provisioningDetail = m_model.label(label);
                return;
            }
            if (std::find(state.ignoredDuring.begin(), state.ignoredDuring.end(), open->state) !=
                state.ignoredDuring.end()) {
                return;
            }
        }
    }

    TimelineEvent event;
    event.timeMs = origin.moment.timeMs;
    event.uptimeUs = origin.uptimeUs;
    event.line = origin.line;
    event.value = value;
    event.label = label;
    event.segment = m_segment;
    event.state = rule.state;
    event.lane = rule.lane;
    event.flags = origin.moment.flags;
    if (state.kind == TimelineEventKind::Span)
        event.flags |= TimelineEvent::SpanFlag;
    event.sequence = m_model.append(event);

    if (rule.decoder == TimelineDecoder::AttestationToken) {
        if (const QString *token = findField(fields, u"token"))
            m_summary.attestationToken = *token;
    }
    applyEffects(state, event);
}

void TimelineEngine::applyEffects(const TimelineStateInfo &state, const TimelineEvent &event) {
    // A notification without uptime stamp: derived from its host time when this boot's uptime
    // is anchored to the host clock, else the last uptime seen.
    const auto uptimeOf = [this](const TimelineEvent &e) -> std::optional<qint64> {
        if (e.hasUptime())
            return e.uptimeUs;
        if (m_offsetMs && m_offsetFromHost && (e.flags & TimelineEvent::HostClock))
            return std::max<qint64>(0, e.timeMs - *m_offsetMs) * 1000;
        return m_segmentUptimeUs;
    };
    switch (state.lte) {
    case TimelineStateInfo::LteEffect::Up:
        if (m_lte != Lte::Up) {
            ++m_summary.lteUpCount;
            if (!m_summary.firstLteUpTimeMs) {
                m_summary.firstLteUpTimeMs = event.timeMs;
                m_summary.firstLteUpUptimeUs = uptimeOf(event);
            }
        }
        m_lte = Lte::Up;
        break;
    case TimelineStateInfo::LteEffect::Down:
        if (m_lte == Lte::Up)
            ++m_summary.lteDownCount;
        m_lte = Lte::Down;
        break;
    case TimelineStateInfo::LteEffect::None:
        break;
    }

    switch (state.cloud) {
    case TimelineStateInfo::CloudEffect::Connected:
        m_summary.cloudConnected = true;
        if (!m_summary.firstCloudConnectedTimeMs) {
            m_summary.firstCloudConnectedTimeMs = event.timeMs;
            m_summary.firstCloudConnectedUptimeUs = uptimeOf(event);
            const auto start = m_firstBootMs ? m_firstBootMs : m_firstClockMs;
            if (event.hasClock() && start)
                m_summary.timeToCloudMs = event.timeMs - *start;
        }
        // ATT only connects once provisioning has ended; at info level the end itself is
        // silent when commands were processed.
        if (m_attemptOpen && !m_attemptEnded && m_attemptProcessed) {
            m_summary.provisioning = ProvisioningOutcome::Done;
            m_summary.provisioningDetail = u"commands processed, then connected to nRF Cloud"_s;
            m_attemptEnded = true;
            const auto done = m_rules->stateIndex(TimelineLane::Provisioning, u"done");
            m_attemptPriority = done ? m_rules->state(*done).priority : 0;
            m_outcomeSequence.reset();
        }
        break;
    case TimelineStateInfo::CloudEffect::Disconnected:
        m_summary.cloudConnected = false;
        break;
    case TimelineStateInfo::CloudEffect::None:
        break;
    }

    if (state.backoff) {
        ++m_summary.backoffs;
        if (event.hasValue())
            m_summary.backoffSeconds += event.value;
    }
    if (state.outcome != ProvisioningOutcome::None)
        noteProvisioning(state, event);
}

void TimelineEngine::noteProvisioning(const TimelineStateInfo &state, const TimelineEvent &event) {
    const auto openAttempt = [this] {
        ++m_summary.provisioningAttempts;
        m_attemptOpen = true;
        m_attemptEnded = false;
        m_attemptProcessed = false;
        m_attemptPriority = 0;
    };
    if (state.outcome == ProvisioningOutcome::InProgress) {
        if (!m_attemptOpen || m_attemptEnded)
            openAttempt();
        if (state.processesCommands)
            m_attemptProcessed = true;
        m_summary.provisioning = ProvisioningOutcome::InProgress;
        m_summary.provisioningDetail = m_model.label(event);
        m_outcomeSequence = event.sequence;
        return;
    }
    if (!m_attemptOpen)
        openAttempt();
    if (m_attemptEnded && state.priority < m_attemptPriority)
        return; // a consequence of the ending already recorded ("failed" after "not claimed")
    ProvisioningOutcome outcome = state.outcome;
    if (state.endOfCommands)
        outcome = m_attemptProcessed ? ProvisioningOutcome::Done : ProvisioningOutcome::NoCommands;
    m_attemptEnded = true;
    m_attemptPriority = state.priority;
    m_summary.provisioning = outcome;
    m_summary.provisioningDetail = m_model.label(event);
    m_outcomeSequence = event.sequence;
}

void TimelineEngine::interruptProvisioning(const QString &reason) {
    m_summary.provisioning = ProvisioningOutcome::Failed;
    m_summary.provisioningDetail = reason;
    m_attemptEnded = true;
    m_outcomeSequence.reset();
}

std::expected<void, QString> TimelineEngine::addCloudEvent(qint64 hostTimeMs, QStringView state,
                                                           const QString &label,
                                                           std::optional<qint32> value) {
    const auto index = m_rules->stateIndex(TimelineLane::CloudApi, state);
    if (!index) {
        return std::unexpected(u"the rule table has no cloudApi state '"_s + state.toString() +
                               u"'"_s);
    }
    const TimelineStateInfo &info = m_rules->state(*index);
    TimelineEvent event;
    event.timeMs = hostTimeMs;
    event.lane = TimelineLane::CloudApi;
    event.state = *index;
    event.label = m_model.internLabel(label.isEmpty() ? info.label : label);
    event.value = value.value_or(TimelineEvent::NoValue);
    event.segment = m_segment;
    event.flags = TimelineEvent::HostClock;
    if (info.kind == TimelineEventKind::Span)
        event.flags |= TimelineEvent::SpanFlag;
    m_model.insert(event);
    return {};
}

} // namespace ps::core
