#pragma once

#include "station/AuditRecord.h"

#include <QAbstractTableModel>
#include <QList>
#include <optional>

namespace ps::gui {

/// Audit records as a table: when, who, where, which device, which flow, the verdict and how
/// long it took. The History panel fills it from the audit store (AuditStore::search()).
class HistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        WhenColumn,
        OperatorColumn,
        StationColumn,
        DeviceColumn,
        FlowColumn,
        VerdictColumn,
        DurationColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< a value that sorts right (time, milliseconds)
        SequenceRole,                ///< AuditRecord::sequence
        VerdictRole,                 ///< verdictId()
    };

    explicit HistoryModel(QObject *parent = nullptr);

    void setRecords(QList<ps::station::AuditRecord> records);
    [[nodiscard]] const QList<ps::station::AuditRecord> &records() const { return m_records; }
    [[nodiscard]] std::optional<ps::station::AuditRecord> recordAt(int row) const;
    /// The row of the record with this sequence, -1 when not listed.
    [[nodiscard]] int rowOf(qint64 sequence) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// "claim" -> "Claim", "reprovision" -> "Reprovision"; other kinds as they are.
    static QString flowName(const QString &kind);
    static QString verdictName(ps::station::Verdict verdict);
    /// "IMEI 351234567890123 · 5b0f…" or the device id alone.
    static QString deviceText(const ps::station::DeviceIdentity &device);

private:
    QList<ps::station::AuditRecord> m_records;
};

/// "850 ms", "12.4 s", "3 min 05 s", "1 h 02 min".
QString formatDuration(qint64 milliseconds);

} // namespace ps::gui
