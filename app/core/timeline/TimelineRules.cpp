#include "TimelineRules.h"

#include "core/AtResponse.h"
#include "core/AttestationToken.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace ps::core {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array<QStringView, TimelineLaneCount> LaneIds = {
    u"device", u"lte", u"modem", u"provisioning", u"cloud", u"cloudApi"};

std::unexpected<QString> fail(QString message) {
    return std::unexpected(std::move(message));
}

// A JSON value that may be one string or an array of strings.
std::optional<QStringList> stringList(const QJsonValue &value) {
    if (value.isString())
        return QStringList{value.toString()};
    if (!value.isArray())
        return std::nullopt;
    QStringList list;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            return std::nullopt;
        list.append(item.toString());
    }
    return list;
}

// Numbers and strings of a `where` list, as the text a field holds.
std::optional<QStringList> valueList(const QJsonValue &value) {
    const QJsonArray array = value.isArray() ? value.toArray() : QJsonArray{value};
    QStringList list;
    for (const QJsonValue &item : array) {
        if (item.isString())
            list.append(item.toString());
        else if (item.isDouble())
            list.append(QString::number(qint64(item.toDouble())));
        else
            return std::nullopt;
    }
    return list;
}

std::optional<QString> unknownKey(const QJsonObject &object,
                                  std::initializer_list<QStringView> known) {
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (std::find(known.begin(), known.end(), QStringView(it.key())) == known.end())
            return it.key();
    }
    return std::nullopt;
}

std::optional<TimelineDecoder> decoderFromId(QStringView id) {
    if (id == u"cereg")
        return TimelineDecoder::Cereg;
    if (id == u"cgev")
        return TimelineDecoder::Cgev;
    if (id == u"cfun")
        return TimelineDecoder::Cfun;
    if (id == u"attestationToken")
        return TimelineDecoder::AttestationToken;
    if (id == u"boot")
        return TimelineDecoder::Boot;
    if (id == u"reboot")
        return TimelineDecoder::Reboot;
    if (id == u"dropped")
        return TimelineDecoder::Dropped;
    return std::nullopt;
}

// Anchors a decoder brings along: the prefixes of the notification it reads.
QStringList decoderAnchors(TimelineDecoder decoder) {
    switch (decoder) {
    case TimelineDecoder::Cereg:
        return {u"+CEREG:"_s};
    case TimelineDecoder::Cgev:
        return {u"+CGEV:"_s};
    case TimelineDecoder::Cfun:
        return {u"+CFUN:"_s, u"+CFUN="_s};
    case TimelineDecoder::AttestationToken:
        // A device identity token's part 1 always starts d9 d9 f7 85 01 50 (PROTOCOL §4).
        return {u"2dn3hQFQ"_s, u"%ATTESTTOKEN:"_s};
    default:
        return {};
    }
}

// Fields each decoder provides, for checking templates and `where` at load time.
QStringList decoderFields(TimelineDecoder decoder) {
    switch (decoder) {
    case TimelineDecoder::Cereg:
        return {u"stat"_s,      u"tac"_s,         u"cell"_s, u"act"_s,
                u"causeType"_s, u"rejectCause"_s, u"mode"_s};
    case TimelineDecoder::Cgev:
        return {u"kind"_s, u"cid"_s, u"network"_s, u"text"_s};
    case TimelineDecoder::Cfun:
        return {u"mode"_s};
    case TimelineDecoder::AttestationToken:
        return {u"token"_s, u"uuid"_s, u"deviceType"_s, u"modemFirmwareUuid"_s};
    case TimelineDecoder::Boot:
        return {u"name"_s, u"version"_s, u"commit"_s, u"firmware"_s};
    case TimelineDecoder::Reboot:
        return {u"uptime"_s};
    case TimelineDecoder::Dropped:
        return {u"count"_s};
    case TimelineDecoder::None:
        break;
    }
    return {};
}

QString defaultValueField(TimelineDecoder decoder) {
    switch (decoder) {
    case TimelineDecoder::Cereg:
        return u"stat"_s;
    case TimelineDecoder::Cfun:
        return u"mode"_s;
    case TimelineDecoder::Dropped:
        return u"count"_s;
    default:
        return {};
    }
}

