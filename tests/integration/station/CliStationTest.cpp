// provstation-cli claim / reprovision / audit: the command line as an operator or a script uses
// it, against the real provstation-cloudsim and provstation-devsim processes.
#include "StationWorld.h"
#include "cli/CliApp.h"
#include "cli/ExitCode.h"
#include "station/ClaimFlow.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace Qt::StringLiterals;
using namespace ps::station;
using namespace ps::station::test;
using ps::cli::CliApp;

namespace {

struct CliRun {
    int status = -1;
    QString out;
    QString err;
    [[nodiscard]] QJsonObject json() const {
        return QJsonDocument::fromJson(out.toUtf8()).object();
    }
    [[nodiscard]] std::string text() const {
        return QString(out + u"\n--- stderr ---\n"_s + err).toStdString();
    }
};

CliRun runCli(const QStringList &args) {
    CliRun run;
    QTextStream out(&run.out);
    QTextStream err(&run.err);
    CliApp cli(out, err);
    run.status = QCoro::waitFor(cli.run(args));
    out.flush();
    err.flush();
    return run;
}

/// The cloud and station options for `world`, with the key in a file.
QStringList cloudOptions(StationWorld &world, const char *key) {
    return {u"--api-key-file"_s,     world.keyFile(key),
            u"--cloud-ca"_s,         world.cloudSim().caFile(),
            u"--provisioning-url"_s, world.cloudSim().provisioningUrl(),
            u"--api-url"_s,          world.cloudSim().apiUrl(),
            u"--audit-db"_s,         world.auditPath(),
            u"--operator"_s,         u"cli-operator"_s,
            u"--station"_s,          u"cli-station"_s};
}

/// A world whose device has booted, with the port free for the command line to open.
WorldOptions portForTheCli() {
    WorldOptions options;
    options.openLink = true;
    return options;
}

} // namespace

TEST(CliStation, ClaimsAndReprovisionsFromTheCommandLineAndRecordsBoth) {
    StationWorld world(portForTheCli());
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    world.closeLink(); // the command line opens the port itself

    const CliRun claim = runCli(QStringList{u"claim"_s, u"--port"_s, world.port(), u"--json"_s,
                                            u"--provision-timeout"_s, u"60"_s} +
                                cloudOptions(world, StationWorld::PrimaryKey));
    ASSERT_EQ(claim.status, ps::cli::Success) << claim.text();
    const QJsonObject summary = claim.json();
    EXPECT_EQ(summary.value(u"verdict"_s).toString(), u"succeeded"_s);
    EXPECT_EQ(summary.value(u"deviceId"_s).toString(), world.deviceId());
    EXPECT_EQ(summary.value(u"imei"_s).toString(), world.imei());
    EXPECT_EQ(summary.value(u"operator"_s).toString(), u"cli-operator"_s);
    EXPECT_EQ(summary.value(u"auditStored"_s), true);
    const QJsonArray steps = summary.value(u"steps"_s).toArray();
    ASSERT_EQ(steps.size(), 6);
    QStringList ids;
    for (const QJsonValue s : steps) {
        ids.append(s.toObject().value(u"id"_s).toString());
        EXPECT_TRUE(s.toObject().value(u"durationMs"_s).isDouble());
        EXPECT_EQ(s.toObject().value(u"result"_s).toString(), u"succeeded"_s);
    }
    EXPECT_EQ(ids, (QStringList{u"identify"_s, u"account"_s, u"preflight"_s, u"claim"_s,
                                u"provision"_s, u"verify"_s}));
    // Progress went to stderr, and the key went nowhere.
    EXPECT_TRUE(claim.err.contains(u"[provision]"_s));
    EXPECT_FALSE(claim.out.contains(QLatin1StringView(StationWorld::PrimaryKey)));
    EXPECT_FALSE(claim.err.contains(QLatin1StringView(StationWorld::PrimaryKey)));

    const CliRun shadow =
        runCli(QStringList{u"reprovision"_s, u"--port"_s, world.port(), u"--via-shadow"_s,
                           u"--sec-tag"_s, u"16842753"_s, u"--json"_s, u"--quiet"_s} +
               cloudOptions(world, StationWorld::PrimaryKey));
    ASSERT_EQ(shadow.status, ps::cli::Success) << shadow.text();
    EXPECT_EQ(shadow.json().value(u"kind"_s).toString(), u"reprovision"_s);
    EXPECT_EQ(shadow.json().value(u"verdict"_s).toString(), u"succeeded"_s);
    EXPECT_TRUE(shadow.err.isEmpty()) << shadow.err.toStdString();

    const CliRun list =
        runCli({u"audit"_s, u"list"_s, u"--json"_s, u"--audit-db"_s, world.auditPath()});
    ASSERT_EQ(list.status, ps::cli::Success) << list.text();
    const QJsonArray records = QJsonDocument::fromJson(list.out.toUtf8()).array();
    ASSERT_EQ(records.size(), 2);
    EXPECT_EQ(records[0].toObject().value(u"kind"_s).toString(), u"claim"_s);
    EXPECT_EQ(records[1].toObject().value(u"kind"_s).toString(), u"reprovision"_s);
    EXPECT_EQ(records[1].toObject().value(u"previousHash"_s),
              records[0].toObject().value(u"hash"_s));

    const CliRun verify = runCli({u"audit"_s, u"verify"_s, u"--audit-db"_s, world.auditPath()});
    EXPECT_EQ(verify.status, ps::cli::Success) << verify.text();
    EXPECT_TRUE(verify.out.contains(u"intact: 2 record(s)"_s)) << verify.text();
}

