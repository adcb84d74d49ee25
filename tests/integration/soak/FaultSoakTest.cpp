// The fault soak: a flashing station of virtual devices (provstation-devsim) against the cloud
// stand-in (provstation-cloudsim) on loopback, through many rounds of claim/provision cycles
// while everything that can go wrong on a bench does: devices that send stray bytes, cables
// pulled (with and without power) at random moments, and a cloud that answers with 5xx, 429 and
// connections cut mid-answer. Each round every slot gets a fresh device, or its device is
// unplugged and plugged in again (it must not be claimed again), or it stays; failed slots are
// retried as an operator would. At the end every attempt has exactly one audit record with a
// verdict, nothing is left unfinished in the journal, no device was claimed twice, every round
// settled within its bound, and the audit chain verifies; the figures go to stdout and into the
// test's properties.
//
// Everything random comes from one seed (printed; PROVSTATION_SOAK_SEED replays it). The
// devices' stray bytes come from devsim's own generator, which takes no seed.
#include "SoakBench.h"
#include "station/ShiftSummary.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QMap>
#include <QProcess>
#include <QSet>
#include <QTest>
#include <QTimer>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace ps::station::test {
namespace {

constexpr int RoundBoundMs = 150'000; ///< a round (with its retries) settles within this
constexpr int PlugBoundMs = 15'000;   ///< the station notices a plug or unplug within this

enum class Action { Fresh, Replug, Keep };

QString actionName(Action action) {
    switch (action) {
    case Action::Fresh:
        return u"fresh"_s;
    case Action::Replug:
        return u"replug"_s;
    case Action::Keep:
        return u"keep"_s;
    }
    return {};
}

/// A cable pull planned for one slot in one round: when its attempt reaches `step` (for the
/// flash step: `fraction` of the upload), `delayMs` later, the cable goes.
struct PullPlan {
    bool armed = false;
    QString step;
    double fraction = 0;
    int delayMs = 0;
    bool powerLoss = false;
    bool fired = false;
};

const QStringList PullSteps{u"detect"_s,    u"flash"_s, u"flash"_s,     u"identify"_s,
                            u"account"_s,   u"claim"_s, u"provision"_s, u"provision"_s,
                            u"preflight"_s, u"verify"_s};

/// Who started an attempt, and on which device.
struct AttemptInfo {
    QString slot;
    QString how; ///< "started", "retry", "resumed"
    QString expectedImei;
    int round = 0;
    QString device; ///< "#3 (bootloader, garbage 0.001)"
};

struct Figures {
    int freshDevices = 0;
    int replugs = 0;
    int keeps = 0;
    int operatorRetries = 0;
    int pullsPlanned = 0;
    int pullsSent = 0;
    int powerPulls = 0;
    int roundsRun = 0;
    int longestRoundMs = 0;
};

class FaultSoak : public testing::Test {
protected:
    void SetUp() override {
        settings = SoakSettings::fromEnvironment();
        random.seed(settings.seed);
        std::printf("[soak] %s\n", qPrintable(settings.describe()));
        std::fflush(stdout);
        RecordProperty("seed", std::to_string(settings.seed));
        static constexpr int ErrorStatuses[] = {500, 502, 503, 504};
        errorStatus = ErrorStatuses[random.bounded(4)];
        rig = std::make_unique<StationRig>(RigOptions{
            .devices = 0,
            .cloudSimArguments = {
                u"--error-rate"_s, QString::number(settings.errorRate), u"--rate-limit-rate"_s,
                QString::number(settings.rateLimitRate), u"--drop-rate"_s,
                QString::number(settings.dropRate), u"--error-status"_s,
                QString::number(errorStatus), u"--retry-after"_s, u"1"_s,
                // REST only: the devices' own CoAP traffic is not what the station handles.
                u"--fault-path"_s, u"/"_s, u"--seed"_s, QString::number(settings.seed)}});
        ASSERT_TRUE(rig->isReady()) << rig->problem().toStdString();
        bench = std::make_unique<SoakBench>(*rig, settings.slots);

        cloud::CloudSettings cloudSettings = rig->rest().settings();
        cloudSettings.maxAttempts = 5;
        rig->rest().setSettings(cloudSettings);

        StationOptions options = rig->stationOptions(StationRig::demoBundle());
        options.claim.identifyTimeout = 20s;
        options.claim.cloudStepTimeout = 30s;
        options.claim.provisionTimeout = 30s;
        options.claim.verifyTimeout = 20s;
        options.flashTimeout = 40s;
        station = std::make_unique<Station>(bench->slotMap(), options);
        rig->record(*station);
        QObject::connect(station.get(), &Station::event, station.get(),
                         [this](const QJsonObject &event) { onEvent(event); });
    }

