#pragma once

#include "AuditRecord.h"
#include "FlowTypes.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <expected>
#include <map>

namespace ps::station {

/// One line of a flow's journal. A flow writes an entry BEFORE the transition it describes
/// takes effect (before a step starts, before the next step follows a finished one, before a
/// fact is used), so after a crash the journal says exactly how far the flow got.
struct JournalEntry {
    enum class Event {
        FlowStarted,  ///< data: kind, operator, station, slot, steps [{id, title}]
        FlowResumed,  ///< data: operator, station (who resumed it)
        StepStarted,  ///< step, attempt; data: title
        StepFinished, ///< step, attempt; data: result, error, errorKind, hint, note, retry
        Fact,         ///< data: {key: value}, something the flow learned and relies on later
        CloudCall,    ///< step; data: CloudCall::toJson()
        Paused,       ///< step; the flow waits for the operator after a failure
        FlowFinished, ///< data: verdict
    };

    QString flowId;
    qint64 sequence = 0; ///< per flow, from 1, no gaps
    QDateTime at;
    Event event = Event::FlowStarted;
    QString step;
    int attempt = 0;
    QJsonObject data;

    [[nodiscard]] QJsonObject toJson() const;
};

/// "flow-started", "flow-resumed", "step-started", "step-finished", "fact", "cloud-call",
/// "paused", "flow-finished".
QString journalEventId(JournalEntry::Event event);
std::optional<JournalEntry::Event> journalEventFromId(QStringView id);

/// A flow that started and never finished (the station stopped, crashed or lost power).
struct UnfinishedFlow {
    QString flowId;
    QString kind;
    QDateTime startedAt;
    DeviceIdentity device; ///< as far as the journal knows it
    QString lastStep;      ///< the step the journal saw last
};

/// What a journal says about one flow: the flow framework rebuilds its state from it to resume
/// (Flow::restore()) or to close an interrupted attempt with a record (Flow::closeInterrupted()).
struct JournalReplay {
    QString flowId;
    QString kind;
    QDateTime startedAt;
    StationIdentity startedBy;
    QList<StepRecord> steps; ///< in the order the flow declared them
    QJsonObject facts;
    QList<CloudCall> cloudCalls;
    bool finished = false;
    qint64 lastSequence = 0;
    int resumes = 0;

    static std::expected<JournalReplay, QString> fromEntries(const QList<JournalEntry> &entries);
};

/// Where flows keep their journal and their audit records. AuditStore is the durable one (SQL);
/// MemoryFlowStore keeps everything in memory (tests, and a GUI run without a database).
class FlowStore {
public:
    virtual ~FlowStore() = default;

    virtual std::expected<void, QString> appendJournal(const JournalEntry &entry) = 0;
    virtual std::expected<QList<JournalEntry>, QString> journal(const QString &flowId) = 0;
    virtual std::expected<QList<UnfinishedFlow>, QString> unfinishedFlows() = 0;
    /// Writes the flow's last journal entry and its audit record together (one transaction in
    /// a database), so a flow is never finished without a record or recorded twice. Returns
    /// the record as stored (sequence and hashes set).
    virtual std::expected<AuditRecord, QString> finishFlow(const JournalEntry &last,
                                                           AuditRecord record) = 0;
};

/// A FlowStore in memory: the journal and the audit chain live as long as the object.
class MemoryFlowStore : public FlowStore {
public:
    std::expected<void, QString> appendJournal(const JournalEntry &entry) override;
    std::expected<QList<JournalEntry>, QString> journal(const QString &flowId) override;
    std::expected<QList<UnfinishedFlow>, QString> unfinishedFlows() override;
    std::expected<AuditRecord, QString> finishFlow(const JournalEntry &last,
                                                   AuditRecord record) override;

    [[nodiscard]] const QList<AuditRecord> &records() const { return m_records; }
    /// Every entry of every flow, in the order written.
    [[nodiscard]] const QList<JournalEntry> &entries() const { return m_entries; }

private:
    QList<JournalEntry> m_entries;
    QList<AuditRecord> m_records;
};

/// The unfinished flows among `entries` (any order of flows, each flow's entries in order).
QList<UnfinishedFlow> unfinishedFlowsIn(const QList<JournalEntry> &entries);

} // namespace ps::station
