#include "StationFlow.h"

#include "StationLog.h"
#include "cloud/RestClient.h"
#include "device/DeviceLink.h"

#include <QElapsedTimer>
#include <QTimer>
#include <qcoro/qcorotimer.h>

namespace ps::station {

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using ps::core::TimelineLane;

namespace {

bool isProvisioningOutcome(const DeviceEvent &event) {
    return event.lane == TimelineLane::Provisioning &&
           (event.state == u"done" || event.state == u"no-commands" ||
            event.state == u"not-claimed" || event.state == u"failed");
}

std::chrono::milliseconds smaller(std::chrono::milliseconds a, std::chrono::milliseconds b) {
    return std::max(0ms, std::min(a, b));
}

} // namespace

double provisioningProgress(QStringView state) {
    static const std::pair<QStringView, double> Phases[] = {
        {u"triggered", 0.05},
        {u"init", 0.1},
        {u"started", 0.1},
        {u"dtls-setup", 0.2},
        {u"connected", 0.3},
        {u"requesting", 0.4},
        {u"processing", 0.5},
        {u"offline-for-writes", 0.6},
        {u"online-for-responses", 0.75},
        {u"finished-command", 0.8},
        {u"sending-responses", 0.85},
        {u"end-of-commands", 0.9},
        {u"done", 1.0},
        {u"no-commands", 1.0},
    };
    for (const auto &[id, fraction] : Phases) {
        if (id == state)
            return fraction;
    }
    return -1;
}

QString describeDeviceEvent(const DeviceEvent &event) {
    const QString label = event.label.isEmpty() ? event.state : event.label;
    if (event.lane == TimelineLane::Lte &&
        (event.state == u"pdn-down" || event.state == u"detached" ||
         event.state == u"not-registered" || event.state == u"searching"))
        return u"LTE: %1 (normal while provisioning writes credentials)"_s.arg(label);
    if (event.lane == TimelineLane::Lte)
        return u"LTE: "_s + label;
    if (event.lane == TimelineLane::Cloud)
        return u"Cloud: "_s + label;
    if (event.lane == TimelineLane::Provisioning)
        return u"Provisioning: "_s + label;
    return label;
}

StationFlow::StationFlow(QString kind, const FlowSetup &setup, QObject *parent)
    : Flow(std::move(kind), setup.store, setup.station, parent)
    , m_link(setup.device)
    , m_cloud(setup.cloud) {
    if (setup.device) {
        m_monitor = new DeviceMonitor(setup.device, this);
        m_monitor->setFirmwareHint(setup.firmware);
    }
    watchRetries(setup.cloud);
}

StepError StationFlow::noCloud() {
    return StepError::make(StepError::Kind::Configuration, u"No nRF Cloud connection is set up"_s,
                           u"Set the cloud URLs and the API key, then run the flow again."_s);
}

ps::cloud::ProvisioningApi StationFlow::provisioningApi() const {
    // A handle on a destroyed client answers every call with an error instead of touching it;
    // without any client the flow's steps check hasCloud() first.
    return ps::cloud::ProvisioningApi(*m_cloud);
}

ps::cloud::DeviceApi StationFlow::deviceApi() const {
    return ps::cloud::DeviceApi(*m_cloud);
}

void StationFlow::cloudEvent(QStringView state, const QString &label) {
    if (m_monitor)
        m_monitor->addCloudEvent(state, label);
}

QCoro::Task<StepResult> StationFlow::identifyStep(AttemptPtr attempt) {
    QPointer<DeviceMonitor> monitor = m_monitor;
    QPointer<ps::device::DeviceLink> link = m_link;
    if (!link || !monitor) {
        co_return std::unexpected(StepError::make(StepError::Kind::Configuration,
                                                  u"No device is connected to this flow"_s,
                                                  u"Open the device's serial port first."_s));
    }
    if (!monitor->isOpen()) {
        attempt->progress(u"Waiting for the device to come back"_s);
        const bool open = co_await monitor->waitForOpen(attempt->budget());
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!open) {
            co_return std::unexpected(StepError::make(
                StepError::Kind::Unreachable,
                u"The device's port %1 is not open"_s.arg(link ? link->portName() : QString()),
                u"Check the cable and the port name, then run the flow again."_s, true));
        }
    }
    attempt->progress(u"Reading IMEI, model, firmware, device UUID and attestation token"_s, 0.1);
    const QString firmware = monitor->firmware();
    auto identified = co_await identifyDevice(link, firmware);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!identified)
        co_return std::unexpected(identified.error());

    const DeviceIdentity known = device();
    if (!known.deviceId.isEmpty() && known.deviceId != identified->identity.deviceId) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Device,
            u"Another device is connected (%1) than the one this attempt started with (%2)"_s.arg(
                identified->identity.deviceId, known.deviceId),
            u"Connect the original device, or start a new attempt for this one."_s));
    }
    DeviceIdentity identity = identified->identity;
    if (identity.firmware.isEmpty())
        identity.firmware = known.firmware;
    if (auto stored = setDevice(identity); !stored)
        co_return std::unexpected(stored.error());
    m_token = identified->token;
    StepSuccess success;
    success.note =
        u"IMEI %1, %2, device %3"_s.arg(identity.imei, identity.model, identity.deviceId);
    if (!identified->deviceUuidSupported)
        success.note += u" (no %DEVICEUUID on this modem: the id comes from the token)"_s;
    co_return success;
}

