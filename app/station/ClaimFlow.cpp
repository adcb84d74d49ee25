#include "ClaimFlow.h"

#include "StationLog.h"
#include "cloud/RestClient.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ps::station {

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using ps::cloud::ProvisioningCommand;

namespace {

QString commandFailure(const ProvisioningCommand &command) {
    const QString message = command.response.value(u"message"_s).toString();
    const QString what =
        command.request ? ps::cloud::CommandRequest::typeName(command.request->type) : u"command"_s;
    return u"%1 %2 ended %3%4"_s.arg(
        what, command.id, command.statusText,
        message.isEmpty()
            ? (command.response.isEmpty()
                   ? QString()
                   : u": "_s + QString::fromUtf8(
                                   QJsonDocument(command.response).toJson(QJsonDocument::Compact)))
            : u": "_s + message);
}

} // namespace

QString claimTriggerId(ClaimOptions::Trigger trigger) {
    switch (trigger) {
    case ClaimOptions::Trigger::Shell:
        return u"shell"_s;
    case ClaimOptions::Trigger::DeviceRetry:
        return u"device"_s;
    case ClaimOptions::Trigger::None:
        return u"none"_s;
    }
    return {};
}

std::optional<ClaimOptions::Trigger> claimTriggerFromId(QStringView id) {
    for (const auto trigger : {ClaimOptions::Trigger::Shell, ClaimOptions::Trigger::DeviceRetry,
                               ClaimOptions::Trigger::None}) {
        if (claimTriggerId(trigger) == id)
            return trigger;
    }
    return std::nullopt;
}

ClaimFlow::ClaimFlow(const FlowSetup &setup, ClaimOptions options, QObject *parent)
    : ClaimFlow(QString::fromLatin1(Kind), setup, std::move(options), parent) {
    for (const QString &id :
         {u"identify"_s, u"account"_s, u"preflight"_s, u"claim"_s, u"provision"_s, u"verify"_s})
        addStep(claimStep(id));
}

ClaimFlow::ClaimFlow(QString kind, const FlowSetup &setup, ClaimOptions options, QObject *parent)
    : StationFlow(std::move(kind), setup, parent)
    , m_options(std::move(options)) {}

Flow::StepDefinition ClaimFlow::claimStep(const QString &id) {
    if (id == u"identify") {
        StepDefinition identify(u"identify"_s, u"Identify the device"_s, m_options.identifyTimeout,
                                [this](AttemptPtr attempt) {
                                    return m_options.token.isEmpty()
                                               ? identifyStep(std::move(attempt))
                                               : identifyFromToken(std::move(attempt));
                                });
        identify.maxAttempts = 3;
        identify.retryDelay = 1s;
        identify.rerunOnResume = true;
        return identify;
    }

    const auto cloudStep = [this](QString stepId, QString title, auto member) {
        StepDefinition step(
            std::move(stepId), std::move(title), m_options.cloudStepTimeout,
            [this, member](AttemptPtr attempt) { return (this->*member)(std::move(attempt)); });
        step.maxAttempts = 3;
        step.retryDelay = m_options.retryDelay;
        return step;
    };
    if (id == u"account")
        return cloudStep(u"account"_s, u"Check the account"_s, &ClaimFlow::account);
    if (id == u"preflight")
        return cloudStep(u"preflight"_s, u"Ask whether the device can be claimed"_s,
                         &ClaimFlow::preflight);
    if (id == u"claim")
        return cloudStep(u"claim"_s, u"Claim the device"_s, &ClaimFlow::claim);
    if (id == u"provision") {
        // One attempt: it re-triggers the device itself while it waits
        // (ClaimOptions::retriggers).
        return StepDefinition(u"provision"_s, u"Provision the device"_s, m_options.provisionTimeout,
                              [this](AttemptPtr attempt) { return provision(std::move(attempt)); });
    }
    Q_ASSERT(id == u"verify");
    return StepDefinition(u"verify"_s, u"Verify the cloud connection"_s, m_options.verifyTimeout,
                          [this](AttemptPtr attempt) { return verify(std::move(attempt)); });
}

