#include "station/AuditStore.h"

#include "TestFlow.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace ps::station;

namespace {

AuditRecord makeRecord(const QString &flowId, Verdict verdict, const QString &imei,
                       const QDateTime &startedAt, const QString &kind = u"claim"_s) {
    AuditRecord record;
    record.flowId = flowId;
    record.kind = kind;
    record.operatorName = u"alice"_s;
    record.station = u"bench-2"_s;
    record.startedAt = startedAt;
    record.finishedAt = startedAt.addMSecs(42'000);
    record.device.imei = imei;
    record.device.deviceId = u"50d3ab47-61b4-4b7c-9c46-"_s + imei.right(12);
    record.device.model = u"nRF9151-LACA"_s;
    record.device.firmware = u"Asset Tracker Template v1.5.0"_s;
    StepRecord step;
    step.id = u"claim"_s;
    step.title = u"Claim the device"_s;
    step.status = verdict == Verdict::Succeeded ? StepStatus::Succeeded : StepStatus::Failed;
    step.attempts = 1;
    step.startedAt = startedAt;
    step.durationMs = 1500;
    if (verdict != Verdict::Succeeded)
        step.error = u"HTTP 409: claimed by another account, \"sorry\""_s;
    record.steps.append(step);
    CloudCall call;
    call.at = startedAt.addSecs(1);
    call.step = u"claim"_s;
    call.operation = u"POST claimed-devices"_s;
    call.ok = verdict == Verdict::Succeeded;
    call.httpStatus = call.ok ? 0 : 409;
    record.cloudCalls.append(call);
    record.verdict = verdict;
    if (verdict != Verdict::Succeeded)
        record.error = step.error;
    return record;
}

class AuditStoreTest : public testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        AuditStoreOptions options;
        options.databaseName = path();
        m_store = std::make_unique<AuditStore>(options);
        auto opened = m_store->open();
        ASSERT_TRUE(opened.has_value()) << opened.error().toStdString();
    }
    [[nodiscard]] QString path() const { return m_dir.filePath(u"audit.sqlite"_s); }

    /// Appends three records: 1 succeeded (yesterday), 2 failed (today), 3 succeeded (today).
    void appendThree() {
        const QDateTime today = QDateTime::currentDateTimeUtc();
        ASSERT_TRUE(m_store
                        ->append(makeRecord(u"flow-a"_s, Verdict::Succeeded, u"490154203237518"_s,
                                            today.addDays(-1)))
                        .has_value());
        ASSERT_TRUE(m_store
                        ->append(makeRecord(u"flow-b"_s, Verdict::Failed, u"352656100000015"_s,
                                            today.addSecs(-60)))
                        .has_value());
        ASSERT_TRUE(m_store
                        ->append(makeRecord(u"flow-c"_s, Verdict::Succeeded, u"358240051111110"_s,
                                            today, u"reprovision"_s))
                        .has_value());
    }

