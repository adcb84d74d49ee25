// provstation-cli flash and bundle, against the real provstation-devsim in serial recovery.
#include "DevsimHarness.h"
#include "cli/CliApp.h"
#include "cli/ExitCode.h"
#include "core/bundle/FirmwareBundle.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace ps::devsim::test;
using ps::mcumgr::ImageVersion;

namespace {

struct CliRun {
    int status = -1;
    QString out;
    QString err;
    [[nodiscard]] QJsonObject json() const {
        return QJsonDocument::fromJson(out.toUtf8()).object();
    }
};

CliRun runCli(const QStringList &args) {
    CliRun run;
    QTextStream out(&run.out);
    QTextStream err(&run.err);
    ps::cli::CliApp app(out, err);
    run.status = QCoro::waitFor(app.run(args));
    out.flush();
    err.flush();
    return run;
}

class CliFlash : public testing::Test {
protected:
    void SetUp() override {
        ps::bundle::BundleSource source;
        source.name = QStringLiteral("cli test firmware");
        source.version = QStringLiteral("1.6.0");
        source.models = {QStringLiteral("nRF9151")};
        source.application = ps::mcumgr::buildMcubootImage(ImageVersion{1, 6, 0, 0},
                                                           QByteArray("cli test ").repeated(3000));
        good = write(QStringLiteral("good.zip"), *ps::bundle::writeBundle(source));
        QByteArray altered = source.application;
        altered[0x300] = char(altered[0x300] ^ 0x55);
        const QJsonObject manifest = ps::bundle::manifestFor(source);
        corrupt = write(QStringLiteral("corrupt.zip"),
                        ps::bundle::writeZip(
                            {{QStringLiteral("manifest.json"), QJsonDocument(manifest).toJson()},
                             {source.applicationFile, altered}}));
    }
    QString write(const QString &name, const QByteArray &bytes) {
        QFile file(dir.filePath(name));
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        return file.fileName();
    }
    void startDevice() {
        process = std::make_unique<DevsimProcess>(QStringList{
            QStringLiteral("--state"), box.state(), QStringLiteral("--link"), box.link(),
            QStringLiteral("--speed"), QStringLiteral("100"), QStringLiteral("--bootloader")});
        ASSERT_TRUE(process->start());
        ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT MCUboot serial recovery")));
    }
    // Runs its application; MCUboot waits half a host second for DFU after every reset.
    void startRunningDevice() {
        process = std::make_unique<DevsimProcess>(
            QStringList{QStringLiteral("--state"), box.state(), QStringLiteral("--link"),
                        box.link(), QStringLiteral("--speed"), QStringLiteral("100"),
                        QStringLiteral("--dfu-wait"), QStringLiteral("50000")});
        ASSERT_TRUE(process->start());
        ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT Asset Tracker Template")));
    }

    QTemporaryDir dir;
    QString good;
    QString corrupt;
    DevsimSandbox box;
    std::unique_ptr<DevsimProcess> process;
};

} // namespace

TEST_F(CliFlash, BundleVerifyAcceptsAGoodBundleAndGivesTheReasonForABadOne) {
    EXPECT_EQ(runCli({QStringLiteral("bundle"), QStringLiteral("verify"), good}).status,
              ps::cli::Success);
    const CliRun bad = runCli(
        {QStringLiteral("bundle"), QStringLiteral("verify"), corrupt, QStringLiteral("--json")});
    EXPECT_EQ(bad.status, ps::cli::UsageError);
    EXPECT_FALSE(bad.json().value(QStringLiteral("valid")).toBool(true));
    EXPECT_EQ(bad.json().value(QStringLiteral("error")).toString(), u"hash-mismatch");
}

TEST_F(CliFlash, BundleInspectShowsTheImageAndItsMcubootVersion) {
    const CliRun run = runCli({QStringLiteral("bundle"), QStringLiteral("inspect"), good});
    EXPECT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    EXPECT_TRUE(run.out.contains(u"MCUboot header 512 bytes, version 1.6.0"))
        << run.out.toStdString();
    const CliRun wrongModel = runCli({QStringLiteral("bundle"), QStringLiteral("inspect"), good,
                                      QStringLiteral("--model"), QStringLiteral("nRF9160-SICA")});
    EXPECT_EQ(wrongModel.status, ps::cli::UsageError);
    EXPECT_TRUE(wrongModel.err.contains(u"made for nRF9151")) << wrongModel.err.toStdString();
}

