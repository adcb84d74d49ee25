#include "CliApp.h"

#include "ExitCode.h"
#include "QuietLogs.h"
#include "cloud/ApiKeyStore.h"
#include "cloud/CloudSettings.h"
#include "cloud/RestClient.h"
#include "core/AttestationToken.h"
#include "core/BuildInfo.h"
#include "core/LineAssembler.h"
#include "core/timeline/TimelineEngine.h"
#include "core/timeline/TimelineExport.h"
#include "device/DeviceLink.h"
#include "device/ModemClient.h"
#include "station/AuditStore.h"
#include "station/ClaimFlow.h"
#include "station/ReprovisionFlow.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <chrono>
#include <qcoro/qcorosignal.h>

namespace ps::cli {

using namespace Qt::StringLiterals;

CliApp::CliApp(QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
    , m_portLister([] { return ps::device::availablePorts(); })
    , m_stdinReader([] {
        QTextStream in(stdin);
        return in.readAll();
    }) {}

void CliApp::setPortLister(std::function<QList<ps::device::PortInfo>()> lister) {
    m_portLister = std::move(lister);
}

void CliApp::setStdinReader(std::function<QString()> reader) {
    m_stdinReader = std::move(reader);
}

QString CliApp::usage() {
    return u"usage: provstation-cli <command> [options]\n"
           u"\n"
           u"commands:\n"
           u"  ports [--json]                          serial ports, with the detected board\n"
           u"  token decode <token | ->                decode an attestation token (JSON)\n"
           u"  at --port <port> [--timeout <ms>] <AT>  run one AT command through the shell\n"
           u"  timeline <log> [--json|--csv] [--rules <table.json>]\n"
           u"                                          LTE/provisioning/cloud timeline of a "
           u"capture\n"
           u"  claim --port <port> [options]           claim and provision a device (--help)\n"
           u"  reprovision --port <port> [options]     new cloud credentials for a device "
           u"(--help)\n"
           u"  audit list|export|verify|unfinished|close\n"
           u"                                          the audit records of every attempt "
           u"(--help)\n"
           u"  flash --port <port> <bundle.zip> [--json]\n"
           u"                                          flash a firmware bundle (--help)\n"
           u"  bundle inspect|verify <bundle.zip>      check a firmware bundle\n"
           u"  station --slots A=<port>,... --bundle <zip> [--once] [--json]\n"
           u"                                          run the flashing station (--help)\n"
           u"  --version                               print the version\n"
           u"\n"
           u"exit status: 0 success, 1 the device or the cloud answered with an error\n"
           u"             (for claim and reprovision: the flow failed),\n"
           u"             2 bad arguments or input, 3 device unreachable\n"_s;
}

QCoro::Task<int> CliApp::run(QStringList args) {
    if (args.isEmpty() || args.first() == u"--help" || args.first() == u"-h" ||
        args.first() == u"help") {
        (args.isEmpty() ? m_err : m_out) << usage();
        m_out.flush();
        m_err.flush();
        co_return args.isEmpty() ? UsageError : Success;
    }
    const QString command = args.takeFirst();
    int status = UsageError;
    if (command == u"--version" || command == u"version") {
        m_out << ps::core::versionLine(u"provstation-cli"_s) << '\n';
        status = Success;
    } else if (command == u"ports") {
        status = ports(args);
    } else if (command == u"token") {
        status = tokenDecode(args);
    } else if (command == u"at") {
        status = co_await at(args);
    } else if (command == u"timeline") {
        status = timeline(args);
    } else if (command == u"claim") {
        status = co_await claim(args);
    } else if (command == u"reprovision") {
        status = co_await reprovision(args);
    } else if (command == u"audit") {
        status = audit(args);
    } else if (command == u"flash") {
        status = co_await flash(args);
    } else if (command == u"bundle") {
        status = bundle(args);
    } else if (command == u"station") {
        status = co_await station(args);
    } else {
        m_err << "provstation-cli: unknown command '" << command << "'\n\n" << usage();
    }
    m_out.flush();
    m_err.flush();
    co_return status;
}

int CliApp::ports(const QStringList &args) {
    const bool json = args.contains(u"--json"_s);
    for (const QString &arg : args) {
        if (arg != u"--json") {
            m_err << "provstation-cli ports: unknown option '" << arg << "'\n";
            return UsageError;
        }
    }
    const QList<ps::device::PortInfo> list = m_portLister();
    if (json) {
        QJsonArray array;
        for (const auto &port : list) {
            array.append(QJsonObject{
                {u"port"_s, port.systemLocation},
                {u"name"_s, port.portName},
                {u"board"_s, port.boardName.isEmpty() ? QJsonValue() : QJsonValue(port.boardName)},
                {u"nordic"_s, port.isNordic},
                {u"description"_s, port.description},
                {u"manufacturer"_s, port.manufacturer},
                {u"serialNumber"_s, port.serialNumber},
                {u"vendorId"_s, port.vendorId ? QJsonValue(int(port.vendorId)) : QJsonValue()},
                {u"productId"_s, port.productId ? QJsonValue(int(port.productId)) : QJsonValue()},
            });
        }
        m_out << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        return Success;
    }
    if (list.isEmpty()) {
        m_err << "No serial ports found. Is the device plugged in and powered?\n";
        return Success;
    }
    for (const auto &port : list) {
        m_out << port.systemLocation.leftJustified(24) << ' '
              << (port.boardName.isEmpty() ? port.description : port.boardName).leftJustified(20)
              << ' ' << port.serialNumber << '\n';
    }
    return Success;
}

int CliApp::tokenDecode(const QStringList &args) {
    if (args.size() != 2 || args.at(0) != u"decode") {
        m_err << "usage: provstation-cli token decode <token | ->\n";
        return UsageError;
    }
    const QString input = args.at(1) == u"-" ? m_stdinReader() : args.at(1);
    const auto token = ps::core::AttestationToken::parse(input.trimmed());
    if (!token) {
        m_err << "provstation-cli: not a valid attestation token: " << token.error().message
              << '\n';
        return UsageError;
    }
    const QJsonObject object{
        {u"messageType"_s, token->messageType},
        {u"deviceUuid"_s, ps::core::AttestationToken::uuidText(token->deviceUuid)},
        {u"deviceType"_s, token->deviceType},
        {u"deviceTypeName"_s, token->deviceTypeName()},
        {u"modemFirmwareUuid"_s, ps::core::AttestationToken::uuidText(token->modemFirmwareUuid)},
        {u"nonce"_s, QString::fromLatin1(token->nonce.toHex())},
        {u"cose"_s, QJsonObject{{u"algorithm"_s, token->coseAlgorithm},
                                {u"keyId"_s, QString::fromLatin1(token->coseKeyId.toHex())}}},
    };
    m_out << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
    return Success;
}

QCoro::Task<int> CliApp::at(QStringList args) {
    QString port;
    int timeoutMs = 10'000;
    QStringList rest;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if ((arg == u"--port" || arg == u"-p") && i + 1 < args.size()) {
            port = args.at(++i);
        } else if (arg == u"--timeout" && i + 1 < args.size()) {
            bool ok = false;
            timeoutMs = args.at(++i).toInt(&ok);
            if (!ok || timeoutMs <= 0) {
                m_err << "provstation-cli at: --timeout takes milliseconds, e.g. 5000\n";
                co_return UsageError;
            }
        } else {
            rest.append(arg);
        }
    }
    if (port.isEmpty() || rest.isEmpty()) {
        m_err << "usage: provstation-cli at --port <port> [--timeout <ms>] <AT command>\n";
        co_return UsageError;
    }
    const QString command = rest.join(u' ');

    ps::device::DeviceLink link(port);
    link.setAutoReconnect(false);
    if (!link.open()) {
        m_err << "provstation-cli: cannot open " << port << ": " << link.errorString() << '\n';
        co_return DeviceUnreachable;
    }
    auto result = co_await link.modem()->at(command, std::chrono::milliseconds(timeoutMs));
    link.close();
    if (result) {
        for (const QString &line : *result) {
            m_out << line << '\n';
        }
        m_out << "OK\n";
        co_return Success;
    }
    const auto &error = result.error();
    m_err << "provstation-cli: " << command << ": " << error.message << '\n';
    using Kind = ps::device::DeviceError::Kind;
    switch (error.kind) {
    case Kind::AtError:
    case Kind::CmeError:
    case Kind::ShellError:
    case Kind::TransportError:
    case Kind::BadResponse:
        co_return CommandFailed;
    default:
        co_return DeviceUnreachable;
    }
}

int CliApp::timeline(const QStringList &args) {
    enum class Format { Text, Json, Csv } format = Format::Text;
    QString path;
    QString rulesPath;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if (arg == u"--json") {
            format = Format::Json;
        } else if (arg == u"--csv") {
            format = Format::Csv;
        } else if (arg == u"--rules" && i + 1 < args.size()) {
            rulesPath = args.at(++i);
        } else if (arg.startsWith(u"--") || !path.isEmpty()) {
            m_err << "provstation-cli timeline: unexpected argument '" << arg << "'\n";
            path.clear();
            break;
        } else {
            path = arg;
        }
    }
    if (path.isEmpty()) {
        m_err << "usage: provstation-cli timeline <logfile> [--json | --csv] [--rules "
                 "<table.json>]\n";
        return UsageError;
    }

