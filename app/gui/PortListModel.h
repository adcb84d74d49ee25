#pragma once

#include "device/PortInfo.h"

#include <QAbstractListModel>
#include <QSet>
#include <optional>

namespace ps::gui {

/// The port list as the Ports panel shows it: Nordic and SEGGER devices first with their board
/// name ("nRF9151 DK — ttyACM0"), then every other port, then ports added by hand. Keeps the
/// order PortWatcher gives (ps::device::arrangePorts) and marks the ports that are open.
class PortListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        SystemLocationRole = Qt::UserRole + 1, ///< QString, what DeviceLink opens
        IsNordicRole,                          ///< bool
        IsOpenRole,                            ///< bool
    };

    explicit PortListModel(QObject *parent = nullptr);

    /// Replaces the list, keeping rows that did not change (selection survives a rescan).
    void setPorts(const QList<ps::device::PortInfo> &ports);
    [[nodiscard]] const QList<ps::device::PortInfo> &ports() const { return m_ports; }
    [[nodiscard]] std::optional<ps::device::PortInfo> portAt(int row) const;
    [[nodiscard]] int rowOf(const QString &systemLocation) const;
    /// Ports with a console open are shown in bold.
    void setOpenPorts(const QSet<QString> &systemLocations);

    /// "ttyACM0" for /dev/ttyACM0, "pts/3" for /dev/pts/3, the file name for other paths.
    static QString shortName(const QString &systemLocation);
    /// "nRF9151 DK — ttyACM0", or the port name alone when the board is unknown.
    static QString displayName(const ps::device::PortInfo &port);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

private:
    QList<ps::device::PortInfo> m_ports;
    QSet<QString> m_open;
};

} // namespace ps::gui