    /// Runs `sql` on the database file behind the store's back, as another tool could.
    void tamper(const QStringList &sql) {
        const QString name = u"tamper-"_s + QString::number(++m_tampers);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            db.setDatabaseName(path());
            ASSERT_TRUE(db.open());
            for (const QString &statement : sql) {
                QSqlQuery query(db);
                ASSERT_TRUE(query.exec(statement))
                    << statement.toStdString() << ": " << query.lastError().text().toStdString();
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<AuditStore> m_store;
    int m_tampers = 0;
};

} // namespace

TEST_F(AuditStoreTest, ChainsEachRecordToThePreviousOneWithSha256) {
    appendThree();
    auto records = m_store->search();
    ASSERT_TRUE(records.has_value());
    ASSERT_EQ(records->size(), 3);
    EXPECT_EQ(records->at(0).sequence, 1);
    EXPECT_EQ(records->at(0).previousHash, AuditRecord::genesisHash());
    for (qsizetype i = 0; i < records->size(); ++i) {
        const AuditRecord &record = records->at(i);
        EXPECT_EQ(record.hash.size(), AuditRecord::HashHexLength);
        EXPECT_EQ(record.hash, record.computeHash()) << "record " << i + 1;
        if (i > 0) {
            EXPECT_EQ(record.previousHash, records->at(i - 1).hash);
        }
    }
    auto report = m_store->verify();
    ASSERT_TRUE(report.has_value());
    EXPECT_TRUE(report->isIntact());
    EXPECT_EQ(report->records, 3);
}

TEST_F(AuditStoreTest, ReadsBackTheSameRecordItWrote) {
    const AuditRecord written = makeRecord(u"flow-x"_s, Verdict::Failed, u"490154203237518"_s,
                                           QDateTime::currentDateTimeUtc());
    auto stored = m_store->append(written);
    ASSERT_TRUE(stored.has_value());
    auto read = m_store->recordForFlow(u"flow-x"_s);
    ASSERT_TRUE(read.has_value());
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ((*read)->toJson(), stored->toJson());
    EXPECT_EQ((*read)->steps, written.steps);
    EXPECT_EQ((*read)->cloudCalls, written.cloudCalls);
    EXPECT_EQ((*read)->device, written.device);
}

struct SearchCase {
    const char *name;
    std::function<AuditQuery()> query;
    QStringList expectedFlows;
};

// gtest names the case instead of dumping its bytes.
void PrintTo(const SearchCase &c, std::ostream *os) {
    *os << c.name;
}

class AuditStoreSearch
    : public AuditStoreTest
    , public testing::WithParamInterface<SearchCase> {};

TEST_P(AuditStoreSearch, FindsRecordsByTextVerdictKindAndDate) {
    appendThree();
    auto found = m_store->search(GetParam().query());
    ASSERT_TRUE(found.has_value()) << found.error().toStdString();
    QStringList flows;
    for (const AuditRecord &record : *found)
        flows.append(record.flowId);
    EXPECT_EQ(flows, GetParam().expectedFlows);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AuditStoreSearch,
    testing::Values(SearchCase{"Everything",
                               [] { return AuditQuery{}; },
                               {u"flow-a"_s, u"flow-b"_s, u"flow-c"_s}},
                    SearchCase{"ByImei",
                               [] {
                                   AuditQuery q;
                                   q.text = u"352656100000015"_s;
                                   return q;
                               },
                               {u"flow-b"_s}},
                    SearchCase{"ByTextInTheErrorMessage",
                               [] {
                                   AuditQuery q;
                                   q.text = u"another account"_s;
                                   return q;
                               },
                               {u"flow-b"_s}},
                    SearchCase{"LikeWildcardsAreTakenLiterally",
                               [] {
                                   AuditQuery q;
                                   q.text = u"%"_s;
                                   return q;
                               },
                               {}},
                    SearchCase{"ByVerdict",
                               [] {
                                   AuditQuery q;
                                   q.verdict = Verdict::Succeeded;
                                   return q;
                               },
                               {u"flow-a"_s, u"flow-c"_s}},
                    SearchCase{"ByKind",
                               [] {
                                   AuditQuery q;
                                   q.kind = u"reprovision"_s;
                                   return q;
                               },
                               {u"flow-c"_s}},
                    SearchCase{"ByDateRange",
                               [] {
                                   AuditQuery q;
                                   q.from = QDateTime::currentDateTimeUtc().addSecs(-3600);
                                   q.to = QDateTime::currentDateTimeUtc().addSecs(-30);
                                   return q;
                               },
                               {u"flow-b"_s}},
                    SearchCase{"NewestFirstWithALimit",
                               [] {
                                   AuditQuery q;
                                   q.newestFirst = true;
                                   q.limit = 2;
                                   return q;
                               },
                               {u"flow-c"_s, u"flow-b"_s}}),
    [](const auto &p) { return std::string(p.param.name); });

TEST_F(AuditStoreTest, ExportsCsvWithAHeaderAndOneQuotedRowPerRecord) {
    appendThree();
    auto records = m_store->search();
    ASSERT_TRUE(records.has_value());
    QString text;
    QTextStream out(&text);
    AuditRecord::writeCsv(out, *records);
    out.flush();

    const QStringList lines = text.split(u"\r\n"_s, Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 4);
    EXPECT_EQ(lines[0], AuditRecord::csvHeader().join(u','));
    EXPECT_TRUE(lines[1].startsWith(u"1,"_s));
    EXPECT_TRUE(lines[1].contains(u",claim,succeeded,alice,bench-2,"_s));
    EXPECT_TRUE(lines[1].contains(records->at(0).hash));
    // The failed record's message holds a comma and quotes: quoted, quotes doubled.
    EXPECT_TRUE(lines[2].contains(u"\"HTTP 409: claimed by another account, \"\"sorry\"\"\""_s))
        << lines[2].toStdString();
    EXPECT_TRUE(lines[2].contains(u"POST claimed-devices 409"_s));
}

TEST(AuditRecord, KeepsACsvFieldThatLooksLikeAFormulaAsText) {
    EXPECT_EQ(AuditRecord::csvField(u"=HYPERLINK(\"x\")"_s), u"\"'=HYPERLINK(\"\"x\"\")\""_s);
    EXPECT_EQ(AuditRecord::csvField(u"+1"_s), u"'+1"_s);
    EXPECT_EQ(AuditRecord::csvField(u"plain"_s), u"plain"_s);
    EXPECT_EQ(AuditRecord::csvField(u"two\nlines"_s), u"\"two\nlines\""_s);
}

TEST_F(AuditStoreTest, ExportsJsonThatReadsBackAsTheSameRecords) {
    appendThree();
    auto records = m_store->search();
    ASSERT_TRUE(records.has_value());
    const QByteArray json = QJsonDocument(AuditRecord::toJsonArray(*records)).toJson();

    const QJsonArray array = QJsonDocument::fromJson(json).array();
    ASSERT_EQ(array.size(), 3);
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto back = AuditRecord::fromJson(array[i].toObject());
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(back->hash, records->at(i).hash);
        // The exported text still proves itself: its hash recomputes.
        EXPECT_EQ(back->computeHash(), back->hash);
    }
    EXPECT_EQ(array[1].toObject().value(u"verdict"_s).toString(), u"failed"_s);
    EXPECT_EQ(array[1].toObject().value(u"steps"_s).toArray()[0].toObject().value(u"result"_s),
              u"failed"_s);
}

