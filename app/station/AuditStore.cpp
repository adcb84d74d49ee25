#include "AuditStore.h"

#include "StationLog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>

namespace ps::station {

using namespace Qt::StringLiterals;

namespace {

QString sqlError(const QString &what, const QSqlError &error) {
    return u"%1: %2"_s.arg(what, error.text().trimmed());
}

QString sqlError(const QString &what, const QSqlQuery &query) {
    return sqlError(what, query.lastError());
}

std::expected<void, QString> exec(QSqlQuery &query, const QString &what) {
    if (!query.exec())
        return std::unexpected(sqlError(what, query));
    return {};
}

std::expected<void, QString> exec(const QSqlDatabase &db, const QString &sql) {
    QSqlQuery query(db);
    if (!query.exec(sql))
        return std::unexpected(sqlError(sql.section(u'(', 0, 0).simplified(), query));
    return {};
}

// LIKE with the user's text taken literally.
QString likePattern(const QString &text) {
    QString escaped = text;
    escaped.replace(u"\\"_s, u"\\\\"_s);
    escaped.replace(u"%"_s, u"\\%"_s);
    escaped.replace(u"_"_s, u"\\_"_s);
    return u'%' + escaped + u'%';
}

std::expected<AuditRecord, QString> recordFromBody(const QString &body, const QString &hash) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.toUtf8(), &parseError);
    if (!document.isObject())
        return std::unexpected(u"stored record is not JSON: "_s + parseError.errorString());
    auto record = AuditRecord::fromJson(document.object());
    if (record)
        record->hash = hash;
    return record;
}

const QString RecordColumns =
    u"sequence, flow_id, kind, verdict, started_ms, operator, station, imei, device_id, body, "
    "previous_hash, hash"_s;

} // namespace

QString AuditStoreOptions::defaultPath() {
    // AppDataLocation ends in the application's name; the workstation (provstation) and its
    // command line (provstation-cli) keep one trail, so both use the workstation's folder.
    QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    const QString application = QCoreApplication::applicationName();
    if (!application.isEmpty() && folder.endsWith(u'/' + application))
        folder = folder.left(folder.size() - application.size()) +
                 QLatin1StringView(AuditStoreOptions::WorkstationName);
    return QDir(folder.isEmpty() ? QDir::homePath() : folder).filePath(u"audit.sqlite"_s);
}