QCoro::Task<StepResult> ClaimFlow::identifyFromToken(AttemptPtr attempt) {
    const auto parsed = ps::core::AttestationToken::parse(m_options.token.trimmed());
    if (!parsed) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Configuration,
            u"The attestation token is not valid: "_s + parsed.error().message,
            u"Copy the whole token (both parts and the dot), or read it from the device."_s));
    }
    DeviceIdentity identity = device();
    const QString id = ps::core::AttestationToken::uuidText(parsed->deviceUuid);
    if (!identity.deviceId.isEmpty() && identity.deviceId != id) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Configuration,
            u"The token belongs to device %1, not to %2 that this attempt started with"_s.arg(
                id, identity.deviceId)));
    }
    identity.deviceId = id;
    identity.deviceType = parsed->deviceTypeName();
    if (auto stored = setDevice(identity); !stored)
        co_return std::unexpected(stored.error());
    setToken(*parsed);
    attempt->progress(u"Token decoded"_s, 1.0);
    StepSuccess success;
    success.note = u"from a token given by hand: device %1 (%2)"_s.arg(id, identity.deviceType);
    co_return success;
}

QCoro::Task<StepResult> ClaimFlow::account(AttemptPtr attempt) {
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    attempt->progress(u"Checking the API key"_s, 0.1);
    ps::cloud::ProvisioningApi api = provisioningApi();
    beginCloudCall(u"provisioning-rules"_s);
    auto rules = co_await api.listRules();
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    endCloudCall();
    noteCall(attempt, u"GET provisioning-rules"_s, rules);
    if (!rules) {
        StepError error = StepError::fromCloud(rules.error(), u"Checking the API key"_s);
        if (rules.error().httpStatus == 401 || rules.error().httpStatus == 403) {
            error.message =
                u"nRF Cloud refused the API key (HTTP %1: %2)"_s.arg(rules.error().httpStatus)
                    .arg(rules.error().message);
            error.hint = u"Check the API key: nrfcloud.com > User Account > API Key; store it "
                         "with the key file, PROVSTATION_API_KEY or the keychain."_s;
        }
        co_return std::unexpected(error);
    }

    QString ruleNote;
    const auto matching =
        std::ranges::find_if(*rules, [&](const ps::cloud::ProvisioningRule &rule) {
            return rule.active && std::ranges::any_of(rule.tags, [&](const QString &tag) {
                       return m_options.tags.contains(tag);
                   });
        });
    if (matching != rules->end()) {
        ruleNote = u"rule '%1' (%2 commands)"_s.arg(matching->name).arg(matching->commands.size());
        if (auto stored = setFact(u"ruleId"_s, matching->id); !stored)
            co_return std::unexpected(stored.error());
    } else if (m_options.tags.contains(QString::fromLatin1(ps::cloud::OnboardingTag)) &&
               m_options.createOnboardingRule) {
        attempt->progress(u"Creating the onboarding rule"_s, 0.4);
        beginCloudCall(u"provisioning-rules"_s);
        auto created = co_await api.ensureOnboardingRule();
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        endCloudCall();
        noteCall(attempt, u"POST provisioning-rules"_s, created);
        if (!created)
            co_return std::unexpected(
                StepError::fromCloud(created.error(), u"Creating the onboarding rule"_s));
        ruleNote = u"created rule '%1'"_s.arg(created->name);
        if (auto stored = setFact(u"ruleId"_s, created->id); !stored)
            co_return std::unexpected(stored.error());
        if (auto stored = setFact(u"ruleCreated"_s, true); !stored)
            co_return std::unexpected(stored.error());
    } else {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Configuration,
            u"The account has no active provisioning rule for the tag(s) %1: a claimed device "
            "would get no credentials"_s.arg(m_options.tags.join(u", "_s)),
            u"Create the rule on nrfcloud.com, or let ProvStation create the default onboarding "
            "rule (cloudAccessKeyGeneration on sec tag 16842753, then finished): tick the "
            "consent box, or pass --create-onboarding-rule."_s));
    }

    attempt->progress(u"Looking for an earlier claim"_s, 0.7);
    auto claim = co_await findClaim(attempt, deviceId());
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!claim)
        co_return std::unexpected(claim.error());
    if (auto stored = setFact(u"alreadyClaimed"_s, claim->has_value()); !stored)
        co_return std::unexpected(stored.error());
    StepSuccess success;
    success.note =
        u"API key accepted; "_s + ruleNote +
        (claim->has_value() ? u"; the device is already claimed by this account"_s : QString());
    co_return success;
}