    void TearDown() override {
        // The whole story: every event as a JSON line, next to the test when it failed (or
        // where PROVSTATION_SOAK_EVENTS says).
        const QString requested = qEnvironmentVariable("PROVSTATION_SOAK_EVENTS");
        if ((HasFailure() || !requested.isEmpty()) && rig) {
            const QString path =
                !requested.isEmpty()
                    ? requested
                    : QDir::current().filePath(u"fault-soak-%1.jsonl"_s.arg(settings.seed));
            QFile file(path);
            if (file.open(QIODevice::WriteOnly))
                file.write(QByteArray::fromStdString(rig->eventLog()));
            std::printf("[soak] %s with seed %u; events in %s\n", HasFailure() ? "FAILED" : "done",
                        settings.seed, qPrintable(path));
        }
        station.reset();
        bench.reset();
        rig.reset();
    }

    [[nodiscard]] QString slotId(int slot) const { return StationRig::slotId(slot); }
    [[nodiscard]] int slotIndex(const QString &id) const { return id.mid(1).toInt() - 1; }

    /// The station's events drive the planned pulls and the attempt bookkeeping.
    void onEvent(const QJsonObject &event) {
        const QString type = event.value(u"event"_s).toString();
        const QString slot = event.value(u"slot"_s).toString();
        if (type == u"attempt") {
            const QString state = event.value(u"state"_s).toString();
            const QString flowId = event.value(u"flowId"_s).toString();
            if (state == u"finished") {
                finished.insert(flowId, event.value(u"verdict"_s).toString());
            } else {
                const SoakDevice *device = bench->current(slotIndex(slot));
                started.insert(flowId, {slot, state, device ? device->imei : QString(), round,
                                        device ? u"#%1 (%2, garbage %3)"_s.arg(device->number)
                                                     .arg(device->bootloader ? u"bootloader"_s
                                                                             : u"application"_s)
                                                     .arg(device->garbage)
                                               : QString()});
            }
            return;
        }
        if (slot.isEmpty() || (type != u"step" && type != u"progress"))
            return;
        const int index = slotIndex(slot);
        PullPlan &plan = pulls[index];
        if (!plan.armed || plan.fired || event.value(u"step"_s).toString() != plan.step)
            return;
        const bool flashing = plan.step == u"flash";
        const bool due =
            flashing ? type == u"progress" && event.value(u"fraction"_s).toDouble() >= plan.fraction
                     : type == u"step" && event.value(u"state"_s).toString() == u"started";
        if (!due)
            return;
        plan.fired = true;
        const QString flowId = station->status(slot).flowId;
        QTimer::singleShot(flashing ? 0 : plan.delayMs, station.get(), [this, index, flowId] {
            // Only into the attempt it was meant for: a pull after the verdict would start
            // an attempt nobody planned.
            const SlotStatus status = station->status(slotId(index));
            if (status.phase != SlotPhase::Running || status.flowId != flowId)
                return;
            bench->pull(index, pulls[index].powerLoss);
            pulled.insert(flowId, u"%1 during %2"_s.arg(
                                      pulls[index].powerLoss ? u"pull with power"_s : u"pull"_s,
                                      pulls[index].step));
            ++figures.pullsSent;
            figures.powerPulls += pulls[index].powerLoss ? 1 : 0;
        });
    }