TEST_F(AuditStoreTest, TheDatabaseRefusesToChangeOrRemoveARecord) {
    appendThree();
    const QString name = u"direct"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path());
        ASSERT_TRUE(db.open());
        QSqlQuery update(db);
        EXPECT_FALSE(update.exec(u"UPDATE audit_records SET verdict = 'succeeded'"_s));
        EXPECT_TRUE(update.lastError().text().contains(u"append-only"_s));
        QSqlQuery remove(db);
        EXPECT_FALSE(remove.exec(u"DELETE FROM audit_records WHERE sequence = 2"_s));
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    EXPECT_EQ(m_store->count().value_or(-1), 3);
    EXPECT_TRUE(m_store->verify()->isIntact());
}

struct TamperCase {
    const char *name;
    QStringList sql;
    qint64 blamedSequence; ///< the record verify() must name (0: the chain as a whole)
};

// gtest names the case instead of dumping its bytes.
void PrintTo(const TamperCase &c, std::ostream *os) {
    *os << c.name;
}

class AuditStoreTampering
    : public AuditStoreTest
    , public testing::WithParamInterface<TamperCase> {};

TEST_P(AuditStoreTampering, VerifyFindsTheEditedOrDeletedRecord) {
    appendThree();
    ASSERT_TRUE(m_store->verify()->isIntact());
    QStringList sql{u"DROP TRIGGER audit_records_no_update"_s,
                    u"DROP TRIGGER audit_records_no_delete"_s};
    sql += GetParam().sql;
    tamper(sql);

    auto report = m_store->verify();
    ASSERT_TRUE(report.has_value()) << report.error().toStdString();
    ASSERT_FALSE(report->isIntact());
    QStringList problems;
    bool blamed = false;
    for (const auto &problem : report->problems) {
        problems.append(u"%1: %2"_s.arg(problem.sequence).arg(problem.message));
        blamed = blamed || problem.sequence == GetParam().blamedSequence;
    }
    EXPECT_TRUE(blamed) << problems.join(u"\n"_s).toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AuditStoreTampering,
    testing::Values(
        // The verdict in the hashed text changed from failed to succeeded.
        TamperCase{"EditedBody",
                   {u"UPDATE audit_records SET body = replace(body, '\"verdict\":\"failed\"', "
                    "'\"verdict\":\"succeeded\"') WHERE sequence = 2"_s},
                   2},
        // Only the searchable column changed.
        TamperCase{"EditedColumn",
                   {u"UPDATE audit_records SET imei = '000000000000000' WHERE sequence = 2"_s},
                   2},
        // Body and hash rewritten consistently: the next record's link breaks.
        TamperCase{"RehashedRecord",
                   {u"UPDATE audit_records SET hash = 'f00d' || substr(hash, 5) WHERE "
                    "sequence = 1"_s},
                   2},
        TamperCase{"DeletedMiddleRecord", {u"DELETE FROM audit_records WHERE sequence = 2"_s}, 3},
        TamperCase{"DeletedLastRecord", {u"DELETE FROM audit_records WHERE sequence = 3"_s}, 0}),
    [](const auto &p) { return std::string(p.param.name); });