QCoro::Task<StepResult> ClaimFlow::preflight(AttemptPtr attempt) {
    if (fact(u"alreadyClaimed"_s).toBool()) {
        StepSuccess skipped;
        skipped.skipped = true;
        skipped.note = u"already claimed by this account"_s;
        co_return skipped;
    }
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    if (!token()) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Device, u"No attestation token was read from the device"_s,
            u"Run the identify step again."_s));
    }
    attempt->progress(u"Asking nRF Cloud whether the device can be claimed"_s);
    ps::cloud::ProvisioningApi api = provisioningApi();
    const QString tokenText = token()->text;
    const QStringList tags = m_options.tags;
    beginCloudCall(u"claimed-devices"_s);
    auto dryRun = co_await api.claimDryRun(tokenText, tags);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    endCloudCall();
    noteCall(attempt, u"POST claimed-devices?dryrun=true"_s, dryRun);
    if (dryRun) {
        StepSuccess success;
        success.note = u"nRF Cloud would accept the claim"_s;
        co_return success;
    }

    const ps::cloud::ApiError &refusal = dryRun.error();
    if (refusal.httpStatus == 409) {
        // Claimed already: by this account (then there is nothing to do) or by another one.
        auto claim = co_await findClaim(attempt, deviceId());
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (claim && claim->has_value()) {
            if (auto stored = setFact(u"alreadyClaimed"_s, true); !stored)
                co_return std::unexpected(stored.error());
            StepSuccess skipped;
            skipped.skipped = true;
            skipped.note = u"already claimed by this account"_s;
            co_return skipped;
        }
        StepError error = StepError::fromCloud(refusal, u"nRF Cloud refuses the claim"_s);
        error.hint = u"The device is claimed by another account: unclaim it there first (or use "
                     "that account's API key)."_s;
        co_return std::unexpected(error);
    }
    StepError error = StepError::fromCloud(refusal, u"nRF Cloud refuses the claim"_s);
    if (refusal.httpStatus == 400) {
        error.hint = u"The attestation token was not accepted: read a fresh one (reboot the "
                     "device) and try again; a device nRF Cloud does not know cannot be "
                     "claimed."_s;
    }
    co_return std::unexpected(error);
}

