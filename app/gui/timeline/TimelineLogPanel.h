#pragma once

#include "gui/Settings.h"

#include <QWidget>
#include <expected>

class QLabel;
class QProgressBar;
class QToolButton;

namespace ps::gui {

class ConsoleModel;
class ConsoleView;
class TimelineLogLoader;
class TimelineSession;

/// A tab for a saved log opened for post-mortem analysis (File › Open Log for Timeline…): the
/// file's lines in a read-only console, its timeline session (shown by the window's Timeline
/// dock) and the progress of reading it. Reading runs in slices on the event loop
/// (TimelineLogLoader), so the window stays usable; Cancel stops it where it is.
class TimelineLogPanel : public QWidget {
    Q_OBJECT
public:
    explicit TimelineLogPanel(const Settings &settings, QWidget *parent = nullptr);
    ~TimelineLogPanel() override;

    /// Starts reading `path` (a log, or a support bundle's device.log).
    std::expected<void, QString> open(const QString &path);
    void cancel();

    [[nodiscard]] QString path() const { return m_path; }
    [[nodiscard]] bool isLoading() const;
    [[nodiscard]] TimelineSession *session() const { return m_session; }
    [[nodiscard]] ConsoleView *view() const { return m_view; }
    [[nodiscard]] ConsoleModel *model() const { return m_model; }
    /// "Log · first-provisioning.log · 30 lines · 27 events" for the status bar.
    [[nodiscard]] QString statusText() const;

Q_SIGNALS:
    /// Reading ended (ok, or why not).
    void finished(bool ok, const QString &message);
    void statusChanged();

private:
    void onProgress(qint64 done, qint64 total);
    void onFinished(bool ok, const QString &message);

    QString m_path;
    TimelineSession *m_session = nullptr;
    ConsoleModel *m_model = nullptr;
    ConsoleView *m_view = nullptr;
    TimelineLogLoader *m_loader = nullptr;
    QLabel *m_title = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;
    QString m_result;
};

} // namespace ps::gui