// Placeholders of a label template; nullopt when braces or brackets do not pair up.
std::optional<std::vector<std::pair<QString, QString>>> placeholders(QStringView text) {
    std::vector<std::pair<QString, QString>> out;
    bool inOptional = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c == u'[') {
            if (inOptional)
                return std::nullopt;
            inOptional = true;
        } else if (c == u']') {
            if (!inOptional)
                return std::nullopt;
            inOptional = false;
        } else if (c == u'{') {
            const qsizetype close = text.indexOf(u'}', i + 1);
            if (close < 0)
                return std::nullopt;
            const QStringView inner = text.sliced(i + 1, close - i - 1);
            const qsizetype colon = inner.indexOf(u':');
            const QStringView name = colon < 0 ? inner : inner.first(colon);
            if (name.isEmpty() || name.contains(u'{'))
                return std::nullopt;
            out.emplace_back(name.toString(),
                             colon < 0 ? QString() : inner.sliced(colon + 1).toString());
            i = close;
        } else if (c == u'}') {
            return std::nullopt;
        }
    }
    if (inOptional)
        return std::nullopt;
    return out;
}

QString formatField(QStringView format, const QString &value) {
    bool ok = false;
    const int number = value.toInt(&ok);
    if (!ok)
        return value;
    if (format == u"cereg")
        return CeregStatus::statName(number);
    if (format == u"cfun")
        return AtResponse::functionalModeName(number);
    if (format == u"credentialType")
        return AtResponse::credentialTypeName(number);
    if (format == u"cme")
        return AtResponse::cmeErrorText(number);
    if (format == u"deviceType")
        return AttestationToken::deviceTypeName(number);
    return value;
}

const QString *findField(const std::vector<std::pair<QString, QString>> &fields, QStringView name) {
    for (const auto &[key, value] : fields) {
        if (key == name)
            return &value;
    }
    return nullptr;
}

struct StateParse {
    TimelineStateInfo info;
    QStringList ignoredDuring;
};

std::expected<StateParse, QString> parseState(const QJsonObject &object, const QString &where) {
    if (const auto key = unknownKey(object, {u"lane", u"id", u"label", u"kind", u"color", u"lte",
                                             u"cloud", u"backoff", u"outcome", u"priority",
                                             u"processesCommands", u"ignoredDuring", u"comment"})) {
        return fail(where + u": unknown key '"_s + *key + u"'"_s);
    }
    StateParse parsed;
    TimelineStateInfo &info = parsed.info;
    const auto lane = timelineLaneFromId(object.value(u"lane"_s).toString());
    if (!lane)
        return fail(where + u": 'lane' must be one of device, lte, modem, provisioning, cloud, "_s
                            u"cloudApi"_s);
    info.lane = *lane;
    info.id = object.value(u"id"_s).toString();
    if (info.id.isEmpty())
        return fail(where + u": 'id' is missing"_s);
    info.label = object.value(u"label"_s).toString(info.id);
    const QString kind = object.value(u"kind"_s).toString(u"span"_s);
    if (kind == u"span")
        info.kind = TimelineEventKind::Span;
    else if (kind == u"point")
        info.kind = TimelineEventKind::Point;
    else
        return fail(where + u": 'kind' must be \"span\" or \"point\""_s);
    info.color = object.value(u"color"_s).toString();
    if (object.contains(u"lte"_s)) {
        const QString lte = object.value(u"lte"_s).toString();
        if (lte == u"up")
            info.lte = TimelineStateInfo::LteEffect::Up;
        else if (lte == u"down")
            info.lte = TimelineStateInfo::LteEffect::Down;
        else
            return fail(where + u": 'lte' must be \"up\" or \"down\""_s);
    }
    if (object.contains(u"cloud"_s)) {
        const QString cloud = object.value(u"cloud"_s).toString();
        if (cloud == u"connected")
            info.cloud = TimelineStateInfo::CloudEffect::Connected;
        else if (cloud == u"disconnected")
            info.cloud = TimelineStateInfo::CloudEffect::Disconnected;
        else
            return fail(where + u": 'cloud' must be \"connected\" or \"disconnected\""_s);
    }
    info.backoff = object.value(u"backoff"_s).toBool(false);
    if (object.contains(u"outcome"_s)) {
        const QString outcome = object.value(u"outcome"_s).toString();
        if (outcome == u"end-of-commands") {
            info.outcome = ProvisioningOutcome::Done;
            info.endOfCommands = true;
        } else if (const auto parsedOutcome = provisioningOutcomeFromId(outcome);
                   parsedOutcome && *parsedOutcome != ProvisioningOutcome::None) {
            info.outcome = *parsedOutcome;
        } else {
            return fail(where + u": 'outcome' must be in-progress, done, no-commands, "_s
                                u"not-claimed, failed or end-of-commands"_s);
        }
    }
    info.priority = object.value(u"priority"_s).toInt(0);
    info.processesCommands = object.value(u"processesCommands"_s).toBool(false);
    if (object.contains(u"ignoredDuring"_s)) {
        const auto list = stringList(object.value(u"ignoredDuring"_s));
        if (!list)
            return fail(where + u": 'ignoredDuring' must be a list of state ids"_s);
        parsed.ignoredDuring = *list;
    }
    return parsed;
}

} // namespace