    std::shared_ptr<const ps::core::TimelineRules> rules;
    if (rulesPath.isEmpty()) {
        rules = ps::core::TimelineRules::builtin();
    } else {
        auto loaded = ps::core::TimelineRules::fromFile(rulesPath);
        if (!loaded) {
            m_err << "provstation-cli: " << loaded.error() << '\n';
            return UsageError;
        }
        rules = *loaded;
    }

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_err << "provstation-cli: cannot read " << path << ": " << file.errorString() << '\n';
        return UsageError;
    }
    // Streamed in chunks: a capture of several gigabytes never sits in memory as a whole. The
    // file has no arrival times, so host time comes only from stamps inside the lines.
    ps::core::LineAssembler assembler;
    ps::core::TimelineEngine engine(rules);
    constexpr qint64 ChunkSize = 256 * 1024;
    QByteArray chunk(ChunkSize, Qt::Uninitialized);
    while (true) {
        const qint64 read = file.read(chunk.data(), ChunkSize);
        if (read < 0) {
            m_err << "provstation-cli: error reading " << path << ": " << file.errorString()
                  << '\n';
            return UsageError;
        }
        if (read == 0)
            break;
        for (const ps::core::Line &line :
             assembler.feed(QByteArrayView(chunk.constData(), read), 0))
            engine.addLine(line);
    }
    for (const ps::core::Line &line : assembler.flush(0))
        engine.addLine(line);

    const ps::core::TimelineModel &model = engine.model();
    switch (format) {
    case Format::Json:
        ps::core::TimelineExport::writeJson(m_out, model, engine.summary());
        break;
    case Format::Csv:
        ps::core::TimelineExport::writeCsv(m_out, model);
        break;
    case Format::Text: {
        const QJsonObject summary = ps::core::TimelineExport::summaryToJson(engine.summary());
        for (const QString &key : ps::core::TimelineExport::summaryKeys()) {
            const QJsonValue value = summary.value(key);
            QString text = value.isNull()     ? u"-"_s
                           : value.isBool()   ? (value.toBool() ? u"yes"_s : u"no"_s)
                           : value.isDouble() ? QString::number(value.toDouble())
                                              : value.toString();
            m_out << key.leftJustified(22) << text << '\n';
        }
        m_out << '\n';
        model.forEachInOrder([&](const ps::core::TimelineEvent &event) {
            const QString uptime =
                event.hasUptime() ? QString::number(double(event.uptimeUs) / 1e6, 'f', 3) : u"-"_s;
            m_out << QString::number(event.line).rightJustified(7) << ' '
                  << uptime.rightJustified(12) << "  "
                  << ps::core::timelineLaneId(event.lane).leftJustified(13)
                  << model.stateInfo(event).id.leftJustified(21) << model.label(event) << '\n';
        });
        break;
    }
    }
    return Success;
}

