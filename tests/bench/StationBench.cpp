// bench_station: the flashing station's throughput end to end. N virtual devices
// (provstation-devsim in MCUboot serial recovery, their device delays scaled down with --speed
// so that the station's own overhead shows) against the cloud stand-in (provstation-cloudsim),
// one Station running every slot in parallel with the demo bundle: flash, identify, claim,
// provision, verify. Reports devices per hour for 1, 4 and 16 devices, and the parallel
// efficiency throughput(16) / (16 x throughput(1)).
#include "StationRig.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTest>
#include <benchmark/benchmark.h>
#include <map>

using namespace Qt::StringLiterals;
using ps::station::test::StationRig;

namespace {

/// Device time runs this many times faster than host time.
constexpr int Speed = 200;

/// Devices per hour measured per device count in this process (for the efficiency figure).
std::map<int, double> &throughputs() {
    static std::map<int, double> measured;
    return measured;
}

void BM_StationThroughput(benchmark::State &state) {
    const int devices = int(state.range(0));
    double seconds = 0;
    int passed = 0;
    for (auto _ : state) {
        StationRig rig({.devices = devices, .speed = Speed});
        if (!rig.isReady()) {
            const std::string problem = rig.problem().toStdString();
            state.SkipWithError(problem.c_str());
            return;
        }
        ps::station::Station station(rig.slotMap(), rig.stationOptions(StationRig::demoBundle()));
        QElapsedTimer clock;
        clock.start();
        if (!station.start()) {
            state.SkipWithError("the station did not start");
            return;
        }
        if (!QTest::qWaitFor([&] { return station.isSettled(); }, 600'000)) {
            state.SkipWithError("the station did not settle within 10 minutes");
            return;
        }
        seconds = double(clock.nsecsElapsed()) / 1e9;
        passed = station.passedAttempts();
        state.SetIterationTime(seconds);
        // Where a device's time goes: the mean duration of each step over the records.
        std::map<QString, double> stepMs;
        const QList<ps::station::AuditRecord> records =
            ps::station::test::stationRecords(rig.store());
        for (const ps::station::AuditRecord &record : records) {
            for (const ps::station::StepRecord &step : record.steps)
                stepMs[step.id] += double(step.durationMs) / double(records.size());
        }
        for (const auto &[id, ms] : stepMs)
            state.counters[id.toStdString() + "_ms"] = ms;
    }
    if (passed != devices) {
        state.SkipWithError("not every device passed");
        return;
    }
    const double perHour = double(devices) / seconds * 3600.0;
    throughputs()[devices] = perHour;
    state.counters["devices"] = devices;
    state.counters["devices_per_hour"] = perHour;
    state.counters["seconds_per_device"] = seconds / devices;
    if (devices > 1 && throughputs().contains(1))
        state.counters["efficiency"] = perHour / (double(devices) * throughputs().at(1));
}

} // namespace

BENCHMARK(BM_StationThroughput)
    ->ArgName("devices")
    ->Arg(1)
    ->Arg(4)
    ->Arg(16)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv); // the station runs on the event loop
    // The station's and the REST client's progress logs would swamp the figures.
    QLoggingCategory::setFilterRules(u"provstation.*.info=false\nprovstation.*.debug=false\n"
                                     u"provstation.*.warning=false"_s);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
