#include "RecordDetails.h"

#include "HistoryModel.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLocale>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::station::AuditRecord;
using ps::station::StepStatus;

namespace {

QString tr(const char *text) {
    return QCoreApplication::translate("RecordDetails", text);
}

QString esc(const QString &text) {
    return text.toHtmlEscaped();
}

QString row(const QString &label, const QString &value) {
    if (value.isEmpty())
        return {};
    return u"<tr><td><b>%1</b></td><td>%2</td></tr>"_s.arg(esc(label), esc(value));
}

QString timeText(const QDateTime &time) {
    return time.isValid() ? QLocale().toString(time.toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s)
                          : QString();
}

QString factText(const QJsonValue &value) {
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? tr("yes") : tr("no");
    if (value.isDouble())
        return QString::number(value.toDouble());
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    return {};
}

} // namespace

QString stepStatusText(StepStatus status) {
    switch (status) {
    case StepStatus::Pending:
        return tr("not run");
    case StepStatus::Running:
        return tr("running");
    case StepStatus::Waiting:
        return tr("waiting");
    case StepStatus::Succeeded:
        return tr("succeeded");
    case StepStatus::Skipped:
        return tr("not needed");
    case StepStatus::Failed:
        return tr("failed");
    case StepStatus::Cancelled:
        return tr("cancelled");
    }
    return {};
}

QString recordDetailsHtml(const AuditRecord &record) {
    QString html;
    html += u"<h3>%1 — %2</h3>"_s.arg(esc(HistoryModel::flowName(record.kind)),
                                      esc(HistoryModel::verdictName(record.verdict)));
    if (!record.error.isEmpty()) {
        html += u"<p><b>%1</b> %2</p>"_s.arg(esc(tr("Why:")), esc(record.error));
        if (!record.hint.isEmpty())
            html += u"<p><b>%1</b> %2</p>"_s.arg(esc(tr("What to do:")), esc(record.hint));
    }

    html += u"<table cellspacing='2' cellpadding='2'>"_s;
    html += row(tr("Device id"), record.device.deviceId);
    html += row(tr("IMEI"), record.device.imei);
    html += row(tr("Model"),
                record.device.model.isEmpty() ? record.device.deviceType : record.device.model);
    html += row(tr("Modem firmware"), record.device.modemFirmware);
    html += row(tr("Firmware"), record.device.firmware);
    html += row(tr("Operator"), record.operatorName);
    html +=
        row(tr("Station"),
            record.slot.isEmpty() ? record.station : u"%1 (%2)"_s.arg(record.station, record.slot));
    html += row(tr("Started"), timeText(record.startedAt));
    html += row(tr("Finished"), timeText(record.finishedAt));
    html += row(tr("Duration"), formatDuration(record.durationMs()));
    html += row(tr("Record"), record.sequence > 0 ? u"#%1"_s.arg(record.sequence) : QString());
    html += u"</table>"_s;

    html += u"<h4>%1</h4><table cellspacing='0' cellpadding='3' border='1' width='100%'>"_s.arg(
        esc(tr("Steps")));
    html +=
        u"<tr><th align='left'>%1</th><th align='left'>%2</th><th>%3</th><th>%4</th>"
        "<th align='left'>%5</th></tr>"_s.arg(esc(tr("Step")), esc(tr("Result")), esc(tr("Tries")),
                                              esc(tr("Time")), esc(tr("Notes")));
    for (const ps::station::StepRecord &step : record.steps) {
        QString notes = step.note;
        if (!step.error.isEmpty())
            notes = step.hint.isEmpty() ? step.error : step.error + u" — "_s + step.hint;
        html +=
            u"<tr><td>%1</td><td>%2</td><td align='center'>%3</td><td align='right'>%4</td>"
            "<td>%5</td></tr>"_s.arg(
                esc(step.title.isEmpty() ? step.id : step.title), esc(stepStatusText(step.status)),
                step.attempts > 0 ? QString::number(step.attempts) : QString(),
                step.startedAt.isValid() ? esc(formatDuration(step.durationMs)) : QString(),
                esc(notes));
    }
    html += u"</table>"_s;

    if (!record.cloudCalls.isEmpty()) {
        html += u"<h4>%1</h4><table cellspacing='0' cellpadding='3' border='1' width='100%'>"_s.arg(
            esc(tr("Cloud responses")));
        html += u"<tr><th align='left'>%1</th><th align='left'>%2</th><th align='left'>%3</th>"
                "<th align='left'>%4</th></tr>"_s.arg(esc(tr("Time")), esc(tr("Step")),
                                                      esc(tr("Request")), esc(tr("Answer")));
        for (const ps::station::CloudCall &call : record.cloudCalls) {
            QString answer = call.ok ? tr("OK")
                                     : (call.httpStatus > 0 ? u"HTTP %1"_s.arg(call.httpStatus)
                                                            : tr("no answer"));
            if (call.code != 0)
                answer += u" (%1)"_s.arg(call.code);
            if (!call.message.isEmpty())
                answer += u": "_s + call.message;
            if (call.retried)
                answer += u" — "_s + tr("sent again");
            html += u"<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>"_s.arg(
                esc(QLocale().toString(call.at.toLocalTime(), u"HH:mm:ss.zzz"_s)), esc(call.step),
                esc(call.operation), esc(answer));
        }
        html += u"</table>"_s;
    }

    if (!record.details.isEmpty()) {
        html += u"<h4>%1</h4><table cellspacing='2' cellpadding='2'>"_s.arg(
            esc(tr("What the flow learned")));
        for (auto it = record.details.begin(); it != record.details.end(); ++it)
            html += row(it.key(), factText(it.value()));
        html += u"</table>"_s;
    }
    return html;
}

} // namespace ps::gui