QCoro::Task<StepResult> ClaimFlow::claim(AttemptPtr attempt) {
    if (fact(u"alreadyClaimed"_s).toBool() || fact(u"claimed"_s).toBool()) {
        StepSuccess skipped;
        skipped.skipped = true;
        skipped.note = fact(u"claimed"_s).toBool() ? u"claimed earlier in this attempt"_s
                                                   : u"already claimed by this account; not "
                                                     "claimed again"_s;
        co_return skipped;
    }
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    if (!token()) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Device, u"No attestation token was read from the device"_s,
            u"Run the identify step again."_s));
    }
    const QString id = deviceId();

    // The journal says a claim request went out before (an earlier attempt, or a run that
    // stopped before the answer came): look before claiming again.
    if (fact(u"claimRequested"_s).toBool()) {
        attempt->progress(u"Checking whether the earlier claim request went through"_s);
        auto earlier = co_await findClaim(attempt, id);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!earlier)
            co_return std::unexpected(earlier.error());
        if (earlier->has_value()) {
            if (auto stored = setFact(u"claimed"_s, true); !stored)
                co_return std::unexpected(stored.error());
            cloudEvent(u"claimed", u"Claimed (earlier request)"_s);
            StepSuccess success;
            success.note = u"the earlier claim request went through; not claimed again"_s;
            co_return success;
        }
    }

    if (auto stored = setFact(u"claimRequested"_s, true); !stored)
        co_return std::unexpected(stored.error());
    attempt->progress(u"Claiming the device"_s, 0.3);
    ps::cloud::ProvisioningApi api = provisioningApi();
    const QString tokenText = token()->text;
    const QStringList tags = m_options.tags;
    beginCloudCall(u"claimed-devices"_s);
    auto claimed = co_await api.claim(tokenText, tags);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    endCloudCall();
    noteCall(attempt, u"POST claimed-devices"_s, claimed);
    if (!claimed) {
        if (claimed.error().httpStatus == 409) {
            auto claim = co_await findClaim(attempt, id);
            if (!attempt->isActive())
                co_return std::unexpected(StepError::abandoned());
            if (claim && claim->has_value()) {
                if (auto stored = setFact(u"claimed"_s, true); !stored)
                    co_return std::unexpected(stored.error());
                StepSuccess success;
                success.note = u"already claimed by this account; not claimed again"_s;
                co_return success;
            }
        }
        cloudEvent(u"claim-failed", claimed.error().message);
        StepError error = StepError::fromCloud(claimed.error(), u"Claiming the device"_s);
        if (claimed.error().httpStatus == 409)
            error.hint = u"The device is claimed by another account: unclaim it there first."_s;
        co_return std::unexpected(error);
    }
    if (auto stored = setFact(u"claimed"_s, true); !stored)
        co_return std::unexpected(stored.error());
    cloudEvent(u"claimed", u"Claimed by %1"_s.arg(stationIdentity().operatorName));

    attempt->progress(u"Reading the commands the rule queued"_s, 0.8);
    auto commands = co_await listCommands(attempt, id);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    StepSuccess success;
    success.note = u"claimed with tags %1"_s.arg(tags.join(u", "_s));
    if (commands) {
        const auto pending = std::ranges::count_if(
            *commands, [](const ProvisioningCommand &command) { return !command.isFinal(); });
        if (auto stored = setFact(u"commandsQueued"_s, qint64(pending)); !stored)
            co_return std::unexpected(stored.error());
        success.note += u"; %1 provisioning command(s) queued"_s.arg(pending);
        for (const ProvisioningCommand &command : std::as_const(*commands)) {
            if (!command.isFinal())
                cloudEvent(u"command-created", command.description);
        }
    }
    co_return success;
}

