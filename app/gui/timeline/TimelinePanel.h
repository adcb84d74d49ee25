#pragma once

#include <QPointer>
#include <QWidget>
#include <expected>

class QAction;
class QLabel;
class QProgressBar;
class QTimer;
class QToolBar;

namespace ps::gui {

class TimelineSession;
class TimelineSummaryStrip;
class TimelineView;

/// What the window's Timeline dock holds: a tool bar with the timeline actions, the summary
/// strip, the swimlane view of one TimelineSession (the current console's, or an opened log's)
/// and a status line (the hovered event, or what an action did).
///
/// The actions have window-wide shortcuts and live here, so the dock's tool bar, the window's
/// Timeline menu and the keys all do the same:
///   Ctrl+O  Open Log for Timeline…      Ctrl+= / Ctrl+-  zoom in / out    Ctrl+0  fit
///   Ctrl+Shift+F  follow live            F7 / Shift+F7  next / previous event
///   Ctrl+J  show the selected event's line in the console
///   Ctrl+Shift+I  export image (PNG, SVG)   Ctrl+Shift+E  export events (CSV, JSON)
///   Ctrl+Shift+B  save a support bundle
/// A click on an event shows its line in the console too. Dialogs ask for file names; the
/// *To() functions do the work (and are what tests call).
class TimelinePanel : public QWidget {
    Q_OBJECT
public:
    explicit TimelinePanel(QWidget *parent = nullptr);
    ~TimelinePanel() override;

    /// Shows `session` (not owned; the panel lets go when it is destroyed). Null shows nothing.
    void setSession(TimelineSession *session);
    [[nodiscard]] TimelineSession *session() const { return m_session; }

    [[nodiscard]] TimelineView *view() const { return m_view; }
    [[nodiscard]] TimelineSummaryStrip *summaryStrip() const { return m_summary; }
    [[nodiscard]] QString statusText() const;

    [[nodiscard]] QAction *openLogAction() const { return m_openLog; }
    [[nodiscard]] QAction *followAction() const { return m_follow; }
    /// Every action, in menu order (null entries are separators).
    [[nodiscard]] QList<QAction *> menuActions() const;

    std::expected<void, QString> exportImageTo(const QString &path);
    std::expected<void, QString> exportEventsTo(const QString &path);
    std::expected<void, QString> saveBundleTo(const QString &path);
    /// Shows a message in the status line for a few seconds (and sends it to the window).
    void showMessage(const QString &message);

Q_SIGNALS:
    /// The person chose a log file to open (File › Open Log for Timeline…).
    void openLogRequested(const QString &path);
    /// Something worth the window's status bar ("Saved ...", "Line 12 is no longer ...").
    void message(const QString &text);
    /// The console now shows this source line.
    void lineShown(int line);

private:
    QAction *makeAction(const QString &text, const QString &tip, const QList<QKeySequence> &keys);
    void setUpActions();
    void updateActions();
    void updateSource();
    void onModelChanged();
    void onLineActivated(int line);
    void askOpenLog();
    void askExportImage();
    void askExportEvents();
    void askSaveBundle();
    [[nodiscard]] QString suggestedPath(const QString &suffix) const;

    QPointer<TimelineSession> m_session;
    QToolBar *m_toolBar = nullptr;
    QLabel *m_source = nullptr;
    TimelineSummaryStrip *m_summary = nullptr;
    QProgressBar *m_progress = nullptr;
    TimelineView *m_view = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_messageTimer = nullptr;
    QString m_hoverText;
    QString m_lastDirectory;

    QAction *m_openLog = nullptr;
    QAction *m_zoomIn = nullptr;
    QAction *m_zoomOut = nullptr;
    QAction *m_fit = nullptr;
    QAction *m_follow = nullptr;
    QAction *m_next = nullptr;
    QAction *m_previous = nullptr;
    QAction *m_showLine = nullptr;
    QAction *m_exportImage = nullptr;
    QAction *m_exportEvents = nullptr;
    QAction *m_bundle = nullptr;
    QAction *m_progressAction = nullptr;
};

} // namespace ps::gui
