#include "core/timeline/TimelineRules.h"

#include "TimelineTestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace ps::core;
using namespace Qt::StringLiterals;

namespace {

// A minimal valid table with one state and the given rule; `extra` is merged into the rule.
QByteArray tableWithRule(const QJsonObject &extra, const QJsonObject &stateExtra = {}) {
    QJsonObject state{{u"lane"_s, u"cloud"_s}, {u"id"_s, u"connected"_s}, {u"kind"_s, u"span"_s}};
    for (auto it = stateExtra.begin(); it != stateExtra.end(); ++it)
        state.insert(it.key(), it.value());
    QJsonObject rule{{u"lane"_s, u"cloud"_s}, {u"state"_s, u"connected"_s}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        rule.insert(it.key(), it.value());
    const QJsonObject root{{u"format"_s, u"provstation-timeline-rules"_s},
                           {u"version"_s, 1},
                           {u"states"_s, QJsonArray{state}},
                           {u"rules"_s, QJsonArray{rule}}};
    return QJsonDocument(root).toJson();
}

struct BadTable {
    const char *name;
    QByteArray json;
    const char *expectedInError;
};

void PrintTo(const BadTable &c, std::ostream *os) {
    *os << c.name;
}

class TimelineRulesRejects : public ::testing::TestWithParam<BadTable> {};

} // namespace

TEST(TimelineRules, TheBuiltInTableLoadsWithRulesForEveryDeviceLane) {
    const auto rules = TimelineRules::builtin();
    ASSERT_TRUE(rules);
    EXPECT_EQ(rules->version(), 1);
    EXPECT_FALSE(rules->rules().empty());
    EXPECT_GT(rules->matcher().stateCount(), 100);
    for (const TimelineLane lane : {TimelineLane::Device, TimelineLane::Lte, TimelineLane::Modem,
                                    TimelineLane::Provisioning, TimelineLane::Cloud}) {
        const auto &all = rules->rules();
        EXPECT_TRUE(std::any_of(all.begin(), all.end(), [lane](const TimelineRule &rule) {
            return rule.lane == lane;
        })) << timelineLaneId(lane).toStdString();
    }
    EXPECT_EQ(rules->laneLabel(TimelineLane::CloudApi), u"nRF Cloud API"_s);
    // Every state the summary depends on exists.
    for (const auto &[lane, id] : {std::pair{TimelineLane::Provisioning, u"done"},
                                   {TimelineLane::Provisioning, u"failed"},
                                   {TimelineLane::Provisioning, u"not-claimed"},
                                   {TimelineLane::Cloud, u"connected"},
                                   {TimelineLane::Cloud, u"backoff"},
                                   {TimelineLane::Lte, u"pdn-up"},
                                   {TimelineLane::CloudApi, u"claimed"},
                                   {TimelineLane::CloudApi, u"command-created"}}) {
        EXPECT_TRUE(rules->stateIndex(lane, id)) << QStringView(id).toString().toStdString();
    }
}

TEST(TimelineRules, TheBuiltInTableIsTheResourceFileAndFromFileReadsTheSame) {
    QFile resource(TimelineRules::builtinPath());
    ASSERT_TRUE(resource.open(QIODevice::ReadOnly));
    QTemporaryDir dir;
    const QString path = dir.filePath(u"rules.json"_s);
    QFile copy(path);
    ASSERT_TRUE(copy.open(QIODevice::WriteOnly));
    copy.write(resource.readAll());
    copy.close();
    const auto rules = TimelineRules::fromFile(path);
    ASSERT_TRUE(rules.has_value()) << rules.error().toStdString();
    EXPECT_EQ((*rules)->rules().size(), TimelineRules::builtin()->rules().size());
    EXPECT_EQ((*rules)->states().size(), TimelineRules::builtin()->states().size());
}

TEST(TimelineRules, FromFileNamesAFileThatCannotBeRead) {
    const auto rules = TimelineRules::fromFile(u"/nonexistent/rules.json"_s);
    ASSERT_FALSE(rules.has_value());
    EXPECT_TRUE(rules.error().contains(u"/nonexistent/rules.json"_s))
        << rules.error().toStdString();
}

TEST(TimelineRules, ADefaultAnchorIsTheLongestLiteralTheMessageMustContain) {
    const auto rules = TimelineRules::parse(tableWithRule(
        QJsonObject{{u"contains"_s, QJsonArray{u"Connected"_s, u"to nRF Cloud CoAP"_s}}}));
    ASSERT_TRUE(rules.has_value()) << rules.error().toStdString();
    EXPECT_EQ((*rules)->rules().front().anchors, QStringList{u"to nRF Cloud CoAP"_s});
}

TEST(TimelineRules, DecodersBringTheirOwnAnchors) {
    QJsonObject state{{u"lane"_s, u"lte"_s}, {u"id"_s, u"registered"_s}};
    QJsonObject rule{{u"lane"_s, u"lte"_s},
                     {u"state"_s, u"registered"_s},
                     {u"decoder"_s, u"cereg"_s},
                     {u"where"_s, QJsonObject{{u"stat"_s, 1}}}};
    const QJsonObject root{{u"format"_s, u"provstation-timeline-rules"_s},
                           {u"version"_s, 1},
                           {u"states"_s, QJsonArray{state}},
                           {u"rules"_s, QJsonArray{rule}}};
    const auto rules = TimelineRules::parse(QJsonDocument(root).toJson());
    ASSERT_TRUE(rules.has_value()) << rules.error().toStdString();
    const TimelineRule &compiled = (*rules)->rules().front();
    EXPECT_EQ(compiled.anchors, QStringList{u"+CEREG:"_s});
    EXPECT_EQ(compiled.source, TimelineRule::Source::Any);
    EXPECT_EQ(compiled.valueField, u"stat"_s);
    ASSERT_EQ(compiled.where.size(), 1u);
    EXPECT_EQ(compiled.where.front().second, QStringList{u"1"_s});
}

TEST_P(TimelineRulesRejects, WithAMessageThatNamesTheProblem) {
    const BadTable &c = GetParam();
    const auto rules = TimelineRules::parse(c.json);
    ASSERT_FALSE(rules.has_value()) << c.name;
    EXPECT_TRUE(rules.error().contains(QLatin1StringView(c.expectedInError)))
        << "error: " << rules.error().toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    BadTables, TimelineRulesRejects,
    ::testing::Values(
        BadTable{"not_json", "{\"format\": ", "not valid JSON"},
        BadTable{"wrong_format", R"({"format": "something", "version": 1})", "'format' must be"},
        BadTable{"future_version", R"({"format": "provstation-timeline-rules", "version": 2})",
                 "version 2 is not supported"},
        BadTable{"unknown_state",
                 tableWithRule(QJsonObject{{u"state"_s, u"conected"_s}, {u"contains"_s, u"x"_s}}),
                 "unknown state 'conected' in lane 'cloud'"},
        BadTable{"unknown_rule_key", tableWithRule(QJsonObject{{u"contain"_s, u"x"_s}}),
                 "unknown key 'contain'"},
        BadTable{"no_anchor", tableWithRule(QJsonObject{{u"regex"_s, u"Conn.*"_s}}),
                 "needs 'contains', 'equals' or an 'anchor'"},
        BadTable{"bad_regex",
                 tableWithRule(QJsonObject{{u"regex"_s, u"(unclosed"_s}, {u"anchor"_s, u"x"_s}}),
                 "regex does not compile"},
        BadTable{"unknown_decoder", tableWithRule(QJsonObject{{u"decoder"_s, u"cereg2"_s}}),
                 "unknown decoder"},
        BadTable{
            "label_field_missing",
            tableWithRule(QJsonObject{{u"contains"_s, u"x"_s}, {u"label"_s, u"{seconds} s"_s}}),
            "label uses field 'seconds'"},
        BadTable{
            "label_unbalanced",
            tableWithRule(QJsonObject{{u"contains"_s, u"x"_s}, {u"label"_s, u"[a {message}"_s}}),
            "unbalanced"},
        BadTable{
            "label_unknown_format",
            tableWithRule(QJsonObject{{u"contains"_s, u"x"_s}, {u"label"_s, u"{message:upper}"_s}}),
            "unknown label format 'upper'"},
        BadTable{"where_unknown_field",
                 tableWithRule(QJsonObject{{u"contains"_s, u"x"_s},
                                           {u"where"_s, QJsonObject{{u"stat"_s, 1}}}}),
                 "'where' uses field 'stat'"},
        BadTable{"record_decoder_with_text",
                 tableWithRule(QJsonObject{{u"decoder"_s, u"boot"_s}, {u"contains"_s, u"x"_s}}),
                 "takes no text match"},
        BadTable{"outcome_outside_provisioning",
                 tableWithRule(QJsonObject{{u"contains"_s, u"x"_s}},
                               QJsonObject{{u"outcome"_s, u"done"_s}}),
                 "only provisioning states"},
        BadTable{"bad_level",
                 tableWithRule(QJsonObject{{u"contains"_s, u"x"_s},
                                           {u"levels"_s, QJsonArray{u"info"_s}}}),
                 "unknown level 'info'"},
        BadTable{"ignored_during_unknown",
                 tableWithRule(QJsonObject{{u"contains"_s, u"x"_s}},
                               QJsonObject{{u"ignoredDuring"_s, QJsonArray{u"nope"_s}}}),
                 "'ignoredDuring' names unknown state 'nope'"}),
    [](const auto &p) { return std::string(p.param.name); });

TEST(TimelineRules, RendersLabelTemplatesWithFormatsAndOptionalParts) {
    const std::vector<std::pair<QString, QString>> fields{{u"stat"_s, u"5"_s},
                                                          {u"cell"_s, u"0123ABCD"_s},
                                                          {u"tac"_s, QString()},
                                                          {u"type"_s, u"1"_s},
                                                          {u"code"_s, u"518"_s}};
    EXPECT_EQ(TimelineRules::renderLabel(u"LTE {stat:cereg}[, cell {cell}][, TAC {tac}]", fields),
              u"LTE registered, roaming, cell 0123ABCD"_s);
    EXPECT_EQ(TimelineRules::renderLabel(u"Write {type:credentialType}", fields),
              u"Write client certificate"_s);
    EXPECT_EQ(TimelineRules::renderLabel(u"{code:cme}", fields),
              u"not allowed while the modem is active"_s);
    EXPECT_EQ(TimelineRules::renderLabel(u"[x {missing}]plain", fields), u"plain"_s);
    EXPECT_EQ(TimelineRules::renderLabel(u"no placeholders", fields), u"no placeholders"_s);
}