// ---- claim, reprovision, audit ---------------------------------------------------------------

namespace {

using ps::station::AuditRecord;
using ps::station::AuditStore;
using ps::station::Flow;
using ps::station::StepError;
using ps::station::Verdict;

constexpr auto AuditDbVariable = "PROVSTATION_AUDIT_DB";

QString flowOptionsHelp() {
    return u"cloud and station options:\n"
           u"  --api-key-file <file>     the API key (else $PROVSTATION_API_KEY, else the "
           u"keychain)\n"
           u"  --provisioning-url <url>  provisioning API base (default "
           u"https://api.provisioning.nrfcloud.com/v1/)\n"
           u"  --api-url <url>           main API base (default https://api.nrfcloud.com/v1/)\n"
           u"  --cloud-ca <file>         extra CA certificate(s) to trust (a local stand-in)\n"
           u"  --audit-db <file>         audit database (else $PROVSTATION_AUDIT_DB, else the "
           u"default)\n"
           u"  --operator <name>         who runs it (default: the OS user)\n"
           u"  --station <name>          which station (default: the host name)\n"
           u"  --resume <flow id>        continue an attempt that was interrupted (audit "
           u"unfinished)\n"
           u"  --json                    print the summary as JSON\n"
           u"  --quiet                   no progress lines on stderr\n"
           u"  --verbose                 also the modules' log lines (device, cloud, station)\n"_s;
}

QString claimHelp() {
    return u"usage: provstation-cli claim --port <port> [options]\n"
           u"\n"
           u"Identifies the device, checks the account, asks whether the device can be claimed,\n"
           u"claims it (tag nrf-cloud-onboarding), starts on-device provisioning and verifies\n"
           u"that the device reaches nRF Cloud. A device this account already claimed is not\n"
           u"claimed again.\n"
           u"\n"
           u"claim options:\n"
           u"  --create-onboarding-rule  create the default onboarding rule if the account has "
           u"none\n"
           u"  --trigger shell|device|none\n"
           u"                            start provisioning through the shell (default), wait "
           u"for\n"
           u"                            the device's own attempt, or only claim\n"
           u"  --provision-timeout <s>   bound on provisioning (default 300)\n"
           u"  --verify-timeout <s>      bound on the verification (default 180)\n"_s +
           flowOptionsHelp();
}

QString reprovisionHelp() {
    return u"usage: provstation-cli reprovision (--port <port> | --device-id <id> | --imei "
           u"<imei>) [options]\n"
           u"\n"
           u"Compares the device's credentials with the cloud's view, queues\n"
           u"cloudAccessKeyGeneration (or unclaims and claims again), tells the device, follows\n"
           u"the command and verifies the reconnection.\n"
           u"\n"
           u"reprovision options:\n"
           u"  --sec-tag <n>             sec tag for the new key (default 16842753)\n"
           u"  --via-shadow              trigger through the device shadow (then a delta poll)\n"
           u"  --no-trigger              let the device find the command itself\n"
           u"  --reclaim --confirm-reclaim\n"
           u"                            unclaim and claim again instead (destructive)\n"
           u"  --follow-timeout <s>      bound on following the command (default 300)\n"
           u"  --verify-timeout <s>      bound on the verification (default 180)\n"_s +
           flowOptionsHelp();
}

QString auditHelp() {
    return u"usage: provstation-cli audit <command> [--audit-db <file>]\n"
           u"\n"
           u"  list [--json] [filters]             the records, oldest first\n"
           u"  export --csv|--json [--output <file>] [filters]\n"
           u"  verify                              check the hash chain (exit 1 when broken)\n"
           u"  unfinished [--json]                 attempts that never finished\n"
           u"  close <flow id> [--reason <text>]   record an unfinished attempt as failed\n"
           u"\n"
           u"filters: --text <text> --verdict succeeded|failed|cancelled --kind claim|reprovision\n"
           u"         --from <date> --to <date> (ISO 8601, e.g. 2026-11-26 or "
           u"2026-11-26T10:00:00Z)\n"
           u"         --limit <n> --newest-first\n"_s;
}

QString auditDatabasePath(const QString &option) {
    if (!option.isEmpty())
        return option;
    const QString fromEnvironment = qEnvironmentVariable(AuditDbVariable);
    return fromEnvironment.isEmpty() ? ps::station::AuditStoreOptions::defaultPath()
                                     : fromEnvironment;
}

std::optional<QDateTime> parseDate(const QString &text) {
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid()) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (date.isValid())
            time = date.startOfDay(Qt::UTC);
    }
    if (!time.isValid())
        return std::nullopt;
    return time.toUTC();
}

