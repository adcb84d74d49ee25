#include "ReprovisionFlow.h"

#include "StationLog.h"
#include "cloud/RestClient.h"
#include "device/DeviceLink.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <qcoro/qcorotimer.h>

namespace ps::station {

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using ps::cloud::CommandRequest;
using ps::cloud::ProvisioningCommand;

namespace {

bool isKeyGenerationFor(const ProvisioningCommand &command, quint32 secTag) {
    return command.request &&
           command.request->type == CommandRequest::Type::CloudAccessKeyGeneration &&
           command.request->secTag == qint64(secTag);
}

QString statusState(ProvisioningCommand::Status status) {
    switch (status) {
    case ProvisioningCommand::Status::Pending:
        return u"command-pending"_s;
    case ProvisioningCommand::Status::InProgress:
        return u"command-in-progress"_s;
    case ProvisioningCommand::Status::Succeeded:
        return u"command-succeeded"_s;
    case ProvisioningCommand::Status::Failed:
    case ProvisioningCommand::Status::Other:
        break;
    }
    return u"command-failed"_s;
}

QString responseText(const ProvisioningCommand &command) {
    const QString message = command.response.value(u"message"_s).toString();
    if (!message.isEmpty())
        return message;
    if (command.response.isEmpty())
        return {};
    return QString::fromUtf8(QJsonDocument(command.response).toJson(QJsonDocument::Compact));
}

StepSuccess skippedBecause(QString note) {
    StepSuccess success;
    success.skipped = true;
    success.note = std::move(note);
    return success;
}

StepSuccess doneWith(QString note) {
    StepSuccess success;
    success.note = std::move(note);
    return success;
}

} // namespace

QString reprovisionActionId(ReprovisionOptions::Action action) {
    return action == ReprovisionOptions::Action::Reclaim ? u"reclaim"_s : u"queue-key"_s;
}

QString reprovisionTriggerId(ReprovisionOptions::Trigger trigger) {
    switch (trigger) {
    case ReprovisionOptions::Trigger::Shell:
        return u"shell"_s;
    case ReprovisionOptions::Trigger::Shadow:
        return u"shadow"_s;
    case ReprovisionOptions::Trigger::None:
        return u"none"_s;
    }
    return {};
}

std::optional<ReprovisionOptions::Trigger> reprovisionTriggerFromId(QStringView id) {
    for (const auto trigger :
         {ReprovisionOptions::Trigger::Shell, ReprovisionOptions::Trigger::Shadow,
          ReprovisionOptions::Trigger::None}) {
        if (reprovisionTriggerId(trigger) == id)
            return trigger;
    }
    return std::nullopt;
}

ReprovisionFlow::ReprovisionFlow(const FlowSetup &setup, ReprovisionOptions options,
                                 QObject *parent)
    : StationFlow(QString::fromLatin1(Kind), setup, parent)
    , m_options(std::move(options)) {
    const auto step = [this](QString id, QString title, std::chrono::milliseconds timeout,
                             auto member, int attempts) {
        StepDefinition definition(
            std::move(id), std::move(title), timeout,
            [this, member](AttemptPtr attempt) { return (this->*member)(std::move(attempt)); });
        definition.maxAttempts = attempts;
        definition.retryDelay = m_options.retryDelay;
        return definition;
    };
    StepDefinition identifyStep = step(u"identify"_s, u"Identify the device"_s,
                                       m_options.identifyTimeout, &ReprovisionFlow::identify, 3);
    identifyStep.retryDelay = 1s;
    identifyStep.rerunOnResume = true;
    addStep(std::move(identifyStep));
    addStep(step(u"compare"_s, u"Compare the device with the cloud"_s, m_options.cloudStepTimeout,
                 &ReprovisionFlow::compare, 3));
    addStep(step(u"action"_s,
                 m_options.action == ReprovisionOptions::Action::Reclaim
                     ? u"Unclaim and claim again"_s
                     : u"Queue a new cloud access key"_s,
                 m_options.cloudStepTimeout, &ReprovisionFlow::action, 3));
    addStep(step(u"trigger"_s, u"Tell the device"_s, m_options.cloudStepTimeout,
                 &ReprovisionFlow::trigger, 3));
    addStep(step(u"follow"_s, u"Follow the command"_s, m_options.followTimeout,
                 &ReprovisionFlow::follow, 1));
    addStep(step(u"verify"_s, u"Verify the reconnection"_s, m_options.verifyTimeout,
                 &ReprovisionFlow::verify, 1));
}

QString ReprovisionFlow::commandDescription() const {
    return u"ProvStation reprovision %1"_s.arg(id());
}

QStringList ReprovisionFlow::commandIds() const {
    QStringList ids;
    for (const QJsonValue value : fact(u"commandIds"_s).toArray())
        ids.append(value.toString());
    return ids;
}

QCoro::Task<StepResult> ReprovisionFlow::identify(AttemptPtr attempt) {
    if (link())
        co_return co_await identifyStep(attempt);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (m_options.deviceId.isEmpty() && m_options.imei.isEmpty()) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Configuration, u"No device is connected and none is named"_s,
            u"Open the device's port, or give its device id or IMEI."_s));
    }
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    attempt->progress(u"Looking the device up among the account's claimed devices"_s);
    ps::cloud::ProvisioningApi api = provisioningApi();
    beginCloudCall(u"claimed-devices"_s);
    auto claimed = co_await api.listClaimedDevices();
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    endCloudCall();
    noteCall(attempt, u"GET claimed-devices"_s, claimed);
    if (!claimed)
        co_return std::unexpected(
            StepError::fromCloud(claimed.error(), u"Listing the account's claimed devices"_s));
    const auto found = std::ranges::find_if(*claimed, [this](const ps::cloud::ClaimedDevice &d) {
        return (!m_options.deviceId.isEmpty() &&
                d.id.compare(m_options.deviceId, Qt::CaseInsensitive) == 0) ||
               (!m_options.imei.isEmpty() && d.imei == m_options.imei);
    });
    if (found == claimed->end()) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Refused,
            u"The account has not claimed a device %1"_s.arg(m_options.deviceId.isEmpty()
                                                                 ? u"with IMEI "_s + m_options.imei
                                                                 : m_options.deviceId),
            u"Check the id or IMEI, or claim the device first."_s));
    }
    DeviceIdentity identity;
    identity.deviceId = found->id.toLower();
    identity.imei = found->imei;
    identity.deviceType = found->deviceType;
    const DeviceIdentity known = device();
    if (!known.deviceId.isEmpty() && known.deviceId != identity.deviceId) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Device, u"The named device changed during the attempt"_s));
    }
    if (auto stored = setDevice(identity); !stored)
        co_return std::unexpected(stored.error());
    co_return doneWith(
        u"found in the account: device %1, IMEI %2"_s.arg(identity.deviceId, identity.imei));
}