TEST_F(CliFlash, RefusesACorruptBundleBeforeOpeningThePort) {
    // The port does not exist: a refusal for the bundle (2), not "unreachable" (3), shows the
    // bundle was checked first.
    const CliRun run =
        runCli({QStringLiteral("flash"), QStringLiteral("--port"),
                dir.filePath(QStringLiteral("no-such-port")), corrupt, QStringLiteral("--json")});
    EXPECT_EQ(run.status, ps::cli::UsageError);
    EXPECT_EQ(run.json().value(QStringLiteral("error")).toString(), u"hash-mismatch");
    EXPECT_TRUE(run.err.contains(u"nothing was flashed")) << run.err.toStdString();
}

TEST_F(CliFlash, RefusesABundleForAnotherModel) {
    const CliRun run = runCli({QStringLiteral("flash"), QStringLiteral("--port"),
                               dir.filePath(QStringLiteral("no-such-port")), good,
                               QStringLiteral("--model"), QStringLiteral("nRF9161-LACA")});
    EXPECT_EQ(run.status, ps::cli::UsageError);
    EXPECT_TRUE(run.err.contains(u"the device is a nRF9161-LACA")) << run.err.toStdString();
}

TEST_F(CliFlash, FlashesTheDeviceAfterACorruptBundleWasRefused) {
    startDevice();
    const CliRun refused = runCli({QStringLiteral("flash"), QStringLiteral("--port"), box.link(),
                                   corrupt, QStringLiteral("--json")});
    EXPECT_EQ(refused.status, ps::cli::UsageError);

    const CliRun run = runCli({QStringLiteral("flash"), QStringLiteral("--port"), box.link(), good,
                               QStringLiteral("--model"), QStringLiteral("nRF9151-LACA"),
                               QStringLiteral("--json")});
    ASSERT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    const QJsonObject summary = run.json();
    EXPECT_TRUE(summary.value(QStringLiteral("ok")).toBool());
    EXPECT_EQ(summary.value(QStringLiteral("bootedVersion")).toString(), u"1.6.0");
    EXPECT_GT(summary.value(QStringLiteral("bytesSent")).toInteger(), 0);
    EXPECT_TRUE(run.err.contains(u"(100%)")) << run.err.toStdString();
    // One boot only: the refused bundle never reached the device.
    const QStringList lines = process->stdoutLines();
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [](const QString &l) { return l.startsWith(u"BOOT Asset Tracker"); }),
              1);
}

TEST_F(CliFlash, EntersTheBootloaderFromTheShellOfARunningDevice) {
    const CliRun help = runCli({QStringLiteral("flash"), QStringLiteral("--help")});
    EXPECT_TRUE(help.out.contains(u"--enter-from-shell")) << help.out.toStdString();

    startRunningDevice();
    const CliRun run = runCli({QStringLiteral("flash"), QStringLiteral("--port"), box.link(), good,
                               QStringLiteral("--enter-from-shell"), QStringLiteral("--json")});
    ASSERT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    EXPECT_TRUE(run.err.contains(u"flash: Rebooting into the bootloader")) << run.err.toStdString();
    EXPECT_EQ(run.json().value(QStringLiteral("bootedVersion")).toString(), u"1.6.0");
    EXPECT_TRUE(process->waitForLine(
        QStringLiteral("BOOT MCUboot serial recovery (SMP command during the wait for DFU)")));
}

TEST_F(CliFlash, SaysTheDeviceIsUnreachableWhenThePortIsMissing) {
    const CliRun run = runCli({QStringLiteral("flash"), QStringLiteral("--port"),
                               dir.filePath(QStringLiteral("no-such-port")), good});
    EXPECT_EQ(run.status, ps::cli::DeviceUnreachable) << run.err.toStdString();
}

#ifdef PROVSTATION_DEMO_BUNDLE
TEST_F(CliFlash, FlashesTheDemoBundleMadeByProvstationBundle) {
    const QString demo = QStringLiteral(PROVSTATION_DEMO_BUNDLE);
    const CliRun verify = runCli({QStringLiteral("bundle"), QStringLiteral("verify"), demo,
                                  QStringLiteral("--model"), QStringLiteral("nRF9160-SICA")});
    EXPECT_EQ(verify.status, ps::cli::Success) << verify.err.toStdString();

    startDevice();
    const CliRun run = runCli({QStringLiteral("flash"), QStringLiteral("--port"), box.link(), demo,
                               QStringLiteral("--json")});
    ASSERT_EQ(run.status, ps::cli::Success) << run.err.toStdString();
    EXPECT_EQ(run.json().value(QStringLiteral("bootedVersion")).toString(), u"1.6.0");
    EXPECT_TRUE(process->waitForLine(QStringLiteral("BOOT Asset Tracker Template v1.6.0")));
}
#endif
