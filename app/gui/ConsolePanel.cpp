#include "ConsolePanel.h"

#include "CommandBar.h"
#include "CommandLineEdit.h"
#include "ConsoleView.h"
#include "FindBar.h"
#include "Icons.h"
#include "LineSettingsDialog.h"
#include "PortListModel.h"
#include "SessionLogger.h"
#include "timeline/TimelineSession.h"
#include "ui_ConsolePanel.h"

#include <QAction>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QMenu>
#include <QSaveFile>

namespace ps::gui {

using ps::device::DeviceLink;

ConsolePanel::ConsolePanel(const ps::device::PortInfo &port, const Settings &settings,
                           CommandHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::ConsolePanel>()) {
    setUpUi(settings, history);
    attach(std::make_unique<DeviceLink>(port, settings.serial));
}

ConsolePanel::ConsolePanel(std::unique_ptr<DeviceLink> link, const Settings &settings,
                           CommandHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::ConsolePanel>()) {
    setUpUi(settings, history);
    attach(std::move(link));
}

ConsolePanel::~ConsolePanel() {
    if (m_link) {
        // Closing emits signals; this panel is half destroyed by now and must not hear them.
        disconnect(m_link.get(), nullptr, this, nullptr);
        m_link->close();
    }
}

void ConsolePanel::setUpUi(const Settings &settings, CommandHistory *history) {
    m_ui->setupUi(this);
    m_model = new ConsoleModel(this);
    m_ui->consoleView->setModel(m_model);
    m_timeline = new TimelineSession(TimelineSession::Kind::Live, this);
    m_timeline->setConsole(m_ui->consoleView);
    m_ui->commandBar->setHistory(history);
    m_ui->commandBar->setLineEnding(settings.command.lineEnding);
    m_ui->commandBar->setHexMode(settings.command.hexMode);
    m_ui->commandBar->setSendEnabled(false);
    m_ui->followButton->setIcon(icon(IconId::Follow));
    m_ui->timestampsButton->setIcon(icon(IconId::Timestamps));
    m_ui->modulesButton->setIcon(icon(IconId::Filter));
    applySettings(settings);

    m_modulesMenu = new QMenu(this);
    m_ui->modulesButton->setMenu(m_modulesMenu);
    m_ui->modulesButton->setPopupMode(QToolButton::InstantPopup);
    connect(m_modulesMenu, &QMenu::aboutToShow, this, &ConsolePanel::fillModulesMenu);

    connect(m_ui->followButton, &QToolButton::toggled, this, &ConsolePanel::setFollow);
    connect(m_ui->consoleView, &ConsoleView::followChanged, this, [this](bool follow) {
        m_ui->followButton->setChecked(follow);
        Q_EMIT followChanged(follow);
    });
    connect(m_ui->timestampsButton, &QToolButton::toggled, this, &ConsolePanel::setShowTimestamps);
    for (QToolButton *button : {m_ui->errorButton, m_ui->warningButton, m_ui->infoButton,
                                m_ui->debugButton, m_ui->otherButton}) {
        connect(button, &QToolButton::toggled, this, &ConsolePanel::updateFilterFromButtons);
    }

    connect(m_ui->findBar, &FindBar::searchChanged, this,
            [this](const QString &text, Qt::CaseSensitivity cs) {
                m_ui->consoleView->setSearch(text, cs);
                if (!text.isEmpty())
                    m_ui->findBar->setResult(m_ui->consoleView->findNext(false).has_value());
                else
                    m_ui->findBar->setResult(true);
            });
    connect(m_ui->findBar, &FindBar::findNextRequested, this, &ConsolePanel::findNext);
    connect(m_ui->findBar, &FindBar::findPreviousRequested, this, &ConsolePanel::findPrevious);
    connect(m_ui->findBar, &FindBar::closeRequested, this, [this] {
        m_ui->findBar->hide();
        m_ui->consoleView->setSearch({}, Qt::CaseInsensitive);
        focusCommandLine();
    });

    connect(m_ui->commandBar, &CommandBar::sendRequested, this, &ConsolePanel::send);
    connect(m_ui->commandBar, &CommandBar::optionsChanged, this,
            &ConsolePanel::commandOptionsChanged);
    connect(m_ui->consoleView, &ConsoleView::textTyped, this, [this](const QString &text) {
        focusCommandLine();
        m_ui->commandBar->commandEdit()->insert(text);
    });
    setFocusProxy(m_ui->commandBar->commandEdit());
}

void ConsolePanel::attach(std::unique_ptr<DeviceLink> link) {
    m_link = std::move(link);
    m_link->setAutoReconnect(true);
    m_timeline->setPort(m_link->device());
    m_timeline->setName(shortName());
    connect(m_link.get(), &DeviceLink::linesReceived, this, &ConsolePanel::onLines);
    connect(m_link.get(), &DeviceLink::pendingTextChanged, m_model, &ConsoleModel::setPendingText);
    connect(m_link.get(), &DeviceLink::notice, this, &ConsolePanel::onNotice);
    connect(m_link.get(), &DeviceLink::stateChanged, this, &ConsolePanel::onStateChanged);
}

bool ConsolePanel::connectPort() {
    if (isConnected())
        return true;
    startSessionLog();
    if (!m_link->open()) {
        const QString reason = m_link->errorString();
        onNotice(tr("Could not open %1: %2").arg(portName(), reason));
        Q_EMIT problemOccurred(portName(), reason);
        onStateChanged(m_link->state());
        return false;
    }
    onStateChanged(m_link->state());
    return true;
}

void ConsolePanel::disconnectPort() {
    if (m_link->state() != DeviceLink::State::Closed)
        m_link->close();
    onStateChanged(m_link->state());
    if (m_logger) {
        m_logger->close();
        m_logger.reset();
    }
}

void ConsolePanel::setSerialSettings(const ps::device::SerialSettings &serial) {
    if (serial == m_link->serialSettings())
        return;
    m_link->setSerialSettings(serial);
    onNotice(tr("Line settings changed to %1").arg(lineSettingsText(serial)));
}

void ConsolePanel::setPortResolver(DeviceLink::PortResolver resolver) {
    m_link->setPortResolver(std::move(resolver));
}

QString ConsolePanel::portName() const {
    const ps::device::PortInfo device = m_link->device();
    if (!device.systemLocation.isEmpty())
        return device.systemLocation;
    return device.portName.isEmpty() ? m_link->portName() : device.portName;
}

ps::device::SerialSettings ConsolePanel::serialSettings() const {
    return m_link->serialSettings();
}

DeviceLink::State ConsolePanel::state() const {
    return m_link->state();
}

bool ConsolePanel::isConnected() const {
    return m_link->state() == DeviceLink::State::Open;
}

QString ConsolePanel::shortName() const {
    return PortListModel::shortName(portName());
}

QString ConsolePanel::statusText() const {
    const QString settings = lineSettingsText(serialSettings());
    switch (m_link->state()) {
    case DeviceLink::State::Open:
        return tr("Connected · %1 · %2").arg(portName(), settings);
    case DeviceLink::State::Opening:
        return tr("Opening %1…").arg(portName());
    case DeviceLink::State::Reconnecting:
        return tr("Reconnecting to %1… (waiting for the device to come back)").arg(portName());
    case DeviceLink::State::Closed:
        break;
    }
    return tr("Closed · %1").arg(portName());
}

void ConsolePanel::applySettings(const Settings &settings) {
    m_model->setLimits(settings.console.maxLines,
                       qint64(settings.console.maxMegabytes) * 1024 * 1024);
    m_ui->consoleView->setConsoleFontSize(settings.console.fontPointSize);
    setShowTimestamps(settings.console.showTimestamps);
    m_logSettings = settings.sessionLog;
    if (!m_logSettings.enabled && m_logger) {
        m_logger->close();
        m_logger.reset();
    } else if (m_logSettings.enabled && !m_logger && m_link && isConnected()) {
        startSessionLog();
    }
}

LineEnding ConsolePanel::lineEnding() const {
    return m_ui->commandBar->lineEnding();
}

bool ConsolePanel::hexMode() const {
    return m_ui->commandBar->hexMode();
}

void ConsolePanel::showFindBar() {
    const QString selected = m_ui->consoleView->selectedText();
    if (!selected.isEmpty() && !selected.contains(QLatin1Char('\n')))
        m_ui->findBar->setText(selected);
    m_ui->findBar->activate();
}

void ConsolePanel::findNext() {
    if (m_ui->findBar->isHidden()) {
        showFindBar();
        return;
    }
    m_ui->findBar->setResult(m_ui->consoleView->findNext(false).has_value());
}

void ConsolePanel::findPrevious() {
    if (m_ui->findBar->isHidden()) {
        showFindBar();
        return;
    }
    m_ui->findBar->setResult(m_ui->consoleView->findNext(true).has_value());
}

void ConsolePanel::clearConsole() {
    m_ui->consoleView->clearSelection();
    m_model->clear();
}

void ConsolePanel::setFollow(bool follow) {
    m_ui->consoleView->setFollow(follow);
    m_ui->followButton->setChecked(m_ui->consoleView->follows());
}

bool ConsolePanel::follows() const {
    return m_ui->consoleView->follows();
}

void ConsolePanel::setShowTimestamps(bool show) {
    m_ui->consoleView->setShowTimestamps(show);
    if (!m_ui->timestampsButton->defaultAction())
        m_ui->timestampsButton->setChecked(show);
}

bool ConsolePanel::showsTimestamps() const {
    return m_ui->consoleView->showsTimestamps();
}

void ConsolePanel::setLevelShown(LevelClass level, bool shown) {
    QToolButton *button = nullptr;
    switch (level) {
    case LevelClass::Error:
        button = m_ui->errorButton;
        break;
    case LevelClass::Warning:
        button = m_ui->warningButton;
        break;
    case LevelClass::Info:
        button = m_ui->infoButton;
        break;
    case LevelClass::Debug:
        button = m_ui->debugButton;
        break;
    case LevelClass::Other:
        button = m_ui->otherButton;
        break;
    }
    button->setChecked(shown); // updateFilterFromButtons follows through toggled()
}

bool ConsolePanel::levelShown(LevelClass level) const {
    return m_model->filter().shows(level);
}

std::expected<void, QString> ConsolePanel::saveConsole(const QString &path,
                                                       ConsoleModel::SaveFormat format) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return std::unexpected(tr("Cannot write %1: %2").arg(path, file.errorString()));
    if (!m_model->save(file, format) || !file.commit())
        return std::unexpected(tr("Writing %1 failed: %2").arg(path, file.errorString()));
    return {};
}

