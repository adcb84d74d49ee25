#pragma once

#include "StationSettings.h"
#include "core/bundle/FirmwareBundle.h"
#include "station/AuditRecord.h"
#include "station/ShiftSummary.h"

#include <QWidget>
#include <expected>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;

namespace ps::gui {

class SlotMapEditor;

/// Engineer mode's pages: Bundle (choose the firmware bundle; its name, version, models,
/// boards and images, or why it is refused), Account (where the API key comes from; the
/// Account dialog), Slots (SlotMapEditor), Settings (label check, cloud requests at once, flash
/// options, onboarding-rule consent, the PIN), Failures (this shift's failed attempts) and
/// Reports (the shift summary, exports of records and summary).
///
/// The view holds no station logic: it shows what the window gives it and says what the
/// engineer changed through its signals; the StationWindow acts.
class EngineerView : public QWidget {
    Q_OBJECT
public:
    enum Page { BundlePage, AccountPage, SlotsPage, SettingsPage, FailuresPage, ReportsPage };

    explicit EngineerView(QWidget *parent = nullptr);

    void setSettings(const StationSettings &settings, int cloudRequests);
    [[nodiscard]] const StationSettings &settings() const { return m_settings; }
    /// While the station runs the set-up cannot change (failures and reports can be read).
    void setRunning(bool running);
    void setAccountText(const QString &text);
    void setFailures(const QList<ps::station::AuditRecord> &records);
    void setSummary(const ps::station::ShiftSummary &summary);
    [[nodiscard]] SlotMapEditor *slotMapEditor() const { return m_slots; }
    [[nodiscard]] QTabWidget *tabs() const { return m_tabs; }
    [[nodiscard]] QTableWidget *failureTable() const { return m_failures; }

    /// Reads and checks the bundle; a good one becomes the settings' bundle (settingsChanged),
    /// a bad one is refused with the reason shown and the settings left as they were.
    std::expected<ps::bundle::FirmwareBundle, QString> chooseBundle(const QString &path);
    /// What the Bundle page says about the bundle in use, and the last refusal.
    [[nodiscard]] QString bundleText() const;
    [[nodiscard]] QString bundleError() const;
    [[nodiscard]] QString summaryText() const;

    /// "Asset Tracker Template 1.6.0 — models nRF9151, nRF9161 — boards thingy91x".
    static QString describeBundle(const ps::bundle::FirmwareBundle &bundle);

Q_SIGNALS:
    void settingsChanged(const ps::gui::StationSettings &settings);
    void cloudRequestsChanged(int requests);
    void accountRequested();
    void changePinRequested();
    void exportRecordsRequested();
    void exportSummaryRequested();
    void newShiftRequested();

private:
    QWidget *makeBundlePage();
    QWidget *makeAccountPage();
    QWidget *makeSettingsPage();
    QWidget *makeFailuresPage();
    QWidget *makeReportsPage();
    void showBundle();
    void readForm();

    StationSettings m_settings;
    bool m_running = false;
    bool m_filling = false;
    QTabWidget *m_tabs = nullptr;
    // Bundle
    QLabel *m_bundlePath = nullptr;
    QLabel *m_bundleInfo = nullptr;
    QLabel *m_bundleError = nullptr;
    QPushButton *m_chooseBundle = nullptr;
    QPushButton *m_noBundle = nullptr;
    // Account
    QLabel *m_account = nullptr;
    QPushButton *m_editAccount = nullptr;
    // Slots
    SlotMapEditor *m_slots = nullptr;
    // Settings
    QCheckBox *m_labelCheck = nullptr;
    QSpinBox *m_cloudRequests = nullptr;
    QSpinBox *m_parallelSlots = nullptr;
    QCheckBox *m_permanent = nullptr;
    QCheckBox *m_skipIfSame = nullptr;
    QCheckBox *m_checkBoot = nullptr;
    QCheckBox *m_onboardingRule = nullptr;
    QPushButton *m_changePin = nullptr;
    QLabel *m_settingsNote = nullptr;
    // Failures and reports
    QTableWidget *m_failures = nullptr;
    QPlainTextEdit *m_summary = nullptr;
};

} // namespace ps::gui
