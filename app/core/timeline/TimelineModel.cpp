#include "TimelineModel.h"

#include <algorithm>

namespace ps::core {

TimelineModel::TimelineModel(std::shared_ptr<const TimelineRules> rules)
    : m_rules(std::move(rules)) {
    Q_ASSERT(m_rules);
    internLabel(QString()); // index 0: no label
}

std::span<const TimelineEvent> TimelineModel::spansIn(TimelineLane lane, qint64 fromMs,
                                                      qint64 toMs) const {
    const auto &spans = m_spans[size_t(lane)];
    const auto first = std::partition_point(
        spans.begin(), spans.end(), [fromMs](const TimelineEvent &e) { return e.endMs < fromMs; });
    const auto last = std::partition_point(
        first, spans.end(), [toMs](const TimelineEvent &e) { return e.timeMs <= toMs; });
    return {first, last};
}

std::span<const TimelineEvent> TimelineModel::pointsIn(TimelineLane lane, qint64 fromMs,
                                                       qint64 toMs) const {
    const auto &points = m_points[size_t(lane)];
    const auto first =
        std::partition_point(points.begin(), points.end(),
                             [fromMs](const TimelineEvent &e) { return e.timeMs < fromMs; });
    const auto last = std::partition_point(
        first, points.end(), [toMs](const TimelineEvent &e) { return e.timeMs <= toMs; });
    return {first, last};
}

std::optional<qint64> TimelineModel::firstTimeMs() const {
    std::optional<qint64> first;
    for (size_t lane = 0; lane < TimelineLaneCount; ++lane) {
        for (const auto *events : {&m_spans[lane], &m_points[lane]}) {
            if (!events->empty() && (!first || events->front().timeMs < *first))
                first = events->front().timeMs;
        }
    }
    return first;
}

std::optional<qint64> TimelineModel::lastTimeMs() const {
    std::optional<qint64> last;
    for (size_t lane = 0; lane < TimelineLaneCount; ++lane) {
        for (const auto *events : {&m_spans[lane], &m_points[lane]}) {
            if (!events->empty() && (!last || events->back().timeMs > *last))
                last = events->back().timeMs;
        }
    }
    return last;
}

std::vector<TimelineEvent> TimelineModel::eventsInOrder() const {
    std::vector<TimelineEvent> events;
    events.reserve(size_t(m_eventCount));
    forEachInOrder([&](const TimelineEvent &event) { events.push_back(event); });
    return events;
}

quint32 TimelineModel::internLabel(const QString &label) {
    const auto it = m_labelIndex.constFind(label);
    if (it != m_labelIndex.constEnd())
        return it.value();
    const auto index = quint32(m_labels.size());
    m_labels.push_back(label);
    m_labelIndex.insert(label, index);
    return index;
}

const TimelineEvent *TimelineModel::openSpan(TimelineLane lane) const {
    const auto &spans = m_spans[size_t(lane)];
    if (spans.empty() || !spans.back().isOpen())
        return nullptr;
    return &spans.back();
}

void TimelineModel::refineOpenSpan(TimelineLane lane, quint32 label, qint32 value) {
    auto &spans = m_spans[size_t(lane)];
    if (spans.empty() || !spans.back().isOpen())
        return;
    spans.back().label = label;
    if (value != TimelineEvent::NoValue)
        spans.back().value = value;
    ++m_revision;
}

void TimelineModel::closeOpenSpan(TimelineLane lane, qint64 atMs) {
    auto &spans = m_spans[size_t(lane)];
    if (spans.empty() || !spans.back().isOpen())
        return;
    spans.back().endMs = std::max(atMs, spans.back().timeMs);
    ++m_revision;
}

quint32 TimelineModel::append(TimelineEvent event) {
    event.sequence = m_nextSequence++;
    if (event.isSpan()) {
        auto &spans = m_spans[size_t(event.lane)];
        if (!spans.empty()) {
            event.timeMs = std::max(event.timeMs, spans.back().timeMs);
            if (spans.back().isOpen())
                spans.back().endMs = event.timeMs;
        }
        event.endMs = TimelineEvent::OpenEnd;
        spans.push_back(event);
    } else {
        auto &points = m_points[size_t(event.lane)];
        if (!points.empty())
            event.timeMs = std::max(event.timeMs, points.back().timeMs);
        event.endMs = event.timeMs;
        points.push_back(event);
    }
    ++m_eventCount;
    ++m_revision;
    return event.sequence;
}

quint32 TimelineModel::insert(TimelineEvent event) {
    event.sequence = m_nextSequence++;
    const auto later = [](qint64 time) {
        return [time](const TimelineEvent &e) { return e.timeMs <= time; };
    };
    if (event.isSpan()) {
        auto &spans = m_spans[size_t(event.lane)];
        const auto at = std::partition_point(spans.begin(), spans.end(), later(event.timeMs));
        event.endMs = at == spans.end() ? TimelineEvent::OpenEnd : at->timeMs;
        if (at != spans.begin()) {
            TimelineEvent &previous = *(at - 1);
            if (previous.endMs > event.timeMs)
                previous.endMs = event.timeMs;
        }
        spans.insert(at, event);
    } else {
        auto &points = m_points[size_t(event.lane)];
        event.endMs = event.timeMs;
        points.insert(std::partition_point(points.begin(), points.end(), later(event.timeMs)),
                      event);
    }
    ++m_eventCount;
    ++m_revision;
    return event.sequence;
}

void TimelineModel::addSegment(TimelineSegment segment) {
    m_segments.push_back(std::move(segment));
    ++m_revision;
}

TimelineSegment *TimelineModel::currentSegment() {
    return m_segments.empty() ? nullptr : &m_segments.back();
}

void TimelineModel::clear() {
    for (auto &spans : m_spans)
        spans.clear();
    for (auto &points : m_points)
        points.clear();
    m_labels.clear();
    m_labelIndex.clear();
    internLabel(QString());
    m_segments.clear();
    m_eventCount = 0;
    m_nextSequence = 0;
    ++m_revision;
}

} // namespace ps::core
