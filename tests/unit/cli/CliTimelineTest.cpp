#include "cli/CliApp.h"
#include "cli/ExitCode.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace Qt::StringLiterals;
using ps::cli::CliApp;

namespace {

struct TimelineRun {
    int status = -1;
    QString out;
    QString err;
};

TimelineRun runTimeline(const QStringList &args) {
    TimelineRun run;
    QTextStream out(&run.out);
    QTextStream err(&run.err);
    CliApp cli(out, err);
    run.status = QCoro::waitFor(cli.run(QStringList{u"timeline"_s} + args));
    return run;
}

QString capture(const QString &name) {
    return QStringLiteral(PROVSTATION_TEST_DATA) + u"/logs/timeline/"_s + name;
}

QJsonObject parseJson(const QString &text) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError) << error.errorString().toStdString();
    return document.object();
}

} // namespace

TEST(CliTimeline, PrintsTheSummaryAndEventsOfACaptureAsJson) {
    const TimelineRun run = runTimeline({capture(u"first-provisioning.log"_s), u"--json"_s});
    ASSERT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    const QJsonObject root = parseJson(run.out);
    const QJsonObject summary = root.value(u"summary"_s).toObject();
    EXPECT_EQ(summary.value(u"reboots"_s).toInt(), 1);
    EXPECT_EQ(summary.value(u"lteUpCount"_s).toInt(), 2);
    EXPECT_EQ(summary.value(u"lteDownCount"_s).toInt(), 1);
    EXPECT_DOUBLE_EQ(summary.value(u"firstLteUpAt"_s).toDouble(), 4.870002);
    EXPECT_DOUBLE_EQ(summary.value(u"firstCloudConnectedAt"_s).toDouble(), 27.8105);
    EXPECT_TRUE(summary.value(u"cloudConnected"_s).toBool());
    EXPECT_EQ(summary.value(u"provisioning"_s).toString(), u"done"_s);
    EXPECT_TRUE(summary.contains(u"attestationToken"_s));
    EXPECT_TRUE(summary.value(u"attestationToken"_s).isNull());

    const QJsonArray events = root.value(u"events"_s).toArray();
    ASSERT_FALSE(events.isEmpty());
    const auto find = [&](const QString &lane, const QString &state) {
        for (const QJsonValue &value : events) {
            const QJsonObject event = value.toObject();
            if (event.value(u"lane"_s).toString() == lane &&
                event.value(u"state"_s).toString() == state) {
                return event;
            }
        }
        return QJsonObject();
    };
    const QJsonObject detached = find(u"lte"_s, u"detached"_s);
    EXPECT_EQ(detached.value(u"line"_s).toInt(), 15);
    EXPECT_DOUBLE_EQ(detached.value(u"deviceTime"_s).toDouble(), 8.340512);
    const QJsonObject boot = find(u"device"_s, u"boot"_s);
    EXPECT_EQ(boot.value(u"line"_s).toInt(), 1);
    EXPECT_TRUE(boot.contains(u"deviceTime"_s));
    EXPECT_TRUE(boot.value(u"deviceTime"_s).isNull());
}

TEST(CliTimeline, ReportsTheTokenOfAnUnclaimedDevice) {
    const TimelineRun run = runTimeline({capture(u"unclaimed-token.log"_s), u"--json"_s});
    ASSERT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    const QJsonObject summary = parseJson(run.out).value(u"summary"_s).toObject();
    EXPECT_EQ(summary.value(u"provisioning"_s).toString(), u"not-claimed"_s);
    QFile token(QStringLiteral(PROVSTATION_TEST_DATA) + u"/tokens/valid.txt"_s);
    ASSERT_TRUE(token.open(QIODevice::ReadOnly));
    EXPECT_EQ(summary.value(u"attestationToken"_s).toString(),
              QString::fromLatin1(token.readAll()).trimmed());
    EXPECT_TRUE(summary.value(u"firstCloudConnectedAt"_s).isNull());
}

TEST(CliTimeline, PrintsCsvWithAHeaderAndOneRowPerEvent) {
    const TimelineRun json = runTimeline({capture(u"sdk-sample-http.log"_s), u"--json"_s});
    const TimelineRun csv = runTimeline({capture(u"sdk-sample-http.log"_s), u"--csv"_s});
    ASSERT_EQ(csv.status, ps::cli::Success) << csv.err.toStdString();
    const QStringList rows = csv.out.split(u'\n', Qt::SkipEmptyParts);
    ASSERT_FALSE(rows.isEmpty());
    EXPECT_EQ(rows.first(), u"line,deviceTime,hostTime,lane,state,kind,label,value,duration"_s);
    EXPECT_EQ(rows.size() - 1, parseJson(json.out).value(u"events"_s).toArray().size());
    EXPECT_TRUE(rows.contains(u"12,,,modem,credential-write,point,Write client certificate to "
                              u"sec tag 16842753,16842753,"_s))
        << csv.out.toStdString();
}

