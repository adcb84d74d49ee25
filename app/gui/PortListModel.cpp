#include "PortListModel.h"

#include "Icons.h"

#include <QFileInfo>
#include <QFont>

namespace ps::gui {

PortListModel::PortListModel(QObject *parent)
    : QAbstractListModel(parent) {}

void PortListModel::setPorts(const QList<ps::device::PortInfo> &ports) {
    if (ports == m_ports)
        return;
    // Rows are replaced in place where the same port stays at the same place, so a rescan that
    // changes nothing visible keeps the selection; a change in length resets the list.
    if (ports.size() == m_ports.size()) {
        bool sameOrder = true;
        for (qsizetype i = 0; i < ports.size() && sameOrder; ++i)
            sameOrder = ports[i].systemLocation == m_ports[i].systemLocation;
        if (sameOrder) {
            m_ports = ports;
            Q_EMIT dataChanged(index(0), index(int(m_ports.size()) - 1));
            return;
        }
    }
    beginResetModel();
    m_ports = ports;
    endResetModel();
}

std::optional<ps::device::PortInfo> PortListModel::portAt(int row) const {
    if (row < 0 || row >= m_ports.size())
        return std::nullopt;
    return m_ports.at(row);
}

int PortListModel::rowOf(const QString &systemLocation) const {
    for (qsizetype i = 0; i < m_ports.size(); ++i) {
        if (m_ports[i].systemLocation == systemLocation)
            return int(i);
    }
    return -1;
}

void PortListModel::setOpenPorts(const QSet<QString> &systemLocations) {
    if (systemLocations == m_open)
        return;
    m_open = systemLocations;
    if (!m_ports.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_ports.size()) - 1), {Qt::FontRole, IsOpenRole});
}

QString PortListModel::shortName(const QString &systemLocation) {
    if (systemLocation.startsWith(QLatin1String("/dev/")) && systemLocation.size() > 5)
        return systemLocation.mid(5);
    const QString name = QFileInfo(systemLocation).fileName();
    return name.isEmpty() ? systemLocation : name;
}

QString PortListModel::displayName(const ps::device::PortInfo &port) {
    const QString name = port.portName.isEmpty() ? port.systemLocation : port.portName;
    if (port.boardName.isEmpty())
        return name;
    return port.boardName + QStringLiteral(" — ") + name;
}

int PortListModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_ports.size());
}

QVariant PortListModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.row() >= m_ports.size())
        return {};
    const ps::device::PortInfo &port = m_ports.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayName(port);
    case Qt::DecorationRole:
        return icon(port.isNordic ? IconId::Board : IconId::Port);
    case Qt::ToolTipRole: {
        QStringList lines{port.systemLocation};
        if (!port.description.isEmpty())
            lines.append(port.description);
        if (!port.manufacturer.isEmpty())
            lines.append(tr("Manufacturer: %1").arg(port.manufacturer));
        if (!port.serialNumber.isEmpty())
            lines.append(tr("Serial number: %1").arg(port.serialNumber));
        if (port.vendorId != 0)
            lines.append(QStringLiteral("USB %1:%2")
                             .arg(port.vendorId, 4, 16, QLatin1Char('0'))
                             .arg(port.productId, 4, 16, QLatin1Char('0')));
        if (m_open.contains(port.systemLocation))
            lines.append(tr("Open in a console tab"));
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::FontRole:
        if (m_open.contains(port.systemLocation)) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case SystemLocationRole:
        return port.systemLocation;
    case IsNordicRole:
        return port.isNordic;
    case IsOpenRole:
        return m_open.contains(port.systemLocation);
    default:
        return {};
    }
}

} // namespace ps::gui
