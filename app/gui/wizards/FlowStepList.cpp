#include "FlowStepList.h"

#include "FlowIcons.h"
#include "FlowTracker.h"
#include "gui/history/HistoryModel.h"
#include "gui/history/RecordDetails.h"

#include <QDateTime>
#include <QHeaderView>

namespace ps::gui {

using ps::station::StepRecord;
using ps::station::StepStatus;

FlowStepList::FlowStepList(QWidget *parent)
    : QTreeWidget(parent) {
    setColumnCount(ColumnCount);
    setHeaderLabels({tr("Step"), tr("Status"), tr("Time")});
    setRootIsDecorated(true);
    setUniformRowHeights(false);
    setWordWrap(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    header()->setStretchLastSection(false);
    // Progress lines span the whole row, so the step column keeps a width of its own.
    header()->setSectionResizeMode(StepColumn, QHeaderView::Interactive);
    header()->resizeSection(StepColumn, 250);
    header()->setSectionResizeMode(StatusColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(TimeColumn, QHeaderView::ResizeToContents);
}

void FlowStepList::setTracker(FlowTracker *tracker) {
    if (m_tracker)
        disconnect(m_tracker, nullptr, this, nullptr);
    m_tracker = tracker;
    if (tracker)
        connect(tracker, &FlowTracker::changed, this, &FlowStepList::refresh);
    refresh();
}

void FlowStepList::setShowProgressLines(bool show) {
    m_showLines = show;
    refresh();
}

void FlowStepList::refresh() {
    const QList<StepRecord> steps = m_tracker ? m_tracker->steps() : QList<StepRecord>();
    while (topLevelItemCount() > steps.size())
        delete takeTopLevelItem(topLevelItemCount() - 1);
    for (int i = 0; i < steps.size(); ++i) {
        const StepRecord &step = steps.at(i);
        QTreeWidgetItem *item = topLevelItem(i);
        if (!item)
            item = new QTreeWidgetItem(this);
        const FlowTracker::Progress progress = m_tracker->progress(step.id);
        StepStatus status = step.status;
        QString text;
        switch (status) {
        case StepStatus::Running:
            text = progress.text.isEmpty() ? tr("running…") : progress.text;
            if (progress.fraction >= 0)
                text += tr(" (%1%)").arg(int(progress.fraction * 100));
            break;
        case StepStatus::Waiting:
            text = m_tracker->pausedStep() == step.id
                       ? tr("failed, waiting for Retry or Cancel: %1").arg(step.error)
                       : tr("trying again: %1").arg(step.error);
            break;
        case StepStatus::Failed:
            text = step.error.isEmpty() ? stepStatusText(status) : step.error;
            break;
        case StepStatus::Pending:
            text = m_tracker->heldBefore() == step.id ? tr("ready, waiting for you")
                                                      : stepStatusText(status);
            break;
        default:
            text = step.note.isEmpty() ? stepStatusText(status) : step.note;
            break;
        }
        if (m_tracker->pausedStep() == step.id)
            status = StepStatus::Waiting;
        item->setIcon(StepColumn, flowIcon(stepIcon(status)));
        item->setText(StepColumn, step.title);
        item->setData(StepColumn, Qt::UserRole, step.id);
        item->setText(StatusColumn, text);
        item->setToolTip(StatusColumn, step.hint.isEmpty() ? text : text + u'\n' + step.hint);
        qint64 duration = step.durationMs;
        if (status == StepStatus::Running && step.startedAt.isValid())
            duration = step.startedAt.msecsTo(QDateTime::currentDateTimeUtc());
        item->setText(TimeColumn, step.startedAt.isValid() ? formatDuration(duration) : QString());
        item->setTextAlignment(TimeColumn, Qt::AlignRight | Qt::AlignVCenter);

        const QStringList lines = m_showLines ? progress.lines : QStringList();
        while (item->childCount() > lines.size())
            delete item->takeChild(item->childCount() - 1);
        for (int line = item->childCount(); line < lines.size(); ++line) {
            auto *child = new QTreeWidgetItem(item);
            child->setText(StepColumn, lines.at(line));
            child->setToolTip(StepColumn, lines.at(line));
            child->setFirstColumnSpanned(true);
        }
        // The step that runs is unfolded so its progress shows as it comes; the others fold
        // up when they end (the operator may unfold them again).
        const bool running = status == StepStatus::Running;
        if (running != m_unfolded.contains(step.id)) {
            item->setExpanded(running && !lines.isEmpty());
            if (running && !lines.isEmpty())
                m_unfolded.insert(step.id);
            else
                m_unfolded.remove(step.id);
        }
        if (running && item->isExpanded() && item->childCount() > 0)
            scrollToItem(item->child(item->childCount() - 1));
    }
}

} // namespace ps::gui
