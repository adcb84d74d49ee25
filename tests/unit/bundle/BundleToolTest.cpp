// provstation-bundle as a program: images and bundles it writes are what the station reads.
#include "core/bundle/FirmwareBundle.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using ps::mcumgr::ImageVersion;

namespace {

struct ToolRun {
    int exitCode = -1;
    QString err;
};

ToolRun runTool(const QStringList &arguments) {
    QProcess process;
    process.start(QStringLiteral(PROVSTATION_BUNDLE_EXECUTABLE), arguments);
    if (!process.waitForFinished(30000))
        return {};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardError())};
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

class BundleTool : public testing::Test {
protected:
    QString path(const char *name) const { return dir.filePath(QString::fromLatin1(name)); }
    void writeFile(const char *name, const QByteArray &bytes) {
        QFile file(path(name));
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    }
    QTemporaryDir dir;
};

} // namespace

TEST_F(BundleTool, MakesAnMcubootImageFromAPayload) {
    writeFile("payload.bin", QByteArray("application payload").repeated(100));
    const ToolRun run =
        runTool({QStringLiteral("image"), QStringLiteral("--version"), QStringLiteral("2.1.3+4"),
                 QStringLiteral("--header-size"), QStringLiteral("0x400"), path("payload.bin"),
                 QStringLiteral("-o"), path("app.bin")});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    const QByteArray bytes = readFile(path("app.bin"));
    const auto image = ps::mcumgr::verifyMcubootImage(bytes);
    ASSERT_TRUE(image.has_value()) << image.error().toStdString();
    EXPECT_EQ(image->version, (ImageVersion{2, 1, 3, 4}));
    EXPECT_EQ(image->headerSize, 0x400);
    EXPECT_EQ(bytes.mid(0x400, 19), QByteArray("application payload"));
}

TEST_F(BundleTool, MakesABundleTheStationAccepts) {
    writeFile("app.bin", ps::mcumgr::buildMcubootImage(ImageVersion{1, 6, 0, 0}, "code"));
    writeFile("mfw.zip", "modem firmware");
    const ToolRun run =
        runTool({QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("ATT"),
                 QStringLiteral("--version"), QStringLiteral("1.6.0"), QStringLiteral("--model"),
                 QStringLiteral("nRF9151"), QStringLiteral("--model"), QStringLiteral("nRF9161"),
                 QStringLiteral("--board"), QStringLiteral("thingy91x"), QStringLiteral("--app"),
                 path("app.bin"), QStringLiteral("--modem"), path("mfw.zip"),
                 QStringLiteral("--modem-version"), QStringLiteral("mfw_nrf91x1_2.0.3"),
                 QStringLiteral("-o"), path("bundle.zip")});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    const auto bundle = ps::bundle::FirmwareBundle::readFile(path("bundle.zip"));
    ASSERT_TRUE(bundle.has_value()) << bundle.error().message.toStdString();
    EXPECT_EQ(bundle->models, (QStringList{QStringLiteral("nRF9151"), QStringLiteral("nRF9161")}));
    EXPECT_EQ(bundle->application()->data, readFile(path("app.bin")));
    EXPECT_EQ(bundle->modem()->version, u"mfw_nrf91x1_2.0.3");
}

TEST_F(BundleTool, RefusesAnApplicationThatIsNotAnMcubootImage) {
    writeFile("plain.bin", "not an image");
    const ToolRun run =
        runTool({QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("X"),
                 QStringLiteral("--version"), QStringLiteral("1.0.0"), QStringLiteral("--model"),
                 QStringLiteral("nRF9151"), QStringLiteral("--app"), path("plain.bin"),
                 QStringLiteral("-o"), path("bundle.zip")});
    EXPECT_EQ(run.exitCode, 1);
    EXPECT_TRUE(run.err.contains(u"not a valid MCUboot image")) << run.err.toStdString();
    EXPECT_FALSE(QFile::exists(path("bundle.zip")));
}

TEST_F(BundleTool, MakesTheSameDemoBundleTwice) {
    ASSERT_EQ(runTool({QStringLiteral("demo"), QStringLiteral("--version"), QStringLiteral("1.6.0"),
                       QStringLiteral("-o"), path("a.zip")})
                  .exitCode,
              0);
    ASSERT_EQ(runTool({QStringLiteral("demo"), QStringLiteral("--version"), QStringLiteral("1.6.0"),
                       QStringLiteral("-o"), path("b.zip")})
                  .exitCode,
              0);
    EXPECT_EQ(readFile(path("a.zip")), readFile(path("b.zip")));
    const auto bundle = ps::bundle::FirmwareBundle::readFile(path("a.zip"));
    ASSERT_TRUE(bundle.has_value());
    EXPECT_TRUE(bundle->fits(u"nRF9160-SICA").has_value());
}
