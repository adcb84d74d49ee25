// provstation-cli flash and bundle: firmware bundles (core/bundle) onto one device with the
// SMP flasher (serial recovery) or nrfutil (debug probe).
#include "CliApp.h"
#include "ExitCode.h"
#include "core/bundle/FirmwareBundle.h"
#include "device/NrfutilFlasher.h"
#include "device/SerialTransport.h"
#include "device/SmpFlasher.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace ps::cli {
namespace {

QString flashHelp() {
    return u"usage: provstation-cli flash --port <port> <bundle.zip> [options]\n"
           u"  Flashes the bundle's application image over SMP (MCUboot serial recovery: hold\n"
           u"  the boot button while resetting the device), or with nrfutil over the probe.\n"
           u"options:\n"
           u"  --model <model>        refuse the bundle unless it fits this device model\n"
           u"  --buffer <bytes>       the device's SMP receive buffer (1024, MCUboot default)\n"
           u"  --permanent            mark the image permanent instead of test-then-confirm\n"
           u"  --force                upload even when the device already holds the image\n"
           u"  --no-boot-check        do not wait for the boot banner after the reset\n"
           u"  --enter-from-shell     for a device running its application: when no bootloader\n"
           u"                         answers, type 'kernel reboot cold' in its shell and catch\n"
           u"                         MCUboot's wait for DFU after the reset (a bootloader built\n"
           u"                         with CONFIG_BOOT_SERIAL_WAIT_FOR_DFU); probes for 10 s\n"
           u"  --reboot-command <cmd> the shell command for --enter-from-shell\n"
           u"  --nrfutil [--serial-number <sn>]  program with nrfutil instead of SMP\n"
           u"  --json                 print a JSON summary\n"
           u"usage: provstation-cli bundle inspect|verify <bundle.zip> [--model <model>] [--json]\n"_s;
}

QString rate(double bytesPerSecond) {
    return QString::number(bytesPerSecond / 1000.0, 'f', 1) + u" kB/s"_s;
}

int exitCodeFor(ps::device::FlashError::Kind kind) {
    using Kind = ps::device::FlashError::Kind;
    switch (kind) {
    case Kind::BadBundle:
        return UsageError;
    case Kind::NotInRecovery:
    case Kind::Timeout:
    case Kind::Disconnected:
    case Kind::ToolMissing:
        return DeviceUnreachable;
    case Kind::DeviceRefused:
    case Kind::BootCheckFailed:
    case Kind::Cancelled:
    case Kind::ToolFailed:
        return CommandFailed;
    }
    return CommandFailed;
}

} // namespace

int CliApp::bundle(const QStringList &args) {
    bool json = false;
    QString model;
    QStringList positional;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if (arg == u"--json")
            json = true;
        else if (arg == u"--model" && i + 1 < args.size())
            model = args.at(++i);
        else if (arg.startsWith(u"--")) {
            m_err << "provstation-cli bundle: unknown option " << arg << "\n" << flashHelp();
            return UsageError;
        } else
            positional.push_back(arg);
    }
    if (positional.size() != 2 ||
        (positional.first() != u"inspect" && positional.first() != u"verify")) {
        m_err << flashHelp();
        return UsageError;
    }
    const auto read = ps::bundle::FirmwareBundle::readFile(positional.at(1));
    std::optional<ps::bundle::BundleError> problem;
    if (!read)
        problem = read.error();
    else if (!model.isEmpty())
        if (auto fits = read->fits(model); !fits)
            problem = fits.error();
    if (json) {
        QJsonObject object = read ? read->toJson() : QJsonObject();
        object.insert(u"file"_s, positional.at(1));
        object.insert(u"valid"_s, !problem);
        if (problem) {
            object.insert(u"error"_s, ps::bundle::toString(problem->code));
            object.insert(u"message"_s, problem->message);
        }
        m_out << QJsonDocument(object).toJson(QJsonDocument::Indented);
    } else if (problem) {
        m_err << "provstation-cli bundle: " << positional.at(1) << " refused: " << problem->message
              << "\n";
    } else if (positional.first() == u"inspect") {
        m_out << "name:    " << read->name << "\nversion: " << read->version
              << "\nmodels:  " << read->models.join(u", "_s) << "\n";
        if (!read->boards.isEmpty())
            m_out << "boards:  " << read->boards.join(u", "_s) << "\n";
        for (const ps::bundle::BundleImage &image : read->images) {
            m_out << (image.type == ps::bundle::BundleImage::Type::Application ? "application "
                                                                               : "modem       ")
                  << image.file << "  " << image.data.size() << " bytes  version " << image.version
                  << "\n  sha256 " << image.sha256.toHex() << "\n";
            if (image.mcuboot)
                m_out << "  MCUboot header " << image.mcuboot->headerSize << " bytes, version "
                      << image.mcuboot->version.toString() << ", image hash "
                      << image.mcuboot->sha256.toHex() << "\n";
        }
    } else {
        m_out << positional.at(1) << ": ok (" << read->name << " " << read->version << ")\n";
    }
    return problem ? UsageError : Success;
}

