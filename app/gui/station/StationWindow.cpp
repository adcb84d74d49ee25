#include "StationWindow.h"

#include "EngineerView.h"
#include "OperatorView.h"
#include "PinDialog.h"
#include "ScanField.h"
#include "ShiftSummaryStrip.h"
#include "SlotMapEditor.h"
#include "gui/Icons.h"
#include "gui/account/AccountSettings.h"
#include "gui/history/HistorySettings.h"
#include "gui/wizards/FlowIcons.h"
#include "gui/wizards/ProvisioningContext.h"
#include "station/AuditStore.h"

#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <cstdio>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::station::SlotPhase;
using ps::station::Station;

namespace {

std::expected<void, QString> writeFile(const QString &path, const QByteArray &bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return std::unexpected(StationWindow::tr("%1 could not be written: %2")
                                   .arg(QFileInfo(path).fileName(), file.errorString()));
    return {};
}

bool isCsv(const QString &path) {
    return path.endsWith(u".csv"_s, Qt::CaseInsensitive);
}

} // namespace

StationWindow::StationWindow(QSettings &store, QWidget *parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_settings(StationSettings::load(store)) {
    initResources();
    setObjectName(u"stationWindow"_s);
    setWindowTitle(tr("ProvStation — Flashing Station"));
    setWindowIcon(icon(IconId::App));
    // Operator mode: nothing to right-click, no menus to open.
    setContextMenuPolicy(Qt::PreventContextMenu);
    if (!m_settings.shiftStart.isValid()) {
        m_settings.shiftStart = QDateTime::currentDateTimeUtc();
        saveSettings();
    }

    m_context =
        new ProvisioningContext(AccountSettings::load(store), HistorySettings::load(store), this);
    connect(m_context, &ProvisioningContext::accountChanged, this,
            [this](const AccountSettings &account) {
                account.save(m_store);
                m_store.sync();
            });

    m_pages = new QStackedWidget(this);
    m_operator = new OperatorView(m_pages);
    m_engineer = new EngineerView(m_pages);
    m_pages->addWidget(m_operator);
    m_pages->addWidget(m_engineer);
    setCentralWidget(m_pages);

    m_slotMap = ps::station::SlotMap(m_settings.slotMapFile);
    if (auto loaded = m_slotMap.load(); !loaded)
        m_operator->setBanner(tr("The slot map %1 cannot be read: %2. Call the engineer.")
                                  .arg(m_settings.slotMapFile, loaded.error()),
                              OperatorView::Tone::Bad);

    setUpActions();
    setUpStation();
    connectEngineer();

    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, m_operator, &OperatorView::tick);
    m_tick->start();

    refreshTiles();
    refreshReports();
    showStopped();
    updateActions();
    resize(1200, 800);
}

StationWindow::~StationWindow() {
    // Attempts in flight are cancelled and recorded, not left to look like a crash.
    if (m_station && m_station->isRunning())
        m_station->stop();
}