QCoro::Task<StepResult> ReprovisionFlow::compare(AttemptPtr attempt) {
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    const QString id = deviceId();
    const bool atHand = link() != nullptr;
    QStringList notes;

    if (m_options.action == ReprovisionOptions::Action::Reclaim && !m_options.confirmReclaim &&
        !fact(u"unclaimed"_s).toBool()) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Configuration,
            u"Unclaiming and claiming again removes the device from device management and "
            "needs an explicit confirmation"_s,
            u"Confirm the reclaim (--confirm-reclaim), or queue a new key instead."_s));
    }
    if (m_options.action == ReprovisionOptions::Action::Reclaim && !atHand) {
        co_return std::unexpected(
            StepError::make(StepError::Kind::Configuration,
                            u"Claiming again needs a fresh attestation token from the device"_s,
                            u"Connect the device and open its port."_s));
    }
    if (m_options.trigger == ReprovisionOptions::Trigger::Shell && !atHand) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Configuration, u"The shell trigger needs the device at hand"_s,
            u"Connect the device, or trigger through the shadow."_s));
    }

    if (atHand) {
        if (auto open = co_await ensureDeviceOpen(attempt); !open)
            co_return std::unexpected(open.error());
        attempt->progress(u"Reading the device's credentials on sec tag %1"_s.arg(m_options.secTag),
                          0.1);
        auto credentials = co_await readCredentials(link(), m_options.secTag);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!credentials)
            co_return std::unexpected(credentials.error());
        QJsonArray types;
        for (const int type : std::as_const(credentials->types))
            types.append(type);
        if (auto stored = setFact(u"deviceCredentials"_s, types); !stored)
            co_return std::unexpected(stored.error());
        notes.append(credentials->types.isEmpty()
                         ? u"device: sec tag %1 is empty"_s.arg(m_options.secTag)
                         : u"device: sec tag %1 holds %2"_s.arg(m_options.secTag)
                               .arg(credentials->typeNames().join(u", "_s)));
    }

    attempt->progress(u"Asking nRF Cloud about the device"_s, 0.3);
    auto claim = co_await findClaim(attempt, id);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!claim)
        co_return std::unexpected(claim.error());
    const bool claimed = claim->has_value();
    if (auto stored = setFact(u"claimedBefore"_s, claimed); !stored)
        co_return std::unexpected(stored.error());

    auto listed = co_await waitUntilListed(attempt, id, 0ms, 0ms);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!listed)
        co_return std::unexpected(listed.error());
    if (auto stored = setFact(u"onboardedBefore"_s, *listed); !stored)
        co_return std::unexpected(stored.error());

    int pendingCount = 0;
    if (claimed) {
        auto commands = co_await listCommands(attempt, id);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!commands)
            co_return std::unexpected(commands.error());
        for (const ProvisioningCommand &command : std::as_const(*commands)) {
            if (command.isFinal())
                continue;
            ++pendingCount;
            // A key generation for the tag is already waiting: reuse it instead of queueing a
            // second one (a re-run after an attempt that queued and then stopped).
            if (m_options.action == ReprovisionOptions::Action::QueueKeyGeneration &&
                isKeyGenerationFor(command, m_options.secTag) && commandIds().isEmpty()) {
                if (auto stored = setFact(u"commandIds"_s, QJsonArray{command.id}); !stored)
                    co_return std::unexpected(stored.error());
                if (auto stored = setFact(u"commandReused"_s, true); !stored)
                    co_return std::unexpected(stored.error());
            }
        }
    }
    notes.append(u"cloud: %1, %2, %3 command(s) pending"_s
                     .arg(claimed ? u"claimed"_s : u"not claimed by this account"_s,
                          *listed ? u"in device management"_s : u"not in device management"_s)
                     .arg(pendingCount));

    if (!claimed && m_options.action == ReprovisionOptions::Action::QueueKeyGeneration) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Refused,
            u"The device is not claimed by this account, so no command can be queued for it"_s,
            u"Claim the device first (claim), or use the reclaim action."_s));
    }
    if (m_options.trigger == ReprovisionOptions::Trigger::Shadow && !*listed) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Configuration,
            u"The shadow trigger needs the device in device management, and it is not"_s,
            u"Trigger through the shell (connect the device) instead."_s));
    }
    co_return doneWith(notes.join(u"; "_s));
}