QString timelineLaneId(TimelineLane lane) {
    return LaneIds[size_t(lane)].toString();
}

std::optional<TimelineLane> timelineLaneFromId(QStringView id) {
    for (size_t i = 0; i < LaneIds.size(); ++i) {
        if (LaneIds[i] == id)
            return TimelineLane(i);
    }
    return std::nullopt;
}

QString provisioningOutcomeId(ProvisioningOutcome outcome) {
    switch (outcome) {
    case ProvisioningOutcome::None:
        return u"none"_s;
    case ProvisioningOutcome::InProgress:
        return u"in-progress"_s;
    case ProvisioningOutcome::Done:
        return u"done"_s;
    case ProvisioningOutcome::NoCommands:
        return u"no-commands"_s;
    case ProvisioningOutcome::NotClaimed:
        return u"not-claimed"_s;
    case ProvisioningOutcome::Failed:
        return u"failed"_s;
    }
    return u"none"_s;
}

std::optional<ProvisioningOutcome> provisioningOutcomeFromId(QStringView id) {
    for (const auto outcome : {ProvisioningOutcome::None, ProvisioningOutcome::InProgress,
                               ProvisioningOutcome::Done, ProvisioningOutcome::NoCommands,
                               ProvisioningOutcome::NotClaimed, ProvisioningOutcome::Failed}) {
        if (provisioningOutcomeId(outcome) == id)
            return outcome;
    }
    return std::nullopt;
}

std::optional<quint16> TimelineRules::stateIndex(TimelineLane lane, QStringView id) const {
    for (size_t i = 0; i < m_states.size(); ++i) {
        if (m_states[i].lane == lane && m_states[i].id == id)
            return quint16(i);
    }
    return std::nullopt;
}

bool TimelineRules::isKnownFormat(QStringView format) {
    return format.isEmpty() || format == u"cereg" || format == u"cfun" ||
           format == u"credentialType" || format == u"cme" || format == u"deviceType";
}

QString TimelineRules::renderLabel(QStringView labelTemplate,
                                   const std::vector<std::pair<QString, QString>> &fields) {
    QString out;
    out.reserve(labelTemplate.size() + 16);
    qsizetype optionalStart = -1; // where the open `[` part begins in `out`
    bool optionalEmpty = false;
    for (qsizetype i = 0; i < labelTemplate.size(); ++i) {
        const QChar c = labelTemplate[i];
        if (c == u'[') {
            optionalStart = out.size();
            optionalEmpty = false;
        } else if (c == u']') {
            if (optionalStart >= 0 && optionalEmpty)
                out.truncate(optionalStart);
            optionalStart = -1;
        } else if (c == u'{') {
            const qsizetype close = labelTemplate.indexOf(u'}', i + 1);
            if (close < 0) {
                out.append(labelTemplate.sliced(i));
                break;
            }
            const QStringView inner = labelTemplate.sliced(i + 1, close - i - 1);
            const qsizetype colon = inner.indexOf(u':');
            const QStringView name = colon < 0 ? inner : inner.first(colon);
            const QString *value = findField(fields, name);
            if (!value || value->isEmpty()) {
                optionalEmpty = true;
            } else {
                out.append(colon < 0 ? *value : formatField(inner.sliced(colon + 1), *value));
            }
            i = close;
        } else {
            out.append(c);
        }
    }
    return out;
}

