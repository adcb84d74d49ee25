#pragma once

#include "PipelineFlow.h"
#include "SlotMap.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <chrono>
#include <expected>
#include <map>
#include <memory>

namespace ps::cloud {
class RestClient;
}
namespace ps::device {
class DeviceLink;
class PortWatcher;
} // namespace ps::device

namespace ps::station {

class AuditStore;

/// What a slot is doing, for a tile in the operator view and a line of the CLI.
enum class SlotPhase {
    Empty,   ///< no device in the slot
    Ready,   ///< a device is there; the station is stopped or the slot waits to start
    Running, ///< the pipeline runs (phase detail: stepId/stepTitle)
    Label,   ///< the pipeline waits for the operator to scan the device's label
    Passed,  ///< the last attempt passed; unplug the device (the next one starts by itself)
    Failed,  ///< the last attempt failed: failure and hint say why; retry() or unplug
};
/// "empty", "ready", "running", "label", "passed", "failed".
QString slotPhaseId(SlotPhase phase);

/// One slot as the views show it. Plain words only: `failure` and `hint` are for the operator.
struct SlotStatus {
    QString slotId;
    QString label;        ///< Slot::displayName()
    QString port;         ///< the port the device is on now (empty when absent)
    bool present = false; ///< a device is in the slot
    SlotPhase phase = SlotPhase::Empty;
    QString flowId;      ///< the current or last attempt
    QString stepId;      ///< the running (or failed) step
    QString stepTitle;   ///< "Flash the firmware"
    QString detail;      ///< the step's latest progress text ("Uploading 40 %", "LTE up")
    double progress = 0; ///< of the whole pipeline, 0..1
    QString imei;
    QString firmware;     ///< what the device runs, when known
    QString failure;      ///< why the last attempt failed, in plain words
    QString failureKind;  ///< stepErrorKindId()
    QString hint;         ///< what to do about it
    qint64 elapsedMs = 0; ///< of the current attempt (of the last one once it ended)
    int attempts = 0;     ///< attempts in this slot since the station started
    int passed = 0;       ///< of those, passed

