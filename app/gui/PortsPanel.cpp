#include "PortsPanel.h"

#include "PortListModel.h"
#include "ui_PortsPanel.h"

namespace ps::gui {

PortsPanel::PortsPanel(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::PortsPanel>()) {
    m_ui->setupUi(this);
    connect(m_ui->portList, &QListView::activated, this, [this](const QModelIndex &index) {
        if (m_model) {
            if (auto port = m_model->portAt(index.row()))
                Q_EMIT portActivated(*port);
        }
    });
}

PortsPanel::~PortsPanel() = default;

void PortsPanel::setModel(PortListModel *model) {
    m_model = model;
    m_ui->portList->setModel(model);
    connect(m_ui->portList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &PortsPanel::selectionChanged);
    // A rescan that reorders the list resets the model; keep the selected port selected.
    connect(model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        const auto port = selectedPort();
        m_keepSelected = port ? port->systemLocation : QString();
    });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        if (!m_keepSelected.isEmpty())
            select(m_keepSelected);
        updateEmptyState();
    });
    connect(model, &QAbstractItemModel::rowsInserted, this, &PortsPanel::updateEmptyState);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &PortsPanel::updateEmptyState);
    updateEmptyState();
}

void PortsPanel::bindActions(QAction *connectAction, QAction *addPathAction,
                             QAction *lineSettingsAction) {
    m_ui->connectButton->setDefaultAction(connectAction);
    m_ui->addPathButton->setDefaultAction(addPathAction);
    m_ui->lineSettingsButton->setDefaultAction(lineSettingsAction);
}

std::optional<ps::device::PortInfo> PortsPanel::selectedPort() const {
    if (!m_model)
        return std::nullopt;
    return m_model->portAt(m_ui->portList->currentIndex().row());
}

bool PortsPanel::select(const QString &systemLocation) {
    if (!m_model)
        return false;
    const int row = m_model->rowOf(systemLocation);
    if (row < 0)
        return false;
    m_ui->portList->setCurrentIndex(m_model->index(row));
    return true;
}

void PortsPanel::setLineSettingsText(const QString &text) {
    m_ui->lineSettingsLabel->setText(text);
}

void PortsPanel::updateEmptyState() {
    const bool empty = !m_model || m_model->rowCount() == 0;
    m_ui->emptyLabel->setVisible(empty);
    // Select the first port when nothing is, so the Connect action has something to act on.
    if (!empty && !m_ui->portList->currentIndex().isValid())
        m_ui->portList->setCurrentIndex(m_model->index(0));
    Q_EMIT selectionChanged();
}

} // namespace ps::gui