QCoro::Task<StepResult> ClaimFlow::provision(AttemptPtr attempt) {
    if (m_options.trigger == ClaimOptions::Trigger::None) {
        StepSuccess skipped;
        skipped.skipped = true;
        skipped.note = u"claim only: the device provisions when it next connects"_s;
        co_return skipped;
    }
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    QPointer<DeviceMonitor> deviceMonitor = monitor();
    if (!deviceMonitor) {
        co_return std::unexpected(
            StepError::make(StepError::Kind::Configuration, u"No device is connected"_s));
    }
    const QString id = deviceId();

    attempt->progress(u"Checking the commands waiting in the cloud"_s, 0);
    auto before = co_await listCommands(attempt, id);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!before)
        co_return std::unexpected(before.error());
    const auto pending = std::ranges::count_if(
        *before, [](const ProvisioningCommand &command) { return !command.isFinal(); });
    if (pending == 0) {
        // Nothing to do on the device: a re-run after a finished provisioning, or a claim
        // without a rule that queued anything.
        auto listed = co_await waitUntilListed(attempt, id, 0ms, 0ms);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (listed && *listed) {
            if (auto stored = setFact(u"alreadyProvisioned"_s, true); !stored)
                co_return std::unexpected(stored.error());
            StepSuccess skipped;
            skipped.skipped = true;
            skipped.note = u"already provisioned: nRF Cloud lists the device and no commands "
                           "are waiting"_s;
            co_return skipped;
        }
        co_return std::unexpected(StepError::make(
            StepError::Kind::Configuration,
            u"No provisioning commands are waiting for the device, so provisioning would give "
            "it nothing"_s,
            u"Check the account's onboarding rule (tag nrf-cloud-onboarding), or queue a "
            "credential command with a reprovision."_s));
    }

    const qsizetype mark = deviceMonitor->mark();
    if (m_provisionMark < 0 && link()) {
        // A UART drops what the device prints while no terminal is attached: after a cable pull
        // the "Connected to Cloud" line verify waits for may be gone for good. Remembered as a
        // fact (it survives a resume) so that verify asks the cloud instead.
        connect(link(), &ps::device::DeviceLink::stateChanged, this,
                [this](ps::device::DeviceLink::State state) {
                    if (state != ps::device::DeviceLink::State::Open && verdict() == Verdict::None)
                        (void)setFact(u"linkDroppedAfterProvisioning"_s, true);
                });
        // Still away from an earlier pull (a pull during the cloud steps): the same gap.
        if (!deviceMonitor->isOpen())
            (void)setFact(u"linkDroppedAfterProvisioning"_s, true);
    }
    m_provisionMark = mark;
    bool canTrigger = false;
    if (m_options.trigger == ClaimOptions::Trigger::Shell) {
        attempt->progress(u"Starting on-device provisioning"_s, 0.02);
        auto triggered = co_await triggerWhenReachable(attempt);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!triggered)
            co_return std::unexpected(triggered.error());
        canTrigger = triggered->sent.has_value();
        if (canTrigger)
            (void)setFact(u"provisionCommand"_s, provisionCommandText(*triggered->sent));
        attempt->progress(triggered->note, 0.05);
    } else {
        attempt->progress(u"Waiting for the device's own provisioning attempt"_s, 0.02);
    }

    ProvisioningWatch watch;
    watch.since = mark;
    watch.retriggers = canTrigger ? m_options.retriggers : 0;
    watch.bound = attempt->budget();
    watch.canTrigger = canTrigger;
    watch.deviceId = id;
    auto followed = co_await followProvisioning(attempt, watch);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!followed)
        co_return std::unexpected(followed.error());

    auto after = co_await listCommands(attempt, id);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    StepSuccess success = *followed;
    if (after) {
        QStringList failures;
        int succeeded = 0;
        for (const ProvisioningCommand &command : std::as_const(*after)) {
            if (command.status == ProvisioningCommand::Status::Failed)
                failures.append(commandFailure(command));
            else if (command.status == ProvisioningCommand::Status::Succeeded)
                ++succeeded;
        }
        if (!failures.isEmpty()) {
            cloudEvent(u"command-failed", failures.first());
            co_return std::unexpected(StepError::make(
                StepError::Kind::Device,
                u"Provisioning ended, but nRF Cloud reports: "_s + failures.join(u"; "_s),
                u"Read the device's log around the failed command; queue a new credential "
                "command with a reprovision."_s));
        }
        success.note += u"; %1 command(s) succeeded"_s.arg(succeeded);
    }
    (void)setFact(u"provisioned"_s, true);
    co_return success;
}

