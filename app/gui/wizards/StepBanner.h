#pragma once

#include <QPointer>
#include <QStringList>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace ps::gui {

class FlowTracker;

/// Where a wizard page's step stands, in a few words: running with its progress, done with
/// what it found, or failed with the reason and what to do next (Retry runs it again). A page
/// names its steps (setSteps()); the banner shows the one that matters now.
class StepBanner : public QWidget {
    Q_OBJECT
public:
    explicit StepBanner(QWidget *parent = nullptr);

    void setTracker(FlowTracker *tracker);
    void setSteps(QStringList stepIds);
    /// What to say while the flow waits before the first of the steps ("Press Claim to ...").
    void setReadyText(const QString &text) { m_readyText = text; }

    /// The texts shown (tests, screen readers).
    [[nodiscard]] QString title() const;
    [[nodiscard]] QString message() const;
    [[nodiscard]] QString hint() const;

    void refresh();

private:
    QPointer<FlowTracker> m_tracker;
    QStringList m_steps;
    QString m_readyText;
    QLabel *m_icon = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_hint = nullptr;
    QProgressBar *m_progress = nullptr;
};

} // namespace ps::gui