std::expected<std::shared_ptr<const TimelineRules>, QString>
TimelineRules::parse(QByteArrayView json) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError) {
        return fail(u"rule table is not valid JSON at offset "_s + QString::number(error.offset) +
                    u": "_s + error.errorString());
    }
    if (!document.isObject())
        return fail(u"rule table: the top level must be an object"_s);
    const QJsonObject root = document.object();
    if (const auto key = unknownKey(
            root, {u"format", u"version", u"name", u"about", u"lanes", u"states", u"rules"})) {
        return fail(u"rule table: unknown top-level key '"_s + *key + u"'"_s);
    }
    if (root.value(u"format"_s).toString() != Format)
        return fail(u"rule table: 'format' must be \""_s + Format + u"\""_s);
    const int version = root.value(u"version"_s).toInt(-1);
    if (version != SupportedVersion) {
        return fail(u"rule table: version "_s + QString::number(version) +
                    u" is not supported (this program reads version "_s +
                    QString::number(SupportedVersion) + u")"_s);
    }

    auto rules = std::shared_ptr<TimelineRules>(new TimelineRules);
    rules->m_version = version;
    rules->m_name = root.value(u"name"_s).toString();
    for (size_t i = 0; i < LaneIds.size(); ++i)
        rules->m_laneLabels[i] = LaneIds[i].toString();
    const QJsonArray lanes = root.value(u"lanes"_s).toArray();
    for (qsizetype i = 0; i < lanes.size(); ++i) {
        const QJsonObject lane = lanes.at(i).toObject();
        const auto id = timelineLaneFromId(lane.value(u"id"_s).toString());
        if (!id)
            return fail(u"lanes["_s + QString::number(i) + u"]: unknown lane id '"_s +
                        lane.value(u"id"_s).toString() + u"'"_s);
        rules->m_laneLabels[size_t(*id)] = lane.value(u"label"_s).toString(timelineLaneId(*id));
    }

    // States first: rules and ignoredDuring refer to them.
    const QJsonArray states = root.value(u"states"_s).toArray();
    std::vector<QStringList> ignoredDuring;
    for (qsizetype i = 0; i < states.size(); ++i) {
        const QString where = u"states["_s + QString::number(i) + u"]"_s;
        if (!states.at(i).isObject())
            return fail(where + u": must be an object"_s);
        auto parsed = parseState(states.at(i).toObject(), where);
        if (!parsed)
            return fail(parsed.error());
        if (rules->stateIndex(parsed->info.lane, parsed->info.id)) {
            return fail(where + u": state '"_s + parsed->info.id +
                        u"' is declared twice in lane '"_s + timelineLaneId(parsed->info.lane) +
                        u"'"_s);
        }
        if (parsed->info.outcome != ProvisioningOutcome::None &&
            parsed->info.lane != TimelineLane::Provisioning) {
            return fail(where + u": only provisioning states have an 'outcome'"_s);
        }
        rules->m_states.push_back(std::move(parsed->info));
        ignoredDuring.push_back(std::move(parsed->ignoredDuring));
    }
    if (rules->m_states.size() > 65535)
        return fail(u"rule table: too many states"_s);
    for (size_t i = 0; i < rules->m_states.size(); ++i) {
        TimelineStateInfo &state = rules->m_states[i];
        for (const QString &id : std::as_const(ignoredDuring[i])) {
            const auto index = rules->stateIndex(state.lane, id);
            if (!index) {
                return fail(u"states["_s + QString::number(i) + u"] ('"_s + state.id +
                            u"'): 'ignoredDuring' names unknown state '"_s + id + u"'"_s);
            }
            state.ignoredDuring.push_back(*index);
        }
    }

    const QJsonArray ruleArray = root.value(u"rules"_s).toArray();
    if (ruleArray.size() > 65535)
        return fail(u"rule table: too many rules"_s);
    for (qsizetype i = 0; i < ruleArray.size(); ++i) {
        const QJsonObject object = ruleArray.at(i).toObject();
        TimelineRule rule;
        rule.id = object.value(u"id"_s).toString();
        const QString where = u"rules["_s + QString::number(i) + u"]"_s +
                              (rule.id.isEmpty() ? QString() : u" ("_s + rule.id + u")"_s);
        if (!ruleArray.at(i).isObject())
            return fail(where + u": must be an object"_s);
        if (const auto key =
                unknownKey(object, {u"id", u"lane", u"state", u"label", u"source", u"continuations",
                                    u"levels", u"modules", u"decoder", u"anchor", u"contains",
                                    u"equals", u"regex", u"where", u"value", u"comment"})) {
            return fail(where + u": unknown key '"_s + *key + u"'"_s);
        }
        const auto lane = timelineLaneFromId(object.value(u"lane"_s).toString());
        if (!lane)
            return fail(where + u": 'lane' is missing or unknown"_s);
        rule.lane = *lane;
        const QString stateId = object.value(u"state"_s).toString();
        const auto state = rules->stateIndex(rule.lane, stateId);
        if (!state) {
            return fail(where + u": unknown state '"_s + stateId + u"' in lane '"_s +
                        timelineLaneId(rule.lane) + u"'"_s);
        }
        rule.state = *state;

        if (object.contains(u"decoder"_s)) {
            const auto decoder = decoderFromId(object.value(u"decoder"_s).toString());
            if (!decoder) {
                return fail(where + u": unknown decoder '"_s +
                            object.value(u"decoder"_s).toString() +
                            u"' (cereg, cgev, cfun, attestationToken, boot, reboot, dropped)"_s);
            }
            rule.decoder = *decoder;
        }
        const bool recordDecoder = rule.decoder == TimelineDecoder::Boot ||
                                   rule.decoder == TimelineDecoder::Reboot ||
                                   rule.decoder == TimelineDecoder::Dropped;

        const QString source =
            object.value(u"source"_s)
                .toString(rule.decoder == TimelineDecoder::None ? u"log"_s : u"any"_s);
        if (source == u"log")
            rule.source = TimelineRule::Source::Log;
        else if (source == u"other")
            rule.source = TimelineRule::Source::Other;
        else if (source == u"any")
            rule.source = TimelineRule::Source::Any;
        else
            return fail(where + u": 'source' must be \"log\", \"other\" or \"any\""_s);
        rule.continuations = object.value(u"continuations"_s)
                                 .toBool(rule.decoder == TimelineDecoder::AttestationToken);

        if (object.contains(u"levels"_s)) {
            const auto levels = stringList(object.value(u"levels"_s));
            if (!levels)
                return fail(where + u": 'levels' must be a list of err, wrn, inf, dbg"_s);
            for (const QString &level : *levels) {
                LogLevel parsed = LogLevel::None;
                if (level == u"err")
                    parsed = LogLevel::Error;
                else if (level == u"wrn")
                    parsed = LogLevel::Warning;
                else if (level == u"inf")
                    parsed = LogLevel::Info;
                else if (level == u"dbg")
                    parsed = LogLevel::Debug;
                else
                    return fail(where + u": unknown level '"_s + level + u"'"_s);
                rule.levelMask |= quint8(1u << quint8(parsed));
            }
        }
        if (object.contains(u"modules"_s)) {
            const auto modules = stringList(object.value(u"modules"_s));
            if (!modules || modules->isEmpty())
                return fail(where + u": 'modules' must be a list of module names"_s);
            rule.modules = *modules;
        }
        for (const auto &[key, target] :
             {std::pair{u"contains"_s, &rule.contains}, std::pair{u"anchor"_s, &rule.anchors}}) {
            if (!object.contains(key))
                continue;
            const auto list = stringList(object.value(key));
            if (!list || list->isEmpty() || list->contains(QString()))
                return fail(where + u": '"_s + key + u"' must be a string or list of strings"_s);
            *target = *list;
        }
        rule.equals = object.value(u"equals"_s).toString();
        QStringList fields = decoderFields(rule.decoder);
        fields << u"message"_s << u"module"_s;
        if (object.contains(u"regex"_s)) {
            rule.regex = QRegularExpression(object.value(u"regex"_s).toString(),
                                            QRegularExpression::CaseInsensitiveOption);
            if (!rule.regex.isValid()) {
                return fail(where + u": regex does not compile: "_s + rule.regex.errorString() +
                            u" at offset "_s + QString::number(rule.regex.patternErrorOffset()));
            }
            rule.regex.optimize();
            for (const QString &group : rule.regex.namedCaptureGroups()) {
                if (!group.isEmpty())
                    rule.regexGroups.append(group);
            }
            fields.append(rule.regexGroups);
        }

        if (recordDecoder) {
            if (!rule.anchors.isEmpty() || !rule.contains.isEmpty() || !rule.equals.isEmpty() ||
                object.contains(u"regex"_s)) {
                return fail(where + u": a '"_s + object.value(u"decoder"_s).toString() +
                            u"' rule is fired by the record kind and takes no text match"_s);
            }
        } else {
            if (rule.anchors.isEmpty())
                rule.anchors = decoderAnchors(rule.decoder);
            if (rule.anchors.isEmpty()) {
                // The longest literal the message must contain is the cheapest good anchor.
                QStringList literals = rule.contains;
                if (!rule.equals.isEmpty())
                    literals.append(rule.equals);
                for (const QString &literal : std::as_const(literals)) {
                    if (rule.anchors.isEmpty() || literal.size() > rule.anchors.first().size())
                        rule.anchors = QStringList{literal};
                }
            }
            if (rule.anchors.isEmpty()) {
                return fail(where + u": needs 'contains', 'equals' or an 'anchor' (a literal "_s
                                    u"every matching line contains)"_s);
            }
        }

        if (object.contains(u"where"_s)) {
            const QJsonObject conditions = object.value(u"where"_s).toObject();
            for (auto it = conditions.begin(); it != conditions.end(); ++it) {
                if (!fields.contains(it.key())) {
                    return fail(where + u": 'where' uses field '"_s + it.key() +
                                u"' that this rule does not have"_s);
                }
                const auto values = valueList(it.value());
                if (!values)
                    return fail(where + u": 'where' values must be numbers or strings"_s);
                rule.where.emplace_back(it.key(), *values);
            }
        }

        rule.label = object.value(u"label"_s).toString(rules->m_states[rule.state].label);
        const auto used = placeholders(rule.label);
        if (!used)
            return fail(where + u": label template has unbalanced braces or brackets"_s);
        for (const auto &[name, format] : *used) {
            if (!fields.contains(name)) {
                return fail(where + u": label uses field '"_s + name +
                            u"' that this rule does not have"_s);
            }
            if (!isKnownFormat(format))
                return fail(where + u": unknown label format '"_s + format + u"'"_s);
        }
        rule.labelIsTemplate = !used->empty();

        rule.valueField = object.value(u"value"_s).toString(defaultValueField(rule.decoder));
        if (!object.contains(u"value"_s) && rule.regexGroups.contains(u"value"_s))
            rule.valueField = u"value"_s;
        if (!rule.valueField.isEmpty() && !fields.contains(rule.valueField)) {
            return fail(where + u": 'value' names field '"_s + rule.valueField +
                        u"' that this rule does not have"_s);
        }

        const auto index = quint16(rules->m_rules.size());
        if (recordDecoder) {
            rules->m_recordRules[size_t(rule.decoder)].push_back(index);
        } else {
            for (const QString &anchor : std::as_const(rule.anchors))
                rules->m_matcher.add(anchor, index);
        }
        rules->m_rules.push_back(std::move(rule));
    }
    if (!rules->m_matcher.build())
        return fail(u"rule table: the anchors are too many or too long to compile"_s);
    return std::shared_ptr<const TimelineRules>(std::move(rules));
}

std::expected<std::shared_ptr<const TimelineRules>, QString>
TimelineRules::fromFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(u"cannot read rule table "_s + path + u": "_s + file.errorString());
    auto rules = parse(file.readAll());
    if (!rules)
        return fail(path + u": "_s + rules.error());
    return rules;
}

std::shared_ptr<const TimelineRules> TimelineRules::builtin() {
    static const std::shared_ptr<const TimelineRules> table = [] {
        auto rules = fromFile(builtinPath());
        if (!rules)
            qFatal("built-in timeline rule table: %s", qUtf8Printable(rules.error()));
        return *rules;
    }();
    return table;
}

} // namespace ps::core