QCoro::Task<int> CliApp::flash(QStringList args) {
    QString port;
    QString path;
    QString model;
    QString serialNumber;
    bool json = false;
    bool useNrfutil = false;
    ps::device::SmpFlashOptions options;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        const bool hasValue = i + 1 < args.size();
        if (arg == u"--help" || arg == u"-h") {
            m_out << flashHelp();
            co_return Success;
        } else if (arg == u"--json") {
            json = true;
        } else if (arg == u"--port" && hasValue) {
            port = args.at(++i);
        } else if (arg == u"--model" && hasValue) {
            model = args.at(++i);
        } else if (arg == u"--serial-number" && hasValue) {
            serialNumber = args.at(++i);
        } else if (arg == u"--buffer" && hasValue) {
            bool ok = false;
            options.deviceBufferSize = args.at(++i).toInt(&ok);
            if (!ok || options.deviceBufferSize < 128 || options.deviceBufferSize > 65536) {
                m_err << "provstation-cli flash: --buffer must be 128..65536 bytes\n";
                co_return UsageError;
            }
        } else if (arg == u"--permanent") {
            options.confirm = ps::device::SmpFlashOptions::Confirm::Permanent;
        } else if (arg == u"--force") {
            options.skipIfSame = false;
        } else if (arg == u"--no-boot-check") {
            options.checkBoot = false;
        } else if (arg == u"--enter-from-shell") {
            options.enterFromShell = true;
        } else if (arg == u"--reboot-command" && hasValue) {
            options.rebootCommand = args.at(++i);
        } else if (arg == u"--nrfutil") {
            useNrfutil = true;
        } else if (arg.startsWith(u"--") || !path.isEmpty()) {
            m_err << "provstation-cli flash: unexpected argument " << arg << "\n" << flashHelp();
            co_return UsageError;
        } else {
            path = arg;
        }
    }
    if (path.isEmpty() || (port.isEmpty() && !useNrfutil)) {
        m_err << flashHelp();
        co_return UsageError;
    }

    // Every check on the bundle happens before the port is even opened.
    auto read = ps::bundle::FirmwareBundle::readFile(path);
    if (read && !model.isEmpty())
        if (auto fits = read->fits(model); !fits)
            read = std::unexpected(fits.error());
    QJsonObject summary{{u"bundle"_s, path}, {u"port"_s, port}};
    if (!read) {
        m_err << "provstation-cli flash: bundle refused, nothing was flashed: "
              << read.error().message << "\n";
        if (json) {
            summary.insert(u"ok"_s, false);
            summary.insert(u"error"_s, ps::bundle::toString(read.error().code));
            summary.insert(u"message"_s, read.error().message);
            m_out << QJsonDocument(summary).toJson(QJsonDocument::Indented);
        }
        co_return UsageError;
    }
    const ps::bundle::FirmwareBundle bundle = std::move(*read);

    std::unique_ptr<ps::device::SerialTransport> transport;
    std::unique_ptr<ps::device::Flasher> flasher;
    if (useNrfutil) {
        ps::device::NrfutilOptions nrfutil;
        nrfutil.serialNumber = serialNumber;
        flasher = std::make_unique<ps::device::NrfutilFlasher>(nrfutil);
    } else {
        transport = std::make_unique<ps::device::SerialTransport>(port);
        flasher = std::make_unique<ps::device::SmpFlasher>(*transport, options);
    }
    int lastDecile = -1;
    connect(flasher.get(), &ps::device::Flasher::stageChanged, this,
            [this](ps::device::Flasher::Stage, const QString &text) {
                m_err << "flash: " << text << "\n";
                m_err.flush();
            });
    connect(flasher.get(), &ps::device::Flasher::progress, this,
            [this, &lastDecile](qint64 sent, qint64 total, double bytesPerSecond) {
                const int decile = total > 0 ? int(sent * 10 / total) : 10;
                if (decile == lastDecile)
                    return;
                lastDecile = decile;
                m_err << "flash: " << sent << "/" << total << " bytes (" << decile * 10 << "%)";
                if (bytesPerSecond > 0)
                    m_err << " " << rate(bytesPerSecond);
                m_err << "\n";
                m_err.flush();
            });
    ps::bundle::FirmwareBundle copy = bundle;
    const auto outcome = co_await flasher->flash(std::move(copy));
    summary.insert(u"name"_s, bundle.name);
    summary.insert(u"version"_s, bundle.version);
    summary.insert(u"method"_s, useNrfutil ? u"nrfutil"_s : u"smp-serial"_s);
    if (!outcome) {
        m_err << "provstation-cli flash: " << outcome.error().message << "\n";
        if (json) {
            summary.insert(u"ok"_s, false);
            summary.insert(u"error"_s, ps::device::toString(outcome.error().kind));
            summary.insert(u"message"_s, outcome.error().message);
            summary.insert(u"bytesSent"_s, outcome.error().bytesSent);
            m_out << QJsonDocument(summary).toJson(QJsonDocument::Indented);
        }
        co_return exitCodeFor(outcome.error().kind);
    }
    if (json) {
        summary.insert(u"ok"_s, true);
        summary.insert(u"skipped"_s, outcome->skipped);
        summary.insert(u"bytesSent"_s, outcome->bytesSent);
        summary.insert(u"seconds"_s, outcome->seconds);
        summary.insert(u"bytesPerSecond"_s, outcome->bytesPerSecond);
        summary.insert(u"expectedVersion"_s, outcome->expectedVersion);
        summary.insert(u"bootedVersion"_s, outcome->bootedVersion);
        summary.insert(u"banner"_s, outcome->banner);
        summary.insert(u"confirmation"_s, outcome->confirmation);
        m_out << QJsonDocument(summary).toJson(QJsonDocument::Indented);
    } else {
        m_out << (outcome->skipped ? "already in place: " : "flashed: ") << bundle.name << " "
              << outcome->expectedVersion;
        if (!outcome->bootedVersion.isEmpty())
            m_out << ", device boots v" << outcome->bootedVersion;
        if (outcome->bytesSent > 0)
            m_out << " (" << outcome->bytesSent << " bytes, " << rate(outcome->bytesPerSecond)
                  << ")";
        m_out << "\n";
    }
    co_return Success;
}

} // namespace ps::cli