void StationWindow::setUpActions() {
    const auto make = [this](const QString &name, const QIcon &icon, const QString &text,
                             const QKeySequence &shortcut, const QString &tip) {
        auto *action = new QAction(icon, text, this);
        action->setObjectName(name);
        action->setShortcut(shortcut);
        action->setShortcutContext(Qt::WindowShortcut);
        action->setToolTip(tip + u" ("_s + shortcut.toString(QKeySequence::NativeText) + u')');
        addAction(action);
        return action;
    };
    m_start = make(u"actionStationStart"_s, icon(IconId::Connect), tr("&Start"),
                   QKeySequence(Qt::Key_F5), tr("Start the station: every slot runs its device"));
    m_stop = make(u"actionStationStop"_s, icon(IconId::Disconnect), tr("S&top"),
                  QKeySequence(Qt::SHIFT | Qt::Key_F5),
                  tr("Stop the station; devices being worked on are cancelled and recorded"));
    m_retry = make(u"actionStationRetry"_s, flowIcon(FlowIcon::Retry), tr("&Retry Failed"),
                   QKeySequence(Qt::Key_F6),
                   tr("Run every failed slot again, skipping what already succeeded"));
    m_engineerAction = make(u"actionEngineerMode"_s, flowIcon(FlowIcon::Account),
                            tr("&Engineer Mode…"), QKeySequence(tr("Ctrl+E")),
                            tr("Change the station's set-up (asks for the engineer PIN)"));
    m_close = make(u"actionStationClose"_s, icon(IconId::Close), tr("&Close"),
                   QKeySequence(tr("Ctrl+W")), tr("Close the station window"));

    auto *toolbar = new QToolBar(tr("Station"), this);
    toolbar->setObjectName(u"stationToolBar"_s);
    toolbar->setMovable(false);
    toolbar->setFloatable(false);
    toolbar->toggleViewAction()->setEnabled(false);
    toolbar->setContextMenuPolicy(Qt::PreventContextMenu);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setIconSize(QSize(28, 28));
    QFont big = toolbar->font();
    big.setPointSizeF(big.pointSizeF() > 0 ? big.pointSizeF() * 1.25 : 14);
    big.setBold(true);
    toolbar->setFont(big);
    toolbar->addAction(m_start);
    toolbar->addAction(m_stop);
    toolbar->addAction(m_retry);
    auto *spacer = new QWidget(toolbar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolbar->addWidget(spacer);
    toolbar->addAction(m_engineerAction);
    addToolBar(Qt::TopToolBarArea, toolbar);

    connect(m_start, &QAction::triggered, this, &StationWindow::startStation);
    connect(m_stop, &QAction::triggered, this, &StationWindow::stopStation);
    connect(m_retry, &QAction::triggered, this, [this] { (void)retryFailedSlots(); });
    connect(m_engineerAction, &QAction::triggered, this, [this] {
        if (m_mode == Mode::Engineer)
            leaveEngineerMode();
        else
            (void)requestEngineerMode();
    });
    connect(m_close, &QAction::triggered, this, &QWidget::close);
}

void StationWindow::setUpStation() {
    ps::station::StationOptions options;
    options.identity = m_context->station();
    m_settings.applyTo(options);
    m_station = std::make_unique<Station>(m_slotMap, options);
    Station *station = m_station.get();
    connect(station, &Station::slotChanged, this, [this](const QString &slotId) {
        m_operator->updateSlot(m_station->status(slotId), m_station->isRunning());
        updateActions();
        updateBanner();
    });
    connect(station, &Station::started, this, [this] {
        refreshTiles();
        updateActions();
    });
    connect(station, &Station::stopped, this, [this] {
        refreshTiles();
        showStopped();
        updateActions();
    });
    connect(station, &Station::attemptFinished, this,
            [this](const QString &slotId, ps::station::Verdict verdict,
                   const ps::station::AuditRecord &record) {
                m_context->announceRecord(record);
                refreshReports();
                const QString label = m_station->status(slotId).label;
                if (verdict == ps::station::Verdict::Succeeded)
                    statusBar()->showMessage(tr("%1 passed").arg(label), 10'000);
                else
                    statusBar()->showMessage(
                        tr("%1 failed: %2").arg(label, m_station->status(slotId).failure), 20'000);
            });
    connect(station, &Station::labelRequested, this, [this](const QString &) {
        m_operator->setScanVisible(true);
        updateBanner();
    });

    connect(m_operator, &OperatorView::retryRequested, this,
            [this](const QString &slotId) { (void)retrySlot(slotId); });
    connect(m_operator->scanField(), &ScanField::scanned, this, [this](const QString &imei) {
        if (m_station->submitLabel(imei))
            holdBanner(tr("Label %1 taken").arg(imei), false);
        else
            holdBanner(tr("No slot is waiting for a label; scan it when its tile says so."), true);
    });
    connect(m_operator->scanField(), &ScanField::rejected, this, [this](const QString &text) {
        holdBanner(tr("'%1' is not an IMEI label (15 digits). Scan the label again.").arg(text),
                   true);
    });
}

void StationWindow::connectEngineer() {
    SlotMapEditor *editor = m_engineer->slotMapEditor();
    editor->setSlotMap(m_slotMap);
    editor->setCurrentPorts([this](const QString &slotId) {
        const auto status = m_station->status(slotId);
        return status.present ? status.port : QString();
    });
    connect(editor, &SlotMapEditor::mapChanged, this,
            [this](const ps::station::SlotMap &map) { (void)applySlotMap(map); });
    connect(m_engineer, &EngineerView::settingsChanged, this,
            [this](const StationSettings &settings) { (void)applyStationSettings(settings); });
    connect(m_engineer, &EngineerView::cloudRequestsChanged, this, [this](int requests) {
        AccountSettings account = m_context->account()->settings();
        account.cloud.maxConcurrentRequests = requests;
        m_context->account()->setSettings(account);
        account.save(m_store);
        m_store.sync();
    });
    connect(m_engineer, &EngineerView::accountRequested, this, [this] {
        m_context->editAccount(this, [this](bool) {
            m_engineer->setAccountText(
                tr("nRF Cloud: %1\nAPI key: %2")
                    .arg(m_context->account()->settings().cloud.mainBaseUrl.toString(),
                         m_context->account()->keySourceText()));
        });
    });
    connect(m_engineer, &EngineerView::changePinRequested, this, &StationWindow::changePin);
    connect(m_engineer, &EngineerView::exportRecordsRequested, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export Records"),
            u"station-records-%1.csv"_s.arg(
                QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmm"_s)),
            tr("CSV (*.csv);;JSON (*.json)"));
        if (path.isEmpty())
            return;
        if (auto done = exportRecords(path); !done)
            QMessageBox::warning(this, tr("Export Records"), done.error());
        else
            statusBar()->showMessage(tr("Saved %1").arg(path), 8000);
    });
    connect(m_engineer, &EngineerView::exportSummaryRequested, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export Summary"),
            u"shift-summary-%1.json"_s.arg(
                QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmm"_s)),
            tr("JSON (*.json);;CSV (*.csv)"));
        if (path.isEmpty())
            return;
        if (auto done = exportSummary(path); !done)
            QMessageBox::warning(this, tr("Export Summary"), done.error());
        else
            statusBar()->showMessage(tr("Saved %1").arg(path), 8000);
    });
    connect(m_engineer, &EngineerView::newShiftRequested, this, [this] {
        m_settings.shiftStart = QDateTime::currentDateTimeUtc();
        saveSettings();
        refreshReports();
    });
}

bool StationWindow::requestEngineerMode() {
    if (m_mode == Mode::Engineer)
        return true;
    const auto pin = PinDialog::ask(this, m_settings.pin);
    if (!pin)
        return false;
    if (!m_settings.pin.isSet()) {
        m_settings.pin = *pin;
        saveSettings();
    }
    setMode(Mode::Engineer);
    return true;
}

bool StationWindow::unlock(const QString &pin) {
    if (!m_settings.pin.isSet()) {
        if (!PinHash::validate(pin))
            return false;
        m_settings.pin = PinHash::make(pin);
        saveSettings();
    } else if (!m_settings.pin.matches(pin)) {
        return false;
    }
    setMode(Mode::Engineer);
    return true;
}

void StationWindow::leaveEngineerMode() {
    setMode(Mode::Operator);
}

void StationWindow::setMode(Mode mode) {
    if (mode == m_mode)
        return;
    m_mode = mode;
    if (mode == Mode::Engineer) {
        m_engineer->setSettings(m_settings,
                                m_context->account()->settings().cloud.maxConcurrentRequests);
        m_engineer->slotMapEditor()->setSlotMap(m_slotMap);
        m_engineer->setAccountText(
            tr("nRF Cloud: %1\nAPI key: %2")
                .arg(m_context->account()->settings().cloud.mainBaseUrl.toString(),
                     m_context->account()->keySourceText()));
        m_engineer->setRunning(m_station->isRunning());
        refreshReports();
        m_pages->setCurrentWidget(m_engineer);
        m_engineerAction->setText(tr("Leave &Engineer Mode"));
        m_engineerAction->setToolTip(tr("Back to operator mode (Ctrl+E)"));
        setWindowTitle(tr("ProvStation — Flashing Station (engineer)"));
    } else {
        m_pages->setCurrentWidget(m_operator);
        m_engineerAction->setText(tr("&Engineer Mode…"));
        m_engineerAction->setToolTip(
            tr("Change the station's set-up (asks for the engineer PIN) (Ctrl+E)"));
        setWindowTitle(tr("ProvStation — Flashing Station"));
        refreshTiles();
    }
    Q_EMIT modeChanged(mode);
}

void StationWindow::changePin() {
    if (m_mode != Mode::Engineer)
        return;
    const auto pin = PinDialog::ask(this, PinHash{});
    if (!pin)
        return;
    m_settings.pin = *pin;
    saveSettings();
    statusBar()->showMessage(tr("The engineer PIN was changed."), 8000);
}

void StationWindow::startStation() {
    if (m_station->isRunning() || m_starting)
        return;
    if (m_slotMap.isEmpty()) {
        const QString why = tr("No slots yet: an engineer assigns the ports (engineer mode, "
                               "page Slots).");
        m_operator->setBanner(why, OperatorView::Tone::Bad);
        Q_EMIT startFinished(why);
        return;
    }
    auto store = m_context->auditStore();
    if (!store) {
        m_operator->setBanner(store.error() + u' ' + tr("Call the engineer."),
                              OperatorView::Tone::Bad);
        Q_EMIT startFinished(store.error());
        return;
    }
    m_starting = true;
    updateActions();
    m_operator->setBanner(tr("Starting…"), OperatorView::Tone::Neutral);
    QCoro::connect(
        m_context->account()->loadKey(), this,
        [this](const std::expected<void, ps::cloud::KeyStoreError> &key) {
            m_starting = false;
            if (!key) {
                const QString why =
                    tr("No nRF Cloud API key: %1 Call the engineer.").arg(key.error().message);
                m_operator->setBanner(why, OperatorView::Tone::Bad);
                updateActions();
                Q_EMIT startFinished(why);
                return;
            }
            finishStart();
        });
}

void StationWindow::finishStart() {
    ps::station::StationOptions options = m_station->options();
    options.cloud = m_context->account()->client();
    options.store = *m_context->auditStore();
    options.identity = m_context->station();
    m_settings.applyTo(options);
    if (m_adjust)
        m_adjust(options);
    (void)m_station->setOptions(options);
    (void)m_station->setSlotMap(m_slotMap);
    if (auto started = m_station->start(); !started) {
        m_operator->setBanner(tr("The station cannot start: %1").arg(started.error()),
                              OperatorView::Tone::Bad);
        updateActions();
        Q_EMIT startFinished(started.error());
        return;
    }
    m_bannerHeldUntil = {};
    updateBanner();
    m_operator->setScanVisible(m_settings.labelCheck);
    m_engineer->setRunning(true);
    refreshTiles();
    updateActions();
    Q_EMIT startFinished({});
}

void StationWindow::stopStation() {
    if (!m_station->isRunning())
        return;
    m_station->stop();
    refreshTiles();
    showStopped();
    updateActions();
}

int StationWindow::retryFailedSlots() {
    int count = 0;
    const QList<ps::station::SlotStatus> all = m_station->statuses();
    for (const auto &status : all) {
        if (status.phase == SlotPhase::Failed && m_station->retry(status.slotId))
            ++count;
    }
    updateActions();
    return count;
}

bool StationWindow::retrySlot(const QString &slotId) {
    const bool retried = m_station->isRunning() && m_station->retry(slotId);
    updateActions();
    return retried;
}

ps::station::ShiftRange StationWindow::shiftRange() const {
    ps::station::ShiftRange range;
    range.from = m_settings.shiftStart;
    range.station = m_context->station().station;
    return range;
}

ps::station::ShiftSummary StationWindow::shiftSummary() {
    auto store = m_context->auditStore();
    if (!store)
        return {};
    auto summary = ps::station::ShiftSummary::fromStore(**store, shiftRange());
    return summary ? *summary : ps::station::ShiftSummary{};
}

std::expected<void, QString> StationWindow::exportRecords(const QString &path) {
    auto store = m_context->auditStore();
    if (!store)
        return std::unexpected(store.error());
    ps::station::AuditQuery query;
    query.kind = QString::fromLatin1(ps::station::PipelineFlow::Kind);
    query.from = m_settings.shiftStart;
    auto records = (*store)->search(query);
    if (!records)
        return std::unexpected(records.error());
    const QString station = m_context->station().station;
    records->removeIf([&station](const auto &record) { return record.station != station; });
    if (isCsv(path)) {
        QByteArray bytes;
        QTextStream out(&bytes);
        ps::station::AuditRecord::writeCsv(out, *records);
        out.flush();
        return writeFile(path, bytes);
    }
    return writeFile(path, QJsonDocument(ps::station::AuditRecord::toJsonArray(*records))
                               .toJson(QJsonDocument::Indented));
}

std::expected<void, QString> StationWindow::exportSummary(const QString &path) {
    auto store = m_context->auditStore();
    if (!store)
        return std::unexpected(store.error());
    auto summary = ps::station::ShiftSummary::fromStore(**store, shiftRange());
    if (!summary)
        return std::unexpected(summary.error());
    if (isCsv(path)) {
        QByteArray bytes;
        QTextStream out(&bytes);
        summary->writeCsv(out);
        out.flush();
        return writeFile(path, bytes);
    }
    return writeFile(path, QJsonDocument(summary->toJson()).toJson(QJsonDocument::Indented));
}

bool StationWindow::applyStationSettings(const StationSettings &settings) {
    if (m_station->isRunning())
        return false;
    const PinHash pin = m_settings.pin;
    const QDateTime shift = m_settings.shiftStart;
    m_settings = settings;
    m_settings.pin = pin; // the PIN changes only through changePin()
    m_settings.shiftStart = shift;
    saveSettings();
    ps::station::StationOptions options = m_station->options();
    m_settings.applyTo(options);
    (void)m_station->setOptions(options);
    m_operator->setScanVisible(false);
    showStopped();
    return true;
}

bool StationWindow::applySlotMap(const ps::station::SlotMap &map) {
    if (m_station->isRunning())
        return false;
    m_slotMap = map;
    if (m_slotMap.filePath().isEmpty())
        m_slotMap.setFilePath(m_settings.slotMapFile);
    (void)m_station->setSlotMap(m_slotMap);
    refreshTiles();
    updateActions();
    return true;
}

void StationWindow::closeEvent(QCloseEvent *event) {
    const int busy = busySlots();
    if (busy > 0) {
        QMessageBox box(QMessageBox::Warning, tr("Close the Station"),
                        tr("%n slot(s) still work on a device. Closing stops them; each is "
                           "recorded as cancelled.",
                           nullptr, busy),
                        QMessageBox::NoButton, this);
        box.setObjectName(u"closeConfirmation"_s);
        QAbstractButton *stop = box.addButton(tr("Stop and Close"), QMessageBox::DestructiveRole);
        QPushButton *keep = box.addButton(tr("Keep Running"), QMessageBox::RejectRole);
        box.setDefaultButton(keep);
        box.exec();
        if (box.clickedButton() != stop) {
            event->ignore();
            return;
        }
    }
    if (m_station->isRunning())
        m_station->stop();
    event->accept();
}

void StationWindow::refreshTiles() {
    m_operator->setSlots(m_station->statuses(), m_station->isRunning());
    m_operator->summaryStrip()->setSummary(shiftSummary());
    if (m_mode == Mode::Engineer)
        m_engineer->slotMapEditor()->setCurrentPorts([this](const QString &slotId) {
            const auto status = m_station->status(slotId);
            return status.present ? status.port : QString();
        });
}

void StationWindow::refreshReports() {
    const ps::station::ShiftSummary summary = shiftSummary();
    m_operator->summaryStrip()->setSummary(summary);
    m_engineer->setSummary(summary);
    auto store = m_context->auditStore();
    if (!store)
        return;
    ps::station::AuditQuery query;
    query.kind = QString::fromLatin1(ps::station::PipelineFlow::Kind);
    query.verdict = ps::station::Verdict::Failed;
    query.from = m_settings.shiftStart;
    query.newestFirst = true;
    auto failed = (*store)->search(query);
    if (!failed)
        return;
    const QString station = m_context->station().station;
    failed->removeIf([&station](const auto &record) { return record.station != station; });
    m_engineer->setFailures(*failed);
}

void StationWindow::updateActions() {
    const bool running = m_station->isRunning();
    m_start->setEnabled(!running && !m_starting && !m_slotMap.isEmpty());
    m_stop->setEnabled(running);
    bool anyFailed = false;
    const QList<ps::station::SlotStatus> all = m_station->statuses();
    for (const auto &status : all)
        anyFailed = anyFailed || status.phase == SlotPhase::Failed;
    m_retry->setEnabled(running && anyFailed);
    m_engineer->setRunning(running);
}

void StationWindow::showStopped() {
    if (m_station->isRunning())
        return;
    QString text = tr("Station stopped — press Start (F5)");
    if (!m_settings.bundleFile.isEmpty())
        text += u" · "_s + tr("bundle %1").arg(QFileInfo(m_settings.bundleFile).fileName());
    m_operator->setBanner(text, OperatorView::Tone::Neutral);
    m_operator->setScanVisible(false);
}

void StationWindow::holdBanner(const QString &text, bool bad) {
    m_operator->setBanner(text, bad ? OperatorView::Tone::Bad : OperatorView::Tone::Good);
    m_bannerHeldUntil = QDateTime::currentDateTimeUtc().addSecs(6);
    QTimer::singleShot(6100, this, &StationWindow::updateBanner);
}

void StationWindow::updateBanner() {
    if (!m_station->isRunning())
        return;
    if (m_bannerHeldUntil.isValid() && QDateTime::currentDateTimeUtc() < m_bannerHeldUntil)
        return;
    QStringList waiting;
    const QList<ps::station::SlotStatus> all = m_station->statuses();
    for (const auto &status : all) {
        if (status.phase == SlotPhase::Label)
            waiting.append(status.label);
    }
    if (!waiting.isEmpty()) {
        m_operator->setBanner(tr("Scan the label of %1").arg(waiting.join(u", "_s)),
                              OperatorView::Tone::Neutral);
        return;
    }
    QString text = tr("Station running — plug in devices");
    if (const auto bundle = m_station->bundle())
        text += u" · "_s + tr("flashing %1 %2").arg(bundle->name, bundle->version);
    m_operator->setBanner(text, OperatorView::Tone::Good);
}

int StationWindow::busySlots() const {
    int busy = 0;
    const QList<ps::station::SlotStatus> all = m_station->statuses();
    for (const auto &status : all) {
        if (status.phase == SlotPhase::Running || status.phase == SlotPhase::Label)
            ++busy;
    }
    return busy;
}

void StationWindow::saveSettings() {
    m_settings.save(m_store);
    m_store.sync();
}

} // namespace ps::gui
