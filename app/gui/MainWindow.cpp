#include "MainWindow.h"

#include "AddPortDialog.h"
#include "ConsolePanel.h"
#include "ConsoleView.h"
#include "Icons.h"
#include "LineSettingsDialog.h"
#include "PortListModel.h"
#include "PortsPanel.h"
#include "PreferencesDialog.h"
#include "ProblemLog.h"
#include "SessionLogger.h"
#include "ThemeManager.h"
#include "device/PortWatcher.h"
#include "history/HistoryPanel.h"
#include "station/StationWindow.h"
#include "timeline/TimelineLogPanel.h"
#include "timeline/TimelinePanel.h"
#include "timeline/TimelineSession.h"
#include "ui_MainWindow.h"
#include "wizards/FlowIcons.h"
#include "wizards/ProvisioningActions.h"

#include <QActionGroup>
#include <QCloseEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QToolButton>
#include <QUrl>

namespace ps::gui {

using ps::device::DeviceLink;

namespace {

constexpr int ProblemMessageMs = 20'000;

std::unique_ptr<QSettings> openStore(const QString &file) {
    if (file.isEmpty())
        return std::make_unique<QSettings>();
    return std::make_unique<QSettings>(file, QSettings::IniFormat);
}

} // namespace

MainWindow::MainWindow(const StartupOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_store(openStore(options.settingsFile))
    , m_settings(Settings::load(*m_store))
    , m_history(m_settings.command.historyLimit, m_settings.command.history) {
    initResources();
    m_theme = new ThemeManager(this);
    m_ui->setupUi(this);
    setWindowIcon(icon(IconId::App));
    m_problems = new ProblemLog(this);

    setUpActions();
    setUpStatusBar();
    setUpTimeline();
    setUpProvisioning();
    setUpPorts();
    connectActions();

    applyTheme(options.theme.value_or(m_settings.theme), !options.theme.has_value());
    if (!m_settings.windowGeometry.isEmpty())
        restoreGeometry(m_settings.windowGeometry);
    if (!m_settings.windowState.isEmpty())
        restoreState(m_settings.windowState);
    m_ui->problemsDock->hide();
    if (m_settings.windowState.isEmpty()) {
        resizeDocks({m_ui->portsDock}, {300}, Qt::Horizontal);
        resizeDocks({m_timelineDock}, {280}, Qt::Vertical);
    }

    for (const QString &path : options.ports)
        addManualPort(path);
    for (const QString &path : options.ports)
        openPort(path);
    for (const QString &path : options.timelineLogs)
        openLogForTimeline(path);
    updateActions();
    if (options.station)
        openStation();
}

MainWindow::~MainWindow() {
    // The station window uses the settings store: it goes first.
    delete m_stationWindow;
    // Close the consoles (and their ports) while the window's parts still exist.
    while (m_ui->consoleTabs->count() > 0) {
        QWidget *page = m_ui->consoleTabs->widget(0);
        m_ui->consoleTabs->removeTab(0);
        delete page;
    }
}

ConsolePanel *MainWindow::openPort(const QString &systemLocation) {
    if (ConsolePanel *existing = panelFor(systemLocation)) {
        m_ui->consoleTabs->setCurrentWidget(existing);
        existing->connectPort();
        return existing;
    }
    ps::device::PortInfo port;
    if (const auto listed = m_portModel->portAt(m_portModel->rowOf(systemLocation))) {
        port = *listed;
    } else {
        port.portName = PortListModel::shortName(systemLocation);
        port.systemLocation = systemLocation;
    }
    auto *panel = new ConsolePanel(port, m_settings, &m_history);
    // A USB device can come back under another name (ttyACM0 -> ttyACM2); the watcher finds it
    // by its serial number. Without one, the link simply retries the same path.
    if (!port.serialNumber.isEmpty())
        panel->setPortResolver(m_watcher->resolver());
    panel->bindActions(m_ui->actionFind, m_ui->actionSaveConsole, m_ui->actionClear,
                       m_ui->actionTimestamps);
    connect(panel, &ConsolePanel::stateChanged, this,
            [this, panel] { onPanelStateChanged(panel); });
    connect(panel, &ConsolePanel::problemOccurred, m_problems,
            qOverload<const QString &, const QString &>(&ProblemLog::report));
    connect(panel, &ConsolePanel::commandSent, this, [this] {
        m_settings.command.history = m_history.entries();
        saveSettings();
    });
    connect(panel, &ConsolePanel::commandOptionsChanged, this, [this, panel] {
        m_settings.command.lineEnding = panel->lineEnding();
        m_settings.command.hexMode = panel->hexMode();
        saveSettings();
    });
    connect(panel, &ConsolePanel::followChanged, this, &MainWindow::syncPanelActions);
    connect(panel, &ConsolePanel::filterChanged, this, &MainWindow::syncPanelActions);

    const int index =
        m_ui->consoleTabs->addTab(panel, icon(IconId::Disconnect), titleFor(systemLocation));
    m_ui->consoleTabs->setTabToolTip(index, systemLocation);
    // Our own close button: drawn with the theme's text colour like every other icon.
    auto *close = new QToolButton(m_ui->consoleTabs);
    close->setIcon(icon(IconId::Close));
    close->setIconSize(QSize(12, 12));
    close->setAutoRaise(true);
    close->setToolTip(tr("Disconnect and close this console (Ctrl+W)"));
    connect(close, &QToolButton::clicked, this,
            [this, panel] { closeTab(m_ui->consoleTabs->indexOf(panel)); });
    m_ui->consoleTabs->tabBar()->setTabButton(index, QTabBar::RightSide, close);
    m_ui->consoleTabs->setCurrentIndex(index);
    m_ui->centralStack->setCurrentWidget(m_ui->consoleTabs);
    m_ui->portsPanel->select(systemLocation);
    panel->connectPort();
    onPanelStateChanged(panel);
    panel->focusCommandLine();
    return panel;
}

void MainWindow::addManualPort(const QString &path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (!m_settings.manualPorts.contains(absolute)) {
        m_settings.manualPorts.append(absolute);
        saveSettings();
    }
    updateExtraPorts();
}

TimelineLogPanel *MainWindow::openLogForTimeline(const QString &path) {
    auto *page = new TimelineLogPanel(m_settings);
    if (const auto opened = page->open(path); !opened) {
        m_problems->report(tr("Open log"), opened.error());
        delete page;
        return nullptr;
    }
    const int index =
        m_ui->consoleTabs->addTab(page, icon(IconId::OpenLog), QFileInfo(path).fileName());
    m_ui->consoleTabs->setTabToolTip(index, QDir::toNativeSeparators(page->path()));
    auto *close = new QToolButton(m_ui->consoleTabs);
    close->setIcon(icon(IconId::Close));
    close->setIconSize(QSize(12, 12));
    close->setAutoRaise(true);
    close->setToolTip(tr("Close this log (Ctrl+W)"));
    connect(close, &QToolButton::clicked, this,
            [this, page] { closeTab(m_ui->consoleTabs->indexOf(page)); });
    m_ui->consoleTabs->tabBar()->setTabButton(index, QTabBar::RightSide, close);
    connect(page, &TimelineLogPanel::statusChanged, this, [this, page] {
        if (m_ui->consoleTabs->currentWidget() == page)
            m_stateLabel->setText(page->statusText());
    });
    connect(page, &TimelineLogPanel::finished, this, [this, page](bool, const QString &text) {
        statusBar()->showMessage(tr("%1: %2").arg(QDir::toNativeSeparators(page->path()), text),
                                 8000);
    });
    m_ui->consoleTabs->setCurrentIndex(index);
    m_ui->centralStack->setCurrentWidget(m_ui->consoleTabs);
    m_timelineDock->show();
    return page;
}

ConsolePanel *MainWindow::currentPanel() const {
    return qobject_cast<ConsolePanel *>(m_ui->consoleTabs->currentWidget());
}

QList<ConsolePanel *> MainWindow::panels() const {
    QList<ConsolePanel *> list;
    for (int i = 0; i < m_ui->consoleTabs->count(); ++i) {
        if (auto *panel = qobject_cast<ConsolePanel *>(m_ui->consoleTabs->widget(i)))
            list.append(panel);
    }
    return list;
}

ConsolePanel *MainWindow::panelFor(const QString &systemLocation) const {
    const QString wanted = QFileInfo(systemLocation).absoluteFilePath();
    const QList<ConsolePanel *> all = panels();
    for (ConsolePanel *panel : all) {
        if (panel->portName() == systemLocation ||
            QFileInfo(panel->portName()).absoluteFilePath() == wanted)
            return panel;
    }
    return nullptr;
}

void MainWindow::closeEvent(QCloseEvent *event) {
    m_settings.windowGeometry = saveGeometry();
    m_settings.windowState = saveState();
    m_settings.command.history = m_history.entries();
    saveSettings();
    event->accept();
}

void MainWindow::setUpActions() {
    const auto setIcon = [](QAction *action, IconId id) { action->setIcon(icon(id)); };
    setIcon(m_ui->actionConnect, IconId::Connect);
    setIcon(m_ui->actionDisconnect, IconId::Disconnect);
    setIcon(m_ui->actionLineSettings, IconId::LineSettings);
    setIcon(m_ui->actionAddPort, IconId::AddPort);
    setIcon(m_ui->actionSaveConsole, IconId::Save);
    setIcon(m_ui->actionOpenLogsFolder, IconId::Folder);
    setIcon(m_ui->actionCopy, IconId::Copy);
    setIcon(m_ui->actionFind, IconId::Find);
    setIcon(m_ui->actionFindNext, IconId::FindNext);
    setIcon(m_ui->actionFindPrevious, IconId::FindPrevious);
    setIcon(m_ui->actionClear, IconId::Clear);
    setIcon(m_ui->actionFollow, IconId::Follow);
    setIcon(m_ui->actionTimestamps, IconId::Timestamps);
    m_ui->actionTimestamps->setIconText(tr("Time"));
    setIcon(m_ui->actionCloseTab, IconId::Close);
    setIcon(m_ui->actionClearProblems, IconId::Problem);
    m_ui->menuTheme->setIcon(icon(IconId::Theme));
    m_ui->menuLevels->setIcon(icon(IconId::Filter));

    auto *themes = new QActionGroup(this);
    for (QAction *action : {m_ui->actionThemeSystem, m_ui->actionThemeLight, m_ui->actionThemeDark})
        themes->addAction(action);

    // The dock toggles come from the docks themselves; give them shortcuts and tooltips too.
    QAction *portsToggle = m_ui->portsDock->toggleViewAction();
    portsToggle->setShortcut(QKeySequence(tr("Ctrl+1")));
    portsToggle->setToolTip(tr("Show or hide the port list"));
    QAction *problemsToggle = m_ui->problemsDock->toggleViewAction();
    problemsToggle->setShortcut(QKeySequence(tr("Ctrl+2")));
    problemsToggle->setToolTip(tr("Show or hide the problems met so far"));
    problemsToggle->setIcon(icon(IconId::Problem));
    m_ui->menuView->insertAction(m_ui->actionClearProblems, portsToggle);
    m_ui->menuView->insertAction(m_ui->actionClearProblems, problemsToggle);

    // Tooltips say the shortcut too, so a person learns it by hovering.
    const QList<QAction *> actions = findChildren<QAction *>();
    for (QAction *action : actions) {
        if (!action->shortcut().isEmpty() && !action->toolTip().contains(QLatin1Char('(')))
            action->setToolTip(action->toolTip() + QStringLiteral(" (") +
                               action->shortcut().toString(QKeySequence::NativeText) +
                               QLatin1Char(')'));
    }
}

void MainWindow::setUpStatusBar() {
    m_stateLabel = new QLabel(this);
    m_stateLabel->setToolTip(tr("State of the current console's port"));
    m_problemButton = new QToolButton(this);
    m_problemButton->setAutoRaise(true);
    m_problemButton->setIcon(icon(IconId::Problem));
    m_problemButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_problemButton->setToolTip(tr("Show the problems met so far (Ctrl+2)"));
    m_problemButton->hide();
    statusBar()->addPermanentWidget(m_stateLabel);
    statusBar()->addPermanentWidget(m_problemButton);
    connect(m_problemButton, &QToolButton::clicked, this, [this] {
        m_ui->problemsDock->show();
        m_ui->problemsDock->raise();
    });
    connect(m_problems, &ProblemLog::reported, this, &MainWindow::onProblem);
    connect(m_problems, &ProblemLog::cleared, this, [this] {
        m_ui->problemsTree->clear();
        m_problemButton->hide();
        statusBar()->clearMessage();
    });
    m_ui->problemsTree->header()->setStretchLastSection(true);
    m_ui->problemsTree->setColumnWidth(0, 90);
    m_ui->problemsTree->setColumnWidth(1, 140);
    m_ui->problemsTree->setColumnWidth(2, 420);
}

void MainWindow::setUpPorts() {
    m_portModel = new PortListModel(this);
    m_ui->portsPanel->setModel(m_portModel);
    m_ui->portsPanel->bindActions(m_ui->actionConnect, m_ui->actionAddPort,
                                  m_ui->actionLineSettings);
    m_ui->portsPanel->setLineSettingsText(tr("Line: %1").arg(lineSettingsText(m_settings.serial)));
    connect(m_ui->portsPanel, &PortsPanel::portActivated, this,
            [this](const ps::device::PortInfo &port) { openPort(port.systemLocation); });
    connect(m_ui->portsPanel, &PortsPanel::selectionChanged, this, &MainWindow::updateActions);

    m_watcher = new ps::device::PortWatcher(this);
    connect(m_watcher, &ps::device::PortWatcher::portsChanged, this,
            [this](const QList<ps::device::PortInfo> &ports) {
                m_portModel->setPorts(ports);
                // Keep the current console's port selected, and its tab titled by its board.
                onCurrentTabChanged();
                const QList<ConsolePanel *> all = panels();
                for (ConsolePanel *panel : all) {
                    m_ui->consoleTabs->setTabText(m_ui->consoleTabs->indexOf(panel),
                                                  titleFor(panel->portName()));
                }
            });
    updateExtraPorts();
    m_watcher->start();
}

void MainWindow::setUpTimeline() {
    m_timelineDock = new QDockWidget(tr("Timeline"), this);
    m_timelineDock->setObjectName(QStringLiteral("timelineDock"));
    m_timelinePanel = new TimelinePanel(m_timelineDock);
    m_timelineDock->setWidget(m_timelinePanel);
    addDockWidget(Qt::BottomDockWidgetArea, m_timelineDock);

    QAction *toggle = m_timelineDock->toggleViewAction();
    toggle->setShortcut(QKeySequence(tr("Ctrl+3")));
    toggle->setToolTip(tr("Show or hide the timeline of the current console (Ctrl+3)"));
    toggle->setIcon(icon(IconId::Timeline));
    m_ui->menuView->insertAction(m_ui->actionClearProblems, toggle);
    m_ui->menuFile->insertAction(m_ui->actionOpenLogsFolder, m_timelinePanel->openLogAction());

    auto *menu = new QMenu(tr("&Timeline"), this);
    menu->setObjectName(QStringLiteral("menuTimeline"));
    menu->addAction(toggle);
    menu->addAction(m_timelinePanel->openLogAction());
    menu->addSeparator();
    const QList<QAction *> actions = m_timelinePanel->menuActions();
    for (QAction *action : actions) {
        if (action)
            menu->addAction(action);
        else
            menu->addSeparator();
    }
    menuBar()->insertMenu(m_ui->menuHelp->menuAction(), menu);

    connect(m_timelinePanel, &TimelinePanel::openLogRequested, this,
            [this](const QString &path) { openLogForTimeline(path); });
    connect(m_timelinePanel, &TimelinePanel::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, ProblemMessageMs / 2); });
}

