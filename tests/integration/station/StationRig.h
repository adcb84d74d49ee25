#pragma once

// A flashing station's bench for tests and benchmarks: one provstation-cloudsim and N
// provstation-devsim virtual devices on loopback (each on its own pty symlink, started in
// MCUboot serial recovery unless told otherwise), an audit database in a temporary folder, and
// the slot map and station options that reach them.

#include "DevsimHarness.h"
#include "StationWorld.h"
#include "station/Station.h"

#include <QJsonObject>
#include <QList>
#include <QTemporaryDir>
#include <memory>
#include <vector>

namespace ps::station::test {

struct RigOptions {
    int devices = 1;
    int speed = 100;        ///< devsim --speed: device delays divided by this
    bool bootloader = true; ///< devsim --bootloader: the first boot is serial recovery
    /// devsim --boot-on-open; false: each device has booted (its application, unless
    /// bootloader) before the rig is ready, and what it printed then was not seen.
    bool bootOnOpen = true;
    QStringList cloudSimArguments;
    QStringList deviceArguments;           ///< for every device
    QList<QStringList> perDeviceArguments; ///< added to device i's arguments
};

/// The bench. Devices are numbered from 0; slot i is "S<i+1>" on device i's link.
class StationRig {
public:
    static constexpr auto ApiKey = "station-rig-key-7c31";

    explicit StationRig(RigOptions options = {});
    ~StationRig();
    StationRig(const StationRig &) = delete;
    StationRig &operator=(const StationRig &) = delete;

    [[nodiscard]] bool isReady() const { return m_problem.isEmpty(); }
    [[nodiscard]] const QString &problem() const { return m_problem; }
    [[nodiscard]] QString folder() const { return m_dir.path(); }

    [[nodiscard]] int deviceCount() const { return int(m_devices.size()); }
    devsim::test::DevsimProcess &device(int index) { return *m_devices.at(index); }
    [[nodiscard]] QString imei(int index) const { return m_imeis.value(index); }
    [[nodiscard]] QString link(int index) const;
    [[nodiscard]] static QString slotId(int index) { return QStringLiteral("S%1").arg(index + 1); }

    CloudSimProcess &cloudSim() { return *m_cloudSim; }
    cloud::RestClient &rest() { return *m_rest; }
    AuditStore &store() { return *m_store; }

    /// Path slots S1..SN on the devices' links.
    [[nodiscard]] SlotMap slotMap() const;
    /// Options for a Station on this bench: the shared REST client and store, quick step
    /// timeouts and retries, ports scanned every 100 ms, no system ports listed.
    [[nodiscard]] StationOptions stationOptions(const QString &bundleFile) const;

    /// The demo bundle the build makes (ATT v1.6.0 for every devsim model).
    static QString demoBundle();
    /// A copy of the demo bundle with one byte of the application image changed.
    [[nodiscard]] QString corruptedBundle() const;

    /// Records every event of `station` (call before start()).
    void record(Station &station);
    [[nodiscard]] const QList<QJsonObject> &events() const { return m_events; }
    /// Events of `type` for `slot` (empty: any slot).
    [[nodiscard]] QList<QJsonObject> eventsOf(const QString &type, const QString &slot = {}) const;
    /// The events as JSON lines, for failure messages.
    [[nodiscard]] std::string eventLog() const;

private:
    void fail(const QString &problem);

    QTemporaryDir m_dir;
    RigOptions m_options;
    std::unique_ptr<CloudSimProcess> m_cloudSim;
    std::vector<std::unique_ptr<devsim::test::DevsimProcess>> m_devices;
    QStringList m_imeis;
    std::unique_ptr<cloud::RestClient> m_rest;
    std::unique_ptr<AuditStore> m_store;
    QList<QJsonObject> m_events;
    QString m_problem;
};

/// Every record of the station kind in `store`, oldest first.
QList<AuditRecord> stationRecords(AuditStore &store);

} // namespace ps::station::test
