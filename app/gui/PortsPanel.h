#pragma once

#include "device/PortInfo.h"

#include <QWidget>
#include <memory>
#include <optional>

class QAction;

namespace Ui {
class PortsPanel;
}

namespace ps::gui {

class PortListModel;

/// The Ports dock: the live port list and the buttons of the port actions. The actions belong
/// to the main window (bindActions), so menu, shortcut and button do the same thing.
class PortsPanel : public QWidget {
    Q_OBJECT
public:
    explicit PortsPanel(QWidget *parent = nullptr);
    ~PortsPanel() override;

    void setModel(PortListModel *model);
    void bindActions(QAction *connectAction, QAction *addPathAction, QAction *lineSettingsAction);
    [[nodiscard]] std::optional<ps::device::PortInfo> selectedPort() const;
    /// Selects the port with this system location, if listed.
    bool select(const QString &systemLocation);
    void setLineSettingsText(const QString &text);

Q_SIGNALS:
    /// Double-click or Return on a port.
    void portActivated(const ps::device::PortInfo &port);
    void selectionChanged();

private:
    void updateEmptyState();

    std::unique_ptr<Ui::PortsPanel> m_ui;
    PortListModel *m_model = nullptr;
    QString m_keepSelected;
};

} // namespace ps::gui
