#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QTreeWidget;

namespace ps::gui {

class FlowTracker;

/// The cloud's side of a reprovision while it runs: the command queued for the device and its
/// latest status (PENDING, IN_PROGRESS, SUCCEEDED, FAILED), above every cloud request the
/// flow made since the action, with nRF Cloud's answer. Fed by the flow's own record of its
/// cloud calls, so it shows exactly what the audit record will hold.
class CommandStatusView : public QWidget {
    Q_OBJECT
public:
    explicit CommandStatusView(QWidget *parent = nullptr);

    void setTracker(FlowTracker *tracker);
    /// Only calls made by these steps are listed (default: action, trigger, follow, verify).
    void setSteps(QStringList stepIds) { m_steps = std::move(stepIds); }
    void refresh();

    /// "Command 3: IN_PROGRESS" or a sentence saying no command is known yet.
    [[nodiscard]] QString headline() const;
    /// The last status the flow read for its command, empty when none yet.
    [[nodiscard]] QString commandStatus() const { return m_status; }

private:
    QPointer<FlowTracker> m_tracker;
    QStringList m_steps{QStringLiteral("action"), QStringLiteral("trigger"),
                        QStringLiteral("follow"), QStringLiteral("verify")};
    QLabel *m_headline = nullptr;
    QTreeWidget *m_calls = nullptr;
    qsizetype m_shown = -1;
    QString m_status;
};

} // namespace ps::gui
