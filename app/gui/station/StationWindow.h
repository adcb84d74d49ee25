#pragma once

#include "StationSettings.h"
#include "station/ShiftSummary.h"
#include "station/Station.h"

#include <QMainWindow>
#include <expected>
#include <functional>
#include <memory>

class QAction;
class QSettings;
class QStackedWidget;
class QTimer;

namespace ps::gui {

class EngineerView;
class OperatorView;
class ProvisioningContext;

/// The flashing station (issue 7): one big tile per slot for the operator, the set-up for the
/// engineer behind a PIN, over one ps::station::Station.
///
/// Operator mode (the default) offers only Start (F5), Stop (Shift+F5), Retry Failed Slots
/// (F6; each failed tile has its own Retry button too), the label scan field when the label
/// check is on, and Engineer Mode… (Ctrl+E), which asks for the PIN. There is no menu bar and
/// no context menu; closing while slots work asks first.
///
/// Engineer mode (EngineerView) changes the bundle, the account and its key (the Account
/// dialog), the slot map, the settings and the PIN, and shows the failures and the reports;
/// Ctrl+E (or the toolbar) returns to operator mode. The set-up only changes while the
/// station is stopped.
///
/// The window reads and writes `store` (groups station, account/cloud, history); the slot map
/// lives in its own JSON file (StationSettings::slotMapFile). It has its own account and audit
/// store (ProvisioningContext), so it can run next to the main window or alone (--station).
class StationWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Mode { Operator, Engineer };

    /// `store` must outlive the window.
    explicit StationWindow(QSettings &store, QWidget *parent = nullptr);
    ~StationWindow() override;

    [[nodiscard]] Mode mode() const { return m_mode; }
    /// Asks for the PIN (the first time: sets it) and enters engineer mode when it is right.
    bool requestEngineerMode();
    /// The PIN check without the dialog: sets the PIN when none is set yet (a valid one),
    /// else compares. True when engineer mode was entered.
    bool unlock(const QString &pin);
    void leaveEngineerMode();

    /// Reads the API key if needed, then starts the station (asynchronously: startFinished()
    /// says how it went; a refusal, e.g. a bad bundle, is shown in the banner).
    void startStation();
    void stopStation();
    /// Retries every failed slot; returns how many were started again.
    int retryFailedSlots();
    bool retrySlot(const QString &slotId);

    /// This shift's station records as CSV (".csv") or a JSON array (anything else).
    std::expected<void, QString> exportRecords(const QString &path);
    /// The shift summary as CSV (".csv") or JSON.
    std::expected<void, QString> exportSummary(const QString &path);
    [[nodiscard]] ps::station::ShiftSummary shiftSummary();

    [[nodiscard]] ps::station::Station *station() const { return m_station.get(); }
    [[nodiscard]] ProvisioningContext *context() const { return m_context; }
    [[nodiscard]] OperatorView *operatorView() const { return m_operator; }
    [[nodiscard]] EngineerView *engineerView() const { return m_engineer; }
    [[nodiscard]] const StationSettings &stationSettings() const { return m_settings; }
    /// Applies and saves engineer changes (only while stopped; false otherwise).
    bool applyStationSettings(const StationSettings &settings);
    bool applySlotMap(const ps::station::SlotMap &map);

    [[nodiscard]] QAction *startAction() const { return m_start; }
    [[nodiscard]] QAction *stopAction() const { return m_stop; }
    [[nodiscard]] QAction *retryAction() const { return m_retry; }
    [[nodiscard]] QAction *engineerAction() const { return m_engineerAction; }
    [[nodiscard]] QAction *closeAction() const { return m_close; }

    /// Adjusts the station's options just before each start (tests and demos: shorter
    /// timeouts); the settings still decide bundle, label check and flash options.
    void setOptionsAdjuster(std::function<void(ps::station::StationOptions &)> adjust) {
        m_adjust = std::move(adjust);
    }

Q_SIGNALS:
    void modeChanged(ps::gui::StationWindow::Mode mode);
    /// After startStation(): `error` is empty when the station runs.
    void startFinished(const QString &error);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void setUpActions();
    void setUpStation();
    void connectEngineer();
    void finishStart();
    void refreshTiles();
    void refreshReports();
    void updateActions();
    void showStopped();
    /// The running station's banner: which slot wants its label, else the bundle in use. A
    /// message about the last scan or start stays for a few seconds first.
    void updateBanner();
    void holdBanner(const QString &text, bool bad);
    void setMode(Mode mode);
    void changePin();
    void saveSettings();
    [[nodiscard]] int busySlots() const;
    [[nodiscard]] ps::station::ShiftRange shiftRange() const;

    QSettings &m_store;
    StationSettings m_settings;
    ProvisioningContext *m_context = nullptr;
    std::unique_ptr<ps::station::Station> m_station;
    ps::station::SlotMap m_slotMap;
    std::function<void(ps::station::StationOptions &)> m_adjust;
    Mode m_mode = Mode::Operator;
    bool m_starting = false;
    QDateTime m_bannerHeldUntil;
    QStackedWidget *m_pages = nullptr;
    OperatorView *m_operator = nullptr;
    EngineerView *m_engineer = nullptr;
    QTimer *m_tick = nullptr;
    QAction *m_start = nullptr;
    QAction *m_stop = nullptr;
    QAction *m_retry = nullptr;
    QAction *m_engineerAction = nullptr;
    QAction *m_close = nullptr;
};

} // namespace ps::gui
