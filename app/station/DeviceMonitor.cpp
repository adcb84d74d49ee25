#include "DeviceMonitor.h"

#include "device/DeviceLink.h"

#include <QDateTime>
#include <QTimer>
#include <algorithm>

namespace ps::station {

using namespace Qt::StringLiterals;
using ps::core::TimelineEvent;
using ps::core::TimelineLane;

std::optional<FirmwareVersion> FirmwareVersion::find(QStringView text) {
    for (qsizetype start = text.indexOf(u'v'); start >= 0; start = text.indexOf(u'v', start + 1)) {
        qsizetype pos = start + 1;
        std::array<int, 3> parts{};
        int part = 0;
        for (; part < 3; ++part) {
            const qsizetype digits = pos;
            while (pos < text.size() && text[pos].isDigit())
                ++pos;
            if (pos == digits || pos - digits > 6)
                break;
            parts[size_t(part)] = text.sliced(digits, pos - digits).toInt();
            if (part < 2) {
                if (pos >= text.size() || text[pos] != u'.')
                    break;
                ++pos;
            }
        }
        if (part == 3)
            return FirmwareVersion{parts[0], parts[1], parts[2]};
    }
    return std::nullopt;
}

QString FirmwareVersion::toString() const {
    return u"%1.%2.%3"_s.arg(major).arg(minor).arg(patch);
}

DeviceMonitor::DeviceMonitor(ps::device::DeviceLink *link, QObject *parent)
    : QObject(parent)
    , m_link(link) {
    if (link) {
        connect(link, &ps::device::DeviceLink::linesReceived, this, &DeviceMonitor::onLines);
        connect(link, &ps::device::DeviceLink::stateChanged, this,
                [this](ps::device::DeviceLink::State state) {
                    using State = ps::device::DeviceLink::State;
                    if (state != State::Open && state != State::Closed)
                        return;
                    for (const auto &waiter : std::exchange(m_openWaiters, {}))
                        waiter->complete(state == State::Open);
                });
    }
}

DeviceMonitor::~DeviceMonitor() {
    for (const auto &waiter : std::exchange(m_waiters, {}))
        waiter->done->complete(std::nullopt);
    for (const auto &waiter : std::exchange(m_openWaiters, {}))
        waiter->complete(false);
}

bool DeviceMonitor::isOpen() const {
    return m_link && m_link->state() == ps::device::DeviceLink::State::Open;
}

QString DeviceMonitor::firmware() const {
    const QString seen = m_engine.summary().firmware;
    return seen.isEmpty() ? m_firmwareHint : seen;
}

std::optional<FirmwareVersion> DeviceMonitor::firmwareVersion() const {
    return FirmwareVersion::find(firmware());
}

void DeviceMonitor::onLines(const std::vector<ps::core::Line> &lines) {
    for (const ps::core::Line &line : lines) {
        m_engine.addLine(line);
        collectNewEvents();
    }
}

void DeviceMonitor::addCloudEvent(QStringView state, const QString &label,
                                  std::optional<qint32> value) {
    if (m_engine.addCloudEvent(QDateTime::currentMSecsSinceEpoch(), state, label, value))
        collectNewEvents();
}

void DeviceMonitor::collectNewEvents() {
    const ps::core::TimelineModel &model = m_engine.model();
    std::vector<TimelineEvent> fresh;
    for (int lane = 0; lane < ps::core::TimelineLaneCount; ++lane) {
        for (const auto &list :
             {model.spans(TimelineLane(lane)), model.points(TimelineLane(lane))}) {
            // New events are appended; cloud-side ones may be inserted earlier, so that lane
            // (a handful of events) is searched whole.
            for (auto it = list.rbegin(); it != list.rend(); ++it) {
                if (it->sequence >= m_nextSequence)
                    fresh.push_back(*it);
                else if (TimelineLane(lane) != TimelineLane::CloudApi)
                    break;
            }
        }
    }
    if (fresh.empty())
        return;
    std::ranges::sort(fresh, {}, &TimelineEvent::sequence);
    m_nextSequence = fresh.back().sequence + 1;
    for (const TimelineEvent &event : fresh) {
        DeviceEvent seen;
        seen.index = qsizetype(m_events.size());
        seen.lane = event.lane;
        seen.state = model.stateInfo(event).id;
        seen.label = model.label(event);
        seen.timeMs = event.timeMs;
        if (event.hasValue())
            seen.value = event.value;
        m_events.push_back(seen);
        Q_EMIT eventAdded(seen);
        offer(seen);
    }
}

void DeviceMonitor::offer(const DeviceEvent &event) {
    std::erase_if(m_waiters, [&event](const std::shared_ptr<Waiter> &waiter) {
        if (waiter->done->isCompleted())
            return true;
        if (!waiter->match(event))
            return false;
        waiter->done->complete(event);
        return true;
    });
}

QCoro::Task<std::optional<DeviceEvent>>
DeviceMonitor::waitForEvent(Matcher match, qsizetype since, std::chrono::milliseconds timeout) {
    for (qsizetype i = std::max<qsizetype>(0, since); i < qsizetype(m_events.size()); ++i) {
        if (match(m_events[size_t(i)]))
            co_return m_events[size_t(i)];
    }
    auto waiter = std::make_shared<Waiter>();
    waiter->match = std::move(match);
    waiter->done = std::make_shared<Completion<std::optional<DeviceEvent>>>();
    m_waiters.push_back(waiter);
    // Parentless and in this frame: the monitor may be destroyed while this coroutine waits.
    QTimer timer;
    timer.setSingleShot(true);
    timer.setTimerType(Qt::PreciseTimer);
    connect(&timer, &QTimer::timeout, this,
            [done = waiter->done] { done->complete(std::nullopt); });
    timer.start(timeout);
    auto done = waiter->done;
    co_return co_await *done;
}

QCoro::Task<bool> DeviceMonitor::waitForOpen(std::chrono::milliseconds timeout) {
    if (isOpen())
        co_return true;
    if (!m_link || m_link->state() == ps::device::DeviceLink::State::Closed)
        co_return false;
    auto done = std::make_shared<Completion<bool>>();
    m_openWaiters.push_back(done);
    QTimer timer;
    timer.setSingleShot(true);
    timer.setTimerType(Qt::PreciseTimer);
    connect(&timer, &QTimer::timeout, this, [done] { done->complete(false); });
    timer.start(timeout);
    co_return co_await *done;
}

std::optional<DeviceEvent> DeviceMonitor::cloudConnectedSince(qsizetype since) const {
    for (qsizetype i = std::max<qsizetype>(0, since); i < qsizetype(m_events.size()); ++i) {
        const DeviceEvent &event = m_events[size_t(i)];
        if (event.lane == TimelineLane::Cloud && event.state == u"connected")
            return event;
    }
    return std::nullopt;
}

} // namespace ps::station