void MainWindow::setUpProvisioning() {
    m_provisioning = new ProvisioningContext(AccountSettings::load(*m_store),
                                             HistorySettings::load(*m_store), this);
    connect(m_provisioning, &ProvisioningContext::problemOccurred, m_problems,
            qOverload<const QString &, const QString &>(&ProblemLog::report));
    connect(m_provisioning, &ProvisioningContext::accountChanged, this,
            [this](const AccountSettings &account) { account.save(*m_store); });

    m_historyDock = new QDockWidget(tr("History"), this);
    m_historyDock->setObjectName(QStringLiteral("historyDock"));
    m_historyPanel = new HistoryPanel(m_historyDock);
    m_historyDock->setWidget(m_historyPanel);
    addDockWidget(Qt::BottomDockWidgetArea, m_historyDock);
    tabifyDockWidget(m_timelineDock, m_historyDock);
    m_historyDock->hide();
    // The audit database opens when the history is first shown (or a flow first runs).
    m_historyPanel->setContext(m_provisioning);
    QAction *historyToggle = m_historyDock->toggleViewAction();
    historyToggle->setShortcut(QKeySequence(tr("Ctrl+4")));
    historyToggle->setToolTip(tr("Show or hide every claim and reprovision attempt (Ctrl+4)"));
    historyToggle->setIcon(flowIcon(FlowIcon::History));
    m_ui->menuView->insertAction(m_ui->actionClearProblems, historyToggle);

    // The wizards offer the open consoles, the current one first.
    m_provisioningActions = new ProvisioningActions(
        m_provisioning,
        [this] {
            QList<DeviceChoice> choices;
            const QList<ConsolePanel *> all = panels();
            for (ConsolePanel *panel : all) {
                DeviceChoice choice{titleFor(panel->portName()) + QStringLiteral(" — ") +
                                        panel->portName(),
                                    panel->link()};
                if (panel == currentPanel())
                    choices.prepend(choice);
                else
                    choices.append(choice);
            }
            return choices;
        },
        this);
    auto *device = new QMenu(tr("&Device"), this);
    device->setObjectName(QStringLiteral("menuDevice"));
    device->addAction(m_provisioningActions->claimAction());
    device->addAction(m_provisioningActions->reprovisionAction());
    device->addSeparator();
    device->addAction(historyToggle);
    auto *station = new QAction(icon(IconId::Bundle), tr("Flashing &Station…"), this);
    station->setObjectName(QStringLiteral("actionStation"));
    station->setShortcut(QKeySequence(tr("Ctrl+Shift+G")));
    station->setToolTip(tr("Open the flashing station: many devices at once, flashed, claimed "
                           "and provisioned (Ctrl+Shift+G)"));
    connect(station, &QAction::triggered, this, [this] { openStation(); });
    device->addAction(station);
    const QList<QAction *> menus = menuBar()->actions();
    const qsizetype port = menus.indexOf(m_ui->menuPort->menuAction());
    menuBar()->insertMenu(port >= 0 && port + 1 < menus.size() ? menus.at(port + 1) : nullptr,
                          device);
    auto *settingsMenu = new QMenu(tr("&Settings"), this);
    settingsMenu->setObjectName(QStringLiteral("menuSettings"));
    settingsMenu->addAction(m_provisioningActions->accountAction());
    settingsMenu->addAction(m_ui->actionPreferences);
    menuBar()->insertMenu(m_ui->menuHelp->menuAction(), settingsMenu);
    m_ui->mainToolBar->addSeparator();
    m_ui->mainToolBar->addAction(m_provisioningActions->claimAction());
    m_ui->mainToolBar->addAction(m_provisioningActions->reprovisionAction());
}

