// provstation-cli station: the flashing station headless (ps::station::Station), one line per
// event (JSON with --json) and a shift summary at the end.
#include "CliApp.h"
#include "ExitCode.h"
#include "QuietLogs.h"
#include "cloud/ApiKeyStore.h"
#include "cloud/CloudSettings.h"
#include "cloud/RestClient.h"
#include "station/AuditStore.h"
#include "station/ShiftSummary.h"
#include "station/Station.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QTimer>
#include <qcoro/qcorosignal.h>

#ifdef Q_OS_UNIX
#include <csignal>
#include <fcntl.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace ps::cli {
namespace {

QString stationHelp() {
    return u"usage: provstation-cli station (--slots <slots> | --slot-map <file>) --bundle <zip>\n"
           u"                              [--label] [--once] [--json] [options]\n"
           u"  Runs the flashing station: every slot's device is flashed with the bundle (when\n"
           u"  it runs another version), identified, claimed, provisioned and verified; all\n"
           u"  slots in parallel, each attempt one audit record. A device plugged into a slot\n"
           u"  starts its pipeline by itself. Stops at SIGINT/SIGTERM, or with --once.\n"
           u"slots:\n"
           u"  --slots A=/dev/ttyACM0,B=/tmp/ttyDEV-b   slot ids and ports (a path, or\n"
           u"                         serial:<usb serial>[#<interface>], or location:<path>)\n"
           u"  --slot-map <file>      the slot map the workstation's engineer view saves\n"
           u"options:\n"
           u"  --bundle <zip>         the firmware bundle; checked completely before anything\n"
           u"                         runs (a bad one exits with status 2 and the reason)\n"
           u"  --label                check each device's label: scanned lines on stdin\n"
           u"                         (\"<slot>=<text>\", or the text alone when one slot waits)\n"
           u"  --once                 stop when every slot has a verdict\n"
           u"  --timeout <s>          stop after this many seconds in any case\n"
           u"  --resume-wait <s>      how long an attempt left unfinished by an earlier run\n"
           u"                         waits for its device (30)\n"
           u"  --no-enter-from-shell  do not reboot running devices into the bootloader\n"
           u"  --create-onboarding-rule   create the default onboarding rule when missing\n"
           u"  --json                 one JSON object per line: {\"event\": \"station\"|\"slot\"|\n"
           u"                         \"attempt\"|\"step\"|\"progress\"|\"label\"|\"resume\"|\n"
           u"                         \"summary\", \"at\", \"slot\", ...}\n"
           u"  --api-key-file, --cloud-ca, --provisioning-url, --api-url, --audit-db,\n"
           u"  --operator, --station, --verbose   as for claim\n"
           u"exit status: 0 every attempt passed, 1 an attempt failed, 2 bad arguments or a\n"
           u"             refused bundle, 3 every failure was an unreachable device, or no\n"
           u"             device came to any slot\n"_s;
}

#ifdef Q_OS_UNIX
/// SIGINT and SIGTERM stop the station cleanly (running attempts are recorded as cancelled):
/// the handler writes to a pipe that the event loop watches.
class StopSignals {
public:
    explicit StopSignals(std::function<void()> onSignal) {
        if (::pipe(s_pipe) != 0)
            return;
        ::fcntl(s_pipe[1], F_SETFL, O_NONBLOCK);
        m_notifier = std::make_unique<QSocketNotifier>(s_pipe[0], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(),
                         [onSignal = std::move(onSignal)] {
                             char byte = 0;
                             (void)::read(s_pipe[0], &byte, 1);
                             onSignal();
                         });
        struct sigaction action {};
        action.sa_handler = [](int) {
            const char byte = 1;
            (void)::write(s_pipe[1], &byte, 1);
        };
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, &m_previousInt);
        ::sigaction(SIGTERM, &action, &m_previousTerm);
        m_installed = true;
    }
    ~StopSignals() {
        if (!m_installed)
            return;
        ::sigaction(SIGINT, &m_previousInt, nullptr);
        ::sigaction(SIGTERM, &m_previousTerm, nullptr);
        m_notifier.reset();
        ::close(s_pipe[0]);
        ::close(s_pipe[1]);
    }
    StopSignals(const StopSignals &) = delete;
    StopSignals &operator=(const StopSignals &) = delete;

private:
    static inline int s_pipe[2] = {-1, -1};
    std::unique_ptr<QSocketNotifier> m_notifier;
    struct sigaction m_previousInt {};
    struct sigaction m_previousTerm {};
    bool m_installed = false;
};
#endif