QCoro::Task<StepResult> ClaimFlow::verify(AttemptPtr attempt) {
    if (m_options.trigger == ClaimOptions::Trigger::None) {
        StepSuccess skipped;
        skipped.skipped = true;
        skipped.note = u"claim only: nothing to verify on the device yet"_s;
        co_return skipped;
    }
    if (!hasCloud())
        co_return std::unexpected(noCloud());
    const QString id = deviceId();
    if (fact(u"alreadyProvisioned"_s).toBool()) {
        // Provisioned by an earlier run: the device connected then, not necessarily while this
        // run watched its log, so the cloud's view decides.
        auto listed = co_await waitUntilListed(attempt, id, 0ms, 0ms);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!listed)
            co_return std::unexpected(listed.error());
        if (!*listed) {
            co_return std::unexpected(
                StepError::make(StepError::Kind::Refused, u"nRF Cloud no longer lists the device"_s,
                                u"Reprovision the device to give it new cloud credentials."_s));
        }
        StepSuccess success;
        const auto seen = monitor() ? monitor()->cloudConnectedSince(0) : std::nullopt;
        success.note = seen ? u"provisioned before; the device logged '%1' and nRF Cloud lists "
                              "it"_s.arg(seen->label)
                            : u"provisioned before; nRF Cloud lists the device (its connection "
                              "was not watched in this run)"_s;
        co_return success;
    }
    // The device's log is the evidence only when this run watched it from the provisioning
    // trigger without a gap. When provisioning was skipped (done by an earlier attempt, or this
    // flow resumed), the device connected before the monitor watched; when its link dropped
    // since the trigger, the line may have been printed while the cable was out and lost. Then
    // the cloud decides: a line seen anyway is still quoted, otherwise nRF Cloud must list the
    // device (polled, as the cloud may take a moment after provisioning).
    const bool provisionWatched = m_provisionMark >= 0;
    const bool linkDropped = fact(u"linkDroppedAfterProvisioning"_s).toBool();
    const auto seenAlready =
        monitor() ? monitor()->cloudConnectedSince(std::max<qsizetype>(0, m_provisionMark))
                  : std::nullopt;
    if ((!provisionWatched || linkDropped) && !seenAlready) {
        const QString why = provisionWatched
                                ? u"the device's link dropped after provisioning started, so its "
                                  "log may have lost the line"_s
                                : u"provisioning was not run in this attempt, so the device "
                                  "connected before its log was watched"_s;
        attempt->progress(u"Asking nRF Cloud whether it lists the device (%1)"_s.arg(why), 0.3);
        auto listed =
            co_await waitUntilListed(attempt, id, attempt->budget(), m_options.pollInterval);
        if (!attempt->isActive())
            co_return std::unexpected(StepError::abandoned());
        if (!listed)
            co_return std::unexpected(listed.error());
        if (!*listed) {
            co_return std::unexpected(StepError::make(
                StepError::Kind::Timeout,
                u"nRF Cloud does not list the device, and its cloud connection was not seen in "
                "its log (%1)"_s.arg(why),
                u"Look at the device's log for its cloud connection (credentials, backoff, LTE) "
                "and run the flow again; if it persists, reprovision the device."_s,
                true));
        }
        cloudEvent(u"device-onboarded", u"Listed by nRF Cloud"_s);
        (void)setFact(u"verified"_s, true);
        StepSuccess success;
        success.note = u"nRF Cloud lists the device (evidence: the cloud's device list; the "
                       "device's 'Connected to Cloud' line was not seen: %1)"_s.arg(why);
        co_return success;
    }
    attempt->progress(u"Waiting for the device to connect to nRF Cloud"_s, 0.1);
    // Most of the time goes to the device; a little is kept for asking the cloud.
    const auto listingReserve =
        std::max(5 * m_options.pollInterval, std::chrono::milliseconds(5000));
    auto connected = co_await waitForCloudConnection(
        attempt, std::max<qsizetype>(0, m_provisionMark),
        std::max(std::chrono::milliseconds(0), attempt->budget() - listingReserve));
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!connected)
        co_return std::unexpected(connected.error());

    attempt->progress(u"The device says: %1; asking nRF Cloud"_s.arg(connected->label), 0.6);
    auto listed = co_await waitUntilListed(attempt, id, attempt->budget(), m_options.pollInterval);
    if (!attempt->isActive())
        co_return std::unexpected(StepError::abandoned());
    if (!listed)
        co_return std::unexpected(listed.error());
    if (!*listed) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Timeout,
            u"The device connected, but nRF Cloud does not list it in device management"_s,
            u"Wait a minute and run the flow again; if it persists, check the device on "
            "nrfcloud.com."_s,
            true));
    }
    cloudEvent(u"device-onboarded", u"Listed by nRF Cloud"_s);
    (void)setFact(u"verified"_s, true);
    StepSuccess success;
    success.note = u"the device logged '%1' and nRF Cloud lists it"_s.arg(connected->label);
    co_return success;
}

} // namespace ps::station