TEST_F(AuditStoreTest, KeepsTheChainAcrossReopeningTheFile) {
    appendThree();
    m_store->close();
    AuditStoreOptions options;
    options.databaseName = path();
    AuditStore reopened(options);
    ASSERT_TRUE(reopened.open().has_value());
    auto fourth = reopened.append(makeRecord(u"flow-d"_s, Verdict::Succeeded, u"490154203237518"_s,
                                             QDateTime::currentDateTimeUtc()));
    ASSERT_TRUE(fourth.has_value());
    EXPECT_EQ(fourth->sequence, 4);
    EXPECT_TRUE(reopened.verify()->isIntact());
}

TEST_F(AuditStoreTest, RecordsAFlowAndItsJournalTogether) {
    ps::station::test::TestFlow flow(m_store.get());
    flow.step(u"one"_s, ps::station::test::succeed(u"fine"_s));
    flow.start();
    ASSERT_TRUE(ps::station::test::waitForFinish(flow));

    ASSERT_TRUE(flow.storeError().isEmpty()) << flow.storeError().toStdString();
    auto record = m_store->recordForFlow(flow.id());
    ASSERT_TRUE(record.has_value() && record->has_value());
    EXPECT_EQ((*record)->verdict, Verdict::Succeeded);
    EXPECT_EQ((*record)->steps[0].note, u"fine"_s);
    auto journal = m_store->journal(flow.id());
    ASSERT_TRUE(journal.has_value());
    ASSERT_EQ(journal->size(), 4);
    EXPECT_EQ(journal->back().event, JournalEntry::Event::FlowFinished);
    EXPECT_TRUE(m_store->unfinishedFlows()->isEmpty());
}

TEST_F(AuditStoreTest, FinishingAFlowTwiceWritesNeitherItsJournalNorASecondRecord) {
    auto entry = [](qint64 sequence, JournalEntry::Event event) {
        JournalEntry e;
        e.flowId = u"flow-z"_s;
        e.sequence = sequence;
        e.at = QDateTime::currentDateTimeUtc();
        e.event = event;
        e.data = QJsonObject{{u"kind"_s, u"claim"_s}};
        return e;
    };
    ASSERT_TRUE(m_store->appendJournal(entry(1, JournalEntry::Event::FlowStarted)).has_value());
    auto unfinished = m_store->unfinishedFlows();
    ASSERT_TRUE(unfinished.has_value());
    ASSERT_EQ(unfinished->size(), 1);
    EXPECT_EQ(unfinished->front().kind, u"claim"_s);

    const AuditRecord record = makeRecord(u"flow-z"_s, Verdict::Failed, u"490154203237518"_s,
                                          QDateTime::currentDateTimeUtc());
    ASSERT_TRUE(m_store->finishFlow(entry(2, JournalEntry::Event::FlowFinished), record));
    // The same flow again: the record's flow id is unique, so the transaction rolls back and
    // the journal entry that came with it is not kept either.
    EXPECT_FALSE(m_store->finishFlow(entry(3, JournalEntry::Event::FlowFinished), record));
    EXPECT_EQ(m_store->journal(u"flow-z"_s)->size(), 2);
    EXPECT_EQ(m_store->count().value_or(-1), 1);
    EXPECT_TRUE(m_store->verify()->isIntact());
}

TEST(AuditStoreOptions, PutsTheDefaultDatabaseInTheWorkstationsDataFolderForEveryProgram) {
    QStandardPaths::setTestModeEnabled(true);
    const QString applicationName = QCoreApplication::applicationName();
    QString seen;
    for (const QString &program : {u"provstation"_s, u"provstation-cli"_s}) {
        QCoreApplication::setApplicationName(program);
        const QString path = AuditStoreOptions::defaultPath();
        const QString appData = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        EXPECT_TRUE(path.endsWith(u"/provstation/audit.sqlite"_s)) << path.toStdString();
        EXPECT_TRUE(path.startsWith(appData.section(u'/', 0, -2))) << path.toStdString();
        if (!seen.isEmpty()) {
            EXPECT_EQ(path, seen);
        }
        seen = path;
    }
    QCoreApplication::setApplicationName(applicationName);
    QStandardPaths::setTestModeEnabled(false);
}
