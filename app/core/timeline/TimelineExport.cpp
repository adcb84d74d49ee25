#include "TimelineExport.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTime>

namespace ps::core {

using namespace Qt::StringLiterals;

namespace {

QJsonValue seconds(const std::optional<qint64> &micros) {
    return micros ? QJsonValue(double(*micros) / 1e6) : QJsonValue();
}

QJsonValue textOrNull(const QString &text) {
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QString csvField(const QString &text) {
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') &&
        !text.contains(u'\r')) {
        return text;
    }
    QString quoted = text;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u'"' + quoted + u'"';
}

QString kindId(const TimelineEvent &event) {
    return event.isSpan() ? u"span"_s : u"point"_s;
}

} // namespace

QString TimelineExport::hostTimeText(const TimelineEvent &event) {
    if (!(event.flags & TimelineEvent::HostClock))
        return {};
    if (event.flags & TimelineEvent::TimeOfDayOnly) {
        const qint64 msOfDay = ((event.timeMs % 86'400'000) + 86'400'000) % 86'400'000;
        return QTime::fromMSecsSinceStartOfDay(int(msOfDay)).toString(u"HH:mm:ss.zzz"_s);
    }
    return QDateTime::fromMSecsSinceEpoch(event.timeMs, Qt::UTC).toString(Qt::ISODateWithMs);
}

QStringList TimelineExport::summaryKeys() {
    return {u"reboots"_s,
            u"firmware"_s,
            u"lteUpCount"_s,
            u"lteDownCount"_s,
            u"firstLteUpAt"_s,
            u"firstCloudConnectedAt"_s,
            u"timeToCloud"_s,
            u"cloudConnected"_s,
            u"provisioning"_s,
            u"provisioningDetail"_s,
            u"provisioningAttempts"_s,
            u"backoffs"_s,
            u"backoffSeconds"_s,
            u"droppedMessages"_s,
            u"attestationToken"_s};
}

QJsonObject TimelineExport::summaryToJson(const TimelineSummary &summary) {
    return QJsonObject{
        {u"reboots"_s, summary.boots},
        {u"lteUpCount"_s, summary.lteUpCount},
        {u"lteDownCount"_s, summary.lteDownCount},
        {u"firstLteUpAt"_s, seconds(summary.firstLteUpUptimeUs)},
        {u"firstCloudConnectedAt"_s, seconds(summary.firstCloudConnectedUptimeUs)},
        {u"cloudConnected"_s, summary.cloudConnected},
        {u"provisioning"_s, provisioningOutcomeId(summary.provisioning)},
        {u"provisioningDetail"_s, textOrNull(summary.provisioningDetail)},
        {u"provisioningAttempts"_s, summary.provisioningAttempts},
        {u"attestationToken"_s, textOrNull(summary.attestationToken)},
        {u"backoffs"_s, summary.backoffs},
        {u"backoffSeconds"_s, double(summary.backoffSeconds)},
        {u"droppedMessages"_s, summary.droppedMessages},
        {u"timeToCloud"_s, summary.timeToCloudMs
                               ? QJsonValue(double(*summary.timeToCloudMs) / 1000.0)
                               : QJsonValue()},
        {u"firmware"_s, textOrNull(summary.firmware)},
    };
}

QJsonObject TimelineExport::eventToJson(const TimelineModel &model, const TimelineEvent &event) {
    QJsonObject object{
        {u"lane"_s, timelineLaneId(event.lane)},
        {u"state"_s, model.stateInfo(event).id},
        {u"kind"_s, kindId(event)},
        {u"label"_s, model.label(event)},
        {u"line"_s, event.line > 0 ? QJsonValue(event.line) : QJsonValue()},
        {u"deviceTime"_s,
         event.hasUptime() ? QJsonValue(double(event.uptimeUs) / 1e6) : QJsonValue()},
        {u"hostTime"_s, textOrNull(hostTimeText(event))},
        {u"segment"_s, qint64(event.segment)},
    };
    if (event.hasValue())
        object.insert(u"value"_s, event.value);
    if (event.isSpan() && !event.isOpen())
        object.insert(u"duration"_s, double(event.endMs - event.timeMs) / 1000.0);
    return object;
}

void TimelineExport::writeJson(QTextStream &out, const TimelineModel &model,
                               const TimelineSummary &summary) {
    out << "{\n\"summary\": "
        << QString::fromUtf8(QJsonDocument(summaryToJson(summary)).toJson(QJsonDocument::Compact))
        << ",\n\"events\": [";
    bool first = true;
    model.forEachInOrder([&](const TimelineEvent &event) {
        out << (first ? "\n" : ",\n")
            << QString::fromUtf8(
                   QJsonDocument(eventToJson(model, event)).toJson(QJsonDocument::Compact));
        first = false;
    });
    out << "\n]\n}\n";
}

void TimelineExport::writeCsv(QTextStream &out, const TimelineModel &model) {
    out << "line,deviceTime,hostTime,lane,state,kind,label,value,duration\n";
    model.forEachInOrder([&](const TimelineEvent &event) {
        out << (event.line > 0 ? QString::number(event.line) : QString()) << ','
            << (event.hasUptime() ? QString::number(double(event.uptimeUs) / 1e6, 'f', 6)
                                  : QString())
            << ',' << hostTimeText(event) << ',' << timelineLaneId(event.lane) << ','
            << csvField(model.stateInfo(event).id) << ',' << kindId(event) << ','
            << csvField(model.label(event)) << ','
            << (event.hasValue() ? QString::number(event.value) : QString()) << ','
            << (event.isSpan() && !event.isOpen()
                    ? QString::number(double(event.endMs - event.timeMs) / 1000.0, 'f', 3)
                    : QString())
            << '\n';
    });
}

} // namespace ps::core