AuditStore::AuditStore(AuditStoreOptions options)
    : m_options(std::move(options))
    , m_connection(u"provstation-audit-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces)) {}

AuditStore::~AuditStore() {
    close();
}

bool AuditStore::isSqlite() const {
    return m_options.driver == u"QSQLITE"_s;
}

QString AuditStore::location() const {
    if (isSqlite() && m_options.databaseName.isEmpty())
        return AuditStoreOptions::defaultPath();
    return m_options.databaseName;
}

QSqlDatabase AuditStore::database() const {
    return QSqlDatabase::database(m_connection, false);
}

bool AuditStore::isOpen() const {
    return QSqlDatabase::contains(m_connection) && database().isOpen();
}

void AuditStore::close() {
    if (!QSqlDatabase::contains(m_connection))
        return;
    {
        QSqlDatabase db = database();
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

std::expected<void, QString> AuditStore::open() {
    if (isOpen())
        return {};
    if (!QSqlDatabase::isDriverAvailable(m_options.driver)) {
        return std::unexpected(u"the Qt SQL driver %1 is not installed (available: %2)"_s.arg(
            m_options.driver, QSqlDatabase::drivers().join(u", "_s)));
    }
    const QString name = location();
    if (isSqlite()) {
        const QFileInfo file(name);
        if (!QDir().mkpath(file.absolutePath()))
            return std::unexpected(u"cannot create the folder %1"_s.arg(file.absolutePath()));
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(m_options.driver, m_connection);
        db.setDatabaseName(name);
        if (!m_options.hostName.isEmpty())
            db.setHostName(m_options.hostName);
        if (m_options.port > 0)
            db.setPort(m_options.port);
        if (!m_options.userName.isEmpty())
            db.setUserName(m_options.userName);
        if (!m_options.password.isEmpty())
            db.setPassword(m_options.password);
        QString connectOptions = m_options.connectOptions;
        if (isSqlite() && !connectOptions.contains(u"QSQLITE_BUSY_TIMEOUT"_s)) {
            // Another station process may be writing; wait for it instead of failing.
            connectOptions +=
                (connectOptions.isEmpty() ? u""_s : u";"_s) + u"QSQLITE_BUSY_TIMEOUT=10000"_s;
        }
        db.setConnectOptions(connectOptions);
        if (!db.open()) {
            const QString problem =
                sqlError(u"cannot open the audit database "_s + name, db.lastError());
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(m_connection);
            return std::unexpected(problem);
        }
    }
    if (auto created = createSchema(); !created) {
        close();
        return created;
    }
    qCDebug(lcStation).noquote() << "audit store open:" << name;
    return {};
}

std::expected<void, QString> AuditStore::createSchema() {
    const QSqlDatabase db = database();
    if (isSqlite()) {
        // Every record matters: write-ahead log for concurrent readers, full syncs for power
        // loss.
        for (const auto *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
            if (auto done = exec(db, QString::fromLatin1(pragma)); !done)
                return done;
        }
    }
    const QStringList statements{
        u"CREATE TABLE IF NOT EXISTS audit_records ("
        " sequence BIGINT PRIMARY KEY,"
        " flow_id TEXT NOT NULL UNIQUE,"
        " kind TEXT NOT NULL,"
        " verdict TEXT NOT NULL,"
        " started_ms BIGINT NOT NULL,"
        " operator TEXT,"
        " station TEXT,"
        " imei TEXT,"
        " device_id TEXT,"
        " body TEXT NOT NULL,"
        " previous_hash TEXT NOT NULL,"
        " hash TEXT NOT NULL)"_s,
        u"CREATE INDEX IF NOT EXISTS audit_records_started ON audit_records (started_ms)"_s,
        u"CREATE TABLE IF NOT EXISTS audit_head ("
        " id INTEGER PRIMARY KEY,"
        " sequence BIGINT NOT NULL,"
        " hash TEXT NOT NULL)"_s,
        u"CREATE TABLE IF NOT EXISTS flow_journal ("
        " flow_id TEXT NOT NULL,"
        " sequence BIGINT NOT NULL,"
        " at TEXT NOT NULL,"
        " event TEXT NOT NULL,"
        " step TEXT,"
        " attempt INTEGER NOT NULL,"
        " data TEXT,"
        " PRIMARY KEY (flow_id, sequence))"_s,
        u"CREATE INDEX IF NOT EXISTS flow_journal_event ON flow_journal (event)"_s,
    };
    for (const QString &statement : statements) {
        if (auto done = exec(db, statement); !done)
            return done;
    }
    if (isSqlite()) {
        // Append-only: the database itself refuses to change or remove a record.
        for (const auto *operation : {"UPDATE", "DELETE"}) {
            const QString sql =
                u"CREATE TRIGGER IF NOT EXISTS audit_records_no_%1 BEFORE %2 ON audit_records "
                "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END"_s.arg(
                    QString::fromLatin1(operation).toLower(), QString::fromLatin1(operation));
            if (auto done = exec(db, sql); !done)
                return done;
        }
    }
    return {};
}

std::expected<void, QString> AuditStore::begin() {
    QSqlDatabase db = database();
    if (isSqlite()) {
        // IMMEDIATE takes the write lock at once, so two stations never read the same chain
        // head and both append after it.
        return exec(db, u"BEGIN IMMEDIATE"_s);
    }
    if (!db.transaction())
        return std::unexpected(sqlError(u"cannot start a transaction"_s, db.lastError()));
    return {};
}

std::expected<void, QString> AuditStore::insertJournal(const JournalEntry &entry) {
    QSqlQuery query(database());
    query.prepare(u"INSERT INTO flow_journal (flow_id, sequence, at, event, step, attempt, data) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)"_s);
    query.addBindValue(entry.flowId);
    query.addBindValue(entry.sequence);
    query.addBindValue(isoTime(entry.at));
    query.addBindValue(journalEventId(entry.event));
    query.addBindValue(entry.step);
    query.addBindValue(entry.attempt);
    query.addBindValue(QString::fromUtf8(QJsonDocument(entry.data).toJson(QJsonDocument::Compact)));
    return exec(query, u"cannot write the flow journal"_s);
}

std::expected<void, QString> AuditStore::appendJournal(const JournalEntry &entry) {
    if (!isOpen())
        return std::unexpected(u"the audit database is not open"_s);
    return insertJournal(entry);
}

std::expected<QList<JournalEntry>, QString> AuditStore::journal(const QString &flowId) {
    if (!isOpen())
        return std::unexpected(u"the audit database is not open"_s);
    QSqlQuery query(database());
    query.prepare(u"SELECT flow_id, sequence, at, event, step, attempt, data FROM flow_journal "
                  "WHERE flow_id = ? ORDER BY sequence"_s);
    query.addBindValue(flowId);
    if (auto done = exec(query, u"cannot read the flow journal"_s); !done)
        return std::unexpected(done.error());
    QList<JournalEntry> entries;
    while (query.next()) {
        JournalEntry entry;
        entry.flowId = query.value(0).toString();
        entry.sequence = query.value(1).toLongLong();
        entry.at = timeFromIso(query.value(2).toString());
        const auto event = journalEventFromId(query.value(3).toString());
        if (!event)
            return std::unexpected(u"the journal of flow %1 holds an unknown event \"%2\""_s.arg(
                flowId, query.value(3).toString()));
        entry.event = *event;
        entry.step = query.value(4).toString();
        entry.attempt = query.value(5).toInt();
        entry.data = QJsonDocument::fromJson(query.value(6).toString().toUtf8()).object();
        entries.append(entry);
    }
    return entries;
}

std::expected<QList<UnfinishedFlow>, QString> AuditStore::unfinishedFlows() {
    if (!isOpen())
        return std::unexpected(u"the audit database is not open"_s);
    QSqlQuery query(database());
    query.prepare(u"SELECT flow_id FROM flow_journal WHERE event = 'flow-started' AND flow_id NOT "
                  "IN (SELECT flow_id FROM flow_journal WHERE event = 'flow-finished') "
                  "ORDER BY at"_s);
    if (auto done = exec(query, u"cannot read the flow journal"_s); !done)
        return std::unexpected(done.error());
    QStringList ids;
    while (query.next())
        ids.append(query.value(0).toString());
    QList<JournalEntry> entries;
    for (const QString &id : std::as_const(ids)) {
        auto flowEntries = journal(id);
        if (!flowEntries)
            return std::unexpected(flowEntries.error());
        entries += *flowEntries;
    }
    return unfinishedFlowsIn(entries);
}

std::expected<AuditRecord, QString> AuditStore::insertRecord(AuditRecord record) {
    QSqlDatabase db = database();
    QSqlQuery head(db);
    if (!head.exec(u"SELECT sequence, hash FROM audit_head WHERE id = 1"_s))
        return std::unexpected(sqlError(u"cannot read the audit chain's head"_s, head));
    qint64 last = 0;
    QString lastHash = AuditRecord::genesisHash();
    if (head.next()) {
        last = head.value(0).toLongLong();
        lastHash = head.value(1).toString();
    }
    head.finish();

    record.sequence = last + 1;
    record.previousHash = lastHash;
    record.hash.clear();
    const QByteArray body = record.canonicalJson();
    record.hash = AuditRecord::chainHash(record.previousHash, body);

    QSqlQuery insert(db);
    insert.prepare(
        u"INSERT INTO audit_records (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(
            RecordColumns));
    insert.addBindValue(record.sequence);
    insert.addBindValue(record.flowId);
    insert.addBindValue(record.kind);
    insert.addBindValue(verdictId(record.verdict));
    insert.addBindValue(record.startedAt.toMSecsSinceEpoch());
    insert.addBindValue(record.operatorName);
    insert.addBindValue(record.station);
    insert.addBindValue(record.device.imei);
    insert.addBindValue(record.device.deviceId);
    insert.addBindValue(QString::fromUtf8(body));
    insert.addBindValue(record.previousHash);
    insert.addBindValue(record.hash);
    if (auto done = exec(insert, u"cannot write the audit record"_s); !done)
        return std::unexpected(done.error());

    QSqlQuery moveHead(db);
    moveHead.prepare(last == 0 ? u"INSERT INTO audit_head (sequence, hash, id) VALUES (?, ?, 1)"_s
                               : u"UPDATE audit_head SET sequence = ?, hash = ? WHERE id = 1"_s);
    moveHead.addBindValue(record.sequence);
    moveHead.addBindValue(record.hash);
    if (auto done = exec(moveHead, u"cannot move the audit chain's head"_s); !done)
        return std::unexpected(done.error());
    return record;
}

std::expected<AuditRecord, QString> AuditStore::append(AuditRecord record) {
    if (!isOpen())
        return std::unexpected(u"the audit database is not open"_s);
    if (auto started = begin(); !started)
        return std::unexpected(started.error());
    auto stored = insertRecord(std::move(record));
    QSqlDatabase db = database();
    if (!stored) {
        (void)exec(db, u"ROLLBACK"_s);
        return stored;
    }
    if (auto committed = exec(db, u"COMMIT"_s); !committed) {
        (void)exec(db, u"ROLLBACK"_s);
        return std::unexpected(committed.error());
    }
    return stored;
}

std::expected<AuditRecord, QString> AuditStore::finishFlow(const JournalEntry &last,
                                                           AuditRecord record) {
    if (!isOpen())
        return std::unexpected(u"the audit database is not open"_s);
    if (auto started = begin(); !started)
        return std::unexpected(started.error());
    QSqlDatabase db = database();
    auto journalled = insertJournal(last);
    std::expected<AuditRecord, QString> stored =
        journalled ? insertRecord(std::move(record))
                   : std::expected<AuditRecord, QString>(std::unexpected(journalled.error()));
    if (!stored) {
        (void)exec(db, u"ROLLBACK"_s);
        return stored;
    }
    if (auto committed = exec(db, u"COMMIT"_s); !committed) {
        (void)exec(db, u"ROLLBACK"_s);
        return std::unexpected(committed.error());
    }
    return stored;
}

std::expected<QList<AuditRecord>, QString> AuditStore::search(const AuditQuery &query) const {
    if (!isOpen())
        return std::unexpected(u"the audit database is not open"_s);
    QStringList where;
    QVariantList values;
    if (!query.text.isEmpty()) {
        where.append(u"(imei LIKE ? ESCAPE '\\' OR device_id LIKE ? ESCAPE '\\' OR operator LIKE "
                     "? ESCAPE '\\' OR station LIKE ? ESCAPE '\\' OR flow_id LIKE ? ESCAPE '\\' "
                     "OR body LIKE ? ESCAPE '\\')"_s);
        for (int i = 0; i < 6; ++i)
            values.append(likePattern(query.text));
    }
    if (query.verdict) {
        where.append(u"verdict = ?"_s);
        values.append(verdictId(*query.verdict));
    }
    if (!query.kind.isEmpty()) {
        where.append(u"kind = ?"_s);
        values.append(query.kind);
    }
    if (query.from.isValid()) {
        where.append(u"started_ms >= ?"_s);
        values.append(query.from.toMSecsSinceEpoch());
    }
    if (query.to.isValid()) {
        where.append(u"started_ms < ?"_s);
        values.append(query.to.toMSecsSinceEpoch());
    }
    QString sql = u"SELECT %1 FROM audit_records"_s.arg(RecordColumns);
    if (!where.isEmpty())
        sql += u" WHERE "_s + where.join(u" AND "_s);
    sql += query.newestFirst ? u" ORDER BY sequence DESC"_s : u" ORDER BY sequence"_s;
    if (query.limit > 0)
        sql += u" LIMIT %1"_s.arg(query.limit);

    QSqlQuery select(database());
    select.prepare(sql);
    for (const QVariant &value : std::as_const(values))
        select.addBindValue(value);
    if (auto done = exec(select, u"cannot search the audit records"_s); !done)
        return std::unexpected(done.error());
    QList<AuditRecord> records;
    while (select.next()) {
        auto record = recordFromBody(select.value(9).toString(), select.value(11).toString());
        if (!record)
            return std::unexpected(
                u"audit record %1: %2"_s.arg(select.value(0).toLongLong()).arg(record.error()));
        records.append(*record);
    }
    return records;
}

std::expected<std::optional<AuditRecord>, QString> AuditStore::record(qint64 sequence) const {
    if (!isOpen())
        return std::unexpected(u"the audit database is not open"_s);
    QSqlQuery select(database());
    select.prepare(u"SELECT body, hash FROM audit_records WHERE sequence = ?"_s);
    select.addBindValue(sequence);
    if (auto done = exec(select, u"cannot read the audit record"_s); !done)
        return std::unexpected(done.error());
    if (!select.next())
        return std::optional<AuditRecord>();
    auto record = recordFromBody(select.value(0).toString(), select.value(1).toString());
    if (!record)
        return std::unexpected(record.error());
    return std::optional<AuditRecord>(*record);
}

std::expected<std::optional<AuditRecord>, QString>
AuditStore::recordForFlow(const QString &flowId) const {
    if (!isOpen())
        return std::unexpected(u"the audit database is not open"_s);
    QSqlQuery select(database());
    select.prepare(u"SELECT body, hash FROM audit_records WHERE flow_id = ?"_s);
    select.addBindValue(flowId);
    if (auto done = exec(select, u"cannot read the audit record"_s); !done)
        return std::unexpected(done.error());
    if (!select.next())
        return std::optional<AuditRecord>();
    auto record = recordFromBody(select.value(0).toString(), select.value(1).toString());
    if (!record)
        return std::unexpected(record.error());
    return std::optional<AuditRecord>(*record);
}

std::expected<qint64, QString> AuditStore::count() const {
    if (!isOpen())
        return std::unexpected(u"the audit database is not open"_s);
    QSqlQuery select(database());
    if (!select.exec(u"SELECT COUNT(*) FROM audit_records"_s) || !select.next())
        return std::unexpected(sqlError(u"cannot count the audit records"_s, select));
    return select.value(0).toLongLong();
}

std::expected<ChainReport, QString> AuditStore::verify() const {
    if (!isOpen())
        return std::unexpected(u"the audit database is not open"_s);
    ChainReport report;
    QSqlQuery select(database());
    if (!select.exec(u"SELECT %1 FROM audit_records ORDER BY sequence"_s.arg(RecordColumns)))
        return std::unexpected(sqlError(u"cannot read the audit records"_s, select));

    qint64 expected = 1;
    QString previous = AuditRecord::genesisHash();
    qint64 lastSequence = 0;
    QString lastHash;
    while (select.next()) {
        ++report.records;
        const qint64 sequence = select.value(0).toLongLong();
        const QString body = select.value(9).toString();
        const QString previousHash = select.value(10).toString();
        const QString hash = select.value(11).toString();
        auto problem = [&](const QString &message) { report.problems.append({sequence, message}); };
        if (sequence != expected) {
            problem(
                sequence > expected
                    ? u"record(s) %1 to %2 are missing: removed from the chain"_s.arg(expected).arg(
                          sequence - 1)
                    : u"sequence %1 appears out of order"_s.arg(sequence));
        }
        if (previousHash != previous)
            problem(u"the link to the record before does not match: that record was changed or "
                    "removed"_s);
        if (AuditRecord::chainHash(previousHash, body.toUtf8()) != hash)
            problem(u"the record's content does not match its hash: it was edited"_s);
        auto record = recordFromBody(body, hash);
        if (!record) {
            problem(record.error());
        } else {
            const bool columnsMatch =
                record->sequence == sequence && record->flowId == select.value(1).toString() &&
                record->kind == select.value(2).toString() &&
                verdictId(record->verdict) == select.value(3).toString() &&
                record->startedAt.toMSecsSinceEpoch() == select.value(4).toLongLong() &&
                record->operatorName == select.value(5).toString() &&
                record->station == select.value(6).toString() &&
                record->device.imei == select.value(7).toString() &&
                record->device.deviceId == select.value(8).toString() &&
                record->previousHash == previousHash;
            if (!columnsMatch)
                problem(u"the searchable columns differ from the hashed record: they were "
                        "edited"_s);
        }
        expected = sequence + 1;
        previous = hash;
        lastSequence = sequence;
        lastHash = hash;
    }
    select.finish();

    QSqlQuery head(database());
    if (!head.exec(u"SELECT sequence, hash FROM audit_head WHERE id = 1"_s))
        return std::unexpected(sqlError(u"cannot read the audit chain's head"_s, head));
    if (head.next()) {
        const qint64 headSequence = head.value(0).toLongLong();
        if (headSequence != lastSequence || head.value(1).toString() != lastHash) {
            report.problems.append(
                {0, headSequence > lastSequence
                        ? u"the chain ends at record %1 but %2 were written: records at the end "
                          "were removed"_s.arg(lastSequence)
                              .arg(headSequence)
                        : u"the chain's head does not match its last record (%1)"_s.arg(
                              lastSequence)});
        }
    } else if (report.records > 0) {
        report.problems.append({0, u"the chain's head row is missing"_s});
    }
    return report;
}

} // namespace ps::station
