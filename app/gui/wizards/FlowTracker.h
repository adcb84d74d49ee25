#pragma once

#include "station/Flow.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QTimer;

namespace ps::gui {

/// Follows one station flow for the wizard's views: every step's record (status, attempts,
/// duration, note, error and hint, as the flow keeps them), the latest progress of each step
/// and its progress lines, and whether the flow waits for the operator: held before a step
/// (setHoldBefore()) or paused after a failure.
///
/// Views listen to changed(), which is coalesced (a provisioning run reports dozens of device
/// events a second), and read the state back; finished() comes at once.
class FlowTracker : public QObject {
    Q_OBJECT
public:
    struct Progress {
        QString text;
        double fraction = -1; ///< 0..1, negative when unknown
        QStringList lines;    ///< every progress text of the step, oldest first (bounded)
        int retryInMs = 0;    ///< the step failed and runs again after this delay
    };

    explicit FlowTracker(QObject *parent = nullptr);

    void track(ps::station::Flow *flow);
    [[nodiscard]] ps::station::Flow *flow() const { return m_flow; }

    [[nodiscard]] QList<ps::station::StepRecord> steps() const;
    [[nodiscard]] std::optional<ps::station::StepRecord> step(const QString &id) const;
    [[nodiscard]] Progress progress(const QString &id) const { return m_progress.value(id); }
    /// Succeeded or not needed.
    [[nodiscard]] bool isDone(const QString &id) const;

    /// The step the flow waits before, empty when it does not.
    [[nodiscard]] QString heldBefore() const { return m_heldBefore; }
    /// The failed step the flow waits on (Retry or Cancel), empty when it does not.
    [[nodiscard]] QString pausedStep() const { return m_pausedStep; }
    [[nodiscard]] bool isFinished() const;
    [[nodiscard]] ps::station::Verdict verdict() const;

Q_SIGNALS:
    void changed();
    void finished(ps::station::Verdict verdict);

private:
    void touch();
    void flush();

    QPointer<ps::station::Flow> m_flow;
    QHash<QString, Progress> m_progress;
    QString m_heldBefore;
    QString m_pausedStep;
    QTimer *m_coalesce = nullptr;
};

} // namespace ps::gui