    /// Index of the first event at or after `from` of `type` for `slot` with `state`; -1.
    qsizetype findEvent(qsizetype from, const QString &type, const QString &slot,
                        const QString &state) const {
        const QList<QJsonObject> &events = rig->events();
        for (qsizetype i = from; i < events.size(); ++i) {
            const QJsonObject &event = events.at(i);
            if (event.value(u"event"_s).toString() == type &&
                event.value(u"slot"_s).toString() == slot &&
                event.value(u"state"_s).toString() == state)
                return i;
        }
        return -1;
    }

    bool waitForEvent(qsizetype from, const QString &type, const QString &slot,
                      const QString &state, int timeoutMs = PlugBoundMs) const {
        return QTest::qWaitFor([&] { return findEvent(from, type, slot, state) >= 0; }, timeoutMs);
    }

    /// The operator presses Retry on the slot (as soon as its device is there).
    QString operatorRetry(int slot) {
        const QString id = slotId(slot);
        if (!QTest::qWaitFor([&] { return station->retry(id); }, PlugBoundMs))
            return u"slot %1 refused Retry for %2 s: %3"_s.arg(id)
                .arg(PlugBoundMs / 1000)
                .arg(QString::fromUtf8(QJsonDocument(station->status(id).toJson()).toJson()));
        ++figures.operatorRetries;
        return {};
    }

    /// After a device (re)appeared in `slot`: a failed slot waits for the operator; any other
    /// starts by itself.
    QString startOrRetry(int slot, qsizetype mark) {
        const QString id = slotId(slot);
        if (!waitForEvent(mark, u"slot"_s, id, u"plugged"_s))
            return u"slot %1 did not notice its device plugged in"_s.arg(id);
        if (station->status(id).phase == SlotPhase::Failed)
            return operatorRetry(slot);
        if (!waitForEvent(mark, u"attempt"_s, id, u"started"_s))
            return u"slot %1 started no attempt for the device plugged in: %2"_s.arg(
                id, QString::fromUtf8(QJsonDocument(station->status(id).toJson()).toJson()));
        return {};
    }

    QString applyAction(int slot, Action action, bool powerLoss) {
        const QString id = slotId(slot);
        const qsizetype mark = rig->events().size();
        switch (action) {
        case Action::Fresh: {
            const bool wasPresent = station->status(id).present;
            bench->unplug(slot);
            if (wasPresent && !waitForEvent(mark, u"slot"_s, id, u"unplugged"_s))
                return u"slot %1 did not notice its device leave"_s.arg(id);
            if (QString problem = bench->plugFresh(slot, random); !problem.isEmpty())
                return problem;
            ++figures.freshDevices;
            return startOrRetry(slot, mark);
        }
        case Action::Replug:
            bench->pull(slot, powerLoss);
            ++figures.replugs;
            if (!QTest::qWaitFor([&] { return bench->pullOver(slot); }, PlugBoundMs))
                return u"the device in slot %1 did not come back after its cable was pulled"_s.arg(
                    id);
            if (!waitForEvent(mark, u"slot"_s, id, u"unplugged"_s))
                return u"slot %1 did not notice a %2 ms cable pull"_s.arg(id).arg(
                    SoakBench::ReplugDelayMs);
            return startOrRetry(slot, mark);
        case Action::Keep:
            ++figures.keeps;
            if (station->status(id).phase == SlotPhase::Failed)
                return operatorRetry(slot);
            return {};
        }
        return {};
    }

