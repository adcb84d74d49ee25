#pragma once

#include "FlowTypes.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QTextStream>

namespace ps::station {

/// One attempt at a flow, as the audit store keeps it: who ran it where and when, on which
/// device, each step with its timing and result, the cloud's answers, and the verdict.
///
/// Records are chained: `hash` is the SHA-256 (hex) of `previousHash` followed by the record's
/// canonical JSON (canonicalJson(): every field but `hash` itself, keys sorted, compact), so
/// an edited or removed record breaks the chain (AuditStore::verify()).
struct AuditRecord {
    qint64 sequence = 0; ///< position in the chain, from 1; 0 while not stored
    QString flowId;      ///< the flow's id; also the key of its journal
    QString kind;        ///< "claim", "reprovision", ...
    QString operatorName;
    QString station;
    QString slot;
    QDateTime startedAt;
    QDateTime finishedAt;
    DeviceIdentity device;
    QList<StepRecord> steps;
    QList<CloudCall> cloudCalls;
    Verdict verdict = Verdict::None;
    QString error;        ///< why it failed (the failing step's message); empty on success
    QString errorKind;    ///< stepErrorKindId() of that failure
    QString hint;         ///< what to do about it
    QJsonObject details;  ///< flow-specific facts: claimed, command ids, comparison results
    QString previousHash; ///< hash of the record before (64 zeros for the first)
    QString hash;

    static constexpr int HashHexLength = 64;
    /// The previousHash of the first record.
    static QString genesisHash() { return QString(HashHexLength, u'0'); }

    [[nodiscard]] qint64 durationMs() const;
    /// Everything, `sequence` and the hashes included (what exports show).
    [[nodiscard]] QJsonObject toJson() const;
    static std::expected<AuditRecord, QString> fromJson(const QJsonObject &object);
    /// The bytes the hash covers: toJson() without "hash", compact, keys sorted.
    [[nodiscard]] QByteArray canonicalJson() const;
    /// SHA-256 hex of previousHash + canonicalJson().
    [[nodiscard]] QString computeHash() const;
    /// SHA-256 hex of `previousHash` + `canonical` (what verify() recomputes from stored text).
    static QString chainHash(const QString &previousHash, const QByteArray &canonical);

    /// The flow's summary as the CLI prints it: device, steps with durations, verdict.
    [[nodiscard]] QJsonObject summaryJson() const;

    /// CSV with a header row: one line per record (RFC 4180 quoting).
    static void writeCsv(QTextStream &out, const QList<AuditRecord> &records);
    static QStringList csvHeader();
    /// A JSON array of toJson() objects.
    static QJsonArray toJsonArray(const QList<AuditRecord> &records);
    /// `field` quoted for CSV when it needs it.
    static QString csvField(const QString &field);
};

} // namespace ps::station
