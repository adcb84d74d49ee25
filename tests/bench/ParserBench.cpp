// Throughput of the parsers a station runs on every device answer, on one core: AT responses
// (the lines the shell's `at` command prints: registration and PDN notifications, identity
// answers, credential listings, final lines) and attestation tokens (base64url, CBOR, COSE).
// Reported: items/s (lines or tokens) and bytes/s.
#include "core/AtResponse.h"
#include "core/AttestationToken.h"

#include <QFile>
#include <QStringList>
#include <benchmark/benchmark.h>

using namespace ps::core;

namespace {

/// Answers in the shapes PROTOCOL.md §3 gives, as LineAssembler hands them over.
const QStringList &atLines() {
    static const QStringList lines{
        QStringLiteral("+CEREG: 5,\"76C1\",\"0102DA04\",7,,,\"00001000\",\"00100010\""),
        QStringLiteral("+CEREG: 2,\"76C1\",\"0102DA04\",7"),
        QStringLiteral("AT event handler: +CGEV: ME PDN ACT 0"),
        QStringLiteral("+CGEV: ME DETACH"),
        QStringLiteral("352669104901968"),
        QStringLiteral("+CGSN: \"352669104901968\""),
        QStringLiteral("%DEVICEUUID: 4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12"),
        QStringLiteral("+CFUN: 1"),
        QStringLiteral(
            "%CMNG: "
            "16842753,0,\"2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD1\""),
        QStringLiteral("OK"),
        QStringLiteral("ERROR"),
        QStringLiteral("+CME ERROR: 518"),
    };
    return lines;
}

void AtResponseParsing(benchmark::State &state) {
    const QStringList &lines = atLines();
    qint64 bytes = 0;
    for (const QString &line : lines)
        bytes += line.size();
    qint64 recognised = 0;
    for (auto _ : state) {
        for (const QString &line : lines) {
            // What a reader does with a line it does not know yet: try the final line, then the
            // notifications, then the answers it waits for.
            if (AtResponse::finalLine(line)) {
                ++recognised;
                continue;
            }
            if (AtResponse::cereg(line) || AtResponse::cgev(line) || AtResponse::imei(line) ||
                AtResponse::deviceUuid(line) || AtResponse::functionalMode(line) ||
                AtResponse::credential(line))
                ++recognised;
        }
    }
    benchmark::DoNotOptimize(recognised);
    if (recognised != qint64(state.iterations()) * lines.size()) {
        state.SkipWithError("a sample line was not recognised");
        return;
    }
    state.SetItemsProcessed(state.iterations() * lines.size());
    state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(AtResponseParsing);

void AttestationTokenDecoding(benchmark::State &state) {
    QFile file(QStringLiteral(PROVSTATION_TEST_DATA "/tokens/valid.txt"));
    if (!file.open(QIODevice::ReadOnly)) {
        state.SkipWithError("tests/data/tokens/valid.txt is missing");
        return;
    }
    const QString token = QString::fromLatin1(file.readAll().trimmed());
    for (auto _ : state) {
        auto parsed = AttestationToken::parse(token);
        if (!parsed) {
            state.SkipWithError("the sample token did not decode");
            return;
        }
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * token.size());
}
BENCHMARK(AttestationTokenDecoding);

} // namespace

BENCHMARK_MAIN();