QCoro::Task<StepResult> ReprovisionFlow::action(AttemptPtr attempt) {
    if (m_options.action == ReprovisionOptions::Action::Reclaim)
        co_return co_await reclaim(attempt);
    co_return co_await queueKeyGeneration(attempt);
}

QCoro::Task<StepResult> ReprovisionFlow::queueKeyGeneration(AttemptPtr attempt) {
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    const QString id = deviceId();
    if (!commandIds().isEmpty()) {
        co_return skippedBecause(
            u"command %1 is already queued for this attempt; not queued again"_s.arg(
                commandIds().first()));
    }
    // A request went out before without its answer reaching the journal (an earlier attempt
    // timed out, or the station stopped): adopt the command that names this attempt.
    if (fact(u"commandRequested"_s).toBool()) {
        auto commands = co_await listCommands(attempt, id);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!commands)
            co_return std::unexpected(commands.error());
        const QString description = commandDescription();
        for (const ProvisioningCommand &command : std::as_const(*commands)) {
            if (command.description == description) {
                if (auto stored = setFact(u"commandIds"_s, QJsonArray{command.id}); !stored)
                    co_return std::unexpected(stored.error());
                co_return doneWith(u"the earlier request queued command %1; not queued "
                                   "again"_s.arg(command.id));
            }
        }
    }

    if (auto stored = setFact(u"commandRequested"_s, true); !stored)
        co_return std::unexpected(stored.error());
    attempt->progress(u"Queueing cloudAccessKeyGeneration on sec tag %1"_s.arg(m_options.secTag));
    ps::cloud::ProvisioningApi api = provisioningApi();
    CommandRequest request = CommandRequest::cloudAccessKeyGeneration(m_options.secTag);
    const QString description = commandDescription();
    beginCloudCall(u"claimed-devices/"_s + id + u"/provisioning"_s);
    auto created = co_await api.createCommand(id, request, description);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    endCloudCall();
    noteCall(attempt, u"POST claimed-devices/{id}/provisioning"_s, created);
    if (!created)
        co_return std::unexpected(
            StepError::fromCloud(created.error(), u"Queueing the key generation"_s));
    if (auto stored = setFact(u"commandIds"_s, QJsonArray{*created}); !stored)
        co_return std::unexpected(stored.error());
    cloudEvent(u"command-created",
               u"cloudAccessKeyGeneration (sec tag %1)"_s.arg(m_options.secTag));
    co_return doneWith(u"queued cloudAccessKeyGeneration on sec tag %1 as command %2"_s.arg(
        QString::number(m_options.secTag), *created));
}

