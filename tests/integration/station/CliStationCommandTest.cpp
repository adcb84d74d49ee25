// provstation-cli station: the flashing station headless, as a script runs it, against the real
// provstation-cloudsim and provstation-devsim processes.
#include "StationRig.h"
#include "cli/CliApp.h"
#include "cli/ExitCode.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QTest>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace Qt::StringLiterals;

namespace ps::station::test {
namespace {

struct StationRun {
    int status = -1;
    QString out;
    QString err;
    QList<QJsonObject> lines; ///< stdout, one JSON object per line
    bool allJson = true;
    [[nodiscard]] std::string text() const {
        return QString(out + u"\n--- stderr ---\n"_s + err).toStdString();
    }
    [[nodiscard]] QList<QJsonObject> of(const QString &event) const {
        QList<QJsonObject> found;
        for (const QJsonObject &line : lines) {
            if (line.value(u"event"_s).toString() == event)
                found.push_back(line);
        }
        return found;
    }
};

StationRun runStation(StationRig &rig, const QString &bundle, const QStringList &extra = {}) {
    const QString keyFile = rig.folder() + u"/api.key"_s;
    QFile key(keyFile);
    if (key.open(QIODevice::WriteOnly))
        key.write(QByteArray(StationRig::ApiKey) + '\n');
    key.close();
    QStringList slots;
    for (int i = 0; i < rig.deviceCount(); ++i)
        slots.push_back(StationRig::slotId(i) + u'=' + rig.link(i));

    StationRun run;
    QTextStream out(&run.out);
    QTextStream err(&run.err);
    ps::cli::CliApp cli(out, err);
    const QStringList args = QStringList{u"station"_s,
                                         u"--slots"_s,
                                         slots.join(u','),
                                         u"--bundle"_s,
                                         bundle,
                                         u"--json"_s,
                                         u"--api-key-file"_s,
                                         keyFile,
                                         u"--cloud-ca"_s,
                                         rig.cloudSim().caFile(),
                                         u"--provisioning-url"_s,
                                         rig.cloudSim().provisioningUrl(),
                                         u"--api-url"_s,
                                         rig.cloudSim().apiUrl(),
                                         u"--audit-db"_s,
                                         rig.folder() + u"/audit.sqlite"_s,
                                         u"--operator"_s,
                                         u"cli-operator"_s,
                                         u"--station"_s,
                                         u"cli-station"_s} +
                             extra;
    run.status = QCoro::waitFor(cli.run(args));
    out.flush();
    err.flush();
    for (const QString &line : run.out.split(u'\n', Qt::SkipEmptyParts)) {
        const QJsonDocument document = QJsonDocument::fromJson(line.toUtf8());
        run.allJson = run.allJson && document.isObject();
        run.lines.push_back(document.object());
    }
    return run;
}

} // namespace

TEST(CliStationCommand, RunsEverySlotOnceWithAJsonLinePerEventAndASummary) {
    StationRig rig({.devices = 2});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    const StationRun run =
        runStation(rig, StationRig::demoBundle(), {u"--once"_s, u"--timeout"_s, u"90"_s});
    ASSERT_EQ(run.status, ps::cli::Success) << run.text();
    EXPECT_TRUE(run.allJson) << run.text();

    const QList<QJsonObject> stations = run.of(u"station"_s);
    ASSERT_FALSE(stations.isEmpty());
    EXPECT_EQ(stations.first().value(u"state"_s).toString(), u"started"_s);
    EXPECT_EQ(stations.first().value(u"station"_s).toString(), u"cli-station"_s);
    QSet<QString> passedSlots;
    for (const QJsonObject &attempt : run.of(u"attempt"_s)) {
        if (attempt.value(u"state"_s).toString() == u"finished") {
            EXPECT_EQ(attempt.value(u"verdict"_s).toString(), u"succeeded"_s) << run.text();
            passedSlots.insert(attempt.value(u"slot"_s).toString());
        }
    }
    EXPECT_EQ(passedSlots, (QSet<QString>{u"S1"_s, u"S2"_s}));
    EXPECT_FALSE(run.of(u"step"_s).isEmpty());
    EXPECT_FALSE(run.of(u"progress"_s).isEmpty());

    ASSERT_FALSE(run.lines.isEmpty());
    const QJsonObject summary = run.lines.last();
    EXPECT_EQ(summary.value(u"event"_s).toString(), u"summary"_s) << run.text();
    EXPECT_EQ(summary.value(u"attempts"_s).toInt(), 2);
    EXPECT_EQ(summary.value(u"passed"_s).toInt(), 2);
    EXPECT_DOUBLE_EQ(summary.value(u"yield"_s).toDouble(), 1.0);
    EXPECT_GT(summary.value(u"medianPassMs"_s).toInteger(), 0);
}

TEST(CliStationCommand, ACorruptedBundleExitsWithStatusTwoAndTheReason) {
    StationRig rig({.devices = 1});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    const StationRun run = runStation(rig, rig.corruptedBundle(), {u"--once"_s});
    EXPECT_EQ(run.status, ps::cli::UsageError) << run.text();
    ASSERT_EQ(run.lines.size(), 1) << run.text();
    EXPECT_EQ(run.lines.first().value(u"state"_s).toString(), u"refused"_s);
    EXPECT_TRUE(run.err.contains(u"is refused: "_s)) << run.text();
    EXPECT_FALSE(rig.device(0).stdoutLines().join(u'\n').contains(u"BOOT"_s));
}

TEST(CliStationCommand, RefusesMissingOrBadSlots) {
    QString out;
    QString err;
    QTextStream outStream(&out);
    QTextStream errStream(&err);
    ps::cli::CliApp cli(outStream, errStream);
    EXPECT_EQ(QCoro::waitFor(cli.run({u"station"_s, u"--bundle"_s, u"b.zip"_s})),
              ps::cli::UsageError);
    EXPECT_EQ(QCoro::waitFor(cli.run(
                  {u"station"_s, u"--slots"_s, u"A=/tmp/x,A=/tmp/y"_s, u"--bundle"_s, u"b.zip"_s})),
              ps::cli::UsageError);
    errStream.flush();
    EXPECT_TRUE(err.contains(u"given twice"_s)) << err.toStdString();
}

TEST(CliStationCommand, ReadsTheScannersLinesFromStandardInput) {
    StationRig rig({.devices = 1});
    ASSERT_TRUE(rig.isReady()) << rig.problem().toStdString();
    const QString keyFile = rig.folder() + u"/api.key"_s;
    QFile key(keyFile);
    ASSERT_TRUE(key.open(QIODevice::WriteOnly));
    key.write(QByteArray(StationRig::ApiKey) + '\n');
    key.close();

    QProcess cli;
    cli.setProgram(QStringLiteral(PROVSTATION_CLI_EXECUTABLE));
    cli.setArguments({u"station"_s,
                      u"--slots"_s,
                      u"A="_s + rig.link(0),
                      u"--bundle"_s,
                      StationRig::demoBundle(),
                      u"--label"_s,
                      u"--once"_s,
                      u"--timeout"_s,
                      u"90"_s,
                      u"--json"_s,
                      u"--api-key-file"_s,
                      keyFile,
                      u"--cloud-ca"_s,
                      rig.cloudSim().caFile(),
                      u"--provisioning-url"_s,
                      rig.cloudSim().provisioningUrl(),
                      u"--api-url"_s,
                      rig.cloudSim().apiUrl(),
                      u"--audit-db"_s,
                      rig.folder() + u"/audit.sqlite"_s});
    QList<QJsonObject> lines;
    QByteArray pending;
    QObject::connect(&cli, &QProcess::readyReadStandardOutput, &cli, [&] {
        pending += cli.readAllStandardOutput();
        qsizetype end = 0;
        while ((end = pending.indexOf('\n')) >= 0) {
            const QJsonObject event = QJsonDocument::fromJson(pending.left(end)).object();
            pending.remove(0, end + 1);
            lines.push_back(event);
            if (event.value(u"event"_s).toString() == u"label" &&
                event.value(u"imei"_s).toString() == rig.imei(0)) {
                // What a barcode scanner types: the label's text and Enter.
                cli.write("IMEI " + rig.imei(0).toLatin1() + "\n");
            }
        }
    });
    cli.start();
    ASSERT_TRUE(cli.waitForStarted());
    ASSERT_TRUE(QTest::qWaitFor([&] { return cli.state() == QProcess::NotRunning; }, 100'000));
    const QString err = QString::fromUtf8(cli.readAllStandardError());
    EXPECT_EQ(cli.exitCode(), ps::cli::Success) << err.toStdString();
    ASSERT_FALSE(lines.isEmpty());
    EXPECT_EQ(lines.last().value(u"event"_s).toString(), u"summary"_s);
    EXPECT_EQ(lines.last().value(u"passed"_s).toInt(), 1) << err.toStdString();
    const QList<AuditRecord> records = stationRecords(rig.store());
    ASSERT_EQ(records.size(), 1);
    EXPECT_EQ(records.first().details.value(u"label"_s).toString(), u"IMEI "_s + rig.imei(0));
}

} // namespace ps::station::test
