#include "CloudSimOptions.h"

#include <QCommandLineParser>
#include <QDir>

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

namespace {

std::expected<int, QString> intOption(const QCommandLineParser &parser, const QString &name,
                                      int fallback, int minimum, int maximum) {
    if (!parser.isSet(name))
        return fallback;
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < minimum || value > maximum)
        return std::unexpected(u"--%1 needs a whole number from %2 to %3, not \"%4\""_s.arg(name)
                                   .arg(minimum)
                                   .arg(maximum)
                                   .arg(parser.value(name)));
    return value;
}

} // namespace

QString CloudSimOptions::effectiveRegistryPath() const {
    return registryPath.isEmpty() ? QDir(stateDir).absoluteFilePath(u"registry.jsonl"_s)
                                  : registryPath;
}

std::expected<CloudSimOptions, QString> CloudSimOptions::parse(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Local stand-in for nRF Cloud: the provisioning and main REST APIs over HTTPS, with "
        "fault injection for tests."_s);
    const QCommandLineOption help({u"h"_s, u"help"_s}, u"Show this help."_s);
    parser.addOption(help);
    parser.addOptions({
        {u"state"_s, u"Folder for the CA, certificates and state.json (made if missing)."_s,
         u"dir"_s},
        {u"http-port"_s, u"HTTPS port on 127.0.0.1; 0 picks a free one (default)."_s, u"port"_s},
        {u"coap-port"_s,
         u"CoAP over DTLS port on 127.0.0.1 for devices (see COAP.md); 0 picks a free one "
         "(default)."_s,
         u"port"_s},
        {u"api-key"_s, u"Accept this API key as an account; repeat for more accounts."_s, u"key"_s},
        {u"registry"_s, u"Device registry written by virtual devices (JSON lines)."_s, u"file"_s},
        {u"no-default-rule"_s, u"Do not create the nrf-cloud-onboarding rule for each account."_s},
        {u"latency"_s, u"Delay every answer by this many milliseconds."_s, u"ms"_s},
        {u"error-rate"_s, u"Answer this fraction (0..1) of requests with a 5xx."_s, u"rate"_s},
        {u"rate-limit-rate"_s, u"Answer this fraction (0..1) of requests with 429."_s, u"rate"_s},
        {u"drop-rate"_s, u"Cut this fraction (0..1) of answers off in the middle."_s, u"rate"_s},
        {u"error-count"_s, u"Answer the next n requests with a 5xx."_s, u"n"_s},
        {u"error-status"_s, u"The 5xx to use: 500, 502, 503 (default) or 504."_s, u"status"_s},
        {u"rate-limit"_s, u"Answer the next n requests with 429."_s, u"n"_s},
        {u"retry-after"_s, u"Retry-After seconds sent with 429 and 503 (default 1)."_s,
         u"seconds"_s},
        {u"retry-after-date"_s, u"Send Retry-After as an HTTP date."_s},
        {u"drop"_s, u"Cut the next n answers off in the middle."_s, u"n"_s},
        {u"hang"_s, u"Never answer the next n requests."_s, u"n"_s},
        {u"garbage"_s, u"Answer the next n requests with 200 and a body that is not JSON."_s,
         u"n"_s},
        {u"fault-path"_s, u"Inject faults only into requests whose path starts with this."_s,
         u"prefix"_s},
        {u"fault-skip"_s, u"Let the next n requests through before injecting faults."_s, u"n"_s},
        {u"seed"_s,
         u"Random seed for --error-rate, --rate-limit-rate and --drop-rate (default 1)."_s, u"n"_s},
        {u"verbose"_s, u"Log every request and its answer."_s},
        {u"version"_s, u"Print the version and git revision."_s},
    });
    if (!parser.parse(QStringList{u"provstation-cloudsim"_s} + arguments))
        return std::unexpected(parser.errorText());
    if (parser.isSet(help))
        return std::unexpected(parser.helpText());
    if (!parser.positionalArguments().isEmpty())
        return std::unexpected(
            u"unexpected argument \"%1\""_s.arg(parser.positionalArguments().first()));

    CloudSimOptions options;
    if (parser.isSet(u"state"_s))
        options.stateDir = parser.value(u"state"_s);
    options.apiKeys = parser.values(u"api-key"_s);
    options.registryPath = parser.value(u"registry"_s);
    options.defaultOnboardingRule = !parser.isSet(u"no-default-rule"_s);
    options.verbose = parser.isSet(u"verbose"_s);
    options.faults.retryAfterAsDate = parser.isSet(u"retry-after-date"_s);
    options.faults.pathPrefix = parser.value(u"fault-path"_s);

    const int day = 24 * 3600 * 1000;
    const int many = 1'000'000;
    auto port = intOption(parser, u"http-port"_s, 0, 0, 65535);
    auto coapPort = intOption(parser, u"coap-port"_s, 0, 0, 65535);
    auto latency = intOption(parser, u"latency"_s, 0, 0, day);
    auto errors = intOption(parser, u"error-count"_s, 0, 0, many);
    auto status = intOption(parser, u"error-status"_s, 503, 500, 599);
    auto rateLimits = intOption(parser, u"rate-limit"_s, 0, 0, many);
    auto retryAfter = intOption(parser, u"retry-after"_s, 1, 0, 24 * 3600);
    auto drops = intOption(parser, u"drop"_s, 0, 0, many);
    auto hangs = intOption(parser, u"hang"_s, 0, 0, many);
    auto garbage = intOption(parser, u"garbage"_s, 0, 0, many);
    auto skip = intOption(parser, u"fault-skip"_s, 0, 0, many);
    auto seed = intOption(parser, u"seed"_s, 1, 0, std::numeric_limits<int>::max());
    for (const auto *value : {&port, &coapPort, &latency, &errors, &status, &rateLimits,
                              &retryAfter, &drops, &hangs, &garbage, &skip, &seed}) {
        if (!*value)
            return std::unexpected(value->error());
    }
    if (!FaultPlan::isSupportedErrorStatus(*status))
        return std::unexpected(u"--error-status must be 500, 502, 503 or 504"_s);
    options.httpPort = quint16(*port);
    options.coapPort = quint16(*coapPort);
    options.faults.latencyMs = *latency;
    options.faults.errorCount = *errors;
    options.faults.errorStatus = *status;
    options.faults.rateLimitCount = *rateLimits;
    options.faults.retryAfterSeconds = *retryAfter;
    options.faults.dropCount = *drops;
    options.faults.hangCount = *hangs;
    options.faults.garbageCount = *garbage;
    options.faults.skipCount = *skip;
    options.seed = quint32(*seed);
    for (const auto &[name, rate] : {std::pair{u"error-rate"_s, &options.faults.errorRate},
                                     std::pair{u"rate-limit-rate"_s, &options.faults.rateLimitRate},
                                     std::pair{u"drop-rate"_s, &options.faults.dropRate}}) {
        if (!parser.isSet(name))
            continue;
        bool ok = false;
        const double value = parser.value(name).toDouble(&ok);
        if (!ok || value < 0 || value > 1)
            return std::unexpected(u"--%1 needs a number from 0 to 1"_s.arg(name));
        *rate = value;
    }
    if (options.faults.totalRate() > 1)
        return std::unexpected(
            u"--error-rate, --rate-limit-rate and --drop-rate must add up to 1 at most"_s);
    return options;
}

} // namespace ps::cloudsim