/// Scanned labels from stdin, one per line (a barcode scanner types the text and Enter).
class LabelReader {
public:
    explicit LabelReader(std::function<void(const QString &)> onLine) {
#ifdef Q_OS_UNIX
        m_notifier = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(),
                         [this, onLine = std::move(onLine)] {
                             char buffer[512];
                             const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
                             if (got <= 0) {
                                 m_notifier->setEnabled(false); // end of input
                                 return;
                             }
                             m_pending.append(buffer, got);
                             qsizetype end = 0;
                             while ((end = m_pending.indexOf('\n')) >= 0) {
                                 const QString line =
                                     QString::fromUtf8(m_pending.left(end)).trimmed();
                                 m_pending.remove(0, end + 1);
                                 if (!line.isEmpty())
                                     onLine(line);
                             }
                         });
#else
        Q_UNUSED(onLine);
#endif
    }

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
    QByteArray m_pending;
};

/// One readable line per event (without --json).
QString describeEvent(const QJsonObject &event) {
    const QString type = event.value(u"event"_s).toString();
    const QString slot = event.value(u"slot"_s).toString();
    const QString state = event.value(u"state"_s).toString();
    const QString prefix = slot.isEmpty() ? u"station  "_s : u"%1  "_s.arg(slot, -7);
    if (type == u"station") {
        if (state == u"refused")
            return prefix + u"refused: "_s + event.value(u"reason"_s).toString();
        if (state == u"started") {
            return prefix + u"started (%1 slots%2)"_s.arg(
                                QString::number(event.value(u"slots"_s).toInt()),
                                event.contains(u"bundle"_s)
                                    ? u", bundle "_s + event.value(u"bundle"_s).toString()
                                    : QString());
        }
        return prefix + u"%1: %2 attempts, %3 passed"_s.arg(
                            state, QString::number(event.value(u"attempts"_s).toInt()),
                            QString::number(event.value(u"passed"_s).toInt()));
    }
    if (type == u"slot")
        return prefix + state +
               (event.contains(u"port"_s) ? u" "_s + event.value(u"port"_s).toString() : QString());
    if (type == u"step") {
        QString text = prefix + u"[%1] %2"_s.arg(event.value(u"step"_s).toString(), state);
        if (event.contains(u"error"_s))
            text += u": "_s + event.value(u"error"_s).toString();
        else if (event.contains(u"note"_s))
            text += u" ("_s + event.value(u"note"_s).toString() + u')';
        return text;
    }
    if (type == u"progress") {
        QString text = prefix + u"[%1] %2"_s.arg(event.value(u"step"_s).toString(),
                                                 event.value(u"text"_s).toString());
        if (event.contains(u"fraction"_s))
            text += u" (%1 %)"_s.arg(qRound(event.value(u"fraction"_s).toDouble() * 100));
        return text;
    }
    if (type == u"attempt") {
        if (state != u"finished")
            return prefix + u"attempt %1 %2"_s.arg(event.value(u"flowId"_s).toString(), state);
        const QString verdict = event.value(u"verdict"_s).toString();
        const QString seconds =
            QString::number(event.value(u"durationMs"_s).toDouble() / 1000.0, 'f', 1);
        if (verdict == u"succeeded")
            return prefix +
                   u"PASSED in %1 s, IMEI %2"_s.arg(seconds, event.value(u"imei"_s).toString());
        QString text = prefix + u"FAILED at %1: %2"_s.arg(event.value(u"step"_s).toString(),
                                                          event.value(u"error"_s).toString());
        if (!event.value(u"hint"_s).toString().isEmpty())
            text += u" — "_s + event.value(u"hint"_s).toString();
        return text;
    }
    if (type == u"label")
        return prefix + u"scan the label (IMEI %1)"_s.arg(event.value(u"imei"_s).toString());
    if (type == u"resume") {
        return prefix +
               u"earlier attempt %1 %2%3"_s.arg(event.value(u"flowId"_s).toString(), state,
                                                event.contains(u"reason"_s)
                                                    ? u": "_s + event.value(u"reason"_s).toString()
                                                    : QString());
    }
    return prefix + QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
}

} // namespace