QCoro::Task<StepResult> ReprovisionFlow::reclaim(AttemptPtr attempt) {
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    if (!token()) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Device, u"No attestation token was read from the device"_s,
            u"Run the identify step again."_s));
    }
    const QString id = deviceId();
    ps::cloud::ProvisioningApi api = provisioningApi();
    QStringList notes;
    if (fact(u"claimedBefore"_s).toBool() && !fact(u"unclaimed"_s).toBool()) {
        if (auto stored = setFact(u"unclaimRequested"_s, true); !stored)
            co_return std::unexpected(stored.error());
        attempt->progress(u"Unclaiming the device"_s, 0.2);
        beginCloudCall(u"claimed-devices/"_s + id);
        auto unclaimed = co_await api.unclaim(id);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        endCloudCall();
        noteCall(attempt, u"DELETE claimed-devices/{id}"_s, unclaimed);
        // 404: an earlier request of this attempt unclaimed it already.
        if (!unclaimed && unclaimed.error().httpStatus != 404)
            co_return std::unexpected(
                StepError::fromCloud(unclaimed.error(), u"Unclaiming the device"_s));
        if (auto stored = setFact(u"unclaimed"_s, true); !stored)
            co_return std::unexpected(stored.error());
        cloudEvent(u"unclaimed", u"Unclaimed for a reclaim"_s);
        notes.append(u"unclaimed"_s);
    }

    if (!fact(u"reclaimed"_s).toBool()) {
        attempt->progress(u"Claiming the device again"_s, 0.5);
        const QString tokenText = token()->text;
        const QStringList tags{QString::fromLatin1(ps::cloud::OnboardingTag)};
        if (auto stored = setFact(u"claimRequested"_s, true); !stored)
            co_return std::unexpected(stored.error());
        beginCloudCall(u"claimed-devices"_s);
        auto claimed = co_await api.claim(tokenText, tags);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        endCloudCall();
        noteCall(attempt, u"POST claimed-devices"_s, claimed);
        if (!claimed) {
            bool ours = false;
            if (claimed.error().httpStatus == 409) {
                auto claim = co_await findClaim(attempt, id);
                if (!attempt->isActive())
                    co_return std::unexpected(StepError::abandoned());
                ours = claim && claim->has_value();
            }
            if (!ours)
                co_return std::unexpected(
                    StepError::fromCloud(claimed.error(), u"Claiming the device again"_s));
        }
        if (auto stored = setFact(u"reclaimed"_s, true); !stored)
            co_return std::unexpected(stored.error());
        cloudEvent(u"claimed", u"Claimed again"_s);
        notes.append(u"claimed again"_s);
    }

    auto commands = co_await listCommands(attempt, id);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!commands)
        co_return std::unexpected(commands.error());
    QJsonArray ids;
    for (const ProvisioningCommand &command : std::as_const(*commands)) {
        if (!command.isFinal())
            ids.append(command.id);
    }
    if (ids.isEmpty()) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Configuration, u"The claim queued no provisioning commands"_s,
            u"Check the account's onboarding rule (tag nrf-cloud-onboarding)."_s));
    }
    if (auto stored = setFact(u"commandIds"_s, ids); !stored)
        co_return std::unexpected(stored.error());
    notes.append(u"%1 command(s) queued by the onboarding rule"_s.arg(ids.size()));
    co_return doneWith(notes.join(u"; "_s));
}