QCoro::Task<std::expected<void, StepError>> StationFlow::ensureDeviceOpen(AttemptPtr attempt) {
    QPointer<DeviceMonitor> monitor = m_monitor;
    if (!monitor) {
        co_return std::unexpected(StepError::make(StepError::Kind::Configuration,
                                                  u"No device is connected to this flow"_s));
    }
    if (monitor->isOpen())
        co_return {};
    attempt->progress(u"Waiting for the device to come back"_s);
    const bool open = co_await monitor->waitForOpen(attempt->budget());
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!open) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Unreachable, u"The device did not come back"_s,
            u"Check the cable and that the device is powered, then run the flow again."_s, true));
    }
    co_return {};
}

QCoro::Task<std::expected<TriggerOutcome, StepError>>
StationFlow::triggerWhenReachable(AttemptPtr attempt) {
    constexpr int Tries = 5;
    for (int tries = 1;; ++tries) {
        if (auto open = co_await ensureDeviceOpen(attempt); !open)
            co_return std::unexpected(open.error());
        QPointer<DeviceMonitor> monitor = m_monitor;
        auto triggered = co_await triggerProvisioning(m_link, monitor ? monitor->firmwareVersion()
                                                                      : std::nullopt);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (triggered || triggered.error().kind != StepError::Kind::Unreachable || tries == Tries)
            co_return triggered;
        attempt->progress(u"The device went away while starting provisioning; waiting for it"_s);
        // The link notices the loss and reconnects; give it a moment before looking.
        co_await QCoro::sleepFor(std::chrono::milliseconds(200));
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
    }
}

QCoro::Task<std::expected<std::optional<ps::cloud::ClaimedDevice>, StepError>>
StationFlow::findClaim(AttemptPtr attempt, QString deviceId) {
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    beginCloudCall(u"claimed-devices/"_s + deviceId);
    ps::cloud::ProvisioningApi api = provisioningApi();
    auto claimed = co_await api.getClaimedDevice(deviceId);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    endCloudCall();
    noteCall(attempt, u"GET claimed-devices/{id}"_s, claimed);
    if (claimed)
        co_return std::optional<ps::cloud::ClaimedDevice>(*claimed);
    if (claimed.error().httpStatus == 404)
        co_return std::optional<ps::cloud::ClaimedDevice>();
    co_return std::unexpected(
        StepError::fromCloud(claimed.error(), u"Looking up the device's claim"_s));
}