void ConsolePanel::focusCommandLine() {
    m_ui->commandBar->commandEdit()->setFocus(Qt::OtherFocusReason);
}

void ConsolePanel::bindActions(QAction *find, QAction *save, QAction *clear, QAction *timestamps) {
    // The window's timestamp action applies to every console and is remembered; the button
    // becomes that action instead of toggling this console alone.
    disconnect(m_ui->timestampsButton, &QToolButton::toggled, this,
               &ConsolePanel::setShowTimestamps);
    m_ui->timestampsButton->setDefaultAction(timestamps);
    m_ui->findButton->setDefaultAction(find);
    m_ui->saveButton->setDefaultAction(save);
    m_ui->clearButton->setDefaultAction(clear);
}

ConsoleView *ConsolePanel::view() const {
    return m_ui->consoleView;
}

CommandBar *ConsolePanel::commandBar() const {
    return m_ui->commandBar;
}

FindBar *ConsolePanel::findBar() const {
    return m_ui->findBar;
}

void ConsolePanel::onLines(const std::vector<ps::core::Line> &lines) {
    // The timeline learns where the lines go in the console, so it can jump to them.
    m_timeline->addLines(lines, m_model->endSeq());
    m_model->appendLines(lines);
    if (m_logger) {
        for (const auto &line : lines)
            m_logger->writeLine(line.hostTimeMs, line.text);
    }
}

