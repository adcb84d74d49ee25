// provstation-cli audit on a database written by the station's AuditStore.
#include "cli/CliApp.h"
#include "cli/ExitCode.h"
#include "station/AuditStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace Qt::StringLiterals;
using namespace ps::station;
using ps::cli::CliApp;

namespace {

struct CliRun {
    int status = -1;
    QString out;
    QString err;
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

class CliAudit : public testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        AuditStoreOptions options;
        options.databaseName = db();
        m_store = std::make_unique<AuditStore>(options);
        ASSERT_TRUE(m_store->open().has_value());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        append(u"f-1"_s, Verdict::Succeeded, u"490154203237518"_s, now.addDays(-3));
        append(u"f-2"_s, Verdict::Failed, u"352656100000015"_s, now.addSecs(-120));
        append(u"f-3"_s, Verdict::Succeeded, u"358240051111110"_s, now.addSecs(-60));
    }
    void append(const QString &flowId, Verdict verdict, const QString &imei,
                const QDateTime &when) {
        AuditRecord record;
        record.flowId = flowId;
        record.kind = u"claim"_s;
        record.operatorName = u"op"_s;
        record.station = u"st"_s;
        record.startedAt = when;
        record.finishedAt = when.addSecs(30);
        record.device.imei = imei;
        record.verdict = verdict;
        if (verdict == Verdict::Failed)
            record.error = u"HTTP 401: Unauthorized"_s;
        ASSERT_TRUE(m_store->append(record).has_value());
    }
    [[nodiscard]] QString db() const { return m_dir.filePath(u"audit.sqlite"_s); }
    QStringList withDb(QStringList args) const { return args + QStringList{u"--audit-db"_s, db()}; }

    QTemporaryDir m_dir;
    std::unique_ptr<AuditStore> m_store;
};

} // namespace

TEST_F(CliAudit, ListsRecordsAsTextAndAsJsonWithFilters) {
    const CliRun text = runCli(withDb({u"audit"_s, u"list"_s}));
    ASSERT_EQ(text.status, ps::cli::Success) << text.text();
    EXPECT_EQ(text.out.count(u'\n'), 3);
    EXPECT_TRUE(text.out.contains(u"HTTP 401: Unauthorized"_s));

    const CliRun failed =
        runCli(withDb({u"audit"_s, u"list"_s, u"--json"_s, u"--verdict"_s, u"failed"_s}));
    ASSERT_EQ(failed.status, ps::cli::Success) << failed.text();
    const QJsonArray onlyFailed = QJsonDocument::fromJson(failed.out.toUtf8()).array();
    ASSERT_EQ(onlyFailed.size(), 1);
    EXPECT_EQ(onlyFailed[0].toObject().value(u"flowId"_s).toString(), u"f-2"_s);

    const QString yesterday =
        QDateTime::currentDateTimeUtc().addDays(-1).date().toString(Qt::ISODate);
    const CliRun recent = runCli(withDb({u"audit"_s, u"list"_s, u"--json"_s, u"--from"_s, yesterday,
                                         u"--text"_s, u"358240051111110"_s}));
    ASSERT_EQ(recent.status, ps::cli::Success) << recent.text();
    const QJsonArray found = QJsonDocument::fromJson(recent.out.toUtf8()).array();
    ASSERT_EQ(found.size(), 1);
    EXPECT_EQ(found[0].toObject().value(u"flowId"_s).toString(), u"f-3"_s);
}

