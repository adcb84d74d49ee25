// Throughput of the console byte path into the timeline, on one core:
// LineAssembler (bytes -> lines) + LogParser + TimelineEngine (rules, model, summary).
//
// The input is a synthetic capture in the shape of a long ATT run: mostly records no rule
// cares about (sensor samples, heartbeats, shadow polls, hex dumps), the coloured prompt
// redraws of the shell, and now and then the LTE, cloud and provisioning lines the timeline
// turns into events. Reported: lines/s (items_per_second) and bytes/s.
#include "core/LineAssembler.h"
#include "core/LogParser.h"
#include "core/timeline/TimelineEngine.h"

#include <QByteArray>
#include <benchmark/benchmark.h>
#include <random>

using namespace ps::core;

namespace {

constexpr qsizetype ReadSize = 64 * 1024; // what a serial port or file read delivers at most

struct Capture {
    QByteArray bytes;
    qint64 lines = 0;
};

QByteArray stamp(qint64 uptimeUs) {
    const qint64 s = uptimeUs / 1'000'000;
    char text[40];
    std::snprintf(text, sizeof text, "[%02lld:%02lld:%02lld.%03lld,%03lld] ", s / 3600, s / 60 % 60,
                  s % 60, uptimeUs / 1000 % 1000, uptimeUs % 1000);
    return QByteArray(text);
}

// About 100 bytes per line, 1 line in 12 an event.
Capture makeCapture(qint64 lineCount) {
    static const char *const quiet[] = {
        "\x1b[0m<inf> main: Heartbeat: battery 87 %, temperature 21.5 C\x1b[0m",
        "\x1b[0m<dbg> location: location_event_handler: GNSS fix not available, retrying\x1b[0m",
        "\x1b[0m<dbg> cloud: state_connected_ready_run: Sending sensor data, 48 bytes\x1b[0m",
        "\x1b[0m<inf> environmental: Temperature: 21.48 C, pressure: 101.3 kPa, hum 40 %\x1b[0m",
        "\x1b[0m<dbg> network: sample_network_quality: RSRP -97 dBm, energy estimate 7\x1b[0m",
        "\x1b[1;33m<wrn> cloud: Request timed out, error: -116\x1b[0m",
        "\x1b[0m<dbg> cloud: shadow_get: Requesting device shadow from the device\x1b[0m",
        "\x1b[0m<inf> app: Button 1 pressed, triggering a sample of every sensor now\x1b[0m",
    };
    static const char *const events[] = {
        "\x1b[0m<dbg> network: lte_lc_evt_handler: PDN connection activated\x1b[0m",
        "\x1b[0m<inf> cloud: Connecting to nRF Cloud CoAP with client ID: "
        "4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12\x1b[0m",
        "\x1b[0m<inf> cloud: Connected to Cloud\x1b[0m",
        "\x1b[0m<dbg> network: lte_lc_evt_handler: PDN connection deactivated\x1b[0m",
        "\x1b[1;33m<wrn> cloud: Connection attempt failed, backoff time: 60 seconds\x1b[0m",
        "\x1b[0m<inf> nrf_provisioning_coap: Requesting commands\x1b[0m",
    };
    static const char *const other[] = {
        "AT event handler: +CEREG: 1,\"1A2B\",\"01234567\",7",
        "AT event handler: +CGEV: ME PDN ACT 0",
    };
    const QByteArray redraw = "\x1b[1;32muart:~$ \x1b[m\x1b[8D\x1b[J";
    std::mt19937 random(7);
    Capture capture;
    capture.bytes.reserve(lineCount * 100);
    qint64 uptimeUs = 250'000;
    for (qint64 i = 0; i < lineCount; ++i) {
        uptimeUs += std::uniform_int_distribution<qint64>(100, 400'000)(random);
        const auto pick = random() % 48;
        if (pick % 5 == 0)
            capture.bytes += redraw;
        if (pick < 3) {
            capture.bytes += other[pick % 2];
        } else if (pick < 4) {
            capture.bytes += "                                     7b 22 63 6f 6d 6d 61 6e  64 "
                             "22 3a 5b 31 2c 32 5d |{\"comman d\":[1,2]";
        } else {
            capture.bytes += stamp(uptimeUs);
            capture.bytes += pick < 8 ? events[pick % 6] : quiet[pick % 8];
        }
        capture.bytes += "\r\n";
    }
    capture.lines = lineCount;
    return capture;
}

const Capture &capture() {
    static const Capture capture = makeCapture(200'000);
    return capture;
}

template<typename OnLine> void assemble(const QByteArray &bytes, OnLine &&onLine) {
    LineAssembler assembler;
    for (qsizetype at = 0; at < bytes.size(); at += ReadSize) {
        for (Line &line : assembler.feed(
                 QByteArrayView(bytes).sliced(at, std::min(ReadSize, bytes.size() - at)), 0)) {
            onLine(line);
        }
    }
}

void report(benchmark::State &state, const Capture &input) {
    state.SetItemsProcessed(state.iterations() * input.lines);
    state.SetBytesProcessed(state.iterations() * input.bytes.size());
}

// The whole path: what `provstation-cli timeline` and a live console do per byte.
void LineAssemblerLogParserTimelineEngine(benchmark::State &state) {
    const Capture &input = capture();
    qsizetype events = 0;
    for (auto _ : state) {
        TimelineEngine engine;
        assemble(input.bytes, [&](const Line &line) { engine.addLine(line); });
        events = engine.model().eventCount();
        benchmark::DoNotOptimize(events);
    }
    report(state, input);
    state.counters["events"] = double(events);
}
BENCHMARK(LineAssemblerLogParserTimelineEngine)->Unit(benchmark::kMillisecond);

// The stages on their own, to see where the time goes.
void LineAssemblerOnly(benchmark::State &state) {
    const Capture &input = capture();
    for (auto _ : state) {
        qsizetype characters = 0;
        assemble(input.bytes, [&](const Line &line) { characters += line.text.size(); });
        benchmark::DoNotOptimize(characters);
    }
    report(state, input);
}
BENCHMARK(LineAssemblerOnly)->Unit(benchmark::kMillisecond);

void LineAssemblerLogParser(benchmark::State &state) {
    const Capture &input = capture();
    for (auto _ : state) {
        LogParser parser;
        qsizetype records = 0;
        assemble(input.bytes, [&](const Line &line) {
            records += parser.parse(line).kind == LogRecord::Kind::Log;
        });
        benchmark::DoNotOptimize(records);
    }
    report(state, input);
}
BENCHMARK(LineAssemblerLogParser)->Unit(benchmark::kMillisecond);

// A view's question on a timeline of a million events: what is visible in this window?
void TimelineModelRangeQuery(benchmark::State &state) {
    static const TimelineModel model = [] {
        TimelineModel m(TimelineRules::builtin());
        std::mt19937 random(11);
        qint64 time = 0;
        for (int i = 0; i < 1'000'000; ++i) {
            time += std::uniform_int_distribution<int>(1, 2000)(random);
            TimelineEvent event;
            event.timeMs = time;
            event.lane = TimelineLane(random() % 5);
            event.flags = random() % 3 ? TimelineEvent::SpanFlag : 0;
            m.append(event);
        }
        return m;
    }();
    const qint64 end = *model.lastTimeMs();
    std::mt19937 random(13);
    qsizetype visible = 0;
    for (auto _ : state) {
        const qint64 from = std::uniform_int_distribution<qint64>(0, end)(random);
        const qint64 to = from + 60'000; // a one-minute window
        for (int lane = 0; lane < TimelineLaneCount; ++lane) {
            visible += model.spansIn(TimelineLane(lane), from, to).size();
            visible += model.pointsIn(TimelineLane(lane), from, to).size();
        }
        benchmark::DoNotOptimize(visible);
    }
    state.counters["events"] = double(model.eventCount());
}
BENCHMARK(TimelineModelRangeQuery);

} // namespace

BENCHMARK_MAIN();