QCoro::Task<StepResult> ReprovisionFlow::trigger(AttemptPtr attempt) {
    QPointer<DeviceMonitor> deviceMonitor = monitor();
    if (deviceMonitor)
        m_triggerMark = deviceMonitor->mark();
    switch (m_options.trigger) {
    case ReprovisionOptions::Trigger::None:
        co_return skippedBecause(u"the device picks the command up at its next provisioning "
                                 "check"_s);
    case ReprovisionOptions::Trigger::Shell: {
        auto triggered = co_await triggerWhenReachable(attempt);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!triggered)
            co_return std::unexpected(triggered.error());
        if (triggered->sent)
            (void)setFact(u"provisionCommand"_s, provisionCommandText(*triggered->sent));
        co_return doneWith(triggered->note);
    }
    case ReprovisionOptions::Trigger::Shadow:
        break;
    }

    if (!hasCloud())
        co_return std::unexpected(noCloud());
    const QString id = deviceId();
    QString note;
    const qint64 known = fact(u"shadowCommandId"_s).toInteger();
    if (known != 0) {
        note = u"shadow command %1 already set by this attempt; not sent again"_s.arg(known);
    } else {
        attempt->progress(u"Setting the provisioning command in the device shadow"_s, 0.3);
        ps::cloud::DeviceApi api = deviceApi();
        beginCloudCall(u"devices/"_s + id + u"/state"_s);
        auto requested = co_await api.requestReprovision(id);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        endCloudCall();
        noteCall(attempt, u"PATCH devices/{id}/state (command [1, id])"_s, requested);
        if (!requested)
            co_return std::unexpected(StepError::fromCloud(
                requested.error(), u"Setting the shadow's provisioning command"_s));
        if (auto stored = setFact(u"shadowCommandId"_s, *requested); !stored)
            co_return std::unexpected(stored.error());
        cloudEvent(u"shadow-command", u"Shadow command [1, %1]"_s.arg(*requested));
        note = u"shadow command [1, %1] set"_s.arg(*requested);
    }
    if (link()) {
        if (auto open = co_await ensureDeviceOpen(attempt); !open)
            co_return std::unexpected(open.error());
        attempt->progress(u"Asking the device to read its shadow now"_s, 0.7);
        auto polled = co_await pollShadowDelta(link());
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!polled)
            co_return std::unexpected(polled.error());
        note += u"; sent 'att_cloud poll_shadow_delta'"_s;
    } else {
        note += u"; the device acts at its next shadow poll"_s;
    }
    co_return doneWith(note);
}

