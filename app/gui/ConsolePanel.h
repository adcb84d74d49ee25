#pragma once

#include "ConsoleModel.h"
#include "Settings.h"
#include "device/DeviceLink.h"

#include <QWidget>
#include <expected>
#include <memory>

class QAction;
class QMenu;

namespace Ui {
class ConsolePanel;
}

namespace ps::gui {

class CommandBar;
class CommandHistory;
class ConsoleView;
class FindBar;
class SessionLogger;
class TimelineSession;

/// One console tab: a serial port's DeviceLink, its ConsoleModel and ConsoleView, the find
/// bar, the level/module filter, the command line and the session log.
///
/// The panel wires the byte path (link -> model, session log) and the command path (command
/// bar -> link) and keeps the filter buttons and the model in step. It owns the link. Problems
/// (a port that does not open, a log that cannot be written) go out through problemOccurred, so
/// the window shows them in its one place for problems.
class ConsolePanel : public QWidget {
    Q_OBJECT
public:
    /// A console for a serial port (from the port list, or a path added by hand) with the line
    /// settings of `settings.serial`; not yet connected (call connectPort()).
    ConsolePanel(const ps::device::PortInfo &port, const Settings &settings,
                 CommandHistory *history, QWidget *parent = nullptr);
    /// A console for a link made elsewhere (tests: any Transport).
    ConsolePanel(std::unique_ptr<ps::device::DeviceLink> link, const Settings &settings,
                 CommandHistory *history, QWidget *parent = nullptr);
    ~ConsolePanel() override;

    /// Opens the port and starts a session log; false when the port would not open (the reason
    /// went to problemOccurred and into the console).
    bool connectPort();
    void disconnectPort();
    /// Other line settings, applied at once when the port is open.
    void setSerialSettings(const ps::device::SerialSettings &serial);
    /// How the link finds its device again after it re-enumerated under another name
    /// (PortWatcher::resolver()).
    void setPortResolver(ps::device::DeviceLink::PortResolver resolver);

    /// Where the device is now (it may move, ttyACM0 -> ttyACM2, after re-enumerating).
    [[nodiscard]] QString portName() const;
    [[nodiscard]] ps::device::DeviceLink::State state() const;
    [[nodiscard]] bool isConnected() const;
    [[nodiscard]] ps::device::SerialSettings serialSettings() const;
    /// "nRF9151 DK — ttyACM0" style tab title is set by the window; this is the short port name.
    [[nodiscard]] QString shortName() const;
    /// "Connected · /dev/ttyACM0 · 115200 8N1" for the status bar.
    [[nodiscard]] QString statusText() const;

    /// Console, history and log settings changed (Preferences).
    void applySettings(const Settings &settings);
    [[nodiscard]] LineEnding lineEnding() const;
    [[nodiscard]] bool hexMode() const;

    void showFindBar();
    void findNext();
    void findPrevious();
    void clearConsole();
    void setFollow(bool follow);
    [[nodiscard]] bool follows() const;
    void setShowTimestamps(bool show);
    [[nodiscard]] bool showsTimestamps() const;
    void setLevelShown(LevelClass level, bool shown);
    [[nodiscard]] bool levelShown(LevelClass level) const;
    /// Hides the log lines of these modules (the Modules menu does the same).
    void setHiddenModules(const QSet<QString> &hidden);
    std::expected<void, QString> saveConsole(const QString &path, ConsoleModel::SaveFormat format);
    /// Focus to the command line.
    void focusCommandLine();

    /// The tool buttons trigger the window's actions, so button, menu and shortcut agree.
    void bindActions(QAction *find, QAction *save, QAction *clear, QAction *timestamps);

    [[nodiscard]] ps::device::DeviceLink *link() const { return m_link.get(); }
    [[nodiscard]] ConsoleModel *model() const { return m_model; }
    [[nodiscard]] ConsoleView *view() const;
    [[nodiscard]] CommandBar *commandBar() const;
    [[nodiscard]] FindBar *findBar() const;
    [[nodiscard]] SessionLogger *sessionLogger() const { return m_logger.get(); }
    /// The timeline of this port, fed the same lines as the console (the Timeline dock shows it).
    [[nodiscard]] TimelineSession *timeline() const { return m_timeline; }

Q_SIGNALS:
    void stateChanged(ps::device::DeviceLink::State state);
    void problemOccurred(const QString &source, const QString &message);
    /// A command went to the device (for the shared history's persistence).
    void commandSent(const QString &command);
    void followChanged(bool follow);
    void filterChanged();
    /// Line ending or hex mode changed.
    void commandOptionsChanged();

private:
    void setUpUi(const Settings &settings, CommandHistory *history);
    void attach(std::unique_ptr<ps::device::DeviceLink> link);
    void onLines(const std::vector<ps::core::Line> &lines);
    void onNotice(const QString &message);
    void onStateChanged(ps::device::DeviceLink::State state);
    void send(const QByteArray &bytes, const QString &command);
    void startSessionLog();
    void updateFilterFromButtons();
    void fillModulesMenu();

    std::unique_ptr<Ui::ConsolePanel> m_ui;
    std::unique_ptr<ps::device::DeviceLink> m_link;
    ConsoleModel *m_model = nullptr;
    TimelineSession *m_timeline = nullptr;
    std::unique_ptr<SessionLogger> m_logger;
    QMenu *m_modulesMenu = nullptr;
    Settings::SessionLog m_logSettings;
};

} // namespace ps::gui
