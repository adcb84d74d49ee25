#include "FlowStore.h"

#include <QJsonArray>
#include <array>

namespace ps::station {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array<std::pair<JournalEntry::Event, QStringView>, 8> EventIds{{
    {JournalEntry::Event::FlowStarted, u"flow-started"},
    {JournalEntry::Event::FlowResumed, u"flow-resumed"},
    {JournalEntry::Event::StepStarted, u"step-started"},
    {JournalEntry::Event::StepFinished, u"step-finished"},
    {JournalEntry::Event::Fact, u"fact"},
    {JournalEntry::Event::CloudCall, u"cloud-call"},
    {JournalEntry::Event::Paused, u"paused"},
    {JournalEntry::Event::FlowFinished, u"flow-finished"},
}};

} // namespace

QString journalEventId(JournalEntry::Event event) {
    for (const auto &[value, name] : EventIds) {
        if (value == event)
            return name.toString();
    }
    return {};
}

std::optional<JournalEntry::Event> journalEventFromId(QStringView id) {
    for (const auto &[value, name] : EventIds) {
        if (name == id)
            return value;
    }
    return std::nullopt;
}

QJsonObject JournalEntry::toJson() const {
    return QJsonObject{
        {u"flowId"_s, flowId},  {u"sequence"_s, sequence},
        {u"at"_s, isoTime(at)}, {u"event"_s, journalEventId(event)},
        {u"step"_s, step},      {u"attempt"_s, attempt},
        {u"data"_s, data},
    };
}

std::expected<JournalReplay, QString>
JournalReplay::fromEntries(const QList<JournalEntry> &entries) {
    if (entries.isEmpty())
        return std::unexpected(u"the journal has no entries for this flow"_s);
    const JournalEntry &first = entries.front();
    if (first.event != JournalEntry::Event::FlowStarted)
        return std::unexpected(
            u"the journal of flow %1 does not begin with its start"_s.arg(first.flowId));

    JournalReplay replay;
    replay.flowId = first.flowId;
    replay.kind = first.data.value(u"kind"_s).toString();
    replay.startedAt = first.at;
    replay.startedBy.operatorName = first.data.value(u"operator"_s).toString();
    replay.startedBy.station = first.data.value(u"station"_s).toString();
    replay.startedBy.slot = first.data.value(u"slot"_s).toString();
    for (const QJsonValue step : first.data.value(u"steps"_s).toArray()) {
        StepRecord record;
        record.id = step.toObject().value(u"id"_s).toString();
        record.title = step.toObject().value(u"title"_s).toString();
        replay.steps.append(record);
    }
    auto stepRecord = [&replay](const QString &id) -> StepRecord & {
        for (StepRecord &record : replay.steps) {
            if (record.id == id)
                return record;
        }
        StepRecord record;
        record.id = id;
        replay.steps.append(record);
        return replay.steps.back();
    };

    qint64 expected = first.sequence;
    for (const JournalEntry &entry : entries) {
        if (entry.flowId != replay.flowId)
            return std::unexpected(
                u"the journal mixes flows %1 and %2"_s.arg(replay.flowId, entry.flowId));
        if (entry.sequence != expected)
            return std::unexpected(
                u"the journal of flow %1 has a gap before entry %2"_s.arg(replay.flowId)
                    .arg(entry.sequence));
        ++expected;
        replay.lastSequence = entry.sequence;
        switch (entry.event) {
        case JournalEntry::Event::FlowStarted:
            break;
        case JournalEntry::Event::FlowResumed:
            ++replay.resumes;
            break;
        case JournalEntry::Event::StepStarted: {
            StepRecord &record = stepRecord(entry.step);
            if (record.title.isEmpty())
                record.title = entry.data.value(u"title"_s).toString();
            if (!record.startedAt.isValid())
                record.startedAt = entry.at;
            record.attempts = std::max(record.attempts, entry.attempt);
            record.status = StepStatus::Running;
            break;
        }
        case JournalEntry::Event::StepFinished: {
            StepRecord &record = stepRecord(entry.step);
            const bool retry = entry.data.value(u"retry"_s).toBool();
            record.status = retry ? StepStatus::Waiting
                                  : stepStatusFromId(entry.data.value(u"result"_s).toString())
                                        .value_or(StepStatus::Failed);
            record.error = entry.data.value(u"error"_s).toString();
            record.errorKind = entry.data.value(u"errorKind"_s).toString();
            record.hint = entry.data.value(u"hint"_s).toString();
            record.note = entry.data.value(u"note"_s).toString();
            if (record.startedAt.isValid())
                record.durationMs = record.startedAt.msecsTo(entry.at);
            break;
        }
        case JournalEntry::Event::Fact:
            for (auto it = entry.data.begin(); it != entry.data.end(); ++it)
                replay.facts.insert(it.key(), it.value());
            break;
        case JournalEntry::Event::CloudCall:
            replay.cloudCalls.append(CloudCall::fromJson(entry.data));
            break;
        case JournalEntry::Event::Paused:
            stepRecord(entry.step).status = StepStatus::Waiting;
            break;
        case JournalEntry::Event::FlowFinished:
            replay.finished = true;
            break;
        }
    }
    return replay;
}

