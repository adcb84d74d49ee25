#include "StepBanner.h"

#include "FlowIcons.h"
#include "FlowTracker.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

namespace ps::gui {

using ps::station::StepRecord;
using ps::station::StepStatus;

namespace {
constexpr int IconSize = 32;
}

StepBanner::StepBanner(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_title(new QLabel(this))
    , m_message(new QLabel(this))
    , m_hint(new QLabel(this))
    , m_progress(new QProgressBar(this)) {
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 6);
    m_icon->setFixedSize(IconSize, IconSize);
    m_icon->setAlignment(Qt::AlignTop);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    auto *texts = new QVBoxLayout;
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    for (QLabel *label : {m_title, m_message, m_hint}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        texts->addWidget(label);
    }
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(10);
    texts->addWidget(m_progress);
    layout->addLayout(texts, 1);
    refresh();
}

void StepBanner::setTracker(FlowTracker *tracker) {
    if (m_tracker)
        disconnect(m_tracker, nullptr, this, nullptr);
    m_tracker = tracker;
    if (tracker)
        connect(tracker, &FlowTracker::changed, this, &StepBanner::refresh);
    refresh();
}

void StepBanner::setSteps(QStringList stepIds) {
    m_steps = std::move(stepIds);
    refresh();
}

QString StepBanner::title() const {
    return m_title->text();
}

QString StepBanner::message() const {
    return m_message->text();
}

QString StepBanner::hint() const {
    return m_hint->text();
}

void StepBanner::refresh() {
    const auto show = [this](FlowIcon icon, const QString &title, const QString &message,
                             const QString &hint) {
        m_icon->setPixmap(flowIcon(icon).pixmap(IconSize, IconSize));
        m_title->setText(title);
        m_message->setText(message);
        m_message->setVisible(!message.isEmpty());
        m_hint->setText(hint);
        m_hint->setVisible(!hint.isEmpty());
    };
    m_progress->hide();
    if (!m_tracker || !m_tracker->flow() || m_steps.isEmpty()) {
        show(FlowIcon::StepPending, tr("Not started"), {}, {});
        return;
    }

    // The step that matters: the first one that is under way or went wrong; else, when all are
    // done, the last; else the first that has not run.
    QList<StepRecord> records;
    for (const QString &id : std::as_const(m_steps)) {
        if (const auto record = m_tracker->step(id))
            records.append(*record);
    }
    if (records.isEmpty()) {
        show(FlowIcon::StepPending, tr("Not started"), {}, {});
        return;
    }
    const StepRecord *current = nullptr;
    for (const StepRecord &record : std::as_const(records)) {
        if (record.status == StepStatus::Running || record.status == StepStatus::Waiting ||
            record.status == StepStatus::Failed || record.status == StepStatus::Cancelled) {
            current = &record;
            break;
        }
    }
    if (!current) {
        const bool allDone = std::ranges::all_of(records, [](const StepRecord &r) {
            return r.status == StepStatus::Succeeded || r.status == StepStatus::Skipped;
        });
        if (allDone) {
            const StepRecord &last = records.constLast();
            QStringList notes;
            for (const StepRecord &record : std::as_const(records)) {
                if (!record.note.isEmpty())
                    notes.append(records.size() > 1
                                     ? record.title + QStringLiteral(": ") + record.note
                                     : record.note);
            }
            show(last.status == StepStatus::Skipped && records.size() == 1 ? FlowIcon::StepSkipped
                                                                           : FlowIcon::StepDone,
                 records.size() == 1 ? tr("%1: done").arg(last.title) : tr("Done"),
                 notes.join(u'\n'), {});
            return;
        }
        for (const StepRecord &record : std::as_const(records)) {
            if (record.status == StepStatus::Pending) {
                current = &record;
                break;
            }
        }
    }
    if (!current)
        current = &records.constLast();

    const FlowTracker::Progress progress = m_tracker->progress(current->id);
    switch (current->status) {
    case StepStatus::Pending:
        if (m_tracker->isFinished()) {
            show(FlowIcon::StepCancelled, tr("%1: not run").arg(current->title),
                 tr("The attempt ended before this step."), {});
        } else if (m_tracker->heldBefore() == current->id) {
            show(FlowIcon::StepPending, current->title,
                 m_readyText.isEmpty() ? tr("Ready: press Next to go on.") : m_readyText, {});
        } else {
            show(FlowIcon::StepPending, current->title, tr("Waiting for the steps before it."), {});
        }
        break;
    case StepStatus::Running:
        show(FlowIcon::StepRunning,
             current->attempts > 1
                 ? tr("%1 (attempt %2)").arg(current->title).arg(current->attempts)
                 : current->title,
             progress.text.isEmpty() ? tr("Working…") : progress.text, {});
        m_progress->setRange(0, progress.fraction >= 0 ? 100 : 0);
        if (progress.fraction >= 0)
            m_progress->setValue(int(progress.fraction * 100));
        m_progress->show();
        break;
    case StepStatus::Waiting:
        if (m_tracker->pausedStep() == current->id) {
            show(FlowIcon::StepFailed, tr("%1: failed").arg(current->title), current->error,
                 (current->hint.isEmpty() ? QString() : current->hint + u' ') +
                     tr("Press Retry to run this step again, or Cancel to stop."));
        } else {
            show(FlowIcon::StepWaiting, tr("%1: trying again").arg(current->title), current->error,
                 progress.retryInMs > 0
                     ? tr("The next attempt starts in %1 s.").arg(progress.retryInMs / 1000.0)
                     : QString());
        }
        break;
    case StepStatus::Failed:
        show(FlowIcon::StepFailed, tr("%1: failed").arg(current->title), current->error,
             current->hint);
        break;
    case StepStatus::Cancelled:
        show(FlowIcon::StepCancelled, tr("%1: cancelled").arg(current->title),
             tr("The attempt was cancelled; it is recorded in the history."), {});
        break;
    case StepStatus::Succeeded:
    case StepStatus::Skipped:
        show(current->status == StepStatus::Skipped ? FlowIcon::StepSkipped : FlowIcon::StepDone,
             tr("%1: done").arg(current->title), current->note, {});
        break;
    }
}

} // namespace ps::gui