QString seconds(qint64 ms) {
    return QString::number(double(ms) / 1000.0, 'f', 1) + u" s"_s;
}

// Exit status of a finished flow (ExitCode.h): the device could not be reached -> 3, the
// operator's settings are missing or wrong -> 2, anything else that failed -> 1.
int exitCodeFor(const Flow &flow) {
    if (flow.verdict() == Verdict::Succeeded)
        return Success;
    if (!flow.error())
        return CommandFailed;
    switch (flow.error()->kind) {
    case StepError::Kind::Unreachable:
        return DeviceUnreachable;
    case StepError::Kind::Configuration:
        return UsageError;
    case StepError::Kind::Timeout:
        // A device step that got no answer in time: the device is not reachable.
        if (flow.currentStep() == 0)
            return DeviceUnreachable;
        return CommandFailed;
    default:
        return CommandFailed;
    }
}

void printRecord(QTextStream &out, const AuditRecord &record) {
    out << record.kind << ' ' << record.flowId << ": " << ps::station::verdictId(record.verdict)
        << " in " << seconds(record.durationMs()) << '\n';
    const auto &device = record.device;
    if (!device.isEmpty()) {
        out << "  device " << device.deviceId << ", IMEI " << device.imei;
        QStringList about;
        for (const QString &part : {device.model, device.modemFirmware, device.firmware}) {
            if (!part.isEmpty())
                about.append(part);
        }
        if (!about.isEmpty())
            out << " (" << about.join(u", "_s) << ')';
        out << '\n';
    }
    for (const auto &step : record.steps) {
        out << "  " << step.id.leftJustified(10) << ' '
            << ps::station::stepStatusId(step.status).leftJustified(10) << ' '
            << seconds(step.durationMs).rightJustified(8);
        if (step.attempts > 1)
            out << "  (" << step.attempts << " attempts)";
        if (!step.note.isEmpty())
            out << "  " << step.note;
        else if (!step.error.isEmpty())
            out << "  " << step.error;
        out << '\n';
    }
    if (record.verdict != Verdict::Succeeded && !record.error.isEmpty()) {
        out << "  error: " << record.error << '\n';
        if (!record.hint.isEmpty())
            out << "  what to do: " << record.hint << '\n';
    }
    if (record.sequence > 0)
        out << "  audit record " << record.sequence << ", hash " << record.hash.left(16) << "...\n";
}

} // namespace