    [[nodiscard]] QJsonObject toJson() const;
};

/// How the station runs. The REST client and the store are not owned and must outlive it.
struct StationOptions {
    ps::cloud::RestClient *cloud = nullptr; ///< shared by every slot, API key set; its
                                            ///< CloudSettings::maxConcurrentRequests bounds
                                            ///< the requests in flight across slots
    AuditStore *store = nullptr;            ///< journal and audit records (opened)
    StationIdentity identity;               ///< operator and station; the slot is set per slot
    QString bundleFile;                     ///< the firmware bundle (zip); empty: no flashing
    ClaimOptions claim;                     ///< createOnboardingRule etc.
    ps::device::SmpFlashOptions flash;
    bool enterFromShell = true; ///< see PipelineOptions::enterFromShell
    bool labelCheck = false;    ///< see PipelineOptions::labelCheck
    /// Per-step timeouts of the pipeline (PipelineOptions::detectTimeout, ...).
    std::chrono::milliseconds detectTimeout{30'000};
    std::chrono::milliseconds flashTimeout{300'000};
    std::chrono::milliseconds labelTimeout{600'000};
    /// How many slots run their pipeline at once; 0: no bound. Devices beyond it wait in
    /// SlotPhase::Ready and start, in the order they arrived, as running attempts end.
    int maxParallelSlots = 0;
    /// How often the system's ports are listed (hot-plug).
    std::chrono::milliseconds scanInterval{1000};
    /// After a restart: how long an unfinished attempt waits for its slot's device before it is
    /// closed as interrupted.
    std::chrono::milliseconds resumeWait{30'000};
    /// Lists the system's serial ports (tests: a fixed list); empty: availablePorts().
    std::function<QList<ps::device::PortInfo>()> portLister;
    /// The device links' reconnection while a device is away (a reset, a replug).
    ps::device::DeviceLink::ReconnectPolicy reconnect{};
};

/// The flashing station: one pipeline (PipelineFlow) per slot, all slots in parallel.
///
///     Station station(slotMap, options);
///     connect(&station, &Station::slotChanged, view, [&](const QString &id) {
///         tile(id)->show(station.status(id)); });
///     if (auto started = station.start(); !started) refuse(started.error()); // a bad bundle
///     ...
///     station.retry(u"B"_s);      // a failed slot, skipping what succeeded
///     station.stop();
///
/// Slots: the station watches the ports (PortWatcher; Path slots are added as extra ports).
/// A device that appears in a mapped slot while the station runs starts its pipeline by
/// itself. A slot that passed starts again with the next device plugged in; a failed slot
/// waits for retry(). One slot's failure never touches another: each has its own DeviceLink
/// and flow; they share the REST client (which bounds concurrent requests) and the store.
///
/// Restart: start() looks for unfinished attempts of this station (its identity's station
/// name) in the store; each resumes (Flow::restore) when its slot's device is there within
/// StationOptions::resumeWait, else it is closed as interrupted. Destroying a Station mid-run
/// leaves its attempts unfinished in the journal, as a crash would.
///
/// Every attempt ends as exactly one audit record (AuditStore), with the bundle's image hashes
/// and each step's timing.
class Station : public QObject {
    Q_OBJECT
public:
    Station(SlotMap slots, StationOptions options, QObject *parent = nullptr);
    ~Station() override;

    /// Reads and checks the bundle (a bad one is refused with the reason, before anything
    /// runs), starts watching the ports, resumes or closes unfinished attempts.
    std::expected<void, QString> start();
    /// Cancels the running attempts (each is recorded as cancelled) and stops watching.
    void stop();
    [[nodiscard]] bool isRunning() const { return m_running; }

    /// Runs a failed slot again (a new attempt that skips the steps that succeeded); also
    /// starts a Ready slot by hand. False when the slot is unknown or busy.
    bool retry(const QString &slotId);
    /// Gives a scanned label to the slot waiting for one: `slotId`, or, when empty, the only
    /// slot waiting (a scanner types into one field). False when no slot takes it.
    bool submitLabel(const QString &text, const QString &slotId = {});

    [[nodiscard]] const SlotMap &slotMap() const { return m_slots; }
    /// A new slot map; only while stopped (false otherwise).
    bool setSlotMap(SlotMap slots);
    [[nodiscard]] const StationOptions &options() const { return m_options; }
    /// New options (bundle, label check...); only while stopped.
    bool setOptions(StationOptions options);

    [[nodiscard]] QList<SlotStatus> statuses() const;
    [[nodiscard]] SlotStatus status(const QString &slotId) const;
    /// The slot's running or last attempt (for a timeline view); may be null.
    [[nodiscard]] PipelineFlow *flow(const QString &slotId) const;
    /// The bundle in use once started.
    [[nodiscard]] std::shared_ptr<const ps::bundle::FirmwareBundle> bundle() const {
        return m_bundle;
    }
    /// Every slot has a verdict (passed or failed) and nothing runs or waits to resume.
    [[nodiscard]] bool isSettled() const;
    /// Attempts started since start() that ended, and of those passed.
    [[nodiscard]] int finishedAttempts() const { return m_finished; }
    [[nodiscard]] int passedAttempts() const { return m_passed; }

Q_SIGNALS:
    void started();
    void stopped();
    /// status(slotId) changed.
    void slotChanged(const QString &slotId);
    /// An attempt ended; `record` is its audit record.
    void attemptFinished(const QString &slotId, ps::station::Verdict verdict,
                         const ps::station::AuditRecord &record);
    /// The slot waits for its label (submitLabel()).
    void labelRequested(const QString &slotId);
    /// Every slot has a verdict (isSettled()).
    void settled();
    /// One JSON object per event, for the command line and logs: {"event": "slot"|"step"|
    /// "progress"|"attempt"|"label"|"resume"|"station", "at", "slot", ...}.
    void event(const QJsonObject &event);

private:
    struct SlotState;
    void onPortsChanged(const QList<ps::device::PortInfo> &ports);
    void ensureLink(SlotState &slot, const ps::device::PortInfo &port);
    /// Starts (or resumes) an attempt in `slot` now, or queues it while maxParallelSlots are
    /// busy.
    void requestStart(SlotState &slot, bool retry);
    void startQueued();
    [[nodiscard]] int runningCount() const;
    /// Starts a new attempt in `slot`, or runs `resumed` (a flow restored from the journal).
    void startAttempt(SlotState &slot, bool retry, std::unique_ptr<PipelineFlow> resumed = {});
    void resumeAttempt(SlotState &slot, const QString &flowId);
    void onAttemptFinished(SlotState &slot, Verdict verdict);
    void closeStaleResumes();
    void refresh(SlotState &slot);
    void emitEvent(QString type, const QString &slotId, QJsonObject fields);
    PipelineOptions pipelineOptions() const;
    SlotState *find(const QString &slotId) const;
    void checkSettled();

    SlotMap m_slots;
    StationOptions m_options;
    std::shared_ptr<const ps::bundle::FirmwareBundle> m_bundle;
    QString m_bundleSha256;
    std::unique_ptr<ps::device::PortWatcher> m_watcher;
    std::map<QString, std::unique_ptr<SlotState>> m_state;
    QElapsedTimer m_resumeClock;
    bool m_running = false;
    bool m_wasSettled = false;
    int m_finished = 0;
    int m_passed = 0;
    quint64 m_queueTicket = 0;
};

} // namespace ps::station
