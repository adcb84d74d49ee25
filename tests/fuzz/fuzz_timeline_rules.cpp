// Timeline rule tables (a user may load their own JSON): TimelineRules::parse() on the input, and
// a table that loads is run over a short console capture so its rules are applied for real.
#include "FuzzSupport.h"
#include "core/timeline/TimelineEngine.h"
#include "core/timeline/TimelineRules.h"

using namespace ps::core;

namespace {

// Lines of every kind the engine knows: boot banner, log records, AT traffic, drops, reboots.
constexpr const char16_t *Capture[] = {
    u"*** Booting Asset Tracker Template v1.5.0 - 1a2b3c4d ***",
    u"*** Using nRF Connect SDK v2.9.0-7787b2649840 ***",
    u"[00:00:00.251,000] <inf> network: Network connectivity lost",
    u"[00:00:01.020,000] <dbg> network: state_running_entry: state_running_entry",
    u"+CEREG: 2,\"0B12\",\"0012BEEF\",7",
    u"+CEREG: 5,\"0B12\",\"0012BEEF\",7,,,\"00000110\",\"00100001\"",
    u"+CGEV: ME PDN ACT 0",
    u"AT+CFUN=1",
    u"+CFUN: 4",
    u"[00:00:05.100,000] <inf> nrf_provisioning: Checking for provisioning commands in 5 seconds",
    u"[00:00:05.100,000] <err> nrf_provisioning: Provisioning failed, error: -1",
    u"--- 12 messages dropped ---",
    u"[00:00:09.400,000] <wrn> cloud: Connection attempt failed, retrying in 60 seconds",
    u"[00:00:00.010,000] <inf> main: uptime went back",
    u"uart:~$ at at%xfactoryreset=0",
    u"OK",
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto rules =
        TimelineRules::parse(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!rules)
        return 0;
    TimelineEngine engine(*rules);
    qint64 hostMs = 1'700'000'000'000;
    for (const char16_t *line : Capture)
        engine.addLine(QStringView(line), hostMs += 250);
    (void)engine.addCloudEvent(hostMs + 10, u"connected");
    const std::vector<std::pair<QString, QString>> fields = {
        {QStringLiteral("stat"), QStringLiteral("5")},
        {QStringLiteral("value"), QStringLiteral("42")}};
    for (const TimelineRule &rule : (*rules)->rules())
        (void)TimelineRules::renderLabel(rule.label, fields);
    return 0;
}
