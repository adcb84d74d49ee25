#include "core/timeline/TimelineExport.h"

#include "TimelineTestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace ps::core;
using namespace ps::core::test;
using namespace Qt::StringLiterals;

TEST(TimelineExport, WritesOneJsonDocumentWithTheSummaryAndEveryEvent) {
    TimelineEngine engine;
    feedBytes(engine, readTestData(u"logs/timeline/unclaimed-token.log"_s));
    QString text;
    QTextStream out(&text);
    TimelineExport::writeJson(out, engine.model(), engine.summary());
    out.flush();
    QJsonParseError error;
    const QJsonObject root = QJsonDocument::fromJson(text.toUtf8(), &error).object();
    ASSERT_EQ(error.error, QJsonParseError::NoError) << error.errorString().toStdString();

    const QJsonObject summary = root.value(u"summary"_s).toObject();
    for (const QString &key : TimelineExport::summaryKeys())
        EXPECT_TRUE(summary.contains(key)) << key.toStdString();
    EXPECT_EQ(summary.value(u"provisioning"_s).toString(), u"not-claimed"_s);
    EXPECT_EQ(summary.value(u"reboots"_s).toInt(), 1);
    EXPECT_TRUE(summary.value(u"firstCloudConnectedAt"_s).isNull());
    EXPECT_DOUBLE_EQ(summary.value(u"firstLteUpAt"_s).toDouble(), 5.268859);
    EXPECT_EQ(summary.value(u"attestationToken"_s).toString(), engine.summary().attestationToken);

    const QJsonArray events = root.value(u"events"_s).toArray();
    ASSERT_EQ(events.size(), engine.model().eventCount());
    const QJsonObject first = events.first().toObject();
    EXPECT_EQ(first.value(u"lane"_s).toString(), u"device"_s);
    EXPECT_EQ(first.value(u"state"_s).toString(), u"boot"_s);
    EXPECT_EQ(first.value(u"line"_s).toInt(), 1);
    EXPECT_TRUE(first.value(u"deviceTime"_s).isNull());
    EXPECT_TRUE(first.value(u"hostTime"_s).isNull());
    int previousLine = 0;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        for (const char *key : {"lane", "state", "kind", "label", "line", "deviceTime"})
            EXPECT_TRUE(event.contains(QLatin1StringView(key))) << key;
        EXPECT_GE(event.value(u"line"_s).toInt(), previousLine);
        previousLine = event.value(u"line"_s).toInt();
    }
    const auto backoff = std::find_if(events.begin(), events.end(), [](const QJsonValue &v) {
        return v.toObject().value(u"state"_s).toString() == u"backoff";
    });
    ASSERT_NE(backoff, events.end());
    EXPECT_EQ(backoff->toObject().value(u"value"_s).toInt(), 60);
    EXPECT_DOUBLE_EQ(backoff->toObject().value(u"deviceTime"_s).toDouble(), 7.3026);
}

TEST(TimelineExport, WritesCsvWithQuotedLabelsAndOneRowPerEvent) {
    TimelineEngine engine;
    feedBytes(engine, readTestData(u"logs/timeline/host-timestamped.log"_s));
    QString text;
    QTextStream out(&text);
    TimelineExport::writeCsv(out, engine.model());
    out.flush();
    const QStringList rows = text.split(u'\n', Qt::SkipEmptyParts);
    ASSERT_EQ(rows.size(), engine.model().eventCount() + 1);
    EXPECT_EQ(rows.first(), u"line,deviceTime,hostTime,lane,state,kind,label,value,duration"_s);
    EXPECT_TRUE(rows.contains(u"7,,2026-11-26T10:15:07.924Z,lte,registered,span,\"LTE registered, "
                              u"home network, cell 01234567, TAC 1A2B\",1,0.067"_s))
        << text.toStdString();
    EXPECT_TRUE(rows.contains(
        u"4,0.251342,2026-11-26T10:15:03.374Z,device,started,point,Asset Tracker Template started,,"_s))
        << text.toStdString();
}