QCoro::Task<std::expected<QList<ps::cloud::ProvisioningCommand>, StepError>>
StationFlow::listCommands(AttemptPtr attempt, QString deviceId, bool record) {
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    beginCloudCall(u"claimed-devices/"_s + deviceId + u"/provisioning"_s);
    ps::cloud::ProvisioningApi api = provisioningApi();
    auto commands = co_await api.listCommands(deviceId);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    endCloudCall();
    if (record || !commands)
        noteCall(attempt, u"GET claimed-devices/{id}/provisioning"_s, commands);
    if (!commands)
        co_return std::unexpected(StepError::fromCloud(
            commands.error(), u"Listing the device's provisioning commands"_s));
    co_return *commands;
}

QCoro::Task<std::expected<bool, StepError>>
StationFlow::waitUntilListed(AttemptPtr attempt, QString deviceId, std::chrono::milliseconds bound,
                             std::chrono::milliseconds interval) {
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    QElapsedTimer clock;
    clock.start();
    int polls = 0;
    while (true) {
        ++polls;
        beginCloudCall(u"devices"_s);
        ps::cloud::DeviceApi api = deviceApi();
        QStringList ids{deviceId};
        auto listed = co_await api.listDevices(ids);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        endCloudCall();
        // Only the first and the deciding answers go into the record, not every poll.
        const bool found = listed && std::ranges::any_of(*listed, [&](const ps::cloud::Device &d) {
                               return d.id.compare(deviceId, Qt::CaseInsensitive) == 0;
                           });
        const auto left = bound - std::chrono::milliseconds(clock.elapsed());
        const bool lastChance = left <= interval || attempt->budget() <= interval;
        if (polls == 1 || found || !listed || lastChance)
            noteCall(attempt, u"GET devices?deviceIds={id}"_s, listed);
        if (!listed && !listed.error().retryable)
            co_return std::unexpected(
                StepError::fromCloud(listed.error(), u"Looking for the device in nRF Cloud"_s));
        if (found)
            co_return true;
        if (lastChance)
            co_return false;
        attempt->progress(
            u"Waiting for nRF Cloud to list the device (%1 s)"_s.arg(clock.elapsed() / 1000));
        co_await QCoro::sleepFor(interval);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
    }
}

