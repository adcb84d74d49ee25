// `provstation-cli audit verify` (the real program) on an audit database whose records were
// edited or removed behind the station's back: it exits 1 and says which record and how.
// CliAuditTest covers an edited body in-process; this covers removal too.
#include "SecretWorld.h"
#include "cli/ExitCode.h"
#include "station/AuditStore.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace ps::secrets::test;
using namespace ps::station;

namespace {

struct TamperCase {
    const char *name;
    /// SQL run on the database with the append-only triggers dropped.
    const char *statement;
    /// What the report must say.
    const char *reported;
};

class AuditTamper : public testing::TestWithParam<TamperCase> {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        AuditStoreOptions options;
        options.databaseName = database();
        AuditStore store(options);
        ASSERT_TRUE(store.open().has_value());
        const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-3600);
        for (int i = 1; i <= 4; ++i) {
            AuditRecord record;
            record.flowId = u"tamper-%1"_s.arg(i);
            record.kind = u"claim"_s;
            record.operatorName = u"op"_s;
            record.station = u"st"_s;
            record.startedAt = start.addSecs(60 * i);
            record.finishedAt = record.startedAt.addSecs(30);
            record.device.imei = u"35265610000001%1"_s.arg(i);
            record.verdict = i == 2 ? Verdict::Failed : Verdict::Succeeded;
            record.error = i == 2 ? u"HTTP 401: Unauthorized"_s : QString();
            ASSERT_TRUE(store.append(record).has_value());
        }
        store.close();
    }

    [[nodiscard]] QString database() const { return m_dir.filePath(u"audit.sqlite"_s); }

    ProgramRun verify() const {
        return runProgram(QStringLiteral(PROVSTATION_CLI_EXECUTABLE),
                          {u"audit"_s, u"verify"_s, u"--audit-db"_s, database()},
                          QProcessEnvironment::systemEnvironment(), 60'000);
    }

    /// Runs `statement` as someone with the file would: without the append-only triggers.
    testing::AssertionResult tamper(const QString &statement) const {
        const QString connection = u"tamper"_s;
        bool done = false;
        QString problem;
        {
            QSqlDatabase sql = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
            sql.setDatabaseName(database());
            if (sql.open()) {
                QSqlQuery query(sql);
                done = query.exec(u"DROP TRIGGER audit_records_no_update"_s) &&
                       query.exec(u"DROP TRIGGER audit_records_no_delete"_s) &&
                       query.exec(statement) && query.numRowsAffected() == 1;
                problem = query.lastError().text();
                sql.close();
            }
        }
        QSqlDatabase::removeDatabase(connection);
        return done ? testing::AssertionSuccess()
                    : testing::AssertionFailure() << problem.toStdString();
    }

    QTemporaryDir m_dir;
};

} // namespace

TEST_P(AuditTamper, VerifyExitsOneAndSaysWhatHappened) {
    const ProgramRun intact = verify();
    ASSERT_EQ(intact.status, ps::cli::Success) << intact.text();
    EXPECT_TRUE(intact.out.contains("intact: 4 record(s)")) << intact.text();

    ASSERT_TRUE(tamper(QString::fromLatin1(GetParam().statement)));

    const ProgramRun broken = verify();
    EXPECT_EQ(broken.status, ps::cli::CommandFailed) << broken.text();
    EXPECT_TRUE(broken.out.contains("BROKEN")) << broken.text();
    EXPECT_TRUE(broken.out.contains(GetParam().reported)) << broken.text();
}

INSTANTIATE_TEST_SUITE_P(
    CliAuditVerify, AuditTamper,
    testing::Values(
        TamperCase{"EditedError",
                   "UPDATE audit_records SET body = replace(body, 'HTTP 401', 'all fine') "
                   "WHERE sequence = 2",
                   "record 2: the record's content does not match its hash"},
        TamperCase{"EditedVerdictColumn",
                   "UPDATE audit_records SET verdict = 'succeeded' WHERE sequence = 2",
                   "record 2: the searchable columns differ"},
        TamperCase{"DeletedInTheMiddle", "DELETE FROM audit_records WHERE sequence = 2",
                   "record 3: record(s) 2 to 2 are missing"},
        TamperCase{"DeletedTheFirst", "DELETE FROM audit_records WHERE sequence = 1",
                   "record 2: record(s) 1 to 1 are missing"},
        TamperCase{"DeletedTheLast", "DELETE FROM audit_records WHERE sequence = 4",
                   "chain: the chain ends at record 3 but 4 were written"}),
    [](const testing::TestParamInfo<TamperCase> &tamper) {
        return std::string(tamper.param.name);
    });