    /// The slots' states, for failure messages.
    [[nodiscard]] std::string statusText() const {
        QByteArray text;
        for (const SlotStatus &status : station->statuses())
            text += QJsonDocument(status.toJson()).toJson(QJsonDocument::Compact) + '\n';
        return text.toStdString();
    }

    /// The last events, for failure messages (the whole log goes to a file).
    [[nodiscard]] std::string recentEvents(qsizetype count = 40) const {
        QByteArray text;
        const QList<QJsonObject> &events = rig->events();
        for (qsizetype i = std::max<qsizetype>(0, events.size() - count); i < events.size(); ++i)
            text += QJsonDocument(events.at(i)).toJson(QJsonDocument::Compact) + '\n';
        return text.toStdString();
    }

    /// One round: draws every slot's action and pull, applies the actions slot by slot, then
    /// waits for the station to settle, retrying failed slots up to retriesPerRound times.
    void runRound() {
        QElapsedTimer clock;
        clock.start();
        std::vector<Action> actions;
        std::vector<bool> powerLoss;
        for (int slot = 0; slot < settings.slots; ++slot) {
            const int draw = int(random.bounded(100));
            actions.push_back(round == 0  ? Action::Fresh
                              : draw < 50 ? Action::Fresh
                              : draw < 80 ? Action::Replug
                                          : Action::Keep);
            powerLoss.push_back(random.bounded(3) == 0);
            PullPlan plan;
            plan.armed = random.generateDouble() < settings.pullChance;
            plan.step = PullSteps.at(random.bounded(int(PullSteps.size())));
            plan.fraction = 0.1 + 0.8 * random.generateDouble();
            plan.delayMs = int(random.bounded(400));
            plan.powerLoss = random.bounded(3) == 0;
            figures.pullsPlanned += plan.armed ? 1 : 0;
            pulls[slot] = plan;
        }
        QStringList plan;
        for (int slot = 0; slot < settings.slots; ++slot)
            plan += u"%1 %2%3"_s.arg(slotId(slot), actionName(actions[std::size_t(slot)]),
                                     pulls[slot].armed ? u" (pull at %1)"_s.arg(pulls[slot].step)
                                                       : QString());
        std::printf("[soak] round %d: %s\n", round + 1, qPrintable(plan.join(u", "_s)));
        std::fflush(stdout);

        for (int slot = 0; slot < settings.slots; ++slot) {
            const QString problem =
                applyAction(slot, actions[std::size_t(slot)], powerLoss[std::size_t(slot)]);
            ASSERT_TRUE(problem.isEmpty())
                << "round " << round + 1 << ": " << problem.toStdString() << "\n"
                << statusText() << recentEvents();
        }

        std::vector<int> retriesLeft(std::size_t(settings.slots), settings.retriesPerRound);
        for (;;) {
            const int remaining = RoundBoundMs - int(clock.elapsed());
            ASSERT_TRUE(
                QTest::qWaitFor([&] { return bench->allPullsOver() && station->isSettled(); },
                                std::max(remaining, 1)))
                << "round " << round + 1 << " did not settle within " << RoundBoundMs / 1000
                << " s\n"
                << statusText() << recentEvents();
            bool retried = false;
            for (int slot = 0; slot < settings.slots; ++slot) {
                if (station->status(slotId(slot)).phase != SlotPhase::Failed ||
                    retriesLeft[std::size_t(slot)] == 0)
                    continue;
                --retriesLeft[std::size_t(slot)];
                pulls[slot].armed = false; // the retry runs without a planned pull
                const QString problem = operatorRetry(slot);
                ASSERT_TRUE(problem.isEmpty()) << problem.toStdString() << "\n" << statusText();
                retried = true;
            }
            if (!retried)
                break;
        }
        for (int slot = 0; slot < settings.slots; ++slot) {
            const SlotStatus status = station->status(slotId(slot));
            if (status.phase == SlotPhase::Failed)
                unrecovered +=
                    u"round %1 %2: %3"_s.arg(round + 1).arg(status.slotId, status.failure);
        }
        ++figures.roundsRun;
        figures.longestRoundMs = std::max(figures.longestRoundMs, int(clock.elapsed()));
    }

