// SmpFlasher with enterFromShell against the real provstation-devsim running the application:
// the flasher reboots it from the Zephyr shell and catches MCUboot's wait for DFU (--dfu-wait).
#include "DevsimHarness.h"
#include "core/bundle/FirmwareBundle.h"
#include "device/SerialTransport.h"
#include "device/SmpFlasher.h"

#include <QElapsedTimer>
#include <QTest>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace ps::devsim::test;
using ps::bundle::FirmwareBundle;
using ps::device::Flasher;
using ps::device::FlashError;
using ps::device::SerialTransport;
using ps::device::SmpFlasher;
using ps::mcumgr::ImageVersion;

namespace {

FirmwareBundle bundleFor(ImageVersion version) {
    ps::bundle::BundleSource source;
    source.name = QStringLiteral("test firmware");
    source.version = version.toString();
    source.models = {QStringLiteral("nRF9151")};
    QByteArray payload;
    while (payload.size() < 24 * 1024)
        payload += "payload of version " + version.toString().toLatin1() + '\n';
    source.application = ps::mcumgr::buildMcubootImage(version, payload);
    auto zip = ps::bundle::writeBundle(source);
    EXPECT_TRUE(zip.has_value());
    auto bundle = FirmwareBundle::read(*zip);
    EXPECT_TRUE(bundle.has_value());
    return *bundle;
}

class SmpFlasherFromShell : public testing::Test {
protected:
    // The application boots and runs its shell; with `dfuWaitMs` MCUboot listens that long
    // (device time, 100 times faster than the host) after every reset.
    void startRunningDevice(int dfuWaitMs) {
        QStringList arguments{QStringLiteral("--state"), box.state(),
                              QStringLiteral("--link"),  box.link(),
                              QStringLiteral("--speed"), QStringLiteral("100")};
        if (dfuWaitMs > 0)
            arguments << QStringLiteral("--dfu-wait") << QString::number(dfuWaitMs);
        process = std::make_unique<DevsimProcess>(arguments);
        ASSERT_TRUE(process->start());
        ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT Asset Tracker Template")));
    }

    static ps::device::SmpFlashOptions options(bool enterFromShell) {
        ps::device::SmpFlashOptions options;
        options.enterFromShell = enterFromShell;
        options.probeTimeout = std::chrono::milliseconds(500);
        options.probeAttempts = 1;
        options.recoveryWindowTimeout = std::chrono::milliseconds(3000);
        options.firstChunkTimeout = std::chrono::milliseconds(5000);
        options.bootTimeout = std::chrono::milliseconds(10000);
        return options;
    }

    std::expected<ps::device::FlashOutcome, FlashError> flash(const FirmwareBundle &bundle,
                                                              bool enterFromShell = true) {
        SerialTransport transport(box.link());
        SmpFlasher flasher(transport, options(enterFromShell));
        QObject::connect(&flasher, &Flasher::stageChanged, &flasher,
                         [this](Flasher::Stage, const QString &text) { stages.push_back(text); });
        FirmwareBundle copy = bundle;
        return QCoro::waitFor(flasher.flash(std::move(copy)));
    }

    qsizetype bootLinesWith(const QString &text) const {
        const QStringList lines = process->stdoutLines();
        return std::count_if(lines.begin(), lines.end(), [&](const QString &line) {
            return line.startsWith(u"BOOT ") && line.contains(text);
        });
    }

    DevsimSandbox box;
    std::unique_ptr<DevsimProcess> process;
    QStringList stages;
};

} // namespace

