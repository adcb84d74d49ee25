#pragma once

#include "CommandHistory.h"
#include "Settings.h"
#include "StartupOptions.h"

#include <QMainWindow>
#include <memory>

class QDockWidget;
class QLabel;
class QSettings;
class QToolButton;

namespace Ui {
class MainWindow;
}

namespace ps::device {
class PortWatcher;
struct PortInfo;
} // namespace ps::device

namespace ps::gui {

class ConsolePanel;
class PortListModel;
class ProblemLog;
struct Problem;
class ThemeManager;
class TimelineLogPanel;
class TimelinePanel;
class TimelineSession;
class ProvisioningContext;
class ProvisioningActions;
class HistoryPanel;
class StationWindow;

/// The workstation's window: console tabs (one ConsolePanel per open port), the Ports dock fed
/// by a PortWatcher, the Problems dock and status bar, menus and the theme.
///
/// Deliberately thin: it builds the parts, routes each action to the current console, and keeps
/// Settings. The behaviour lives in the parts (ConsolePanel, ConsoleModel, PortWatcher, ...).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const StartupOptions &options = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens a console for the port (or shows its tab) and connects it.
    ConsolePanel *openPort(const QString &systemLocation);
    /// Lists a port the system does not (a pty path) and remembers it in the settings.
    void addManualPort(const QString &path);
    /// Opens a saved log (or support bundle) in a tab of its own and shows its timeline;
    /// null when the file cannot be read (the reason goes to the problems).
    TimelineLogPanel *openLogForTimeline(const QString &path);

    [[nodiscard]] ConsolePanel *currentPanel() const;
    [[nodiscard]] QList<ConsolePanel *> panels() const;
    [[nodiscard]] ConsolePanel *panelFor(const QString &systemLocation) const;
    [[nodiscard]] PortListModel *portListModel() const { return m_portModel; }
    [[nodiscard]] ProblemLog *problemLog() const { return m_problems; }
    [[nodiscard]] ThemeManager *themeManager() const { return m_theme; }
    [[nodiscard]] TimelinePanel *timelinePanel() const { return m_timelinePanel; }
    [[nodiscard]] QDockWidget *timelineDock() const { return m_timelineDock; }
    /// Claim/reprovision wizards, the account and the audit history (issue 5).
    [[nodiscard]] ProvisioningContext *provisioning() const { return m_provisioning; }
    [[nodiscard]] ProvisioningActions *provisioningActions() const { return m_provisioningActions; }
    [[nodiscard]] HistoryPanel *historyPanel() const { return m_historyPanel; }
    [[nodiscard]] QDockWidget *historyDock() const { return m_historyDock; }
    [[nodiscard]] const Settings &settings() const { return m_settings; }
    [[nodiscard]] CommandHistory &commandHistory() { return m_history; }
    /// Opens (or raises) the flashing station's window (Device > Flashing Station…,
    /// Ctrl+Shift+G, or --station).
    StationWindow *openStation();
    [[nodiscard]] StationWindow *stationWindow() const { return m_stationWindow; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void setUpActions();
    void setUpStatusBar();
    void setUpPorts();
    void setUpTimeline();
    void setUpProvisioning();
    [[nodiscard]] static TimelineSession *timelineOf(QWidget *page);
    void connectActions();
    void applyTheme(Theme theme, bool remember);
    void updateExtraPorts();
    void closeTab(int index);
    void onCurrentTabChanged();
    void onPanelStateChanged(ConsolePanel *panel);
    void onProblem(const Problem &problem);
    void updateActions();
    void syncPanelActions();
    void saveSettings();
    void saveConsole();
    void editLineSettings();
    void editPreferences();
    void showShortcuts();
    void connectSelected();
    [[nodiscard]] QString titleFor(const QString &systemLocation) const;

    std::unique_ptr<Ui::MainWindow> m_ui;
    std::unique_ptr<QSettings> m_store;
    Settings m_settings;
    CommandHistory m_history;
    ps::device::PortWatcher *m_watcher = nullptr;
    PortListModel *m_portModel = nullptr;
    ProblemLog *m_problems = nullptr;
    ThemeManager *m_theme = nullptr;
    QLabel *m_stateLabel = nullptr;
    QToolButton *m_problemButton = nullptr;
    TimelinePanel *m_timelinePanel = nullptr;
    QDockWidget *m_timelineDock = nullptr;
    ProvisioningContext *m_provisioning = nullptr;
    ProvisioningActions *m_provisioningActions = nullptr;
    HistoryPanel *m_historyPanel = nullptr;
    QDockWidget *m_historyDock = nullptr;
    StationWindow *m_stationWindow = nullptr;
};

} // namespace ps::gui
