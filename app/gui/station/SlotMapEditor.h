#pragma once

#include "device/PortInfo.h"
#include "station/SlotMap.h"

#include <QWidget>
#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace ps::device {
class PortWatcher;
}

namespace ps::gui {

/// The engineer's slot map editor: the slots (id, label, how the port is recognised, where it
/// is, which device is there now) and the ports the system shows. "Assign" makes the selected
/// port a slot, recognised by its USB serial number, its physical location or its path;
/// "Add Path" adds a path that is not listed (a virtual device's pseudo-terminal); "Remove"
/// removes the selected slot. Every change is saved to the map's file at once and announced
/// with mapChanged().
class SlotMapEditor : public QWidget {
    Q_OBJECT
public:
    explicit SlotMapEditor(QWidget *parent = nullptr);
    ~SlotMapEditor() override;

    void setSlotMap(const ps::station::SlotMap &map);
    [[nodiscard]] const ps::station::SlotMap &slotMap() const { return m_map; }
    /// What each slot's device is now ("/dev/ttyACM3"), for the last column; empty: absent.
    void setCurrentPorts(std::function<QString(const QString &slotId)> portOf);
    /// While false (the station runs) nothing can be changed.
    void setEditable(bool editable, const QString &why = {});

    /// Ports listed by the system (fed by the editor's own PortWatcher while it is shown, or
    /// by a test).
    void setPorts(const QList<ps::device::PortInfo> &ports);
    [[nodiscard]] const QList<ps::device::PortInfo> &ports() const { return m_ports; }

    /// Makes the port a slot; the error says why not (and is shown).
    std::expected<void, QString> assignPort(const ps::device::PortInfo &port,
                                            ps::station::Slot::Match match, const QString &id,
                                            const QString &label = {});
    std::expected<void, QString> addPath(const QString &path, const QString &id,
                                         const QString &label = {});
    bool removeSlot(const QString &id);
    /// The first id not in use: "A", "B", ... "Z", then "27", "28", ...
    [[nodiscard]] QString nextId() const;
    [[nodiscard]] QString message() const;

Q_SIGNALS:
    void mapChanged(const ps::station::SlotMap &map);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    std::expected<void, QString> commit(ps::station::SlotMap map);
    void refresh();
    void showMessage(const QString &text, bool error);
    void assignSelected();

    ps::station::SlotMap m_map;
    QList<ps::device::PortInfo> m_ports;
    std::function<QString(const QString &)> m_portOf;
    ps::device::PortWatcher *m_watcher = nullptr;
    QTableWidget *m_slots = nullptr;
    QTableWidget *m_portTable = nullptr;
    QLineEdit *m_id = nullptr;
    QLineEdit *m_label = nullptr;
    QComboBox *m_match = nullptr;
    QLineEdit *m_path = nullptr;
    QPushButton *m_assign = nullptr;
    QPushButton *m_addPath = nullptr;
    QPushButton *m_remove = nullptr;
    QLabel *m_message = nullptr;
    bool m_editable = true;
};

} // namespace ps::gui
