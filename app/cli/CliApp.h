#pragma once

#include "device/PortInfo.h"
#include "station/ClaimFlow.h"
#include "station/ReprovisionFlow.h"

#include <QList>
#include <QObject>
#include <QStringList>
#include <QTextStream>
#include <chrono>
#include <functional>
#include <optional>
#include <qcoro/qcorotask.h>

namespace ps::cli {

/// provstation-cli's commands. main() hands it the arguments and two streams; tests do the same
/// and read what it printed. Results go to `out` (JSON where asked for), diagnostics to `err`.
///
///   provstation-cli --version
///   provstation-cli ports [--json]
///   provstation-cli token decode <token|->
///   provstation-cli at --port <port> [--timeout <ms>] <AT command>
///   provstation-cli timeline <logfile> [--json | --csv] [--rules <table.json>]
///   provstation-cli claim --port <port> [cloud options] [--json]
///   provstation-cli reprovision --port <port> [--via-shadow] [--sec-tag <n>] [cloud options]
///   provstation-cli audit list|export --csv|--json|verify|unfinished|close <flow id>
///   provstation-cli flash --port <port> <bundle.zip> [--model <m>] [--json] (FlashCommands.cpp)
///   provstation-cli bundle inspect|verify <bundle.zip> [--model <m>] [--json]
///   provstation-cli station --slots A=<port>,... | --slot-map <file> --bundle <zip> [--once]
///                           [--label] [--json]                       (StationCommand.cpp)
///
/// claim and reprovision run the station's flows (ps::station::ClaimFlow, ReprovisionFlow):
/// progress goes to `err`, the summary (JSON with --json) to `out`, and each run leaves one
/// record in the audit database (--audit-db, else $PROVSTATION_AUDIT_DB, else the default in
/// the application data folder). The API key comes from ApiKeyStore (--api-key-file, then
/// $PROVSTATION_API_KEY, then the keychain) and is never printed.
class CliApp : public QObject {
    Q_OBJECT
public:
    CliApp(QTextStream &out, QTextStream &err, QObject *parent = nullptr);

    /// Runs one command line (without the program name) and returns the exit status.
    QCoro::Task<int> run(QStringList args);

    /// Where `ports` gets its list; tests replace it.
    void setPortLister(std::function<QList<ps::device::PortInfo>()> lister);
    /// Where `token decode -` reads from; tests replace it.
    void setStdinReader(std::function<QString()> reader);

    static QString usage();

private:
    int ports(const QStringList &args);
    int tokenDecode(const QStringList &args);
    QCoro::Task<int> at(QStringList args);
    int timeline(const QStringList &args);

    /// The cloud and station options claim, reprovision and station share (takeFlowOptions()).
    struct FlowOptions {
        QString port;
        QString apiKeyFile;
        QString cloudCa;
        QString provisioningUrl;
        QString apiUrl;
        QString auditDb;
        QString operatorName;
        QString station;
        QString resume;
        bool json = false;
        bool quiet = false;
        bool verbose = false;
    };
    QCoro::Task<int> claim(QStringList args);
    QCoro::Task<int> runFlow(QString kind, FlowOptions options,
                             ps::station::ClaimOptions claimOptions,
                             ps::station::ReprovisionOptions reprovisionOptions);
    QCoro::Task<int> reprovision(QStringList args);
    int audit(const QStringList &args);
    QCoro::Task<int> flash(QStringList args);
    int bundle(const QStringList &args);
    QCoro::Task<int> station(QStringList args);
    /// The audit database for `--audit-db` (empty: $PROVSTATION_AUDIT_DB, else the default).
    static QString auditDatabaseFor(const QString &option);
    /// Parses the options claim and reprovision share; removes them from `args`. Returns an
    /// error text for a bad value.
    static std::optional<QString> takeFlowOptions(QStringList &args, FlowOptions &options);
    /// A bound given in seconds (fractions allowed): positive and at most `max`.
    static std::optional<std::chrono::milliseconds>
    parseSeconds(const QString &text, std::chrono::seconds max = std::chrono::hours(24));

    QTextStream &m_out;
    QTextStream &m_err;
    std::function<QList<ps::device::PortInfo>()> m_portLister;
    std::function<QString()> m_stdinReader;
};

} // namespace ps::cli