std::optional<QString> CliApp::takeFlowOptions(QStringList &args, FlowOptions &options) {
    const std::pair<QStringView, QString *> valued[] = {
        {u"--port", &options.port},
        {u"-p", &options.port},
        {u"--api-key-file", &options.apiKeyFile},
        {u"--cloud-ca", &options.cloudCa},
        {u"--provisioning-url", &options.provisioningUrl},
        {u"--api-url", &options.apiUrl},
        {u"--audit-db", &options.auditDb},
        {u"--operator", &options.operatorName},
        {u"--station", &options.station},
        {u"--resume", &options.resume},
    };
    QStringList rest;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if (arg == u"--json") {
            options.json = true;
            continue;
        }
        if (arg == u"--quiet") {
            options.quiet = true;
            continue;
        }
        if (arg == u"--verbose") {
            options.verbose = true;
            continue;
        }
        bool taken = false;
        for (const auto &[name, target] : valued) {
            if (arg != name)
                continue;
            if (i + 1 >= args.size())
                return u"%1 needs a value"_s.arg(arg);
            *target = args.at(++i);
            taken = true;
            break;
        }
        if (!taken)
            rest.append(arg);
    }
    for (const QString *url : {&options.provisioningUrl, &options.apiUrl}) {
        if (url->isEmpty())
            continue;
        const QUrl parsed(*url);
        if (!parsed.isValid() || parsed.scheme() != u"https")
            return u"%1 is not an https URL"_s.arg(*url);
    }
    args = rest;
    return std::nullopt;
}

namespace {

// Everything a flow command sets up before the flow runs: the store, the cloud client with its
// key, and the device link. Owned by the command's coroutine frame.
struct FlowRun {
    std::unique_ptr<AuditStore> store;
    std::unique_ptr<ps::cloud::RestClient> client;
    std::unique_ptr<ps::device::DeviceLink> link;
};

} // namespace

QCoro::Task<int> CliApp::claim(QStringList args) {
    if (args.contains(u"--help"_s) || args.contains(u"-h"_s)) {
        m_out << claimHelp();
        co_return Success;
    }
    FlowOptions options;
    if (auto problem = takeFlowOptions(args, options)) {
        m_err << "provstation-cli claim: " << *problem << '\n';
        co_return UsageError;
    }
    ps::station::ClaimOptions claimOptions;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        const bool hasValue = i + 1 < args.size();
        if (arg == u"--create-onboarding-rule") {
            claimOptions.createOnboardingRule = true;
        } else if (arg == u"--trigger" && hasValue) {
            const auto trigger = ps::station::claimTriggerFromId(args.at(++i));
            if (!trigger) {
                m_err << "provstation-cli claim: --trigger takes shell, device or none\n";
                co_return UsageError;
            }
            claimOptions.trigger = *trigger;
        } else if ((arg == u"--provision-timeout" || arg == u"--verify-timeout") && hasValue) {
            const auto bound = parseSeconds(args.at(++i));
            if (!bound) {
                m_err << "provstation-cli claim: " << arg << " takes seconds, e.g. 120\n";
                co_return UsageError;
            }
            (arg == u"--provision-timeout" ? claimOptions.provisionTimeout
                                           : claimOptions.verifyTimeout) = *bound;
        } else {
            m_err << "provstation-cli claim: unexpected argument '" << arg << "'\n\n"
                  << claimHelp();
            co_return UsageError;
        }
    }
    if (options.port.isEmpty()) {
        m_err << "provstation-cli claim: --port is required\n\n" << claimHelp();
        co_return UsageError;
    }
    // Named locals only: g++ 12 destroys brace-initialised temporaries in co_await twice.
    const ps::station::ReprovisionOptions unused;
    const QString kind = QString::fromLatin1(ps::station::ClaimFlow::Kind);
    co_return co_await runFlow(kind, options, claimOptions, unused);
}

