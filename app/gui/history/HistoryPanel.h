#pragma once

#include "HistoryModel.h"
#include "station/AuditStore.h"

#include <QPointer>
#include <QWidget>
#include <expected>
#include <memory>

class QSortFilterProxyModel;
class QTimer;

namespace Ui {
class HistoryPanel;
}

namespace ps::gui {

class ProvisioningContext;

/// The audit trail in a panel: every claim and reprovision attempt (who, when, station,
/// device, flow, verdict, duration), searchable and filtered by verdict, flow and period; the
/// selected record's steps with their durations and the cloud's answers; CSV and JSON export
/// of what is listed. Reads the context's audit store and refreshes when a flow finishes.
class HistoryPanel : public QWidget {
    Q_OBJECT
public:
    enum class ExportFormat { Csv, Json };

    explicit HistoryPanel(QWidget *parent = nullptr);
    ~HistoryPanel() override;

    /// The records come from `context`'s audit store, read when the panel is shown (so a
    /// hidden History dock does not open the database) and again whenever a flow finishes.
    void setContext(ProvisioningContext *context);
    [[nodiscard]] ProvisioningContext *context() const { return m_context; }

    /// Reads the records matching the search and filters again.
    void refresh();
    /// The query the search field and the filters make.
    [[nodiscard]] ps::station::AuditQuery query() const;

    /// Writes the records listed to `path`; returns how many.
    std::expected<int, QString> exportRecords(const QString &path, ExportFormat format) const;

    /// Selects the record (after a refresh, if it is listed); false when not listed.
    bool selectRecord(qint64 sequence);
    [[nodiscard]] std::optional<ps::station::AuditRecord> selectedRecord() const;

    [[nodiscard]] HistoryModel *model() const { return m_model; }
    /// The details shown for the selected record (plain text).
    [[nodiscard]] QString detailsText() const;
    [[nodiscard]] QString statusText() const;

    void setSearchText(const QString &text);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showSelected();
    void askExport(ExportFormat format);

    std::unique_ptr<Ui::HistoryPanel> m_ui;
    HistoryModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTimer *m_searchDelay = nullptr;
    QPointer<ProvisioningContext> m_context;
    bool m_stale = true; ///< records changed (or never read) while the panel was hidden
    qint64 m_selectWhenShown = 0;
};

} // namespace ps::gui
