#include "FlowTracker.h"

#include <QTimer>

namespace ps::gui {

using ps::station::Flow;
using ps::station::StepRecord;
using ps::station::StepStatus;

namespace {
/// About 30 view updates a second at most.
constexpr int CoalesceMs = 33;
constexpr qsizetype MaxLinesPerStep = 400;
} // namespace

FlowTracker::FlowTracker(QObject *parent)
    : QObject(parent)
    , m_coalesce(new QTimer(this)) {
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(CoalesceMs);
    connect(m_coalesce, &QTimer::timeout, this, &FlowTracker::changed);
}

void FlowTracker::track(Flow *flow) {
    if (m_flow)
        disconnect(m_flow, nullptr, this, nullptr);
    m_flow = flow;
    m_progress.clear();
    m_heldBefore.clear();
    m_pausedStep.clear();
    if (!flow) {
        touch();
        return;
    }
    connect(flow, &Flow::stepStarted, this, [this](const QString &id, int) {
        m_heldBefore.clear();
        m_pausedStep.clear();
        Progress &progress = m_progress[id];
        progress.text.clear();
        progress.fraction = -1;
        progress.retryInMs = 0;
        touch();
    });
    connect(flow, &Flow::stepProgress, this,
            [this](const QString &id, const QString &text, double fraction) {
                Progress &progress = m_progress[id];
                if (!text.isEmpty() && text != progress.text) {
                    progress.lines.append(text);
                    if (progress.lines.size() > MaxLinesPerStep)
                        progress.lines.removeFirst();
                    progress.text = text;
                }
                if (fraction >= 0)
                    progress.fraction = std::max(progress.fraction, std::min(fraction, 1.0));
                touch();
            });
    connect(flow, &Flow::stepFinished, this,
            [this](const QString &, bool, const QString &) { touch(); });
    connect(flow, &Flow::stepRetrying, this, [this](const QString &id, int, int delayMs) {
        m_progress[id].retryInMs = delayMs;
        touch();
    });
    // The flow waits for the operator: show it at once.
    connect(flow, &Flow::paused, this, [this](const QString &id, const QString &) {
        m_pausedStep = id;
        flush();
    });
    connect(flow, &Flow::held, this, [this](const QString &id) {
        m_heldBefore = id;
        flush();
    });
    connect(flow, &Flow::finished, this, [this](ps::station::Verdict verdict) {
        m_heldBefore.clear();
        m_pausedStep.clear();
        m_coalesce->stop();
        Q_EMIT changed();
        Q_EMIT finished(verdict);
    });
    touch();
}

void FlowTracker::flush() {
    m_coalesce->stop();
    Q_EMIT changed();
}

void FlowTracker::touch() {
    if (!m_coalesce->isActive())
        m_coalesce->start();
}

QList<StepRecord> FlowTracker::steps() const {
    return m_flow ? m_flow->steps() : QList<StepRecord>();
}

std::optional<StepRecord> FlowTracker::step(const QString &id) const {
    const QList<StepRecord> all = steps();
    for (const StepRecord &record : all) {
        if (record.id == id)
            return record;
    }
    return std::nullopt;
}

bool FlowTracker::isDone(const QString &id) const {
    const auto record = step(id);
    return record &&
           (record->status == StepStatus::Succeeded || record->status == StepStatus::Skipped);
}

bool FlowTracker::isFinished() const {
    return m_flow && m_flow->state() == Flow::State::Finished;
}

ps::station::Verdict FlowTracker::verdict() const {
    return m_flow ? m_flow->verdict() : ps::station::Verdict::None;
}

} // namespace ps::gui