QCoro::Task<int> CliApp::reprovision(QStringList args) {
    if (args.contains(u"--help"_s) || args.contains(u"-h"_s)) {
        m_out << reprovisionHelp();
        co_return Success;
    }
    FlowOptions options;
    if (auto problem = takeFlowOptions(args, options)) {
        m_err << "provstation-cli reprovision: " << *problem << '\n';
        co_return UsageError;
    }
    ps::station::ReprovisionOptions reprovisionOptions;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        const bool hasValue = i + 1 < args.size();
        if (arg == u"--via-shadow") {
            reprovisionOptions.trigger = ps::station::ReprovisionOptions::Trigger::Shadow;
        } else if (arg == u"--no-trigger") {
            reprovisionOptions.trigger = ps::station::ReprovisionOptions::Trigger::None;
        } else if (arg == u"--reclaim") {
            reprovisionOptions.action = ps::station::ReprovisionOptions::Action::Reclaim;
        } else if (arg == u"--confirm-reclaim") {
            reprovisionOptions.confirmReclaim = true;
        } else if (arg == u"--sec-tag" && hasValue) {
            bool ok = false;
            reprovisionOptions.secTag = args.at(++i).toUInt(&ok);
            if (!ok || reprovisionOptions.secTag == 0 || reprovisionOptions.secTag >= 2147483648u) {
                m_err << "provstation-cli reprovision: --sec-tag takes a number from 1 to "
                         "2147483647\n";
                co_return UsageError;
            }
        } else if (arg == u"--device-id" && hasValue) {
            reprovisionOptions.deviceId = args.at(++i).toLower();
        } else if (arg == u"--imei" && hasValue) {
            reprovisionOptions.imei = args.at(++i);
        } else if ((arg == u"--follow-timeout" || arg == u"--verify-timeout") && hasValue) {
            const auto bound = parseSeconds(args.at(++i));
            if (!bound) {
                m_err << "provstation-cli reprovision: " << arg << " takes seconds, e.g. 120\n";
                co_return UsageError;
            }
            (arg == u"--follow-timeout" ? reprovisionOptions.followTimeout
                                        : reprovisionOptions.verifyTimeout) = *bound;
        } else {
            m_err << "provstation-cli reprovision: unexpected argument '" << arg << "'\n\n"
                  << reprovisionHelp();
            co_return UsageError;
        }
    }
    if (options.port.isEmpty() && reprovisionOptions.deviceId.isEmpty() &&
        reprovisionOptions.imei.isEmpty()) {
        m_err << "provstation-cli reprovision: give --port, --device-id or --imei\n\n"
              << reprovisionHelp();
        co_return UsageError;
    }
    if (options.port.isEmpty() &&
        reprovisionOptions.trigger == ps::station::ReprovisionOptions::Trigger::Shell) {
        m_err << "provstation-cli reprovision: without --port the device cannot be told through "
                 "its shell; use --via-shadow or --no-trigger\n";
        co_return UsageError;
    }
    const ps::station::ClaimOptions unused;
    const QString kind = QString::fromLatin1(ps::station::ReprovisionFlow::Kind);
    co_return co_await runFlow(kind, options, unused, reprovisionOptions);
}

QCoro::Task<int> CliApp::runFlow(QString kind, FlowOptions options,
                                 ps::station::ClaimOptions claimOptions,
                                 ps::station::ReprovisionOptions reprovisionOptions) {
    const QuietLogs quiet(!options.verbose, QuietLogs::Warnings::CloudOnly);
    FlowRun run;
    ps::station::AuditStoreOptions storeOptions;
    storeOptions.databaseName = auditDatabasePath(options.auditDb);
    run.store = std::make_unique<AuditStore>(storeOptions);
    if (auto opened = run.store->open(); !opened) {
        m_err << "provstation-cli: cannot use the audit database: " << opened.error()
              << "\n(every attempt is recorded there; fix the path with --audit-db)\n";
        co_return CommandFailed;
    }

    ps::cloud::CloudSettings settings;
    if (!options.provisioningUrl.isEmpty())
        settings.provisioningBaseUrl = QUrl(options.provisioningUrl);
    if (!options.apiUrl.isEmpty())
        settings.mainBaseUrl = QUrl(options.apiUrl);
    settings.extraCaFile = options.cloudCa;
    run.client = std::make_unique<ps::cloud::RestClient>(settings);

    ps::cloud::ApiKeyStoreOptions keyOptions;
    keyOptions.keyFile = options.apiKeyFile;
    ps::cloud::ApiKeyStore keys(keyOptions);
    QPointer<CliApp> self = this;
    // The keychain entry is the one the workstation's account settings write: keyed by the
    // provisioning API's address.
    auto key = co_await keys.read(settings.provisioningBaseUrl);
    if (!self)
        co_return CommandFailed;
    if (key) {
        run.client->setApiKey(key->value);
    } else {
        // The flow still runs, so that the attempt is recorded; its account step reports the
        // missing key.
        m_err << "provstation-cli: no API key: " << key.error().message;
        if (!key.error().hint.isEmpty())
            m_err << " (" << key.error().hint << ')';
        m_err << '\n';
    }

    if (!options.port.isEmpty()) {
        run.link = std::make_unique<ps::device::DeviceLink>(options.port);
        if (!run.link->open() && !options.quiet) {
            // Recorded by the identify step; the link keeps trying while the flow waits.
            m_err << "provstation-cli: cannot open " << options.port << ": "
                  << run.link->errorString() << '\n';
        }
    }

    ps::station::FlowSetup setup;
    setup.device = run.link.get();
    setup.cloud = run.client.get();
    setup.store = run.store.get();
    setup.station.operatorName = options.operatorName;
    setup.station.station = options.station;
    setup.station.slot = options.port;

    std::unique_ptr<ps::station::StationFlow> flow;
    if (kind == QLatin1StringView(ps::station::ClaimFlow::Kind))
        flow = std::make_unique<ps::station::ClaimFlow>(setup, claimOptions);
    else
        flow = std::make_unique<ps::station::ReprovisionFlow>(setup, reprovisionOptions);

    if (!options.resume.isEmpty()) {
        if (auto restored = flow->restore(options.resume); !restored) {
            m_err << "provstation-cli: cannot resume " << options.resume << ": " << restored.error()
                  << '\n';
            co_return UsageError;
        }
    }
    if (!options.quiet) {
        QTextStream &err = m_err;
        connect(flow.get(), &Flow::stepStarted, this, [&err](const QString &step, int attempt) {
            err << '[' << step << "] started"
                << (attempt > 1 ? u" (attempt %1)"_s.arg(attempt) : QString()) << '\n';
            err.flush();
        });
        connect(flow.get(), &Flow::stepProgress, this,
                [&err](const QString &step, const QString &text, double fraction) {
                    err << '[' << step << "] " << text;
                    if (fraction >= 0)
                        err << " (" << qRound(fraction * 100) << " %)";
                    err << '\n';
                    err.flush();
                });
        connect(flow.get(), &Flow::stepFinished, this,
                [&err](const QString &step, bool ok, const QString &error) {
                    err << '[' << step << "] " << (ok ? u"done"_s : u"failed: "_s + error) << '\n';
                    err.flush();
                });
    }

    flow->start();
    if (flow->state() != Flow::State::Finished)
        co_await qCoro(flow.get(), &Flow::finished);
    if (!self)
        co_return CommandFailed;

    const AuditRecord &record = flow->auditRecord();
    if (options.json) {
        QJsonObject summary = record.summaryJson();
        summary.insert(u"auditStored"_s, flow->storeError().isEmpty());
        if (!flow->storeError().isEmpty())
            summary.insert(u"storeError"_s, flow->storeError());
        m_out << QString::fromUtf8(QJsonDocument(summary).toJson(QJsonDocument::Indented));
    } else {
        printRecord(m_out, record);
    }
    if (!flow->storeError().isEmpty())
        m_err << "provstation-cli: the audit record could not be stored: " << flow->storeError()
              << '\n';
    co_return exitCodeFor(*flow);
}

