#include "HistoryModel.h"

#include "gui/wizards/FlowIcons.h"

#include <QLocale>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::station::AuditRecord;

QString formatDuration(qint64 milliseconds) {
    if (milliseconds < 0)
        milliseconds = 0;
    if (milliseconds < 1000)
        return HistoryModel::tr("%1 ms").arg(milliseconds);
    if (milliseconds < 60'000)
        return HistoryModel::tr("%1 s").arg(double(milliseconds) / 1000.0, 0, 'f', 1);
    const qint64 seconds = milliseconds / 1000;
    if (seconds < 3600)
        return HistoryModel::tr("%1 min %2 s")
            .arg(seconds / 60)
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return HistoryModel::tr("%1 h %2 min")
        .arg(seconds / 3600)
        .arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

HistoryModel::HistoryModel(QObject *parent)
    : QAbstractTableModel(parent) {}

void HistoryModel::setRecords(QList<AuditRecord> records) {
    beginResetModel();
    m_records = std::move(records);
    endResetModel();
}

std::optional<AuditRecord> HistoryModel::recordAt(int row) const {
    if (row < 0 || row >= m_records.size())
        return std::nullopt;
    return m_records.at(row);
}

int HistoryModel::rowOf(qint64 sequence) const {
    for (int row = 0; row < m_records.size(); ++row) {
        if (m_records.at(row).sequence == sequence)
            return row;
    }
    return -1;
}

int HistoryModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_records.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString HistoryModel::flowName(const QString &kind) {
    if (kind == u"claim"_s)
        return tr("Claim");
    if (kind == u"reprovision"_s)
        return tr("Reprovision");
    if (kind == u"station"_s)
        return tr("Station");
    return kind;
}

QString HistoryModel::verdictName(ps::station::Verdict verdict) {
    switch (verdict) {
    case ps::station::Verdict::None:
        return tr("Unfinished");
    case ps::station::Verdict::Succeeded:
        return tr("Succeeded");
    case ps::station::Verdict::Failed:
        return tr("Failed");
    case ps::station::Verdict::Cancelled:
        return tr("Cancelled");
    }
    return {};
}

QString HistoryModel::deviceText(const ps::station::DeviceIdentity &device) {
    if (!device.imei.isEmpty() && !device.deviceId.isEmpty())
        return tr("IMEI %1 · %2").arg(device.imei, device.deviceId.left(8) + u'…');
    if (!device.imei.isEmpty())
        return tr("IMEI %1").arg(device.imei);
    if (!device.deviceId.isEmpty())
        return device.deviceId;
    return tr("unknown device");
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.row() >= m_records.size())
        return {};
    const AuditRecord &record = m_records.at(index.row());
    if (role == SequenceRole)
        return record.sequence;
    if (role == VerdictRole)
        return ps::station::verdictId(record.verdict);

    const auto column = Column(index.column());
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case WhenColumn:
            return record.startedAt.toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s);
        case OperatorColumn:
            return record.operatorName;
        case StationColumn:
            return record.slot.isEmpty() ? record.station
                                         : tr("%1 (%2)").arg(record.station, record.slot);
        case DeviceColumn:
            return deviceText(record.device);
        case FlowColumn:
            return flowName(record.kind);
        case VerdictColumn:
            return verdictName(record.verdict);
        case DurationColumn:
            return formatDuration(record.durationMs());
        case ColumnCount:
            break;
        }
        break;
    case SortRole:
        switch (column) {
        case WhenColumn:
            return record.startedAt;
        case DurationColumn:
            return record.durationMs();
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        if (column == DeviceColumn)
            return tr("IMEI %1\nDevice id %2\n%3")
                .arg(record.device.imei.isEmpty() ? tr("unknown") : record.device.imei,
                     record.device.deviceId.isEmpty() ? tr("unknown") : record.device.deviceId,
                     record.device.model);
        if (column == VerdictColumn && !record.error.isEmpty())
            return record.hint.isEmpty() ? record.error : record.error + u"\n"_s + record.hint;
        if (column == WhenColumn)
            return QLocale().toString(record.startedAt.toLocalTime(), QLocale::LongFormat);
        break;
    case Qt::DecorationRole:
        if (column == VerdictColumn)
            return flowIcon(verdictIcon(record.verdict));
        break;
    case Qt::TextAlignmentRole:
        if (column == DurationColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case WhenColumn:
        return tr("When");
    case OperatorColumn:
        return tr("Who");
    case StationColumn:
        return tr("Station");
    case DeviceColumn:
        return tr("Device");
    case FlowColumn:
        return tr("Flow");
    case VerdictColumn:
        return tr("Verdict");
    case DurationColumn:
        return tr("Duration");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ps::gui