    SoakSettings settings;
    QRandomGenerator random;
    int errorStatus = 503;
    std::unique_ptr<StationRig> rig;
    std::unique_ptr<SoakBench> bench;
    std::unique_ptr<Station> station;
    QMap<int, PullPlan> pulls;
    QMap<QString, AttemptInfo> started; ///< by flow id
    QMap<QString, QString> finished;    ///< flow id -> verdict
    QMap<QString, QString> pulled;      ///< flow id -> the cable pull sent during it
    Figures figures;
    QStringList unrecovered; ///< slots still failed at the end of a round, after the retries
    int round = 0;
};

TEST_F(FaultSoak, EveryAttemptIsRecordedOnceAndNoDeviceIsClaimedTwice) {
    QElapsedTimer wall;
    wall.start();
    ASSERT_TRUE(station->start());
    for (round = 0; round < settings.rounds; ++round) {
        runRound();
        if (HasFatalFailure())
            return;
    }
    ASSERT_TRUE(station->isSettled()) << statusText();
    const qint64 wallMs = wall.elapsed();

    // ---- every attempt has exactly one audit record with a verdict ---------------------------
    const QList<AuditRecord> records = stationRecords(rig->store());
    QMap<QString, int> recordsPerFlow;
    for (const AuditRecord &record : records)
        ++recordsPerFlow[record.flowId];
    EXPECT_EQ(records.size(), started.size()) << "one record per attempt the station started";
    for (auto it = started.cbegin(); it != started.cend(); ++it) {
        EXPECT_EQ(recordsPerFlow.value(it.key()), 1)
            << "attempt " << it.key().toStdString() << " in slot " << it->slot.toStdString();
        EXPECT_TRUE(finished.contains(it.key()))
            << "attempt " << it.key().toStdString() << " never said it finished";
    }
    int passed = 0;
    int failed = 0;
    int cancelled = 0;
    for (const AuditRecord &record : records) {
        EXPECT_TRUE(started.contains(record.flowId))
            << "a record of an attempt nobody started: " << describe(record);
        EXPECT_NE(record.verdict, Verdict::None) << describe(record);
        EXPECT_EQ(verdictId(record.verdict), finished.value(record.flowId))
            << "the record and the station's event agree: " << describe(record);
        EXPECT_EQ(record.slot, started.value(record.flowId).slot) << describe(record);
        passed += record.verdict == Verdict::Succeeded ? 1 : 0;
        failed += record.verdict == Verdict::Failed ? 1 : 0;
        cancelled += record.verdict == Verdict::Cancelled ? 1 : 0;
        // The device the record names is the one in the slot (a stray byte read into an IMEI
        // would name another).
        if (!record.device.imei.isEmpty()) {
            EXPECT_EQ(record.device.imei, started.value(record.flowId).expectedImei)
                << describe(record);
        }
    }
    EXPECT_EQ(cancelled, 0) << "nobody pressed Stop";
    EXPECT_GT(passed, 0) << "the soak exercised nothing";
    const auto unfinished = rig->store().unfinishedFlows();
    ASSERT_TRUE(unfinished.has_value()) << unfinished.error().toStdString();
    EXPECT_TRUE(unfinished->isEmpty()) << unfinished->size() << " attempts left unfinished";

    // ---- no device is claimed twice ----------------------------------------------------------
    QMap<QString, int> claimsPerDevice; // successful claim requests, from the records
    QMap<QString, int> conflicts;       // claim requests answered 409
    QSet<QString> passedDevices;
    for (const AuditRecord &record : records) {
        for (const CloudCall &call : record.cloudCalls) {
            if (call.operation != u"POST claimed-devices")
                continue;
            if (call.ok)
                ++claimsPerDevice[record.device.imei];
            else if (call.httpStatus == 409)
                ++conflicts[record.device.imei];
        }
        if (record.verdict == Verdict::Succeeded)
            passedDevices.insert(record.device.imei);
    }
    for (auto it = claimsPerDevice.cbegin(); it != claimsPerDevice.cend(); ++it)
        EXPECT_LE(it.value(), 1) << "device " << it.key().toStdString() << " claimed " << it.value()
                                 << " times";
    for (auto it = conflicts.cbegin(); it != conflicts.cend(); ++it)
        EXPECT_EQ(it.value(), 0) << "the station asked to claim device " << it.key().toStdString()
                                 << " again although it was claimed (409)";
    const QList<QJsonObject> claims = cloudClaims(QDir(rig->folder()).filePath(u"cloudsim"_s));
    QMap<QString, int> cloudClaimsPerDevice;
    for (const QJsonObject &claim : claims) {
        const QString imei = claim.value(u"imei"_s).toString();
        ++cloudClaimsPerDevice[imei];
        const SoakDevice *device = bench->deviceWithImei(imei);
        ASSERT_NE(device, nullptr)
            << "the cloud holds a claim of an unknown device " << imei.toStdString();
        EXPECT_EQ(claim.value(u"deviceId"_s).toString(), device->uuid);
    }
    for (auto it = cloudClaimsPerDevice.cbegin(); it != cloudClaimsPerDevice.cend(); ++it)
        EXPECT_EQ(it.value(), 1) << "the cloud lists device " << it.key().toStdString()
                                 << " more than once";
    for (const QString &imei : passedDevices)
        EXPECT_TRUE(cloudClaimsPerDevice.contains(imei))
            << "device " << imei.toStdString() << " passed but the cloud has no claim of it";

    // ---- the audit chain verifies, in the store and with the command line --------------------
    const auto chain = rig->store().verify();
    ASSERT_TRUE(chain.has_value()) << chain.error().toStdString();
    EXPECT_TRUE(chain->isIntact());
    QProcess cli;
    cli.start(QStringLiteral(PROVSTATION_CLI_EXECUTABLE),
              {u"audit"_s, u"verify"_s, u"--audit-db"_s,
               QDir(rig->folder()).filePath(u"audit.sqlite"_s)});
    ASSERT_TRUE(cli.waitForFinished(30'000));
    EXPECT_EQ(cli.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(cli.exitCode(), 0) << cli.readAll().toStdString();

    // ---- the figures -------------------------------------------------------------------------
    const auto summary = ShiftSummary::fromStore(rig->store());
    ASSERT_TRUE(summary.has_value()) << summary.error().toStdString();
    EXPECT_EQ(summary->attempts, records.size());
    const std::optional<QJsonObject> faults =
        faultStatistics(rig->cloudSim(), QString::fromLatin1(StationRig::ApiKey));
    const QJsonObject cloudFigures =
        faults ? faults->value(u"statistics"_s).toObject() : QJsonObject();
    int claimConflicts = 0;
    for (const int count : conflicts)
        claimConflicts += count;

    const auto print = [](const QString &line) { std::printf("[soak] %s\n", qPrintable(line)); };
    print(u"seed %1; %2 rounds x %3 slots; %4 devices (%5 fresh plugs), %6 re-plugs, %7 kept"_s
              .arg(settings.seed)
              .arg(figures.roundsRun)
              .arg(settings.slots)
              .arg(bench->devices().size())
              .arg(figures.freshDevices)
              .arg(figures.replugs)
              .arg(figures.keeps));
    print(u"attempts %1: passed %2, failed %3, cancelled %4; operator retries %5; yield %6 %, "
          u"first-pass yield %7 %"_s.arg(records.size())
              .arg(passed)
              .arg(failed)
              .arg(cancelled)
              .arg(figures.operatorRetries)
              .arg(summary->yield * 100, 0, 'f', 1)
              .arg(summary->firstPassYield * 100, 0, 'f', 1));
    print(u"cable pulls: %1 planned, %2 sent during attempts (%3 with power), plus %4 re-plugs"_s
              .arg(figures.pullsPlanned)
              .arg(figures.pullsSent)
              .arg(figures.powerPulls)
              .arg(figures.replugs));
    print(u"cloud: %1 requests, %2 faults (%3 x %4, %5 x 429, %6 dropped); %7 claim requests "
          u"answered 409"_s.arg(cloudFigures.value(u"requestsSeen"_s).toInt())
              .arg(cloudFigures.value(u"faultsInjected"_s).toInt())
              .arg(cloudFigures.value(u"errors"_s).toInt())
              .arg(errorStatus)
              .arg(cloudFigures.value(u"rateLimits"_s).toInt())
              .arg(cloudFigures.value(u"drops"_s).toInt())
              .arg(claimConflicts));
    for (auto it = summary->failuresByReason.cbegin(); it != summary->failuresByReason.cend(); ++it)
        print(u"failure: %1 x %2"_s.arg(it.value()).arg(it.key()));
    for (const AuditRecord &record : records) {
        if (record.verdict == Verdict::Succeeded)
            continue;
        const AttemptInfo info = started.value(record.flowId);
        print(u"  round %1 %2 %3 device %4: %5 [%6]%7"_s.arg(info.round + 1)
                  .arg(info.slot, info.how.leftJustified(7), info.device, record.error,
                       record.errorKind,
                       pulled.contains(record.flowId) ? u" after a "_s + pulled.value(record.flowId)
                                                      : QString()));
    }
    print(u"slots still failed after %1 operator retries: %2"_s.arg(settings.retriesPerRound)
              .arg(unrecovered.size()));
    for (const QString &line : unrecovered)
        print(u"  "_s + line);
    print(u"median pass %1 s; longest round %2 s; wall time %3 s"_s
              .arg(summary->medianPassMs / 1000.0, 0, 'f', 1)
              .arg(figures.longestRoundMs / 1000.0, 0, 'f', 1)
              .arg(wallMs / 1000.0, 0, 'f', 1));
    std::printf("FAULT SOAK seed %u: %lld attempts, %d passed, %d failed, %d devices, %d rounds, "
                "%d pulls, %d cloud faults, %.1f s; one record each, none claimed twice, "
                "chain intact\n",
                settings.seed, qlonglong(records.size()), passed, failed,
                int(bench->devices().size()), figures.roundsRun,
                figures.pullsSent + figures.replugs,
                cloudFigures.value(u"faultsInjected"_s).toInt(), wallMs / 1000.0);
    std::fflush(stdout);

    RecordProperty("attempts", int(records.size()));
    RecordProperty("passed", passed);
    RecordProperty("failed", failed);
    RecordProperty("devices", int(bench->devices().size()));
    RecordProperty("rounds", figures.roundsRun);
    RecordProperty("replugs", figures.replugs);
    RecordProperty("pulls_sent", figures.pullsSent);
    RecordProperty("operator_retries", figures.operatorRetries);
    RecordProperty("unrecovered_slots", int(unrecovered.size()));
    RecordProperty("cloud_faults", cloudFigures.value(u"faultsInjected"_s).toInt());
    RecordProperty("wall_ms", int(wallMs));
    QStringList reasons;
    for (auto it = summary->failuresByReason.cbegin(); it != summary->failuresByReason.cend(); ++it)
        reasons += u"%1 x %2"_s.arg(it.value()).arg(it.key());
    RecordProperty("failures_by_reason", reasons.join(u"; "_s).toStdString());

    station->stop();
    EXPECT_EQ(stationRecords(rig->store()).size(), records.size())
        << "stopping a settled station records nothing more";
}

} // namespace
} // namespace ps::station::test
