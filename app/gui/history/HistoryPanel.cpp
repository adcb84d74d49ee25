#include "HistoryPanel.h"

#include "RecordDetails.h"
#include "gui/wizards/FlowIcons.h"
#include "gui/wizards/ProvisioningContext.h"
#include "ui_HistoryPanel.h"

#include <QDir>
#include <QFileDialog>
#include <QHeaderView>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QTextStream>
#include <QTimer>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::station::AuditRecord;
using ps::station::Verdict;

namespace {

constexpr int SearchDelayMs = 250;

enum class Period { Any, Today, Week, Month };

} // namespace

HistoryPanel::HistoryPanel(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::HistoryPanel>())
    , m_model(new HistoryModel(this))
    , m_proxy(new QSortFilterProxyModel(this)) {
    m_ui->setupUi(this);
    m_ui->refreshButton->setIcon(flowIcon(FlowIcon::Retry));
    m_ui->exportCsvButton->setIcon(flowIcon(FlowIcon::Export));
    m_ui->exportJsonButton->setIcon(flowIcon(FlowIcon::Export));

    m_ui->verdictCombo->addItem(tr("All verdicts"));
    for (const Verdict verdict : {Verdict::Succeeded, Verdict::Failed, Verdict::Cancelled})
        m_ui->verdictCombo->addItem(flowIcon(verdictIcon(verdict)),
                                    HistoryModel::verdictName(verdict),
                                    ps::station::verdictId(verdict));
    m_ui->kindCombo->addItem(tr("All flows"));
    for (const QString &kind : {u"claim"_s, u"reprovision"_s})
        m_ui->kindCombo->addItem(HistoryModel::flowName(kind), kind);
    m_ui->periodCombo->addItem(tr("Any time"), int(Period::Any));
    m_ui->periodCombo->addItem(tr("Today"), int(Period::Today));
    m_ui->periodCombo->addItem(tr("Last 7 days"), int(Period::Week));
    m_ui->periodCombo->addItem(tr("Last 30 days"), int(Period::Month));

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(HistoryModel::SortRole);
    m_ui->recordsView->setModel(m_proxy);
    m_ui->recordsView->sortByColumn(HistoryModel::WhenColumn, Qt::DescendingOrder);
    QHeaderView *header = m_ui->recordsView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(HistoryModel::DeviceColumn, QHeaderView::Interactive);
    header->resizeSection(HistoryModel::DeviceColumn, 230);
    header->setStretchLastSection(false);
    m_ui->splitter->setStretchFactor(0, 3);
    m_ui->splitter->setStretchFactor(1, 2);

    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(SearchDelayMs);
    connect(m_searchDelay, &QTimer::timeout, this, &HistoryPanel::refresh);
    connect(m_ui->searchEdit, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    for (QComboBox *combo : {m_ui->verdictCombo, m_ui->kindCombo, m_ui->periodCombo})
        connect(combo, &QComboBox::currentIndexChanged, this, &HistoryPanel::refresh);
    connect(m_ui->refreshButton, &QToolButton::clicked, this, &HistoryPanel::refresh);
    connect(m_ui->exportCsvButton, &QToolButton::clicked, this,
            [this] { askExport(ExportFormat::Csv); });
    connect(m_ui->exportJsonButton, &QToolButton::clicked, this,
            [this] { askExport(ExportFormat::Json); });
    connect(m_ui->recordsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &HistoryPanel::showSelected);
    m_ui->detailsBrowser->setPlaceholderText(tr("Select a record to see its steps."));
    setFocusProxy(m_ui->searchEdit);
}

HistoryPanel::~HistoryPanel() = default;

void HistoryPanel::setContext(ProvisioningContext *context) {
    if (m_context)
        disconnect(m_context, nullptr, this, nullptr);
    m_context = context;
    if (context) {
        connect(context, &ProvisioningContext::recordAdded, this,
                [this](const AuditRecord &record) {
                    if (!isVisible()) {
                        m_stale = true;
                        m_selectWhenShown = record.sequence;
                        return;
                    }
                    refresh();
                    selectRecord(record.sequence);
                });
    }
    m_stale = true;
    if (isVisible())
        refresh();
}

void HistoryPanel::showEvent(QShowEvent *event) {
    QWidget::showEvent(event);
    if (!m_stale)
        return;
    refresh();
    if (m_selectWhenShown > 0)
        selectRecord(std::exchange(m_selectWhenShown, 0));
}

ps::station::AuditQuery HistoryPanel::query() const {
    ps::station::AuditQuery query;
    query.text = m_ui->searchEdit->text().trimmed();
    if (const QString verdict = m_ui->verdictCombo->currentData().toString(); !verdict.isEmpty())
        query.verdict = ps::station::verdictFromId(verdict);
    query.kind = m_ui->kindCombo->currentData().toString();
    const QDateTime now = QDateTime::currentDateTime();
    switch (Period(m_ui->periodCombo->currentData().toInt())) {
    case Period::Any:
        break;
    case Period::Today:
        query.from = QDateTime(now.date(), QTime(0, 0)).toUTC();
        break;
    case Period::Week:
        query.from = now.addDays(-7).toUTC();
        break;
    case Period::Month:
        query.from = now.addDays(-30).toUTC();
        break;
    }
    query.newestFirst = true;
    return query;
}

void HistoryPanel::refresh() {
    m_searchDelay->stop();
    m_stale = false;
    const std::optional<AuditRecord> selected = selectedRecord();
    if (!m_context) {
        m_model->setRecords({});
        m_ui->statusLabel->setText(tr("No audit store."));
        return;
    }
    auto store = m_context->auditStore();
    if (!store) {
        m_model->setRecords({});
        m_ui->statusLabel->setText(store.error());
        return;
    }
    auto records = (*store)->search(query());
    if (!records) {
        m_ui->statusLabel->setText(tr("The records cannot be read: %1").arg(records.error()));
        return;
    }
    m_model->setRecords(*records);
    const QString where = QDir::toNativeSeparators((*store)->location());
    m_ui->statusLabel->setText(tr("%n record(s) listed · %1", "", int(records->size())).arg(where));
    m_ui->exportCsvButton->setEnabled(!records->isEmpty());
    m_ui->exportJsonButton->setEnabled(!records->isEmpty());
    if (!selected || !selectRecord(selected->sequence))
        m_ui->detailsBrowser->clear();
}

bool HistoryPanel::selectRecord(qint64 sequence) {
    const int row = m_model->rowOf(sequence);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_ui->recordsView->setCurrentIndex(index);
    m_ui->recordsView->scrollTo(index);
    showSelected();
    return true;
}

std::optional<AuditRecord> HistoryPanel::selectedRecord() const {
    const QModelIndex current = m_ui->recordsView->currentIndex();
    if (!current.isValid())
        return std::nullopt;
    return m_model->recordAt(m_proxy->mapToSource(current).row());
}

void HistoryPanel::showSelected() {
    const auto record = selectedRecord();
    if (!record) {
        m_ui->detailsBrowser->clear();
        return;
    }
    m_ui->detailsBrowser->setHtml(recordDetailsHtml(*record));
}

QString HistoryPanel::detailsText() const {
    return m_ui->detailsBrowser->toPlainText();
}

QString HistoryPanel::statusText() const {
    return m_ui->statusLabel->text();
}

void HistoryPanel::setSearchText(const QString &text) {
    m_ui->searchEdit->setText(text);
    refresh();
}

std::expected<int, QString> HistoryPanel::exportRecords(const QString &path,
                                                        ExportFormat format) const {
    QList<AuditRecord> records;
    // In the order shown (the table may be sorted by any column).
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        if (auto record = m_model->recordAt(m_proxy->mapToSource(m_proxy->index(row, 0)).row()))
            records.append(*record);
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return std::unexpected(tr("Cannot write %1: %2").arg(path, file.errorString()));
    if (format == ExportFormat::Csv) {
        QTextStream out(&file);
        out.setEncoding(QStringConverter::Utf8);
        AuditRecord::writeCsv(out, records);
        out.flush();
    } else {
        file.write(
            QJsonDocument(AuditRecord::toJsonArray(records)).toJson(QJsonDocument::Indented));
    }
    if (!file.commit())
        return std::unexpected(tr("Cannot write %1: %2").arg(path, file.errorString()));
    return int(records.size());
}

void HistoryPanel::askExport(ExportFormat format) {
    const bool csv = format == ExportFormat::Csv;
    const QString suggested = QDir::home().filePath(u"provstation-history-%1.%2"_s.arg(
        QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s), csv ? u"csv"_s : u"json"_s));
    const QString path = QFileDialog::getSaveFileName(
        this, csv ? tr("Export History as CSV") : tr("Export History as JSON"), suggested,
        csv ? tr("CSV files (*.csv)") : tr("JSON files (*.json)"));
    if (path.isEmpty())
        return;
    if (auto written = exportRecords(path, format); !written) {
        m_ui->statusLabel->setText(written.error());
        if (m_context)
            Q_EMIT m_context->problemOccurred(tr("History"), written.error());
    } else {
        m_ui->statusLabel->setText(
            tr("%n record(s) saved to %1", "", *written).arg(QDir::toNativeSeparators(path)));
    }
}

} // namespace ps::gui