StationWindow *MainWindow::openStation() {
    if (!m_stationWindow) {
        // A window of its own (parented for lifetime only), sharing the settings store.
        m_stationWindow = new StationWindow(*m_store, this);
        m_stationWindow->setWindowFlag(Qt::Window);
        m_stationWindow->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_stationWindow, &QObject::destroyed, this, [this] { m_stationWindow = nullptr; });
    }
    m_stationWindow->show();
    m_stationWindow->raise();
    m_stationWindow->activateWindow();
    return m_stationWindow;
}

TimelineSession *MainWindow::timelineOf(QWidget *page) {
    if (auto *panel = qobject_cast<ConsolePanel *>(page))
        return panel->timeline();
    if (auto *log = qobject_cast<TimelineLogPanel *>(page))
        return log->session();
    return nullptr;
}

void MainWindow::connectActions() {
    const auto onPanel = [this](QAction *action, auto &&function) {
        connect(action, &QAction::triggered, this, [this, function](bool checked) {
            if (ConsolePanel *panel = currentPanel())
                function(panel, checked);
        });
    };
    connect(m_ui->actionConnect, &QAction::triggered, this, &MainWindow::connectSelected);
    onPanel(m_ui->actionDisconnect, [](ConsolePanel *p, bool) { p->disconnectPort(); });
    connect(m_ui->actionLineSettings, &QAction::triggered, this, &MainWindow::editLineSettings);
    connect(m_ui->actionAddPort, &QAction::triggered, this, [this] {
        if (const auto path = AddPortDialog::ask(this)) {
            addManualPort(*path);
            openPort(*path);
        }
    });
    connect(m_ui->actionCloseTab, &QAction::triggered, this,
            [this] { closeTab(m_ui->consoleTabs->currentIndex()); });
    connect(m_ui->consoleTabs, &QTabWidget::currentChanged, this, &MainWindow::onCurrentTabChanged);
    connect(m_ui->actionNextTab, &QAction::triggered, this, [this] {
        const int count = m_ui->consoleTabs->count();
        if (count > 0)
            m_ui->consoleTabs->setCurrentIndex((m_ui->consoleTabs->currentIndex() + 1) % count);
    });
    connect(m_ui->actionPreviousTab, &QAction::triggered, this, [this] {
        const int count = m_ui->consoleTabs->count();
        if (count > 0)
            m_ui->consoleTabs->setCurrentIndex((m_ui->consoleTabs->currentIndex() + count - 1) %
                                               count);
    });

    onPanel(m_ui->actionCopy, [](ConsolePanel *p, bool) { p->view()->copy(false); });
    onPanel(m_ui->actionCopyWithTimestamps, [](ConsolePanel *p, bool) { p->view()->copy(true); });
    onPanel(m_ui->actionSelectAll, [](ConsolePanel *p, bool) { p->view()->selectAll(); });
    onPanel(m_ui->actionFind, [](ConsolePanel *p, bool) { p->showFindBar(); });
    onPanel(m_ui->actionFindNext, [](ConsolePanel *p, bool) { p->findNext(); });
    onPanel(m_ui->actionFindPrevious, [](ConsolePanel *p, bool) { p->findPrevious(); });
    onPanel(m_ui->actionClear, [](ConsolePanel *p, bool) { p->clearConsole(); });
    onPanel(m_ui->actionFollow, [](ConsolePanel *p, bool on) { p->setFollow(on); });
    connect(m_ui->actionSaveConsole, &QAction::triggered, this, &MainWindow::saveConsole);

    connect(m_ui->actionTimestamps, &QAction::triggered, this, [this](bool on) {
        m_settings.console.showTimestamps = on;
        const QList<ConsolePanel *> all = panels();
        for (ConsolePanel *panel : all)
            panel->setShowTimestamps(on);
        saveSettings();
    });
    const std::pair<QAction *, LevelClass> levels[] = {
        {m_ui->actionShowErrors, LevelClass::Error},
        {m_ui->actionShowWarnings, LevelClass::Warning},
        {m_ui->actionShowInfo, LevelClass::Info},
        {m_ui->actionShowDebug, LevelClass::Debug},
        {m_ui->actionShowOther, LevelClass::Other},
    };
    for (const auto &[action, level] : levels) {
        onPanel(action, [level](ConsolePanel *p, bool on) { p->setLevelShown(level, on); });
    }

    connect(m_ui->actionThemeSystem, &QAction::triggered, this,
            [this] { applyTheme(Theme::System, true); });
    connect(m_ui->actionThemeLight, &QAction::triggered, this,
            [this] { applyTheme(Theme::Light, true); });
    connect(m_ui->actionThemeDark, &QAction::triggered, this,
            [this] { applyTheme(Theme::Dark, true); });

    connect(m_ui->actionOpenLogsFolder, &QAction::triggered, this, [this] {
        const QString folder = SessionLogger::defaultDirectory();
        QDir().mkpath(folder);
        if (!QDesktopServices::openUrl(QUrl::fromLocalFile(folder)))
            m_problems->report(tr("Session log"),
                               tr("No file manager could open %1; open it by hand.")
                                   .arg(QDir::toNativeSeparators(folder)));
    });
    connect(m_ui->actionPreferences, &QAction::triggered, this, &MainWindow::editPreferences);
    connect(m_ui->actionClearProblems, &QAction::triggered, m_problems, &ProblemLog::clear);
    connect(m_ui->actionShortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    connect(m_ui->actionAbout, &QAction::triggered, this, [this] {
        QMessageBox::about(
            this, tr("About ProvStation"),
            tr("<h3>ProvStation %1</h3><p>Serial console and provisioning workstation for "
               "Nordic nRF91 devices on nRF Cloud.</p><p>Built with Qt %2.</p>")
                .arg(QStringLiteral(PROVSTATION_VERSION), QString::fromLatin1(qVersion())));
    });
}

void MainWindow::applyTheme(Theme theme, bool remember) {
    m_theme->apply(theme);
    m_ui->actionThemeSystem->setChecked(theme == Theme::System);
    m_ui->actionThemeLight->setChecked(theme == Theme::Light);
    m_ui->actionThemeDark->setChecked(theme == Theme::Dark);
    if (remember && m_settings.theme != theme) {
        m_settings.theme = theme;
        saveSettings();
    }
}

void MainWindow::updateExtraPorts() {
    QList<ps::device::PortInfo> extra;
    for (const QString &path : std::as_const(m_settings.manualPorts)) {
        ps::device::PortInfo port;
        port.portName = PortListModel::shortName(path);
        port.systemLocation = path;
        port.description = tr("Added by hand");
        extra.append(port);
    }
    m_watcher->setExtraPorts(extra);
}

void MainWindow::closeTab(int index) {
    QWidget *page = m_ui->consoleTabs->widget(index);
    if (!timelineOf(page))
        return;
    m_ui->consoleTabs->removeTab(index);
    page->deleteLater();
    if (m_ui->consoleTabs->count() == 0)
        m_ui->centralStack->setCurrentWidget(m_ui->welcomePage);
    onCurrentTabChanged();
}

void MainWindow::onCurrentTabChanged() {
    syncPanelActions();
    updateActions();
    m_timelinePanel->setSession(timelineOf(m_ui->consoleTabs->currentWidget()));
    if (ConsolePanel *panel = currentPanel()) {
        m_stateLabel->setText(panel->statusText());
        m_ui->portsPanel->select(panel->portName());
    } else if (auto *log = qobject_cast<TimelineLogPanel *>(m_ui->consoleTabs->currentWidget())) {
        m_stateLabel->setText(log->statusText());
    } else {
        m_stateLabel->setText(tr("No console open"));
    }
    QSet<QString> open;
    const QList<ConsolePanel *> all = panels();
    for (ConsolePanel *panel : all) {
        if (panel->state() != DeviceLink::State::Closed)
            open.insert(panel->portName());
    }
    m_portModel->setOpenPorts(open);
}

void MainWindow::onPanelStateChanged(ConsolePanel *panel) {
    const int index = m_ui->consoleTabs->indexOf(panel);
    if (index >= 0) {
        const DeviceLink::State state = panel->state();
        const IconId id = state == DeviceLink::State::Open           ? IconId::Connect
                          : state == DeviceLink::State::Reconnecting ? IconId::Problem
                                                                     : IconId::Disconnect;
        m_ui->consoleTabs->setTabIcon(index, icon(id));
        m_ui->consoleTabs->setTabText(index, titleFor(panel->portName()));
    }
    if (panel == currentPanel())
        onCurrentTabChanged();
    else
        updateActions();
}

void MainWindow::onProblem(const Problem &problem) {
    auto *item = new QTreeWidgetItem(m_ui->problemsTree);
    item->setText(
        0, QDateTime::fromMSecsSinceEpoch(problem.timeMs).toString(QStringLiteral("HH:mm:ss")));
    item->setText(1, problem.source);
    item->setText(2, problem.message);
    item->setText(3, problem.advice);
    item->setToolTip(2, problem.message);
    item->setToolTip(3, problem.advice);
    m_ui->problemsTree->scrollToItem(item);
    statusBar()->showMessage(problem.summary(), ProblemMessageMs);
    m_problemButton->setText(QString::number(m_problems->problems().size()));
    m_problemButton->show();
}

void MainWindow::updateActions() {
    ConsolePanel *panel = currentPanel();
    const bool hasPanel = panel != nullptr;
    const bool selected = m_ui->portsPanel->selectedPort().has_value();
    m_ui->actionConnect->setEnabled(selected || (panel && !panel->isConnected()));
    m_ui->actionDisconnect->setEnabled(panel && panel->state() != DeviceLink::State::Closed);
    for (QAction *action :
         {m_ui->actionSaveConsole, m_ui->actionCopy, m_ui->actionCopyWithTimestamps,
          m_ui->actionSelectAll, m_ui->actionFind, m_ui->actionFindNext, m_ui->actionFindPrevious,
          m_ui->actionClear, m_ui->actionFollow, m_ui->actionShowErrors, m_ui->actionShowWarnings,
          m_ui->actionShowInfo, m_ui->actionShowDebug, m_ui->actionShowOther, m_ui->actionCloseTab,
          m_ui->actionNextTab, m_ui->actionPreviousTab}) {
        action->setEnabled(hasPanel);
    }
    // A log opened for its timeline is a tab too: it closes and cycles like a console.
    const bool hasTabs = m_ui->consoleTabs->count() > 0;
    for (QAction *action : {m_ui->actionCloseTab, m_ui->actionNextTab, m_ui->actionPreviousTab})
        action->setEnabled(hasTabs);
}

void MainWindow::syncPanelActions() {
    ConsolePanel *panel = currentPanel();
    m_ui->actionTimestamps->setChecked(m_settings.console.showTimestamps);
    if (!panel)
        return;
    m_ui->actionFollow->setChecked(panel->follows());
    m_ui->actionShowErrors->setChecked(panel->levelShown(LevelClass::Error));
    m_ui->actionShowWarnings->setChecked(panel->levelShown(LevelClass::Warning));
    m_ui->actionShowInfo->setChecked(panel->levelShown(LevelClass::Info));
    m_ui->actionShowDebug->setChecked(panel->levelShown(LevelClass::Debug));
    m_ui->actionShowOther->setChecked(panel->levelShown(LevelClass::Other));
}

void MainWindow::saveSettings() {
    m_settings.save(*m_store);
}

void MainWindow::saveConsole() {
    ConsolePanel *panel = currentPanel();
    if (!panel)
        return;
    const QString asShown = tr("Console as shown, with timestamps (*.log)");
    const QString raw = tr("Raw device output (*.txt)");
    QString filter = asShown;
    const QString suggested = QDir::home().filePath(
        panel->shortName() + QLatin1Char('_') +
        QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) +
        QStringLiteral(".log"));
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Console"), suggested, asShown + QStringLiteral(";;") + raw, &filter);
    if (path.isEmpty())
        return;
    const auto format =
        filter == raw ? ConsoleModel::SaveFormat::Raw : ConsoleModel::SaveFormat::AsShown;
    if (const auto saved = panel->saveConsole(path, format); !saved)
        m_problems->report(tr("Save console"), saved.error());
    else
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
}

