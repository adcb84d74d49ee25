#pragma once

#include "TimelineRules.h"
#include "TimelineTypes.h"

#include <QHash>
#include <array>
#include <memory>
#include <span>
#include <vector>

namespace ps::core {

/// The events of a timeline, laid out for drawing: per lane, one vector of spans and one of
/// points, each sorted by time, so a view asks for what is visible with two binary searches per
/// lane (spansIn/pointsIn) however many events there are. Spans of a lane never overlap (a span
/// ends where the next one starts), so their ends are sorted too.
///
/// Texts are shared: an event holds indices into the label pool (label()) and the rule table's
/// states (stateInfo()). No widgets, no signals: a view polls revision() on its repaint timer and
/// redraws when it changed.
///
/// TimelineEngine fills the model; the mutators below are for it (and for tests).
class TimelineModel {
public:
    explicit TimelineModel(std::shared_ptr<const TimelineRules> rules);

    [[nodiscard]] const TimelineRules &rules() const { return *m_rules; }
    [[nodiscard]] const std::shared_ptr<const TimelineRules> &sharedRules() const {
        return m_rules;
    }

    [[nodiscard]] std::span<const TimelineEvent> spans(TimelineLane lane) const {
        return m_spans[size_t(lane)];
    }
    [[nodiscard]] std::span<const TimelineEvent> points(TimelineLane lane) const {
        return m_points[size_t(lane)];
    }
    /// Spans that overlap [fromMs, toMs] (an open span reaches to the end of time).
    [[nodiscard]] std::span<const TimelineEvent> spansIn(TimelineLane lane, qint64 fromMs,
                                                         qint64 toMs) const;
    /// Points with fromMs <= time <= toMs.
    [[nodiscard]] std::span<const TimelineEvent> pointsIn(TimelineLane lane, qint64 fromMs,
                                                          qint64 toMs) const;

    [[nodiscard]] const TimelineStateInfo &stateInfo(const TimelineEvent &event) const {
        return m_rules->state(event.state);
    }
    [[nodiscard]] const QString &label(const TimelineEvent &event) const {
        return m_labels[event.label];
    }
    [[nodiscard]] const QString &label(quint32 index) const { return m_labels[index]; }
    [[nodiscard]] qsizetype labelCount() const { return qsizetype(m_labels.size()); }

    [[nodiscard]] qsizetype eventCount() const { return m_eventCount; }
    [[nodiscard]] bool isEmpty() const { return m_eventCount == 0; }
    /// Earliest start and latest start of any event; nullopt when empty.
    [[nodiscard]] std::optional<qint64> firstTimeMs() const;
    [[nodiscard]] std::optional<qint64> lastTimeMs() const;
    /// Changes with every mutation.
    [[nodiscard]] quint64 revision() const { return m_revision; }
    [[nodiscard]] const std::vector<TimelineSegment> &segments() const { return m_segments; }

    /// Visits every event in arrival order (all lanes merged), e.g. for export.
    template<typename Visit> void forEachInOrder(Visit &&visit) const {
        std::array<size_t, 2 * TimelineLaneCount> next{};
        while (true) {
            const TimelineEvent *best = nullptr;
            size_t bestList = 0;
            for (size_t list = 0; list < next.size(); ++list) {
                const auto &events =
                    list < TimelineLaneCount ? m_spans[list] : m_points[list - TimelineLaneCount];
                if (next[list] < events.size() &&
                    (!best || events[next[list]].sequence < best->sequence)) {
                    best = &events[next[list]];
                    bestList = list;
                }
            }
            if (!best)
                return;
            ++next[bestList];
            visit(*best);
        }
    }
    [[nodiscard]] std::vector<TimelineEvent> eventsInOrder() const;

    // --- mutators, used by TimelineEngine ---

    /// Index of `label` in the pool, adding it once.
    quint32 internLabel(const QString &label);
    /// The span of `lane` that has not ended, or null.
    [[nodiscard]] const TimelineEvent *openSpan(TimelineLane lane) const;
    /// Updates label and (when given) value of the lane's open span.
    void refineOpenSpan(TimelineLane lane, quint32 label, qint32 value);
    /// Ends the lane's open span at `atMs` (a reboot ends every state of the device).
    void closeOpenSpan(TimelineLane lane, qint64 atMs);
    /// Adds an event no earlier than the lane's latest one; a span ends the lane's open span.
    /// Sets and returns the event's sequence.
    quint32 append(TimelineEvent event);
    /// Adds an event at any time (cloud-side events can arrive late); keeps the lane sorted.
    quint32 insert(TimelineEvent event);
    void addSegment(TimelineSegment segment);
    [[nodiscard]] TimelineSegment *currentSegment();
    void clear();

private:
    std::shared_ptr<const TimelineRules> m_rules;
    std::array<std::vector<TimelineEvent>, TimelineLaneCount> m_spans;
    std::array<std::vector<TimelineEvent>, TimelineLaneCount> m_points;
    std::vector<QString> m_labels;
    QHash<QString, quint32> m_labelIndex;
    std::vector<TimelineSegment> m_segments;
    qsizetype m_eventCount = 0;
    quint32 m_nextSequence = 0;
    quint64 m_revision = 0;
};

} // namespace ps::core