TEST_F(SmpFlasherFromShell, FlashesADeviceRunningTheApplicationThroughTheWaitForDfu) {
    startRunningDevice(50000); // half a host second
    const FirmwareBundle bundle = bundleFor(ImageVersion{1, 6, 0, 0});
    const auto outcome = flash(bundle);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_FALSE(outcome->skipped);
    EXPECT_EQ(outcome->bytesSent, bundle.application()->data.size());
    EXPECT_EQ(outcome->bootedVersion, u"1.6.0");
    EXPECT_TRUE(stages.contains(u"Rebooting into the bootloader"));
    EXPECT_EQ(bootLinesWith(QStringLiteral("SMP command during the wait for DFU")), 1);
    EXPECT_TRUE(
        process->waitForLine(QStringLiteral("BOOT Asset Tracker Template v1.6.0 (uploaded")));
}

TEST_F(SmpFlasherFromShell, SkipsTheSameImageOnARunningDevice) {
    startRunningDevice(50000);
    const FirmwareBundle bundle = bundleFor(ImageVersion{1, 6, 0, 0});
    ASSERT_TRUE(flash(bundle).has_value());
    ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT Asset Tracker Template v1.6.0")));

    const auto again = flash(bundle);
    ASSERT_TRUE(again.has_value()) << again.error().message.toStdString();
    EXPECT_TRUE(again->skipped);
    EXPECT_EQ(again->bytesSent, 0);
    EXPECT_EQ(again->bootedVersion, u"1.6.0");
    EXPECT_EQ(bootLinesWith(QStringLiteral("SMP command during the wait for DFU")), 2);
}

TEST_F(SmpFlasherFromShell, StopsProbingAsSoonAsTheShellAnswersInstead) {
    startRunningDevice(50000);
    SerialTransport transport(box.link());
    auto slowProbe = options(true);
    slowProbe.probeTimeout = std::chrono::milliseconds(30000);
    slowProbe.probeAttempts = 2;
    SmpFlasher flasher(transport, slowProbe);
    QElapsedTimer elapsed;
    elapsed.start();
    const auto outcome = QCoro::waitFor(flasher.flash(bundleFor(ImageVersion{1, 6, 0, 0})));
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_EQ(outcome->bootedVersion, u"1.6.0");
    // Waiting out the probe would take a minute; the prompt after the probe ends it.
    EXPECT_LT(elapsed.elapsed(), 25000);
}

TEST_F(SmpFlasherFromShell, SaysHowToEnableTheWaitWhenTheBootloaderHasNone) {
    startRunningDevice(0);
    const qsizetype linesBefore = process->stdoutLines().size();
    QElapsedTimer elapsed;
    elapsed.start();
    const auto outcome = flash(bundleFor(ImageVersion{1, 6, 0, 0}));
    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(toString(outcome.error().kind), toString(FlashError::Kind::NotInRecovery));
    EXPECT_TRUE(outcome.error().message.contains(u"CONFIG_BOOT_SERIAL_WAIT_FOR_DFU"))
        << outcome.error().message.toStdString();
    EXPECT_TRUE(outcome.error().message.contains(u"hold the boot button"));
    EXPECT_EQ(outcome.error().bytesSent, 0);
    // The probe (0.5 s) and the window (3 s) bound it, however long the machine is loaded.
    EXPECT_LT(elapsed.elapsed(), 15000);
    // It did reboot the device, which came back up in its application.
    EXPECT_TRUE(process->waitForLine(QStringLiteral("BOOT Asset Tracker Template"), linesBefore));
    EXPECT_EQ(bootLinesWith(QStringLiteral("serial recovery")), 0);
}

TEST_F(SmpFlasherFromShell, LeavesARunningDeviceAloneWithoutTheOption) {
    startRunningDevice(50000);
    const auto outcome = flash(bundleFor(ImageVersion{1, 6, 0, 0}), false);
    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(toString(outcome.error().kind), toString(FlashError::Kind::NotInRecovery));
    EXPECT_TRUE(outcome.error().message.contains(u"Hold the boot button"));
    EXPECT_FALSE(stages.contains(u"Rebooting into the bootloader"));
    EXPECT_EQ(bootLinesWith(QStringLiteral("waiting for DFU")), 1); // only the power-on
}