TEST(CliStation, AWrongApiKeyEndsWithAClearErrorExitOneAndAFailedRecord) {
    StationWorld world(portForTheCli());
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    world.closeLink();

    const CliRun claim = runCli(QStringList{u"claim"_s, u"--port"_s, world.port()} +
                                cloudOptions(world, "this-is-not-a-key"));
    EXPECT_EQ(claim.status, ps::cli::CommandFailed) << claim.text();
    EXPECT_TRUE(claim.out.contains(u"failed"_s)) << claim.text();
    EXPECT_TRUE(claim.out.contains(u"refused the API key"_s)) << claim.text();
    EXPECT_TRUE(claim.out.contains(u"what to do:"_s)) << claim.text();
    EXPECT_FALSE(claim.out.contains(u"this-is-not-a-key"_s));
    EXPECT_FALSE(claim.err.contains(u"this-is-not-a-key"_s));

    const CliRun failed = runCli({u"audit"_s, u"export"_s, u"--csv"_s, u"--verdict"_s, u"failed"_s,
                                  u"--audit-db"_s, world.auditPath()});
    ASSERT_EQ(failed.status, ps::cli::Success) << failed.text();
    const QStringList rows = failed.out.split(u"\r\n"_s, Qt::SkipEmptyParts);
    ASSERT_EQ(rows.size(), 2) << failed.text();
    EXPECT_TRUE(rows[1].contains(u",claim,failed,cli-operator,cli-station,"_s)) << failed.text();
    EXPECT_TRUE(rows[1].contains(world.imei()));
}

TEST(CliStation, ReportsAPortThatCannotBeOpenedAsDeviceUnreachable) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const CliRun claim = runCli({u"claim"_s, u"--port"_s, dir.filePath(u"no-such-tty"_s),
                                 u"--audit-db"_s, dir.filePath(u"audit.sqlite"_s),
                                 u"--api-key-file"_s, dir.filePath(u"missing.key"_s),
                                 u"--provisioning-url"_s, u"https://127.0.0.1:9/provisioning/v1/"_s,
                                 u"--api-url"_s, u"https://127.0.0.1:9/v1/"_s, u"--json"_s});
    EXPECT_EQ(claim.status, ps::cli::DeviceUnreachable) << claim.text();
    EXPECT_EQ(claim.json().value(u"verdict"_s).toString(), u"failed"_s);
    EXPECT_EQ(claim.json().value(u"errorKind"_s).toString(), u"unreachable"_s);
    EXPECT_EQ(claim.json().value(u"auditStored"_s), true);
}