QCoro::Task<StepResult> ReprovisionFlow::follow(AttemptPtr attempt) {
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    const QString id = deviceId();
    const QStringList ids = commandIds();
    if (ids.isEmpty()) {
        co_return std::unexpected(StepError::make(StepError::Kind::Configuration,
                                                  u"No command to follow"_s,
                                                  u"Run the action step again."_s));
    }
    // The device's log as progress while the cloud is polled.
    QObject progressContext;
    if (DeviceMonitor *deviceMonitor = monitor()) {
        connect(deviceMonitor, &DeviceMonitor::eventAdded, &progressContext,
                [attempt](const DeviceEvent &event) {
                    if (event.lane == ps::core::TimelineLane::Provisioning ||
                        event.lane == ps::core::TimelineLane::Lte)
                        attempt->progress(describeDeviceEvent(event),
                                          provisioningProgress(event.state));
                });
    }

    ps::cloud::ProvisioningApi api = provisioningApi();
    QHash<QString, ProvisioningCommand::Status> last;
    QElapsedTimer clock;
    clock.start();
    while (true) {
        int finals = 0;
        QStringList failures;
        for (const QString &commandId : ids) {
            beginCloudCall(u"claimed-devices/"_s + id + u"/provisioning/"_s + commandId);
            auto command = co_await api.getCommand(id, commandId);
            if (!attempt->isActive())
                co_return std::unexpected(StepError::abandoned());
            endCloudCall();
            if (!command) {
                noteCall(attempt, u"GET claimed-devices/{id}/provisioning/{commandId}"_s, command);
                if (command.error().retryable)
                    continue;
                co_return std::unexpected(
                    StepError::fromCloud(command.error(), u"Reading the command's status"_s));
            }
            const auto previous = last.find(commandId);
            if (previous == last.end() || *previous != command->status) {
                // Each status change goes into the record and onto the timeline.
                noteCall(attempt,
                         u"GET claimed-devices/{id}/provisioning/{commandId} -> "_s +
                             command->statusText,
                         command);
                cloudEvent(statusState(command->status),
                           u"%1: %2"_s.arg(command->id, command->statusText));
                attempt->progress(u"Command %1: %2"_s.arg(command->id, command->statusText),
                                  command->status == ProvisioningCommand::Status::InProgress
                                      ? 0.5
                                      : (command->isFinal() ? 1.0 : 0.1));
                last.insert(commandId, command->status);
            }
            if (command->isFinal()) {
                ++finals;
                if (command->status != ProvisioningCommand::Status::Succeeded)
                    failures.append(u"command %1 ended %2%3"_s.arg(
                        command->id, command->statusText,
                        responseText(*command).isEmpty() ? QString()
                                                         : u": "_s + responseText(*command)));
            }
        }
        if (!failures.isEmpty()) {
            co_return std::unexpected(StepError::make(
                StepError::Kind::Device, failures.join(u"; "_s),
                u"Read the device's log around the failure; the commands after a failed one are "
                "dropped by the cloud, so queue them again with a new reprovision."_s));
        }
        if (finals == ids.size())
            co_return doneWith(u"%1 command(s) succeeded"_s.arg(finals));
        if (attempt->budget() <= m_options.pollInterval) {
            co_return std::unexpected(StepError::make(
                StepError::Kind::Timeout,
                u"The command did not finish within %1 s"_s.arg(clock.elapsed() / 1000),
                u"The device has not fetched or answered it yet: check its connection, trigger "
                "it again, or run the reprovision again later (the command stays queued)."_s,
                false));
        }
        co_await QCoro::sleepFor(m_options.pollInterval);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
    }
}

QCoro::Task<StepResult> ReprovisionFlow::verify(AttemptPtr attempt) {
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    const QString id = deviceId();
    QString note;
    if (monitor()) {
        attempt->progress(u"Waiting for the device to reconnect to nRF Cloud"_s, 0.1);
        const auto listingReserve =
            std::max(5 * m_options.pollInterval, std::chrono::milliseconds(5000));
        auto connected = co_await waitForCloudConnection(
            attempt, std::max<qsizetype>(0, m_triggerMark),
            std::max(std::chrono::milliseconds(0), attempt->budget() - listingReserve));
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!connected)
            co_return std::unexpected(connected.error());
        note = u"the device logged '%1'"_s.arg(connected->label);
    }
    auto listed = co_await waitUntilListed(attempt, id, attempt->budget(), m_options.pollInterval);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!listed)
        co_return std::unexpected(listed.error());
    if (!*listed) {
        co_return std::unexpected(
            StepError::make(StepError::Kind::Timeout, u"nRF Cloud does not list the device"_s,
                            u"Wait a minute and check the device on nrfcloud.com."_s, true));
    }
    cloudEvent(u"device-onboarded", u"Listed by nRF Cloud"_s);
    (void)setFact(u"verified"_s, true);
    co_return doneWith(note.isEmpty() ? u"nRF Cloud lists the device"_s
                                      : note + u" and nRF Cloud lists it"_s);
}

} // namespace ps::station