TEST_F(CliAudit, ExportsCsvAndJsonToAFile) {
    const QString csvPath = m_dir.filePath(u"out.csv"_s);
    const CliRun csv =
        runCli(withDb({u"audit"_s, u"export"_s, u"--csv"_s, u"--output"_s, csvPath}));
    ASSERT_EQ(csv.status, ps::cli::Success) << csv.text();
    QFile file(csvPath);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QStringList rows = QString::fromUtf8(file.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
    ASSERT_EQ(rows.size(), 4);
    EXPECT_TRUE(rows[0].startsWith(u"sequence,startedAt,"_s));
    EXPECT_TRUE(csv.err.contains(u"Wrote 3 record(s)"_s));

    const CliRun json = runCli(withDb({u"audit"_s, u"export"_s, u"--json"_s}));
    ASSERT_EQ(json.status, ps::cli::Success) << json.text();
    const QJsonArray records = QJsonDocument::fromJson(json.out.toUtf8()).array();
    ASSERT_EQ(records.size(), 3);
    for (const QJsonValue value : records) {
        auto record = AuditRecord::fromJson(value.toObject());
        ASSERT_TRUE(record.has_value());
        EXPECT_EQ(record->computeHash(), record->hash);
    }
}

TEST_F(CliAudit, VerifyExitsOneAndNamesTheRecordWhenTheChainIsBroken) {
    const CliRun intact = runCli(withDb({u"audit"_s, u"verify"_s}));
    EXPECT_EQ(intact.status, ps::cli::Success) << intact.text();

    m_store->close();
    {
        QSqlDatabase sql = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tamper"_s);
        sql.setDatabaseName(db());
        ASSERT_TRUE(sql.open());
        QSqlQuery query(sql);
        ASSERT_TRUE(query.exec(u"DROP TRIGGER audit_records_no_update"_s));
        ASSERT_TRUE(query.exec(u"UPDATE audit_records SET body = replace(body, 'HTTP 401', "
                               "'all fine') WHERE sequence = 2"_s));
        sql.close();
    }
    QSqlDatabase::removeDatabase(u"tamper"_s);

    const CliRun broken = runCli(withDb({u"audit"_s, u"verify"_s}));
    EXPECT_EQ(broken.status, ps::cli::CommandFailed) << broken.text();
    EXPECT_TRUE(broken.out.contains(u"BROKEN"_s));
    EXPECT_TRUE(broken.out.contains(u"record 2:"_s)) << broken.text();
}

TEST_F(CliAudit, ListsAnUnfinishedAttemptAndClosesItAsFailed) {
    JournalEntry start;
    start.flowId = u"f-crashed"_s;
    start.sequence = 1;
    start.at = QDateTime::currentDateTimeUtc();
    start.event = JournalEntry::Event::FlowStarted;
    start.data = QJsonObject{{u"kind"_s, u"claim"_s}, {u"operator"_s, u"op"_s}};
    ASSERT_TRUE(m_store->appendJournal(start).has_value());

    const CliRun unfinished = runCli(withDb({u"audit"_s, u"unfinished"_s, u"--json"_s}));
    ASSERT_EQ(unfinished.status, ps::cli::Success) << unfinished.text();
    const QJsonArray open = QJsonDocument::fromJson(unfinished.out.toUtf8()).array();
    ASSERT_EQ(open.size(), 1);
    EXPECT_EQ(open[0].toObject().value(u"flowId"_s).toString(), u"f-crashed"_s);

    const CliRun closed =
        runCli(withDb({u"audit"_s, u"close"_s, u"f-crashed"_s, u"--reason"_s, u"power cut"_s}));
    ASSERT_EQ(closed.status, ps::cli::Success) << closed.text();
    EXPECT_TRUE(closed.out.contains(u"interrupted: power cut"_s)) << closed.text();
    EXPECT_EQ(m_store->count().value_or(0), 4);
    EXPECT_TRUE(m_store->unfinishedFlows()->isEmpty());
}

TEST(CliAuditWithoutDatabase, SaysWhereItLookedAndExitsTwo) {
    QTemporaryDir dir;
    const CliRun run =
        runCli({u"audit"_s, u"list"_s, u"--audit-db"_s, dir.filePath(u"nothing-here.sqlite"_s)});
    EXPECT_EQ(run.status, ps::cli::UsageError);
    EXPECT_TRUE(run.err.contains(u"nothing-here.sqlite"_s));
    EXPECT_FALSE(QFile::exists(dir.filePath(u"nothing-here.sqlite"_s)));
}
