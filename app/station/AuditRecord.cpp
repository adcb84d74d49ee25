#include "AuditRecord.h"

#include <QCryptographicHash>
#include <QJsonDocument>

namespace ps::station {

using namespace Qt::StringLiterals;

qint64 AuditRecord::durationMs() const {
    if (!startedAt.isValid() || !finishedAt.isValid())
        return 0;
    return startedAt.msecsTo(finishedAt);
}

QJsonObject AuditRecord::toJson() const {
    QJsonArray stepArray;
    for (const StepRecord &step : steps)
        stepArray.append(step.toJson());
    QJsonArray callArray;
    for (const CloudCall &call : cloudCalls)
        callArray.append(call.toJson());
    QJsonObject object{
        {u"sequence"_s, sequence},
        {u"flowId"_s, flowId},
        {u"kind"_s, kind},
        {u"operator"_s, operatorName},
        {u"station"_s, station},
        {u"slot"_s, slot},
        {u"startedAt"_s, isoTime(startedAt)},
        {u"finishedAt"_s, isoTime(finishedAt)},
        {u"durationMs"_s, durationMs()},
        {u"device"_s, device.toJson()},
        {u"steps"_s, stepArray},
        {u"cloudCalls"_s, callArray},
        {u"verdict"_s, verdictId(verdict)},
        {u"error"_s, error},
        {u"errorKind"_s, errorKind},
        {u"hint"_s, hint},
        {u"details"_s, details},
        {u"previousHash"_s, previousHash},
    };
    if (!hash.isEmpty())
        object.insert(u"hash"_s, hash);
    return object;
}

std::expected<AuditRecord, QString> AuditRecord::fromJson(const QJsonObject &object) {
    for (const auto *key : {"flowId", "kind", "verdict", "startedAt"}) {
        if (!object.value(QLatin1StringView(key)).isString())
            return std::unexpected(
                u"audit record: \"%1\" is missing or not text"_s.arg(QLatin1StringView(key)));
    }
    AuditRecord record;
    record.sequence = object.value(u"sequence"_s).toInteger();
    record.flowId = object.value(u"flowId"_s).toString();
    record.kind = object.value(u"kind"_s).toString();
    record.operatorName = object.value(u"operator"_s).toString();
    record.station = object.value(u"station"_s).toString();
    record.slot = object.value(u"slot"_s).toString();
    record.startedAt = timeFromIso(object.value(u"startedAt"_s).toString());
    record.finishedAt = timeFromIso(object.value(u"finishedAt"_s).toString());
    record.device = DeviceIdentity::fromJson(object.value(u"device"_s).toObject());
    for (const QJsonValue step : object.value(u"steps"_s).toArray())
        record.steps.append(StepRecord::fromJson(step.toObject()));
    for (const QJsonValue call : object.value(u"cloudCalls"_s).toArray())
        record.cloudCalls.append(CloudCall::fromJson(call.toObject()));
    const auto verdict = verdictFromId(object.value(u"verdict"_s).toString());
    if (!verdict)
        return std::unexpected(
            u"audit record: unknown verdict \"%1\""_s.arg(object.value(u"verdict"_s).toString()));
    record.verdict = *verdict;
    record.error = object.value(u"error"_s).toString();
    record.errorKind = object.value(u"errorKind"_s).toString();
    record.hint = object.value(u"hint"_s).toString();
    record.details = object.value(u"details"_s).toObject();
    record.previousHash = object.value(u"previousHash"_s).toString();
    record.hash = object.value(u"hash"_s).toString();
    return record;
}

QByteArray AuditRecord::canonicalJson() const {
    QJsonObject object = toJson();
    object.remove(u"hash"_s);
    // QJsonObject keeps its keys sorted, nested objects too, so the compact form is canonical.
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString AuditRecord::chainHash(const QString &previous, const QByteArray &canonical) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(previous.toLatin1());
    hash.addData(canonical);
    return QString::fromLatin1(hash.result().toHex());
}

QString AuditRecord::computeHash() const {
    return chainHash(previousHash, canonicalJson());
}

QJsonObject AuditRecord::summaryJson() const {
    QJsonArray stepArray;
    for (const StepRecord &step : steps) {
        QJsonObject entry{
            {u"id"_s, step.id},
            {u"result"_s, stepStatusId(step.status)},
            {u"durationMs"_s, step.durationMs},
            {u"attempts"_s, step.attempts},
        };
        if (!step.error.isEmpty())
            entry.insert(u"error"_s, step.error);
        if (!step.hint.isEmpty() && step.status == StepStatus::Failed)
            entry.insert(u"hint"_s, step.hint);
        if (!step.note.isEmpty())
            entry.insert(u"note"_s, step.note);
        stepArray.append(entry);
    }
    QJsonObject summary{
        {u"flowId"_s, flowId},
        {u"kind"_s, kind},
        {u"verdict"_s, verdictId(verdict)},
        {u"deviceId"_s, device.deviceId.isEmpty() ? QJsonValue() : QJsonValue(device.deviceId)},
        {u"imei"_s, device.imei.isEmpty() ? QJsonValue() : QJsonValue(device.imei)},
        {u"device"_s, device.toJson()},
        {u"steps"_s, stepArray},
        {u"durationMs"_s, durationMs()},
        {u"operator"_s, operatorName},
        {u"station"_s, station},
        {u"details"_s, details},
    };
    if (sequence > 0)
        summary.insert(u"auditSequence"_s, sequence);
    if (verdict != Verdict::Succeeded && !error.isEmpty()) {
        summary.insert(u"error"_s, error);
        summary.insert(u"errorKind"_s, errorKind);
        if (!hint.isEmpty())
            summary.insert(u"hint"_s, hint);
    }
    return summary;
}

QStringList AuditRecord::csvHeader() {
    return {u"sequence"_s, u"startedAt"_s,  u"finishedAt"_s, u"durationMs"_s,    u"kind"_s,
            u"verdict"_s,  u"operator"_s,   u"station"_s,    u"slot"_s,          u"imei"_s,
            u"deviceId"_s, u"model"_s,      u"firmware"_s,   u"modemFirmware"_s, u"steps"_s,
            u"error"_s,    u"cloudCalls"_s, u"flowId"_s,     u"hash"_s};
}

QString AuditRecord::csvField(const QString &field) {
    QString value = field;
    // A spreadsheet would run a field that starts like a formula; audit text comes partly from
    // the cloud and the device, so such a field is kept as text with a leading apostrophe.
    if (!value.isEmpty() && (value.front() == u'=' || value.front() == u'+' ||
                             value.front() == u'-' || value.front() == u'@'))
        value.prepend(u'\'');
    if (value.contains(u',') || value.contains(u'"') || value.contains(u'\n') ||
        value.contains(u'\r')) {
        value.replace(u"\""_s, u"\"\""_s);
        return u'"' + value + u'"';
    }
    return value;
}

void AuditRecord::writeCsv(QTextStream &out, const QList<AuditRecord> &records) {
    out << csvHeader().join(u',') << "\r\n";
    for (const AuditRecord &record : records) {
        QStringList steps;
        for (const StepRecord &step : record.steps) {
            steps.append(
                u"%1=%2/%3ms"_s.arg(step.id, stepStatusId(step.status)).arg(step.durationMs));
        }
        QStringList calls;
        for (const CloudCall &call : record.cloudCalls) {
            calls.append(call.operation + u' ' +
                         (call.ok ? u"ok"_s : QString::number(call.httpStatus)));
        }
        const QStringList fields{
            QString::number(record.sequence),
            isoTime(record.startedAt),
            isoTime(record.finishedAt),
            QString::number(record.durationMs()),
            record.kind,
            verdictId(record.verdict),
            record.operatorName,
            record.station,
            record.slot,
            record.device.imei,
            record.device.deviceId,
            record.device.model,
            record.device.firmware,
            record.device.modemFirmware,
            steps.join(u"; "_s),
            record.error,
            calls.join(u"; "_s),
            record.flowId,
            record.hash,
        };
        QStringList quoted;
        quoted.reserve(fields.size());
        for (const QString &field : fields)
            quoted.append(csvField(field));
        out << quoted.join(u',') << "\r\n";
    }
}

QJsonArray AuditRecord::toJsonArray(const QList<AuditRecord> &records) {
    QJsonArray array;
    for (const AuditRecord &record : records)
        array.append(record.toJson());
    return array;
}

} // namespace ps::station
