#pragma once

// The fault soak's bench: StationRig's stand-in and audit store (the rig starts no devices of
// its own here), one Path slot per link, and the virtual devices in those slots, which the soak
// replaces, re-plugs and pulls as its seeded plan says.

#include "StationRig.h"

#include <QJsonObject>
#include <QRandomGenerator>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

namespace ps::station::test {

/// What the soak runs. Everything random comes from `seed`, so a failing run is replayed with
/// the seed it printed:
///
///     PROVSTATION_SOAK_SEED=1234 ctest -R FaultSoak --output-on-failure
///
/// PROVSTATION_SOAK_SEED (default: a new random seed per run), PROVSTATION_SOAK_ROUNDS and
/// PROVSTATION_SOAK_SLOTS override the defaults below.
struct SoakSettings {
    quint32 seed = 0;
    int slots = 4;
    int rounds = 6;
    int retriesPerRound = 2; ///< operator retries of a failed slot within one round
    double pullChance = 0.4; ///< per slot and round: a cable pull during its attempt
    double errorRate = 0.08; ///< cloud stand-in: 5xx answers
    double rateLimitRate = 0.04;
    double dropRate = 0.04;

    static SoakSettings fromEnvironment();
    /// "seed 1234, 4 slots, 6 rounds, ..." for the log and failure messages.
    [[nodiscard]] QString describe() const;
};

/// One virtual device: a provstation-devsim with its own state folder on its slot's link.
struct SoakDevice {
    int slot = 0;
    int number = 0; ///< over the whole soak, from 1
    QString imei;
    QString uuid;
    bool bootloader = false; ///< first boot in MCUboot serial recovery; else it runs ATT v1.5
    double garbage = 0;      ///< devsim --garbage
    std::unique_ptr<devsim::test::DevsimProcess> process;
    qsizetype pullMark = -1; ///< stdout line count when the last pull was sent; -1: none
};

/// The devices of every slot over the soak, the current one last per slot.
class SoakBench {
public:
    static constexpr int ReplugDelayMs = 700;

    SoakBench(StationRig &rig, int slots);
    ~SoakBench();
    SoakBench(const SoakBench &) = delete;
    SoakBench &operator=(const SoakBench &) = delete;

    [[nodiscard]] int slotCount() const { return m_slots; }
    /// Path slots S1..SN on the rig's links.
    [[nodiscard]] SlotMap slotMap() const;

    /// Plugs a new device into `slot` (its predecessor must be gone: unplug()). Its kind
    /// (serial recovery or a running application, how much garbage it sends) comes from
    /// `random`. Empty on success, else what went wrong.
    QString plugFresh(int slot, QRandomGenerator &random);
    /// Stops the slot's device: its link disappears as a pulled cable's would, for good.
    void unplug(int slot);
    /// Pulls the slot's cable (SIGUSR1), or with power (SIGUSR2); the device comes back after
    /// ReplugDelayMs on the same link.
    void pull(int slot, bool powerLoss);
    /// The slot's last pull is over: the device announced its new pty after it.
    [[nodiscard]] bool pullOver(int slot) const;
    /// No pull of any slot is still in progress.
    [[nodiscard]] bool allPullsOver() const;

    /// The device in `slot` now (null before the first plug or after unplug()).
    [[nodiscard]] SoakDevice *current(int slot) const;
    /// Every device the soak used, in the order they were plugged.
    [[nodiscard]] std::vector<const SoakDevice *> devices() const;
    /// The device with this IMEI, if the soak used one.
    [[nodiscard]] const SoakDevice *deviceWithImei(const QString &imei) const;

private:
    StationRig &m_rig;
    int m_slots;
    std::vector<std::unique_ptr<SoakDevice>> m_devices;
    std::vector<SoakDevice *> m_current;
};

/// GET /_sim/faults of the stand-in: {"plan", "statistics"}; empty when it does not answer.
std::optional<QJsonObject> faultStatistics(CloudSimProcess &cloudSim, const QString &apiKey);

/// The stand-in's claims ({deviceId, imei, claimedAt, ...}) from its state file.
QList<QJsonObject> cloudClaims(const QString &stateDir);

} // namespace ps::station::test