QCoro::Task<int> CliApp::station(QStringList args) {
    if (args.contains(u"--help"_s) || args.contains(u"-h"_s)) {
        m_out << stationHelp();
        co_return Success;
    }
    FlowOptions options;
    if (auto problem = takeFlowOptions(args, options)) {
        m_err << "provstation-cli station: " << *problem << '\n';
        co_return UsageError;
    }
    if (!options.port.isEmpty() || !options.resume.isEmpty()) {
        m_err << "provstation-cli station: give the ports with --slots or --slot-map (a station "
                 "resumes unfinished attempts by itself)\n";
        co_return UsageError;
    }
    QString slotsText;
    QString slotMapFile;
    QString bundleFile;
    bool labelCheck = false;
    bool once = false;
    bool enterFromShell = true;
    bool createRule = false;
    std::optional<std::chrono::milliseconds> timeout;
    std::chrono::milliseconds resumeWait{30'000};
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        const bool hasValue = i + 1 < args.size();
        if (arg == u"--slots" && hasValue) {
            slotsText = args.at(++i);
        } else if (arg == u"--slot-map" && hasValue) {
            slotMapFile = args.at(++i);
        } else if (arg == u"--bundle" && hasValue) {
            bundleFile = args.at(++i);
        } else if (arg == u"--label") {
            labelCheck = true;
        } else if (arg == u"--once") {
            once = true;
        } else if (arg == u"--no-enter-from-shell") {
            enterFromShell = false;
        } else if (arg == u"--create-onboarding-rule") {
            createRule = true;
        } else if ((arg == u"--timeout" || arg == u"--resume-wait") && hasValue) {
            const auto bound = parseSeconds(args.at(++i), std::chrono::hours(7 * 24));
            if (!bound) {
                m_err << "provstation-cli station: " << arg << " takes seconds, e.g. 60\n";
                co_return UsageError;
            }
            (arg == u"--timeout" ? timeout : resumeWait) = *bound;
        } else {
            m_err << "provstation-cli station: unexpected argument '" << arg << "'\n\n"
                  << stationHelp();
            co_return UsageError;
        }
    }
    if (slotsText.isEmpty() == slotMapFile.isEmpty()) {
        m_err << "provstation-cli station: give either --slots or --slot-map\n\n" << stationHelp();
        co_return UsageError;
    }
    ps::station::SlotMap slots;
    if (!slotsText.isEmpty()) {
        auto parsed = ps::station::SlotMap::parseSlotsArgument(slotsText);
        if (!parsed) {
            m_err << "provstation-cli station: --slots: " << parsed.error() << '\n';
            co_return UsageError;
        }
        slots = std::move(*parsed);
    } else {
        slots.setFilePath(slotMapFile);
        if (auto loaded = slots.load(); !loaded) {
            m_err << "provstation-cli station: " << loaded.error() << '\n';
            co_return UsageError;
        }
        if (slots.isEmpty()) {
            m_err << "provstation-cli station: the slot map " << slotMapFile << " has no slots\n";
            co_return UsageError;
        }
    }
    if (bundleFile.isEmpty()) {
        m_err << "provstation-cli station: --bundle is required\n\n" << stationHelp();
        co_return UsageError;
    }

    // The station prints every slot's events itself, warnings included.
    const QuietLogs quiet(!options.verbose, QuietLogs::Warnings::All);
    ps::station::AuditStoreOptions storeOptions;
    storeOptions.databaseName = auditDatabaseFor(options.auditDb);
    ps::station::AuditStore store(storeOptions);
    if (auto opened = store.open(); !opened) {
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
    ps::cloud::RestClient client(settings);
    ps::cloud::ApiKeyStoreOptions keyOptions;
    keyOptions.keyFile = options.apiKeyFile;
    ps::cloud::ApiKeyStore keys(keyOptions);
    QPointer<CliApp> self = this;
    auto key = co_await keys.read(settings.provisioningBaseUrl);
    if (!self)
        co_return CommandFailed;
    if (key) {
        client.setApiKey(key->value);
    } else {
        // Each attempt's account step records the missing key; say it once here too.
        m_err << "provstation-cli: no API key: " << key.error().message << '\n';
    }

    ps::station::StationOptions stationOptions;
    stationOptions.cloud = &client;
    stationOptions.store = &store;
    stationOptions.identity.operatorName = options.operatorName;
    stationOptions.identity.station = options.station;
    stationOptions.bundleFile = bundleFile;
    stationOptions.claim.createOnboardingRule = createRule;
    stationOptions.enterFromShell = enterFromShell;
    stationOptions.labelCheck = labelCheck;
    stationOptions.resumeWait = resumeWait;
    ps::station::Station station(slots, stationOptions);

    const bool json = options.json;
    QTextStream &out = m_out;
    connect(&station, &ps::station::Station::event, this, [&out, json](const QJsonObject &event) {
        if (json)
            out << QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
        else
            out << describeEvent(event);
        out << '\n';
        out.flush();
    });
    if (once) {
        connect(&station, &ps::station::Station::settled, &station,
                [&station] { QTimer::singleShot(0, &station, [&station] { station.stop(); }); });
    }

    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    if (auto started = station.start(); !started) {
        m_err << "provstation-cli station: " << started.error() << '\n';
        co_return UsageError;
    }
    QTimer deadline;
    if (timeout) {
        deadline.setSingleShot(true);
        connect(&deadline, &QTimer::timeout, &station, [&station] { station.stop(); });
        deadline.start(*timeout);
    }
#ifdef Q_OS_UNIX
    const StopSignals stopSignals([&station] { station.stop(); });
#endif
    std::optional<LabelReader> labels;
    if (labelCheck) {
        labels.emplace([&station, &slots, &out, json](const QString &line) {
            static const QRegularExpression addressed(u"^([^=\\s]+)=(.+)$"_s);
            const auto match = addressed.match(line);
            const bool toSlot = match.hasMatch() && slots.slot(match.captured(1)).has_value();
            const bool taken = toSlot ? station.submitLabel(match.captured(2), match.captured(1))
                                      : station.submitLabel(line);
            if (!taken) {
                const QJsonObject ignored{
                    {u"event"_s, u"label"_s}, {u"state"_s, u"ignored"_s}, {u"text"_s, line}};
                out << (json ? QString::fromUtf8(
                                   QJsonDocument(ignored).toJson(QJsonDocument::Compact))
                             : u"station  label ignored (no slot waits for it, or several do: "
                               u"write <slot>=<label>): "_s +
                                   line)
                    << '\n';
                out.flush();
            }
        });
    }

    co_await qCoro(&station, &ps::station::Station::stopped);
    if (!self)
        co_return CommandFailed;

    ps::station::ShiftRange range;
    range.from = startedAt;
    range.station = station.options().identity.resolved().station;
    auto summary = ps::station::ShiftSummary::fromStore(store, range);
    if (!summary) {
        m_err << "provstation-cli station: cannot read the records: " << summary.error() << '\n';
        co_return CommandFailed;
    }
    // Attempts an earlier run left and this one resumed started before this run; count what
    // this run finished instead of what started in it.
    QJsonObject result = summary->toJson();
    result.insert(u"event"_s, u"summary"_s);
    result.insert(u"at"_s, ps::station::isoTime(QDateTime::currentDateTimeUtc()));
    result.insert(u"finishedAttempts"_s, station.finishedAttempts());
    result.insert(u"passedAttempts"_s, station.passedAttempts());
    if (json) {
        m_out << QString::fromUtf8(QJsonDocument(result).toJson(QJsonDocument::Compact)) << '\n';
    } else {
        m_out << u"summary  %1 attempts, %2 passed, %3 failed, yield %4 %, median %5 s per "
                 u"device\n"_s.arg(QString::number(station.finishedAttempts()),
                                   QString::number(station.passedAttempts()),
                                   QString::number(summary->failed),
                                   QString::number(summary->yield * 100, 'f', 1),
                                   QString::number(double(summary->medianPassMs) / 1000.0, 'f', 1));
        for (auto it = summary->failuresByReason.cbegin(); it != summary->failuresByReason.cend();
             ++it)
            m_out << u"  failed at %1: %2\n"_s.arg(it.key(), QString::number(it.value()));
    }
    m_out.flush();

    if (station.finishedAttempts() == 0) {
        m_err << "provstation-cli station: no device came to any slot\n";
        co_return DeviceUnreachable;
    }
    if (station.passedAttempts() == station.finishedAttempts())
        co_return Success;
    bool onlyUnreachable = true;
    for (const ps::station::SlotStatus &status : station.statuses()) {
        if (status.phase == ps::station::SlotPhase::Failed && status.failureKind != u"unreachable")
            onlyUnreachable = false;
    }
    co_return onlyUnreachable ? DeviceUnreachable : CommandFailed;
}

} // namespace ps::cli
