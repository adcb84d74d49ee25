#pragma once

#include "Completion.h"
#include "core/timeline/TimelineEngine.h"
#include "core/timeline/TimelineTypes.h"
#include "device/DeviceLink.h"

#include <QObject>
#include <QPointer>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <qcoro/qcorotask.h>
#include <vector>

namespace ps::station {

/// One timeline event as a flow sees it: which lane, which state of the rule table, the label.
struct DeviceEvent {
    qsizetype index = 0; ///< position in DeviceMonitor::events()
    ps::core::TimelineLane lane = ps::core::TimelineLane::Device;
    QString state; ///< rule table state id, e.g. "connected", "pdn-down", "done"
    QString label; ///< what the device said, e.g. "Connected to Cloud"
    qint64 timeMs = 0;
    std::optional<qint32> value;
};

/// A firmware version as the boot banner prints it (`v1.5.0`).
struct FirmwareVersion {
    int major = 0;
    int minor = 0;
    int patch = 0;
    friend auto operator<=>(const FirmwareVersion &, const FirmwareVersion &) = default;
    /// The first `v<major>.<minor>.<patch>` in `text` (e.g. "Asset Tracker Template v1.2.9").
    static std::optional<FirmwareVersion> find(QStringView text);
    [[nodiscard]] QString toString() const;
};

/// Watches one device for a flow: every line from the link goes through a TimelineEngine, and
/// each new timeline event is kept, announced (eventAdded) and offered to waiting coroutines.
///
///     DeviceMonitor monitor(link);
///     const qsizetype mark = monitor.mark();          // only what comes after this
///     co_await link->shell()->execute(u"att_cloud provision"_s);
///     auto connected = co_await monitor.waitForEvent(
///         [](const DeviceEvent &e) { return e.lane == TimelineLane::Cloud &&
///                                           e.state == u"connected"; }, mark, 2min);
///
/// The rule table decides what counts as "connected" or "provisioning done", so a new firmware
/// wording is a new row in the table, not a change here. Cloud-side events the flow adds
/// (addCloudEvent) join the same timeline, which a GUI can draw (timeline()).
class DeviceMonitor : public QObject {
    Q_OBJECT
public:
    using Matcher = std::function<bool(const DeviceEvent &)>;

    explicit DeviceMonitor(ps::device::DeviceLink *link, QObject *parent = nullptr);
    ~DeviceMonitor() override;

    [[nodiscard]] ps::device::DeviceLink *link() const { return m_link; }
    [[nodiscard]] bool isOpen() const;
    [[nodiscard]] const ps::core::TimelineEngine &timeline() const { return m_engine; }
    [[nodiscard]] const std::vector<DeviceEvent> &events() const { return m_events; }
    /// The index the next event will get: pass it to waitForEvent() to see only later events.
    [[nodiscard]] qsizetype mark() const { return qsizetype(m_events.size()); }

    /// The application firmware of the last boot banner seen ("Asset Tracker Template
    /// v1.5.0"), empty when no banner came by while the monitor watched.
    [[nodiscard]] QString firmware() const;
    [[nodiscard]] std::optional<FirmwareVersion> firmwareVersion() const;
    /// What firmware() says until the monitor sees a banner itself: the banner a console saw
    /// before the flow began (the device booted before the monitor watched).
    void setFirmwareHint(const QString &firmware) { m_firmwareHint = firmware; }

    /// A cloud-side event (lane cloudApi), e.g. "claimed", "command-created".
    void addCloudEvent(QStringView state, const QString &label = {},
                       std::optional<qint32> value = std::nullopt);

    /// The first event at or after `since` that `match` accepts, waiting up to `timeout`;
    /// nullopt on timeout or when the monitor is destroyed meanwhile.
    QCoro::Task<std::optional<DeviceEvent>> waitForEvent(Matcher match, qsizetype since,
                                                         std::chrono::milliseconds timeout);
    /// Waits until the link is open (true) or `timeout` passes or the link gives up (false).
    QCoro::Task<bool> waitForOpen(std::chrono::milliseconds timeout);

    /// Whether an event in the cloud lane at or after `since` says the device connected.
    [[nodiscard]] std::optional<DeviceEvent> cloudConnectedSince(qsizetype since) const;

Q_SIGNALS:
    void eventAdded(const ps::station::DeviceEvent &event);

private:
    struct Waiter {
        Matcher match;
        std::shared_ptr<Completion<std::optional<DeviceEvent>>> done;
    };
    void onLines(const std::vector<ps::core::Line> &lines);
    void collectNewEvents();
    void offer(const DeviceEvent &event);

    QPointer<ps::device::DeviceLink> m_link;
    QString m_firmwareHint;
    ps::core::TimelineEngine m_engine;
    std::vector<DeviceEvent> m_events;
    quint32 m_nextSequence = 0; ///< engine sequence of the next event not yet collected
    std::vector<std::shared_ptr<Waiter>> m_waiters;
    std::vector<std::shared_ptr<Completion<bool>>> m_openWaiters;
};

} // namespace ps::station

Q_DECLARE_METATYPE(ps::station::DeviceEvent)