void ConsolePanel::onNotice(const QString &message) {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // The time is part of the text, so it shows also with the timestamp column hidden and
    // survives a copy.
    m_model->appendNotice(
        QStringLiteral("--- %1 · %2 ---").arg(message, ConsoleModel::timestampText(now)), now);
    if (m_logger)
        m_logger->writeNotice(now, message);
}

void ConsolePanel::onStateChanged(DeviceLink::State state) {
    m_ui->commandBar->setSendEnabled(state == DeviceLink::State::Open);
    m_timeline->setLive(state == DeviceLink::State::Open);
    m_timeline->setPort(m_link->device());
    m_timeline->setName(shortName());
    Q_EMIT stateChanged(state);
}

void ConsolePanel::send(const QByteArray &bytes, const QString &command) {
    if (!m_link->send(bytes)) {
        const QString reason =
            m_link->errorString().isEmpty() ? tr("the port is not open") : m_link->errorString();
        Q_EMIT problemOccurred(portName(), tr("Command not sent: %1").arg(reason));
        return;
    }
    // Follow again after sending: the answer is what the person wants to see.
    setFollow(true);
    Q_EMIT commandSent(command);
}

void ConsolePanel::startSessionLog() {
    if (!m_logSettings.enabled || m_logger)
        return;
    m_logger = std::make_unique<SessionLogger>(
        SessionLogger::defaultDirectory(), portName(),
        SessionLogger::Options{m_logSettings.maxFileBytes, m_logSettings.keepFiles});
    if (!m_logger->open()) {
        Q_EMIT problemOccurred(tr("Session log"), m_logger->errorString());
        m_logger.reset();
        return;
    }
    connect(m_logger.get(), &SessionLogger::failed, this,
            [this](const QString &message) { Q_EMIT problemOccurred(tr("Session log"), message); });
}