TEST(CliTimeline, PrintsAReadableSummaryByDefault) {
    const TimelineRun run = runTimeline({capture(u"no-commands.log"_s)});
    ASSERT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    EXPECT_TRUE(run.out.contains(u"provisioning          no-commands"_s)) << run.out.toStdString();
    EXPECT_TRUE(run.out.contains(u"Backoff 120 s"_s));
}

TEST(CliTimeline, StreamsALargeFileAndCountsLinesAcrossReadBoundaries) {
    // Many copies of a capture, well beyond one read: line numbers keep counting and every copy
    // gives the same events.
    QFile source(capture(u"first-provisioning.log"_s));
    ASSERT_TRUE(source.open(QIODevice::ReadOnly));
    const QByteArray once = source.readAll();
    const int linesPerCopy = int(once.count('\n'));
    QTemporaryDir dir;
    const QString path = dir.filePath(u"big.log"_s);
    QFile big(path);
    ASSERT_TRUE(big.open(QIODevice::WriteOnly));
    constexpr int Copies = 400; // about 1 MB
    for (int i = 0; i < Copies; ++i)
        big.write(once);
    big.close();

    const TimelineRun run = runTimeline({path, u"--json"_s});
    ASSERT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    const QJsonObject root = parseJson(run.out);
    EXPECT_EQ(root.value(u"summary"_s).toObject().value(u"reboots"_s).toInt(), Copies);
    const QJsonArray events = root.value(u"events"_s).toArray();
    const TimelineRun single = runTimeline({capture(u"first-provisioning.log"_s), u"--json"_s});
    const qsizetype perCopy = parseJson(single.out).value(u"events"_s).toArray().size();
    ASSERT_EQ(events.size(), perCopy * Copies);
    // The last copy's events sit at the same lines, shifted by the copies before it.
    const QJsonArray firstEvents = parseJson(single.out).value(u"events"_s).toArray();
    for (qsizetype i = 0; i < perCopy; ++i) {
        const QJsonObject expected = firstEvents.at(i).toObject();
        const QJsonObject actual = events.at((Copies - 1) * perCopy + i).toObject();
        EXPECT_EQ(actual.value(u"state"_s), expected.value(u"state"_s));
        EXPECT_EQ(actual.value(u"line"_s).toInt(),
                  expected.value(u"line"_s).toInt() + (Copies - 1) * linesPerCopy);
    }
}

TEST(CliTimeline, TakesARuleTableFromAFile) {
    QTemporaryDir dir;
    const QString rules = dir.filePath(u"rules.json"_s);
    QFile file(rules);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(R"json({"format": "provstation-timeline-rules", "version": 1,
        "states": [{"lane": "cloud", "id": "online", "cloud": "connected"}],
        "rules": [{"lane": "cloud", "state": "online", "contains": "Connected to Cloud"}]})json");
    file.close();
    const TimelineRun run =
        runTimeline({capture(u"first-provisioning.log"_s), u"--rules"_s, rules, u"--json"_s});
    ASSERT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    const QJsonObject root = parseJson(run.out);
    const QJsonArray events = root.value(u"events"_s).toArray();
    ASSERT_EQ(events.size(), 1);
    EXPECT_EQ(events.first().toObject().value(u"state"_s).toString(), u"online"_s);
    EXPECT_EQ(events.first().toObject().value(u"line"_s).toInt(), 29);
    EXPECT_EQ(root.value(u"summary"_s).toObject().value(u"provisioning"_s).toString(), u"none"_s);
}

TEST(CliTimeline, RejectsBadInputWithExitStatusTwoAndTheReason) {
    const TimelineRun missing = runTimeline({u"/nonexistent/capture.log"_s});
    EXPECT_EQ(missing.status, ps::cli::UsageError);
    EXPECT_TRUE(missing.err.contains(u"/nonexistent/capture.log"_s)) << missing.err.toStdString();

    const TimelineRun noFile = runTimeline({u"--json"_s});
    EXPECT_EQ(noFile.status, ps::cli::UsageError);
    EXPECT_TRUE(noFile.err.contains(u"usage: provstation-cli timeline"_s));

    const TimelineRun unknownOption = runTimeline({capture(u"no-commands.log"_s), u"--xml"_s});
    EXPECT_EQ(unknownOption.status, ps::cli::UsageError);
    EXPECT_TRUE(unknownOption.err.contains(u"--xml"_s));

    QTemporaryDir dir;
    const QString rules = dir.filePath(u"broken.json"_s);
    QFile file(rules);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(R"({"format": "provstation-timeline-rules", "version": 7})");
    file.close();
    const TimelineRun badRules = runTimeline({capture(u"no-commands.log"_s), u"--rules"_s, rules});
    EXPECT_EQ(badRules.status, ps::cli::UsageError);
    EXPECT_TRUE(badRules.err.contains(u"version 7 is not supported"_s))
        << badRules.err.toStdString();
    EXPECT_TRUE(badRules.out.isEmpty());
}