void MainWindow::editLineSettings() {
    ConsolePanel *panel = currentPanel();
    const auto chosen =
        LineSettingsDialog::ask(this, panel ? panel->serialSettings() : m_settings.serial);
    if (!chosen)
        return;
    m_settings.serial = *chosen;
    saveSettings();
    m_ui->portsPanel->setLineSettingsText(tr("Line: %1").arg(lineSettingsText(*chosen)));
    if (panel)
        panel->setSerialSettings(*chosen);
}

void MainWindow::editPreferences() {
    const auto chosen = PreferencesDialog::ask(this, m_settings, SessionLogger::defaultDirectory());
    if (!chosen)
        return;
    m_settings = *chosen;
    m_history.setLimit(m_settings.command.historyLimit);
    m_settings.command.history = m_history.entries();
    const QList<ConsolePanel *> all = panels();
    for (ConsolePanel *panel : all)
        panel->applySettings(m_settings);
    saveSettings();
}

void MainWindow::showShortcuts() {
    QString rows;
    const QList<QAction *> actions = findChildren<QAction *>();
    for (const QAction *action : actions) {
        if (action->shortcut().isEmpty())
            continue;
        rows += QStringLiteral("<tr><td>%1</td><td>&nbsp;&nbsp;<b>%2</b></td></tr>")
                    .arg(action->text().remove(QLatin1Char('&')).toHtmlEscaped(),
                         action->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped());
    }
    QMessageBox box(QMessageBox::NoIcon, tr("Keyboard Shortcuts"),
                    QStringLiteral("<table>") + rows + QStringLiteral("</table>"),
                    QMessageBox::Close, this);
    box.exec();
}

void MainWindow::connectSelected() {
    if (const auto port = m_ui->portsPanel->selectedPort()) {
        openPort(port->systemLocation);
        return;
    }
    if (ConsolePanel *panel = currentPanel())
        panel->connectPort();
}

QString MainWindow::titleFor(const QString &systemLocation) const {
    const int row = m_portModel->rowOf(systemLocation);
    if (const auto port = m_portModel->portAt(row); port && !port->boardName.isEmpty())
        return PortListModel::displayName(*port);
    return PortListModel::shortName(systemLocation);
}

} // namespace ps::gui