void ConsolePanel::updateFilterFromButtons() {
    ConsoleFilter filter = m_model->filter();
    filter.showError = m_ui->errorButton->isChecked();
    filter.showWarning = m_ui->warningButton->isChecked();
    filter.showInfo = m_ui->infoButton->isChecked();
    filter.showDebug = m_ui->debugButton->isChecked();
    filter.showOther = m_ui->otherButton->isChecked();
    if (filter == m_model->filter())
        return;
    m_model->setFilter(filter);
    Q_EMIT filterChanged();
}

void ConsolePanel::setHiddenModules(const QSet<QString> &hidden) {
    ConsoleFilter filter = m_model->filter();
    filter.hiddenModules = hidden;
    m_model->setFilter(filter);
    m_ui->modulesButton->setText(hidden.isEmpty() ? tr("Modules")
                                                  : tr("Modules (%1 hidden)").arg(hidden.size()));
    Q_EMIT filterChanged();
}

void ConsolePanel::fillModulesMenu() {
    m_modulesMenu->clear();
    const QStringList modules = m_model->modules();
    if (modules.isEmpty()) {
        m_modulesMenu->addAction(tr("No log modules seen yet"))->setEnabled(false);
        return;
    }
    m_modulesMenu->addAction(tr("Show All"), this, [this] { setHiddenModules({}); });
    m_modulesMenu->addAction(tr("Hide All"), this, [this] {
        const QStringList all = m_model->modules();
        setHiddenModules(QSet<QString>(all.cbegin(), all.cend()));
    });
    m_modulesMenu->addSeparator();
    for (const QString &module : modules) {
        QAction *action = m_modulesMenu->addAction(module);
        action->setCheckable(true);
        action->setChecked(!m_model->filter().hiddenModules.contains(module));
        connect(action, &QAction::toggled, this, [this, module](bool shown) {
            QSet<QString> hidden = m_model->filter().hiddenModules;
            if (shown)
                hidden.remove(module);
            else
                hidden.insert(module);
            setHiddenModules(hidden);
        });
    }
}

} // namespace ps::gui
