#include "CliApp.h"

#include "ExitCode.h"
#include "core/AttestationToken.h"
#include "core/BuildInfo.h"
#include "core/LineAssembler.h"
#include "core/timeline/TimelineEngine.h"
#include "core/timeline/TimelineExport.h"
#include "device/DeviceLink.h"
#include "device/ModemClient.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <chrono>

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
           u"  --version                               print the version\n"
           u"\n"
           u"exit status: 0 success, 1 the device answered with an error,\n"
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

} // namespace ps::cli