QString CliApp::auditDatabaseFor(const QString &option) {
    return auditDatabasePath(option);
}

int CliApp::audit(const QStringList &args) {
    if (args.isEmpty() || args.first() == u"--help" || args.first() == u"-h") {
        (args.isEmpty() ? m_err : m_out) << auditHelp();
        return args.isEmpty() ? UsageError : Success;
    }
    const QString command = args.first();
    QString auditDb;
    QString output;
    QString reason = u"closed from the command line"_s;
    QString flowId;
    enum class Format { Text, Csv, Json } format = Format::Text;
    ps::station::AuditQuery query;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        const bool hasValue = i + 1 < args.size();
        if (arg == u"--json") {
            format = Format::Json;
        } else if (arg == u"--csv") {
            format = Format::Csv;
        } else if (arg == u"--newest-first") {
            query.newestFirst = true;
        } else if (arg == u"--audit-db" && hasValue) {
            auditDb = args.at(++i);
        } else if (arg == u"--output" && hasValue) {
            output = args.at(++i);
        } else if (arg == u"--reason" && hasValue) {
            reason = args.at(++i);
        } else if (arg == u"--text" && hasValue) {
            query.text = args.at(++i);
        } else if (arg == u"--kind" && hasValue) {
            query.kind = args.at(++i);
        } else if (arg == u"--verdict" && hasValue) {
            query.verdict = ps::station::verdictFromId(args.at(++i));
            if (!query.verdict || *query.verdict == Verdict::None) {
                m_err << "provstation-cli audit: --verdict takes succeeded, failed or cancelled\n";
                return UsageError;
            }
        } else if ((arg == u"--from" || arg == u"--to") && hasValue) {
            const auto date = parseDate(args.at(++i));
            if (!date) {
                m_err << "provstation-cli audit: " << arg
                      << " takes an ISO 8601 date, e.g. 2026-11-26\n";
                return UsageError;
            }
            (arg == u"--from" ? query.from : query.to) = *date;
        } else if (arg == u"--limit" && hasValue) {
            bool ok = false;
            query.limit = args.at(++i).toInt(&ok);
            if (!ok || query.limit <= 0) {
                m_err << "provstation-cli audit: --limit takes a positive number\n";
                return UsageError;
            }
        } else if (command == u"close" && flowId.isEmpty() && !arg.startsWith(u"--")) {
            flowId = arg;
        } else {
            m_err << "provstation-cli audit: unexpected argument '" << arg << "'\n\n"
                  << auditHelp();
            return UsageError;
        }
    }
    const QStringList commands{u"list"_s, u"export"_s, u"verify"_s, u"unfinished"_s, u"close"_s};
    if (!commands.contains(command)) {
        m_err << "provstation-cli audit: unknown command '" << command << "'\n\n" << auditHelp();
        return UsageError;
    }
    if (command == u"export" && format == Format::Text) {
        m_err << "provstation-cli audit export: choose --csv or --json\n";
        return UsageError;
    }
    if (command == u"close" && flowId.isEmpty()) {
        m_err << "provstation-cli audit close: which flow? (see audit unfinished)\n";
        return UsageError;
    }

    ps::station::AuditStoreOptions storeOptions;
    storeOptions.databaseName = auditDatabasePath(auditDb);
    if (!QFile::exists(storeOptions.databaseName) && command != u"close") {
        // Reading commands never create a database where none was.
        m_err << "provstation-cli audit: no audit database at " << storeOptions.databaseName
              << " (use --audit-db or $" << AuditDbVariable << ")\n";
        return UsageError;
    }
    AuditStore store(storeOptions);
    if (auto opened = store.open(); !opened) {
        m_err << "provstation-cli audit: " << opened.error() << '\n';
        return CommandFailed;
    }

    if (command == u"verify") {
        auto report = store.verify();
        if (!report) {
            m_err << "provstation-cli audit verify: " << report.error() << '\n';
            return CommandFailed;
        }
        if (format == Format::Json) {
            QJsonArray problems;
            for (const auto &problem : std::as_const(report->problems))
                problems.append(QJsonObject{{u"sequence"_s, problem.sequence},
                                            {u"problem"_s, problem.message}});
            m_out << QString::fromUtf8(QJsonDocument(QJsonObject{{u"intact"_s, report->isIntact()},
                                                                 {u"records"_s, report->records},
                                                                 {u"problems"_s, problems}})
                                           .toJson(QJsonDocument::Indented));
        } else if (report->isIntact()) {
            m_out << "audit chain intact: " << report->records << " record(s) in "
                  << store.location() << '\n';
        } else {
            m_out << "audit chain BROKEN (" << report->records << " record(s) in "
                  << store.location() << "):\n";
            for (const auto &problem : std::as_const(report->problems)) {
                m_out << "  "
                      << (problem.sequence > 0 ? u"record %1: "_s.arg(problem.sequence)
                                               : u"chain: "_s)
                      << problem.message << '\n';
            }
        }
        return report->isIntact() ? Success : CommandFailed;
    }

    if (command == u"unfinished") {
        auto unfinished = store.unfinishedFlows();
        if (!unfinished) {
            m_err << "provstation-cli audit unfinished: " << unfinished.error() << '\n';
            return CommandFailed;
        }
        if (format == Format::Json) {
            QJsonArray array;
            for (const auto &flow : std::as_const(*unfinished))
                array.append(QJsonObject{{u"flowId"_s, flow.flowId},
                                         {u"kind"_s, flow.kind},
                                         {u"startedAt"_s, ps::station::isoTime(flow.startedAt)},
                                         {u"lastStep"_s, flow.lastStep},
                                         {u"device"_s, flow.device.toJson()}});
            m_out << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        } else {
            for (const auto &flow : std::as_const(*unfinished)) {
                m_out << flow.flowId << "  " << flow.kind.leftJustified(12)
                      << ps::station::isoTime(flow.startedAt) << "  last step " << flow.lastStep
                      << "  " << flow.device.imei << '\n';
            }
            if (unfinished->isEmpty())
                m_err << "No unfinished attempts.\n";
        }
        return Success;
    }

    if (command == u"close") {
        auto closed = Flow::closeInterrupted(store, flowId, reason);
        if (!closed) {
            m_err << "provstation-cli audit close: " << closed.error() << '\n';
            return CommandFailed;
        }
        printRecord(m_out, *closed);
        return Success;
    }

    auto records = store.search(query);
    if (!records) {
        m_err << "provstation-cli audit: " << records.error() << '\n';
        return CommandFailed;
    }
    QString text;
    QTextStream buffer(&text);
    QTextStream &out = output.isEmpty() ? m_out : buffer;
    switch (format) {
    case Format::Csv:
        AuditRecord::writeCsv(out, *records);
        break;
    case Format::Json:
        out << QString::fromUtf8(
            QJsonDocument(AuditRecord::toJsonArray(*records)).toJson(QJsonDocument::Indented));
        break;
    case Format::Text:
        for (const AuditRecord &record : std::as_const(*records)) {
            out << QString::number(record.sequence).rightJustified(6) << "  "
                << ps::station::isoTime(record.startedAt) << "  " << record.kind.leftJustified(12)
                << ps::station::verdictId(record.verdict).leftJustified(10)
                << record.device.imei.leftJustified(16) << record.operatorName << '@'
                << record.station;
            if (!record.error.isEmpty())
                out << "  " << record.error;
            out << '\n';
        }
        if (records->isEmpty())
            m_err << "No audit records match.\n";
        break;
    }
    if (!output.isEmpty()) {
        buffer.flush();
        QFile file(output);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(text.toUtf8()) < 0) {
            m_err << "provstation-cli audit export: cannot write " << output << ": "
                  << file.errorString() << '\n';
            return CommandFailed;
        }
        m_err << "Wrote " << records->size() << " record(s) to " << output << '\n';
    }
    return Success;
}

std::optional<std::chrono::milliseconds> CliApp::parseSeconds(const QString &text,
                                                              std::chrono::seconds max) {
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || value <= 0 || value > double(max.count()))
        return std::nullopt;
    return std::chrono::milliseconds(qint64(value * 1000));
}

} // namespace ps::cli
