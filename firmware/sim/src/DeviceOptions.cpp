#include "DeviceOptions.h"

#include "AttProfile.h"
#include "DeviceIdentity.h"
#include "ProvisioningCloud.h"

#include <cmath>
#include <limits>

namespace ps::devsim {

namespace {

std::expected<double, QString> positiveNumber(const QString &option, const QString &value) {
    bool ok = false;
    const double number = value.toDouble(&ok);
    if (!ok || number <= 0)
        return std::unexpected(
            QStringLiteral("%1 %2: expected a positive number").arg(option, value));
    return number;
}

} // namespace

QString helpText() {
    return QStringLiteral(
        "Usage: provstation-devsim [options]\n"
        "A virtual nRF91 device running the Asset Tracker Template, on a pseudo-terminal.\n"
        "Prints 'PTY <slave path>' as its first line on stdout, then a summary.\n"
        "\n"
        "  --state DIR          keep identity, credentials and image slot here (default: a\n"
        "                       temporary folder, a new device each run)\n"
        "  --link PATH          also make PATH a symlink to the pty slave\n"
        "  --registry FILE      add the device (uuid, imei, identity public key) to FILE\n"
        "                       (JSON lines), the stand-in for the manufacturer's database\n"
        "  --att VERSION        firmware wording: 1.5 (default), 1.4, 1.2 or x.y.z\n"
        "  --model NAME         for a new device: nRF9151-LACA (default), nRF9161-LACA,\n"
        "                       nRF9131-LACA, nRF9160-SICA\n"
        "  --speed N            run device time N times faster (delays, timestamps)\n"
        "  --attach-time S      seconds of device time from CFUN=1 to registration (3)\n"
        "  --roaming            register as roaming (+CEREG: 5)\n"
        "  --fault F            no-sim | reg-denied | coverage-loss=SECONDS[@AFTER]\n"
        "                       (lost AFTER seconds after the first PDN activation, default 10)\n"
        "  --garbage RATE       inject a random byte after each sent byte with probability RATE\n"
        "  --seed N             seed the stray bytes of --garbage (0 to 4294967295): the same\n"
        "                       seed gives the same bytes in the same places (default: a\n"
        "                       random seed, printed as 'GARBAGE <rate> seed <n>')\n"
        "  --bootloader         start in MCUboot serial recovery (SMP) instead of the app\n"
        "  --dfu-wait MS        after every reset MCUboot waits MS device milliseconds for an\n"
        "                       SMP command and stays in serial recovery when one comes, else\n"
        "                       boots the app (MCUboot's CONFIG_BOOT_SERIAL_WAIT_FOR_DFU)\n"
        "  --baud N             the UART runs at N baud each way (10 bits a byte, device\n"
        "                       time), e.g. 115200 like the nRF91's; default: pty speed\n"
        "  --boot-on-open       stay powered off until a terminal opens the pty\n"
        "  --ca FILE            PEM root CA that nrf_provisioning installs in sec tag 189298\n"
        "  --cloud HOST:PORT    the CoAP/DTLS endpoint of the provisioning service and nRF\n"
        "                       Cloud CoAP (provstation-cloudsim's coaps port); without it\n"
        "                       every cloud attempt fails as an unresolved host\n"
        "  --log-level LEVEL    dbg (default, as ATT builds), inf, wrn or err\n"
        "  --replug-delay MS    host milliseconds between cable pull and replug (500)\n"
        "  --version            print the version and git revision\n"
        "  --help               this text\n"
        "\n"
        "Signals: SIGUSR1 pulls the cable (the pty goes away and comes back under the same\n"
        "--link, the device keeps running); SIGUSR2 pulls it with power (the device reboots when\n"
        "plugged back); SIGINT/SIGTERM quit.\n");
}

std::expected<DeviceOptions, QString> parseDeviceOptions(const QStringList &arguments) {
    DeviceOptions options;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        QString option = arguments.at(i);
        QString value;
        bool inlineValue = false;
        if (option.startsWith(u"--") && option.contains(u'=')) {
            const qsizetype equals = option.indexOf(u'=');
            value = option.mid(equals + 1);
            option = option.left(equals);
            inlineValue = true;
        }
        const auto needValue = [&]() -> std::expected<QString, QString> {
            if (inlineValue)
                return value;
            if (i + 1 >= arguments.size())
                return std::unexpected(QStringLiteral("%1 needs a value").arg(option));
            return arguments.at(++i);
        };
        const auto take = [&](QString &target) -> std::optional<QString> {
            auto v = needValue();
            if (!v)
                return v.error();
            target = *v;
            return std::nullopt;
        };

        std::optional<QString> error;
        if (option == u"--help" || option == u"-h") {
            options.helpRequested = true;
        } else if (option == u"--state") {
            error = take(options.stateDir);
        } else if (option == u"--link") {
            error = take(options.linkPath);
        } else if (option == u"--registry") {
            error = take(options.registryFile);
        } else if (option == u"--ca") {
            error = take(options.caFile);
        } else if (option == u"--cloud") {
            error = take(options.cloud);
            if (!error) {
                if (auto endpoint = CloudEndpoint::parse(options.cloud); !endpoint)
                    error = endpoint.error();
            }
        } else if (option == u"--model") {
            QString model;
            error = take(model);
            if (!error && !ModemModel::byName(model))
                error = QStringLiteral("--model %1: expected one of %2")
                            .arg(model, ModemModel::names().join(QStringLiteral(", ")));
            options.model = model;
        } else if (option == u"--att") {
            QString text;
            error = take(text);
            if (!error) {
                auto version = AttProfile::parseOption(text);
                if (!version)
                    error = version.error();
                else
                    options.attVersion = *version;
            }
        } else if (option == u"--speed" || option == u"--attach-time" || option == u"--garbage" ||
                   option == u"--replug-delay" || option == u"--dfu-wait" || option == u"--baud") {
            QString text;
            error = take(text);
            if (!error) {
                auto number = positiveNumber(option, text);
                if (!number) {
                    error = number.error();
                } else if (option == u"--speed") {
                    options.speed = *number;
                } else if (option == u"--attach-time") {
                    options.lte.attachTime = std::chrono::milliseconds(qint64(*number * 1000));
                } else if (option == u"--replug-delay") {
                    options.replugDelayMs = int(*number);
                } else if (option == u"--baud") {
                    options.baud = int(*number);
                    if (options.baud < 10 || double(options.baud) != *number)
                        error = QStringLiteral("--baud %1: expected a whole number of at least 10")
                                    .arg(text);
                } else if (option == u"--dfu-wait") {
                    options.dfuWaitMs = int(std::ceil(*number));
                } else if (*number > 1) {
                    error =
                        QStringLiteral("--garbage %1: expected a probability up to 1").arg(text);
                } else {
                    options.garbageRate = *number;
                }
            }
        } else if (option == u"--seed") {
            QString text;
            error = take(text);
            if (!error) {
                bool ok = false;
                const qulonglong seed = text.toULongLong(&ok);
                if (!ok || seed > std::numeric_limits<quint32>::max())
                    error = QStringLiteral("--seed %1: expected a whole number from 0 to %2")
                                .arg(text)
                                .arg(std::numeric_limits<quint32>::max());
                else
                    options.seed = quint32(seed);
            }
        } else if (option == u"--roaming") {
            options.lte.roaming = true;
        } else if (option == u"--bootloader") {
            options.bootloader = true;
        } else if (option == u"--boot-on-open") {
            options.bootOnOpen = true;
        } else if (option == u"--log-level") {
            QString level;
            error = take(level);
            if (level == u"dbg")
                options.logLevel = LogLevel::Debug;
            else if (level == u"inf")
                options.logLevel = LogLevel::Info;
            else if (level == u"wrn")
                options.logLevel = LogLevel::Warning;
            else if (level == u"err")
                options.logLevel = LogLevel::Error;
            else if (!error)
                error = QStringLiteral("--log-level %1: expected dbg, inf, wrn or err").arg(level);
        } else if (option == u"--fault") {
            QString fault;
            error = take(fault);
            if (!error && fault == u"no-sim") {
                options.lte.noSim = true;
            } else if (!error && fault == u"reg-denied") {
                options.lte.registrationDenied = true;
            } else if (!error && fault.startsWith(u"coverage-loss=")) {
                const QString spec = fault.mid(14);
                const QStringList parts = spec.split(u'@');
                auto duration =
                    positiveNumber(QStringLiteral("--fault coverage-loss"), parts.value(0));
                if (!duration || parts.size() > 2) {
                    error = QStringLiteral("--fault %1: expected coverage-loss=SECONDS[@AFTER]")
                                .arg(fault);
                } else {
                    options.lte.coverageLossDuration =
                        std::chrono::milliseconds(qint64(*duration * 1000));
                    if (parts.size() == 2) {
                        auto after =
                            positiveNumber(QStringLiteral("--fault coverage-loss"), parts.at(1));
                        if (!after)
                            error = after.error();
                        else
                            options.lte.coverageLossAfter =
                                std::chrono::milliseconds(qint64(*after * 1000));
                    }
                }
            } else if (!error) {
                error = QStringLiteral("--fault %1: expected no-sim, reg-denied or "
                                       "coverage-loss=SECONDS[@AFTER]")
                            .arg(fault);
            }
        } else {
            error = QStringLiteral("unknown option %1 (see --help)").arg(arguments.at(i));
        }
        if (error)
            return std::unexpected(*error);
    }
    return options;
}

} // namespace ps::devsim
