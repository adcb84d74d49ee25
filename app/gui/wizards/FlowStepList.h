#pragma once

#include <QPointer>
#include <QSet>
#include <QTreeWidget>

namespace ps::gui {

class FlowTracker;

/// Every step of a flow, live: an icon for its status, its title, what it is doing now (or
/// what it found, or why it failed) and how long it took. The progress lines of a step are its
/// children, so the whole story of a provisioning run can be unfolded.
class FlowStepList : public QTreeWidget {
    Q_OBJECT
public:
    enum Column { StepColumn, StatusColumn, TimeColumn, ColumnCount };

    explicit FlowStepList(QWidget *parent = nullptr);

    void setTracker(FlowTracker *tracker);
    /// Show the progress lines of each step as its children (default on).
    void setShowProgressLines(bool show);
    void refresh();

private:
    QPointer<FlowTracker> m_tracker;
    bool m_showLines = true;
    QSet<QString> m_unfolded; ///< steps unfolded because they ran
};

} // namespace ps::gui