QCoro::Task<StepResult> StationFlow::followProvisioning(AttemptPtr attempt,
                                                        ProvisioningWatch watch) {
    QPointer<DeviceMonitor> monitor = m_monitor;
    if (!monitor) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Configuration,
            u"No device is connected, so its provisioning cannot be followed"_s,
            u"Open the device's serial port, or follow the command status in the cloud."_s));
    }
    // Every device event of the step becomes a progress line; the context object ends the
    // connection with this coroutine.
    QObject progressContext;
    auto report = [attempt](const DeviceEvent &event) {
        if (event.lane == TimelineLane::Provisioning || event.lane == TimelineLane::Lte ||
            event.lane == TimelineLane::Cloud)
            attempt->progress(describeDeviceEvent(event), provisioningProgress(event.state));
    };
    connect(monitor, &DeviceMonitor::eventAdded, &progressContext, report);
    for (qsizetype i = watch.since; i < monitor->mark(); ++i)
        report(monitor->events()[size_t(i)]);

    QElapsedTimer clock;
    clock.start();
    qsizetype cursor = watch.since;
    int retriggersLeft = watch.retriggers;
    QStringList failures;
    while (true) {
        const auto left =
            smaller(watch.bound - std::chrono::milliseconds(clock.elapsed()), attempt->budget());
        const bool checkCloud = !watch.deviceId.isEmpty() && left > watch.cloudCheckInterval;
        auto outcome = co_await monitor->waitForEvent(isProvisioningOutcome, cursor,
                                                      checkCloud ? watch.cloudCheckInterval : left);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!outcome && checkCloud) {
            // Nothing from the device for a while: its "finished" may have been lost with the
            // cable out. The cloud knows whether every command was done.
            auto commands = co_await listCommands(attempt, watch.deviceId, false);
            if (!attempt->isActive())
                co_return std::unexpected(StepError::abandoned());
            if (commands && !commands->isEmpty() &&
                std::ranges::all_of(*commands, [](const ps::cloud::ProvisioningCommand &c) {
                    return c.status == ps::cloud::ProvisioningCommand::Status::Succeeded;
                })) {
                recordCloudCall(attempt, u"GET claimed-devices/{id}/provisioning"_s, nullptr);
                StepSuccess success;
                success.note = u"nRF Cloud reports every command done (the device's own report "
                               "was not seen)"_s;
                co_return success;
            }
            continue;
        }
        if (!outcome) {
            // What the device showed decides the advice: LTE down, its own attempts failing,
            // or nothing at all.
            QString lastLteState;
            for (qsizetype i = 0; monitor && i < monitor->mark(); ++i) {
                const DeviceEvent &event = monitor->events()[size_t(i)];
                if (event.lane == TimelineLane::Lte)
                    lastLteState = event.state;
            }
            const bool lteDown = !lastLteState.isEmpty() && lastLteState != u"pdn-up" &&
                                 lastLteState != u"registered" && lastLteState != u"psm";
            QString hint;
            if (lteDown)
                hint = u"The device has no LTE connection: check the SIM, the antenna and the "
                       "coverage, then run the flow again."_s;
            else if (!failures.isEmpty())
                hint = u"The device's own attempts failed (last: %1): read the device's log; the "
                       "provisioning service may be unreachable from its network."_s.arg(
                           failures.back());
            else
                hint = u"The device did not report provisioning: check that its firmware "
                       "provisions on request, and run the flow again to continue."_s;
            QString message =
                u"The device did not finish provisioning within %1 s"_s.arg(clock.elapsed() / 1000);
            if (!failures.isEmpty())
                message += u" (its attempts ended: %1)"_s.arg(failures.join(u"; "_s));
            co_return std::unexpected(
                StepError::make(StepError::Kind::Timeout, message, hint, true));
        }
        cursor = outcome->index + 1;
        if (outcome->state == u"done" || outcome->state == u"no-commands") {
            StepSuccess success;
            success.note = u"the device says: %1"_s.arg(outcome->label);
            co_return success;
        }
        failures.append(outcome->label);
        if (watch.canTrigger && retriggersLeft > 0) {
            --retriggersLeft;
            attempt->progress(
                u"The device's attempt ended (%1); starting another one"_s.arg(outcome->label));
            auto triggered = co_await triggerWhenReachable(attempt);
            if (!attempt->isActive())
                co_return std::unexpected(StepError::abandoned());
            // A device that is away (cable pulled) gets its own retry or the next trigger.
            if (!triggered && triggered.error().kind != StepError::Kind::Unreachable)
                co_return std::unexpected(triggered.error());
            if (!triggered)
                attempt->progress(u"The device is not reachable; waiting for it"_s);
        } else {
            attempt->progress(u"The device's attempt ended (%1); waiting for it to try again"_s.arg(
                outcome->label));
        }
    }
}

QCoro::Task<std::expected<DeviceEvent, StepError>>
StationFlow::waitForCloudConnection(AttemptPtr attempt, qsizetype since,
                                    std::chrono::milliseconds bound) {
    QPointer<DeviceMonitor> monitor = m_monitor;
    if (!monitor) {
        co_return std::unexpected(
            StepError::make(StepError::Kind::Configuration, u"No device is connected"_s));
    }
    auto connected = co_await monitor->waitForEvent(
        [](const DeviceEvent &event) {
            return event.lane == TimelineLane::Cloud && event.state == u"connected";
        },
        since, smaller(bound, attempt->budget()));
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!connected) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Timeout,
            u"The device did not log a connection to nRF Cloud within %1 s"_s.arg(
                double(bound.count()) / 1000.0),
            u"Look at the device's log for the reason (credentials, backoff, LTE); a device "
            "that was disconnected meanwhile may have logged it while the port was gone."_s,
            true));
    }
    co_return *connected;
}

} // namespace ps::station