TEST(CliStation, RefusesBadArgumentsWithExitTwo) {
    for (const QStringList &args :
         {QStringList{u"claim"_s}, QStringList{u"claim"_s, u"--port"_s},
          QStringList{u"claim"_s, u"--port"_s, u"/dev/null"_s, u"--trigger"_s, u"sometimes"_s},
          QStringList{u"reprovision"_s, u"--imei"_s, u"490154203237518"_s},
          QStringList{u"reprovision"_s, u"--port"_s, u"/dev/null"_s, u"--sec-tag"_s, u"x"_s},
          QStringList{u"audit"_s, u"export"_s}, QStringList{u"audit"_s, u"shred"_s}}) {
        const CliRun run = runCli(args);
        EXPECT_EQ(run.status, ps::cli::UsageError) << args.join(u' ').toStdString() << "\n"
                                                   << run.text();
        EXPECT_FALSE(run.err.isEmpty()) << args.join(u' ').toStdString();
    }
}

TEST(CliStation, ResumesAnAttemptThatStoppedAfterTheClaim) {
    StationWorld world(portForTheCli());
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    QString flowId;
    {
        // A station that stops right after the claim went through.
        FlowSetup setup;
        setup.device = &world.link();
        setup.cloud = &world.rest();
        setup.store = &world.store();
        auto flow = std::make_unique<ClaimFlow>(setup);
        flowId = flow->id();
        bool claimed = false;
        QObject::connect(flow.get(), &Flow::stepFinished, flow.get(),
                         [&](const QString &stepId, bool ok) {
                             claimed = claimed || (stepId == u"claim"_s && ok);
                         });
        flow->start();
        ASSERT_TRUE(QTest::qWaitFor([&] { return claimed; }, 60000));
    }
    world.closeLink();

    const CliRun unfinished =
        runCli({u"audit"_s, u"unfinished"_s, u"--audit-db"_s, world.auditPath()});
    ASSERT_EQ(unfinished.status, ps::cli::Success) << unfinished.text();
    EXPECT_TRUE(unfinished.out.contains(flowId)) << unfinished.text();

    const CliRun resumed = runCli(QStringList{u"claim"_s, u"--port"_s, world.port(), u"--resume"_s,
                                              flowId, u"--json"_s, u"--quiet"_s} +
                                  cloudOptions(world, StationWorld::PrimaryKey));
    ASSERT_EQ(resumed.status, ps::cli::Success) << resumed.text();
    EXPECT_EQ(resumed.json().value(u"flowId"_s).toString(), flowId);
    EXPECT_EQ(resumed.json().value(u"details"_s).toObject().value(u"resumed"_s).toInt(), 1);
    const CliRun list =
        runCli({u"audit"_s, u"list"_s, u"--json"_s, u"--audit-db"_s, world.auditPath()});
    EXPECT_EQ(QJsonDocument::fromJson(list.out.toUtf8()).array().size(), 1) << list.text();

    const CliRun again =
        runCli(QStringList{u"claim"_s, u"--port"_s, world.port(), u"--resume"_s, flowId} +
               cloudOptions(world, StationWorld::PrimaryKey));
    EXPECT_EQ(again.status, ps::cli::UsageError) << again.text();
    EXPECT_TRUE(again.err.contains(u"already finished"_s)) << again.text();
}

TEST(CliStation, AMissingApiKeyIsASettingsProblemWithExitTwoAndStillARecord) {
    StationWorld world(portForTheCli());
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    world.closeLink();
    QStringList options = cloudOptions(world, StationWorld::PrimaryKey);
    options[options.indexOf(u"--api-key-file"_s) + 1] = world.folder() + u"/no-such.key"_s;

    const CliRun claim =
        runCli(QStringList{u"claim"_s, u"--port"_s, world.port(), u"--json"_s} + options);
    EXPECT_EQ(claim.status, ps::cli::UsageError) << claim.text();
    EXPECT_TRUE(claim.err.contains(u"no API key"_s)) << claim.text();
    EXPECT_EQ(claim.json().value(u"errorKind"_s).toString(), u"configuration"_s);
    EXPECT_EQ(claim.json().value(u"auditStored"_s), true);
}
