#include "SlotMapEditor.h"

#include "device/PortWatcher.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::station::Slot;
using ps::station::SlotMap;

namespace {

QTableWidget *makeTable(QWidget *parent, const QString &name, const QStringList &headers) {
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setObjectName(name);
    table->setHorizontalHeaderLabels(headers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setAlternatingRowColors(true);
    return table;
}

QTableWidgetItem *item(const QString &text) {
    auto *cell = new QTableWidgetItem(text);
    cell->setToolTip(text);
    return cell;
}

QString matchTitle(Slot::Match match) {
    switch (match) {
    case Slot::Match::SerialNumber:
        return SlotMapEditor::tr("USB serial number");
    case Slot::Match::Location:
        return SlotMapEditor::tr("USB location");
    case Slot::Match::Path:
        break;
    }
    return SlotMapEditor::tr("Path");
}

} // namespace

SlotMapEditor::SlotMapEditor(QWidget *parent)
    : QWidget(parent) {
    setObjectName(u"slotMapEditor"_s);
    m_slots =
        makeTable(this, u"slotTable"_s,
                  {tr("Slot"), tr("Label"), tr("Recognised by"), tr("Where"), tr("Device now")});
    m_portTable = makeTable(this, u"portTable"_s,
                            {tr("Port"), tr("Board"), tr("USB serial"), tr("Location")});

    m_id = new QLineEdit(this);
    m_id->setObjectName(u"slotIdField"_s);
    m_id->setMaxLength(16);
    m_id->setPlaceholderText(tr("e.g. A"));
    m_label = new QLineEdit(this);
    m_label->setObjectName(u"slotLabelField"_s);
    m_label->setPlaceholderText(tr("what the bench says, e.g. left fixture"));
    m_match = new QComboBox(this);
    m_match->setObjectName(u"slotMatchCombo"_s);
    for (const Slot::Match match :
         {Slot::Match::SerialNumber, Slot::Match::Location, Slot::Match::Path})
        m_match->addItem(matchTitle(match), int(match));
    m_match->setToolTip(tr("USB serial number: the slot follows this device wherever it is "
                           "plugged in.\nUSB location: whatever device is plugged into this "
                           "socket (the factory case).\nPath: this path as it is."));
    m_assign = new QPushButton(tr("&Assign Selected Port"), this);
    m_assign->setObjectName(u"assignButton"_s);
    m_assign->setShortcut(QKeySequence(tr("Ctrl+Shift+Return")));
    m_assign->setToolTip(tr("Make the selected port a slot (Ctrl+Shift+Return)"));
    m_path = new QLineEdit(this);
    m_path->setObjectName(u"slotPathField"_s);
    m_path->setPlaceholderText(tr("/dev/serial/by-path/… or a virtual device's pty link"));
    m_addPath = new QPushButton(tr("Add &Path"), this);
    m_addPath->setObjectName(u"addPathButton"_s);
    m_addPath->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    m_addPath->setToolTip(tr("Make the typed path a slot (Ctrl+Shift+O)"));
    m_remove = new QPushButton(tr("&Remove Slot"), this);
    m_remove->setObjectName(u"removeSlotButton"_s);
    m_remove->setShortcut(QKeySequence::Delete);
    m_remove->setToolTip(tr("Remove the selected slot (Del)"));
    m_message = new QLabel(this);
    m_message->setObjectName(u"slotMapMessage"_s);
    m_message->setWordWrap(true);

    auto *slotsBox = new QGroupBox(tr("Slots"), this);
    auto *slotsLayout = new QVBoxLayout(slotsBox);
    slotsLayout->addWidget(m_slots);
    auto *removeRow = new QHBoxLayout;
    removeRow->addStretch(1);
    removeRow->addWidget(m_remove);
    slotsLayout->addLayout(removeRow);

    auto *portsBox = new QGroupBox(tr("Ports the system shows"), this);
    auto *portsLayout = new QVBoxLayout(portsBox);
    portsLayout->addWidget(m_portTable);
    auto *form = new QFormLayout;
    form->addRow(tr("Slot &id:"), m_id);
    form->addRow(tr("&Label:"), m_label);
    form->addRow(tr("Recognise &by:"), m_match);
    portsLayout->addLayout(form);
    auto *assignRow = new QHBoxLayout;
    assignRow->addStretch(1);
    assignRow->addWidget(m_assign);
    portsLayout->addLayout(assignRow);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(m_addPath);
    portsLayout->addLayout(pathRow);

    auto *columns = new QHBoxLayout;
    columns->addWidget(slotsBox, 3);
    columns->addWidget(portsBox, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(m_message);

    connect(m_assign, &QPushButton::clicked, this, &SlotMapEditor::assignSelected);
    connect(m_addPath, &QPushButton::clicked, this, [this] {
        if (addPath(m_path->text().trimmed(), m_id->text().trimmed(), m_label->text().trimmed()))
            m_path->clear();
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const int row = m_slots->currentRow();
        if (row >= 0 && row < m_map.slots().size())
            removeSlot(m_map.slots().at(row).id);
    });
    refresh();
}

SlotMapEditor::~SlotMapEditor() = default;

void SlotMapEditor::setSlotMap(const SlotMap &map) {
    m_map = map;
    refresh();
}

void SlotMapEditor::setCurrentPorts(std::function<QString(const QString &)> portOf) {
    m_portOf = std::move(portOf);
    refresh();
}

void SlotMapEditor::setEditable(bool editable, const QString &why) {
    m_editable = editable;
    for (QWidget *widget : std::initializer_list<QWidget *>{m_id, m_label, m_match, m_path,
                                                            m_assign, m_addPath, m_remove})
        widget->setEnabled(editable);
    if (!editable)
        showMessage(why, false);
    else if (!why.isEmpty())
        showMessage(why, false);
    else
        m_message->clear();
}

void SlotMapEditor::setPorts(const QList<ps::device::PortInfo> &ports) {
    const QString selected =
        m_portTable->currentRow() >= 0 && m_portTable->currentRow() < m_ports.size()
            ? m_ports.at(m_portTable->currentRow()).systemLocation
            : QString();
    m_ports = ports;
    m_portTable->setRowCount(int(ports.size()));
    for (int row = 0; row < ports.size(); ++row) {
        const auto &port = ports.at(row);
        m_portTable->setItem(row, 0, item(port.portName));
        m_portTable->setItem(row, 1,
                             item(port.boardName.isEmpty() ? port.description : port.boardName));
        m_portTable->setItem(row, 2, item(port.serialNumber));
        m_portTable->setItem(row, 3, item(port.systemLocation));
        if (port.systemLocation == selected)
            m_portTable->selectRow(row);
    }
    m_portTable->resizeColumnsToContents();
    m_portTable->horizontalHeader()->setStretchLastSection(true);
}

std::expected<void, QString> SlotMapEditor::assignPort(const ps::device::PortInfo &port,
                                                       Slot::Match match, const QString &id,
                                                       const QString &label) {
    if (match == Slot::Match::SerialNumber && port.serialNumber.isEmpty()) {
        const QString why = tr("%1 has no USB serial number; recognise it by its location or "
                               "path.")
                                .arg(port.portName);
        showMessage(why, true);
        return std::unexpected(why);
    }
    Slot slot = Slot::forPort(id.isEmpty() ? nextId() : id, port, match);
    slot.label = label;
    SlotMap map = m_map;
    if (auto assigned = map.assign(slot); !assigned) {
        showMessage(assigned.error(), true);
        return assigned;
    }
    return commit(std::move(map));
}

std::expected<void, QString> SlotMapEditor::addPath(const QString &path, const QString &id,
                                                    const QString &label) {
    if (path.isEmpty()) {
        const QString why = tr("Type the path of the port first.");
        showMessage(why, true);
        return std::unexpected(why);
    }
    SlotMap map = m_map;
    if (auto assigned = map.assign(Slot::forPath(id.isEmpty() ? nextId() : id, path, label));
        !assigned) {
        showMessage(assigned.error(), true);
        return assigned;
    }
    return commit(std::move(map));
}

bool SlotMapEditor::removeSlot(const QString &id) {
    SlotMap map = m_map;
    if (!map.unassign(id))
        return false;
    return commit(std::move(map)).has_value();
}

QString SlotMapEditor::nextId() const {
    for (char c = 'A'; c <= 'Z'; ++c) {
        const QString id(QLatin1Char{c});
        if (!m_map.slot(id))
            return id;
    }
    for (int n = 27;; ++n) {
        if (!m_map.slot(QString::number(n)))
            return QString::number(n);
    }
}

QString SlotMapEditor::message() const {
    return m_message->text();
}

void SlotMapEditor::showEvent(QShowEvent *event) {
    QWidget::showEvent(event);
    if (!m_watcher) {
        m_watcher = new ps::device::PortWatcher(this);
        connect(m_watcher, &ps::device::PortWatcher::portsChanged, this, &SlotMapEditor::setPorts);
        m_watcher->start();
    }
}

void SlotMapEditor::hideEvent(QHideEvent *event) {
    QWidget::hideEvent(event);
    // Stop scanning while nobody looks (the running station has its own watcher).
    delete m_watcher;
    m_watcher = nullptr;
}

std::expected<void, QString> SlotMapEditor::commit(SlotMap map) {
    if (!m_editable) {
        const QString why = tr("Stop the station to change the slots.");
        showMessage(why, true);
        return std::unexpected(why);
    }
    map.setFilePath(m_map.filePath());
    if (!map.filePath().isEmpty()) {
        if (auto saved = map.save(); !saved) {
            showMessage(tr("The slot map could not be saved: %1").arg(saved.error()), true);
            return saved;
        }
    }
    m_map = std::move(map);
    refresh();
    showMessage(tr("Saved %n slot(s).", nullptr, int(m_map.size())), false);
    m_id->clear();
    m_label->clear();
    Q_EMIT mapChanged(m_map);
    return {};
}

void SlotMapEditor::refresh() {
    const QList<Slot> &all = m_map.slots();
    m_slots->setRowCount(int(all.size()));
    for (int row = 0; row < all.size(); ++row) {
        const Slot &slot = all.at(row);
        m_slots->setItem(row, 0, item(slot.id));
        m_slots->setItem(row, 1, item(slot.label));
        m_slots->setItem(row, 2, item(matchTitle(slot.match)));
        m_slots->setItem(row, 3, item(slot.describeMatch()));
        const QString now = m_portOf ? m_portOf(slot.id) : QString();
        m_slots->setItem(row, 4, item(now.isEmpty() ? tr("no device") : now));
    }
    m_slots->resizeColumnsToContents();
    m_slots->horizontalHeader()->setStretchLastSection(true);
    m_id->setPlaceholderText(tr("next free: %1").arg(nextId()));
}

void SlotMapEditor::showMessage(const QString &text, bool error) {
    m_message->setText(text);
    QPalette palette = this->palette();
    if (error)
        palette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_message->setPalette(palette);
}

void SlotMapEditor::assignSelected() {
    const int row = m_portTable->currentRow();
    if (row < 0 || row >= m_ports.size()) {
        showMessage(tr("Select a port in the list first."), true);
        return;
    }
    const auto match = static_cast<Slot::Match>(m_match->currentData().toInt());
    (void)assignPort(m_ports.at(row), match, m_id->text().trimmed(), m_label->text().trimmed());
}

} // namespace ps::gui
