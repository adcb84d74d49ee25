// provstation-bundle: makes MCUboot images and firmware bundles (app/core/bundle/FirmwareBundle.h).
//
//   provstation-bundle image --version 1.6.0 [--header-size 512] [--load-address 0]
//                            <payload> -o <image.bin>
//   provstation-bundle create --name <name> --version <v> --model <m> [--model <m>...]
//                             [--board <b>...] --app <image.bin>
//                             [--modem <mfw.zip> --modem-version <v>] -o <bundle.zip>
//   provstation-bundle demo --version <v> -o <bundle.zip>
//
// `demo` makes the bundle for the virtual device (provstation-devsim): an MCUboot image of the
// given version with a fixed payload, for every model the virtual device can be.
#include "core/BuildInfo.h"
#include "core/bundle/FirmwareBundle.h"
#include "mcumgr/McubootImage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>
#include <QTextStream>
#include <cstdio>

namespace {

using ps::mcumgr::ImageVersion;

QTextStream &err() {
    static QTextStream stream(stderr);
    return stream;
}

int fail(const QString &message) {
    err() << "provstation-bundle: " << message << Qt::endl;
    return 1;
}

std::optional<QByteArray> readAll(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        return std::nullopt;
    }
    return file.readAll();
}

bool writeAll(const QString &path, const QByteArray &bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

/// Parses "512" or "0x200".
std::optional<quint32> number(const QString &text) {
    bool ok = false;
    const quint32 value = text.startsWith(u"0x") ? text.mid(2).toUInt(&ok, 16) : text.toUInt(&ok);
    return ok ? std::optional(value) : std::nullopt;
}

QByteArray demoPayload(const ImageVersion &version) {
    // Deterministic bytes, so the demo bundle is reproducible and its hash stable per version.
    QByteArray payload;
    const QByteArray line = "ProvStation demo application " + version.toString().toLatin1() + '\n';
    while (payload.size() < 48 * 1024)
        payload += line;
    return payload;
}

int writeBundleFile(const ps::bundle::BundleSource &source, const QString &output) {
    const auto zip = ps::bundle::writeBundle(source);
    if (!zip)
        return fail(zip.error().message);
    return writeAll(output, *zip) ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("provstation-bundle"));
    QCoreApplication::setApplicationVersion(ps::core::versionString());
    // `--version` alone is the program's version; after a command it is the image's version.
    if (QCoreApplication::arguments().size() == 2 &&
        QCoreApplication::arguments().at(1) == QStringLiteral("--version")) {
        std::puts(qPrintable(ps::core::versionLine(QCoreApplication::applicationName())));
        return 0;
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Makes MCUboot images and ProvStation firmware bundles.\n"
                       "Commands: image, create, demo\n"
                       "provstation-bundle --version prints the tool's own version."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("image|create|demo"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("Output file."), QStringLiteral("file"));
    const QCommandLineOption version(QStringLiteral("version"),
                                     QStringLiteral("Image or bundle version (1.6.0, 1.6.0+3)."),
                                     QStringLiteral("v"));
    const QCommandLineOption headerSize(QStringLiteral("header-size"),
                                        QStringLiteral("MCUboot header size (default 0x200)."),
                                        QStringLiteral("n"), QStringLiteral("0x200"));
    const QCommandLineOption loadAddress(QStringLiteral("load-address"),
                                         QStringLiteral("Load address (default 0)."),
                                         QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("Bundle name."),
                                  QStringLiteral("text"));
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("A device model the bundle fits (repeatable)."),
                                   QStringLiteral("model"));
    const QCommandLineOption board(QStringLiteral("board"),
                                   QStringLiteral("A board the bundle is for (repeatable)."),
                                   QStringLiteral("board"));
    const QCommandLineOption appImage(QStringLiteral("app"),
                                      QStringLiteral("The MCUboot application image."),
                                      QStringLiteral("file"));
    const QCommandLineOption modem(QStringLiteral("modem"),
                                   QStringLiteral("A modem firmware package (optional)."),
                                   QStringLiteral("file"));
    const QCommandLineOption modemVersion(QStringLiteral("modem-version"),
                                          QStringLiteral("Version of the modem firmware."),
                                          QStringLiteral("v"));
    parser.addOptions({output, version, headerSize, loadAddress, name, model, board, appImage,
                       modem, modemVersion});
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return fail(QStringLiteral("a command is needed: image, create or demo (see --help)"));
    const QString command = positional.first();
    if (!parser.isSet(output))
        return fail(QStringLiteral("-o <file> is needed"));
    if (!parser.isSet(version))
        return fail(QStringLiteral("--version is needed"));
    const auto parsedVersion = ImageVersion::parse(parser.value(version));

    if (command == u"image") {
        if (!parsedVersion)
            return fail(QStringLiteral("--version: ") + parsedVersion.error());
        if (positional.size() != 2)
            return fail(QStringLiteral("image needs exactly one payload file"));
        const auto header = number(parser.value(headerSize));
        const auto address = number(parser.value(loadAddress));
        if (!header || *header < quint32(ps::mcumgr::ImageHeaderStructSize) || *header > 0xffff)
            return fail(QStringLiteral("--header-size must be a number from 32 to 65535"));
        if (!address)
            return fail(QStringLiteral("--load-address must be a number"));
        const auto payload = readAll(positional.at(1));
        if (!payload)
            return 1;
        const QByteArray image =
            ps::mcumgr::buildMcubootImage(*parsedVersion, *payload, quint16(*header), *address);
        return writeAll(parser.value(output), image) ? 0 : 1;
    }

    if (command == u"create") {
        ps::bundle::BundleSource source;
        source.name = parser.value(name);
        source.version = parser.value(version);
        source.models = parser.values(model);
        source.boards = parser.values(board);
        if (!parser.isSet(appImage))
            return fail(QStringLiteral("--app <image.bin> is needed"));
        const auto application = readAll(parser.value(appImage));
        if (!application)
            return 1;
        source.application = *application;
        if (parser.isSet(modem)) {
            const auto package = readAll(parser.value(modem));
            if (!package)
                return 1;
            source.modem = *package;
            source.modemVersion = parser.value(modemVersion);
        }
        return writeBundleFile(source, parser.value(output));
    }

    if (command == u"demo") {
        if (!parsedVersion)
            return fail(QStringLiteral("--version: ") + parsedVersion.error());
        ps::bundle::BundleSource source;
        source.name = QStringLiteral("ProvStation demo firmware (virtual device)");
        source.version = parsedVersion->toString();
        source.models = {QStringLiteral("nRF9151"), QStringLiteral("nRF9161"),
                         QStringLiteral("nRF9131"), QStringLiteral("nRF9160")};
        source.boards = {QStringLiteral("provstation-devsim")};
        source.application =
            ps::mcumgr::buildMcubootImage(*parsedVersion, demoPayload(*parsedVersion));
        return writeBundleFile(source, parser.value(output));
    }
    return fail(QStringLiteral("unknown command \"%1\" (image, create or demo)").arg(command));
}
