#pragma once

#include "AuditRecord.h"
#include "FlowStore.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QString>
#include <expected>
#include <optional>

namespace ps::station {

/// Where the audit database is. SQLite by default; any Qt SQL driver that speaks the same SQL
/// (PostgreSQL, for several stations sharing one database) through the same fields.
struct AuditStoreOptions {
    QString driver = QStringLiteral("QSQLITE");
    /// SQLite: the file (empty = defaultPath()); other drivers: the database name.
    QString databaseName;
    QString hostName;
    int port = -1;
    QString userName;
    QString password;
    QString connectOptions;

    /// The application name whose data folder holds the shared audit database.
    static constexpr auto WorkstationName = "provstation";
    /// audit.sqlite in the workstation's AppDataLocation, the same file for provstation and
    /// provstation-cli: e.g. ~/.local/share/ProvStation/provstation/audit.sqlite on Linux.
    static QString defaultPath();
};

/// Which records to list. Empty fields do not filter.
struct AuditQuery {
    QString text; ///< in IMEI, device id, operator, station, flow id, or anywhere
                  ///< in the record (error texts, notes)
    std::optional<Verdict> verdict;
    QString kind;   ///< "claim", "reprovision", ...
    QDateTime from; ///< started at or after
    QDateTime to;   ///< started before
    int limit = 0;  ///< 0 = all
    bool newestFirst = false;
};

/// What verify() found.
struct ChainReport {
    struct Problem {
        qint64 sequence = 0; ///< the record where the chain breaks (0: the chain as a whole)
        QString message;
    };
    qint64 records = 0;
    QList<Problem> problems;
    [[nodiscard]] bool isIntact() const { return problems.isEmpty(); }
};

/// The station's audit trail and flow journal in one database (Qt SQL).
///
/// Audit records are append-only and hash-chained: each stores the SHA-256 of the previous
/// record's hash followed by its own canonical JSON (AuditRecord), written in the same
/// transaction as the flow's last journal entry. The database refuses UPDATE and DELETE on the
/// records (triggers), and verify() finds a record that was edited or deleted anyway (with
/// another tool): a hash that does not match the text, a broken link, a gap in the sequence, or
/// a chain shorter than the head row says.
///
///     AuditStore store;                              // defaultPath()
///     if (auto opened = store.open(); !opened) fail(opened.error());
///     ClaimFlow flow({.device = link, .cloud = &client, .store = &store});
///     ...
///     auto failedToday = store.search({.verdict = Verdict::Failed, .from = midnight});
///     AuditRecord::writeCsv(out, *failedToday);
///
/// One object per thread; several processes may share a SQLite file (writes wait for each
/// other up to a few seconds).
class AuditStore : public FlowStore {
public:
    explicit AuditStore(AuditStoreOptions options = {});
    ~AuditStore() override;
    AuditStore(const AuditStore &) = delete;
    AuditStore &operator=(const AuditStore &) = delete;

    /// Opens (and creates) the database and its tables.
    std::expected<void, QString> open();
    [[nodiscard]] bool isOpen() const;
    void close();
    /// The file or database name in use.
    [[nodiscard]] QString location() const;

    /// Appends a record to the chain (sequence and hashes are set here) and returns it. For
    /// records that belong to no flow journal; flows use finishFlow().
    std::expected<AuditRecord, QString> append(AuditRecord record);
    std::expected<QList<AuditRecord>, QString> search(const AuditQuery &query = {}) const;
    std::expected<std::optional<AuditRecord>, QString> record(qint64 sequence) const;
    std::expected<std::optional<AuditRecord>, QString> recordForFlow(const QString &flowId) const;
    std::expected<qint64, QString> count() const;
    /// Walks the whole chain.
    std::expected<ChainReport, QString> verify() const;

    // FlowStore
    std::expected<void, QString> appendJournal(const JournalEntry &entry) override;
    std::expected<QList<JournalEntry>, QString> journal(const QString &flowId) override;
    std::expected<QList<UnfinishedFlow>, QString> unfinishedFlows() override;
    std::expected<AuditRecord, QString> finishFlow(const JournalEntry &last,
                                                   AuditRecord record) override;

    /// The Qt SQL connection name (tests open the same file through it to tamper with it).
    [[nodiscard]] const QString &connectionName() const { return m_connection; }

private:
    [[nodiscard]] QSqlDatabase database() const;
    std::expected<void, QString> createSchema();
    std::expected<void, QString> begin();
    std::expected<void, QString> insertJournal(const JournalEntry &entry);
    std::expected<AuditRecord, QString> insertRecord(AuditRecord record);
    [[nodiscard]] bool isSqlite() const;

    AuditStoreOptions m_options;
    QString m_connection;
};

} // namespace ps::station