QList<UnfinishedFlow> unfinishedFlowsIn(const QList<JournalEntry> &entries) {
    // Entries of one flow stay in order; flows are listed in the order they started.
    QList<QString> order;
    std::map<QString, UnfinishedFlow> open;
    std::map<QString, bool> finished;
    for (const JournalEntry &entry : entries) {
        switch (entry.event) {
        case JournalEntry::Event::FlowStarted: {
            UnfinishedFlow flow;
            flow.flowId = entry.flowId;
            flow.kind = entry.data.value(u"kind"_s).toString();
            flow.startedAt = entry.at;
            open[entry.flowId] = flow;
            order.append(entry.flowId);
            break;
        }
        case JournalEntry::Event::FlowFinished:
            finished[entry.flowId] = true;
            break;
        case JournalEntry::Event::Fact:
            if (entry.data.contains(u"device"_s) && open.contains(entry.flowId))
                open[entry.flowId].device =
                    DeviceIdentity::fromJson(entry.data.value(u"device"_s).toObject());
            break;
        default:
            if (!entry.step.isEmpty() && open.contains(entry.flowId))
                open[entry.flowId].lastStep = entry.step;
            break;
        }
    }
    QList<UnfinishedFlow> result;
    for (const QString &id : order) {
        if (!finished.contains(id))
            result.append(open[id]);
    }
    return result;
}

std::expected<void, QString> MemoryFlowStore::appendJournal(const JournalEntry &entry) {
    m_entries.append(entry);
    return {};
}

std::expected<QList<JournalEntry>, QString> MemoryFlowStore::journal(const QString &flowId) {
    QList<JournalEntry> result;
    for (const JournalEntry &entry : std::as_const(m_entries)) {
        if (entry.flowId == flowId)
            result.append(entry);
    }
    return result;
}

std::expected<QList<UnfinishedFlow>, QString> MemoryFlowStore::unfinishedFlows() {
    return unfinishedFlowsIn(m_entries);
}

std::expected<AuditRecord, QString> MemoryFlowStore::finishFlow(const JournalEntry &last,
                                                                AuditRecord record) {
    for (const AuditRecord &existing : std::as_const(m_records)) {
        if (existing.flowId == record.flowId)
            return std::unexpected(u"flow %1 already has an audit record"_s.arg(record.flowId));
    }
    record.sequence = m_records.size() + 1;
    record.previousHash = m_records.isEmpty() ? AuditRecord::genesisHash() : m_records.back().hash;
    record.hash = record.computeHash();
    m_entries.append(last);
    m_records.append(record);
    return record;
}

} // namespace ps::station
