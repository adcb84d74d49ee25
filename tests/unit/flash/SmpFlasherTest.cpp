// The SMP flasher against the real provstation-devsim in MCUboot serial recovery, on its pty.
#include "device/SmpFlasher.h"

#include "DevsimHarness.h"
#include "core/bundle/FirmwareBundle.h"
#include "device/SerialTransport.h"

#include <QSignalSpy>
#include <QTest>
#include <csignal>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace ps::devsim::test;
using ps::bundle::FirmwareBundle;
using ps::device::FlashError;
using ps::device::SerialTransport;
using ps::device::SmpFlasher;
using ps::mcumgr::ImageVersion;

namespace {

FirmwareBundle bundleFor(ImageVersion version, qsizetype payloadSize = 40 * 1024) {
    ps::bundle::BundleSource source;
    source.name = QStringLiteral("test firmware");
    source.version = version.toString();
    source.models = {QStringLiteral("nRF9151")};
    QByteArray payload;
    while (payload.size() < payloadSize)
        payload += "payload of version " + version.toString().toLatin1() + '\n';
    source.application = ps::mcumgr::buildMcubootImage(version, payload);
    auto zip = ps::bundle::writeBundle(source);
    EXPECT_TRUE(zip.has_value());
    auto bundle = FirmwareBundle::read(*zip);
    EXPECT_TRUE(bundle.has_value());
    return *bundle;
}

ps::device::SmpFlashOptions fastOptions() {
    ps::device::SmpFlashOptions options;
    options.firstChunkTimeout = std::chrono::milliseconds(5000);
    options.bootTimeout = std::chrono::milliseconds(10000);
    return options;
}

class SmpFlasherOnDevsim : public testing::Test {
protected:
    void startDevice(bool bootloader = true, const QStringList &extra = {}) {
        QStringList arguments{QStringLiteral("--state"), box.state(),
                              QStringLiteral("--link"),  box.link(),
                              QStringLiteral("--speed"), QStringLiteral("100")};
        if (!extra.isEmpty())
            arguments = QStringList{QStringLiteral("--state"), box.state(),
                                    QStringLiteral("--link"), box.link()} +
                        extra;
        if (bootloader)
            arguments << QStringLiteral("--bootloader");
        process = std::make_unique<DevsimProcess>(arguments);
        ASSERT_TRUE(process->start());
        ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT ")));
    }
    void restartDevice(bool bootloader = true) {
        process->stop();
        process.reset();
        startDevice(bootloader);
    }

    std::expected<ps::device::FlashOutcome, FlashError>
    flash(const FirmwareBundle &bundle, const std::function<void(SmpFlasher &)> &setUp = {}) {
        SerialTransport transport(box.link());
        SmpFlasher flasher(transport, fastOptions());
        if (setUp)
            setUp(flasher);
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
};

} // namespace

TEST_F(SmpFlasherOnDevsim, FlashesAGoodImageThatThenBootsWithTheNewVersion) {
    startDevice();
    const FirmwareBundle bundle = bundleFor(ImageVersion{1, 6, 0, 0});
    QList<qint64> sent;
    const auto outcome = flash(bundle, [&](SmpFlasher &flasher) {
        QObject::connect(&flasher, &SmpFlasher::progress, &flasher,
                         [&](qint64 bytes, qint64, double rate) {
                             sent.push_back(bytes);
                             EXPECT_GT(rate, 0);
                         });
    });
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_FALSE(outcome->skipped);
    EXPECT_EQ(outcome->bootedVersion, u"1.6.0");
    EXPECT_EQ(outcome->bytesSent, bundle.application()->data.size());
    EXPECT_TRUE(outcome->banner.contains(u"Booting Asset Tracker Template v1.6.0"));
    EXPECT_TRUE(outcome->confirmation.contains(u"serial recovery"));
    ASSERT_GT(sent.size(), 10); // many chunks of at most the device's buffer
    EXPECT_EQ(sent.last(), bundle.application()->data.size());
    EXPECT_TRUE(std::is_sorted(sent.begin(), sent.end()));
    EXPECT_TRUE(
        process->waitForLine(QStringLiteral("BOOT Asset Tracker Template v1.6.0 (uploaded")));
}

TEST_F(SmpFlasherOnDevsim, SkipsTheUploadWhenTheSameImageIsInPlace) {
    startDevice();
    const FirmwareBundle bundle = bundleFor(ImageVersion{1, 6, 0, 0});
    ASSERT_TRUE(flash(bundle).has_value());
    restartDevice(); // same state folder: slot 0 keeps the image, recovery on first boot
    const auto again = flash(bundle);
    ASSERT_TRUE(again.has_value()) << again.error().message.toStdString();
    EXPECT_TRUE(again->skipped);
    EXPECT_EQ(again->bytesSent, 0);
    EXPECT_EQ(again->bootedVersion, u"1.6.0");
}

TEST_F(SmpFlasherOnDevsim, FlashesANewerImageOverAnOlderUpload) {
    startDevice();
    ASSERT_TRUE(flash(bundleFor(ImageVersion{1, 6, 0, 0})).has_value());
    restartDevice();
    const auto outcome = flash(bundleFor(ImageVersion{1, 6, 1, 2}));
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_FALSE(outcome->skipped);
    EXPECT_EQ(outcome->bootedVersion, u"1.6.1+2");
}

TEST_F(SmpFlasherOnDevsim, FailsClearlyWhenTheCableIsPulledAndARetrySucceeds) {
    startDevice();
    const FirmwareBundle bundle = bundleFor(ImageVersion{1, 7, 0, 0}, 120 * 1024);
    const qsizetype linesBefore = process->stdoutLines().size();
    const auto pulled = flash(bundle, [&](SmpFlasher &flasher) {
        QObject::connect(&flasher, &SmpFlasher::progress, &flasher,
                         [&, pulledOnce = false](qint64 bytes, qint64 total, double) mutable {
                             if (!pulledOnce && bytes > total / 3) {
                                 pulledOnce = true;
                                 process->sendSignal(SIGUSR1);
                             }
                         });
    });
    ASSERT_FALSE(pulled.has_value());
    EXPECT_EQ(toString(pulled.error().kind), toString(FlashError::Kind::Disconnected))
        << pulled.error().message.toStdString();
    EXPECT_TRUE(pulled.error().message.contains(u"went away during the upload"))
        << pulled.error().message.toStdString();
    EXPECT_GT(pulled.error().bytesSent, 0);
    EXPECT_LT(pulled.error().bytesSent, bundle.application()->data.size());

    // The device comes back under the same link, still in serial recovery.
    ASSERT_TRUE(process->waitForLine(QStringLiteral("PTY "), linesBefore));
    const auto retried = flash(bundle);
    ASSERT_TRUE(retried.has_value()) << retried.error().message.toStdString();
    EXPECT_EQ(retried->bootedVersion, u"1.7.0");
}

TEST_F(SmpFlasherOnDevsim, CancelLeavesTheDeviceInRecoveryForAnotherFlash) {
    startDevice();
    const FirmwareBundle bundle = bundleFor(ImageVersion{1, 6, 0, 0});
    const auto cancelled = flash(bundle, [](SmpFlasher &flasher) {
        QObject::connect(&flasher, &SmpFlasher::progress, &flasher,
                         [&flasher](qint64, qint64, double) { flasher.cancel(); });
    });
    ASSERT_FALSE(cancelled.has_value());
    EXPECT_EQ(toString(cancelled.error().kind), toString(FlashError::Kind::Cancelled));
    EXPECT_TRUE(cancelled.error().message.contains(u"flash it again"));
    EXPECT_EQ(bootLinesWith(QStringLiteral("Asset Tracker")), 0);

    const auto retried = flash(bundle);
    ASSERT_TRUE(retried.has_value()) << retried.error().message.toStdString();
    EXPECT_EQ(retried->bootedVersion, u"1.6.0");
}

TEST_F(SmpFlasherOnDevsim, SaysWhenTheDeviceIsNotInSerialRecovery) {
    startDevice(false); // boots the application: a shell, no SMP server
    const auto outcome = flash(bundleFor(ImageVersion{1, 6, 0, 0}));
    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(toString(outcome.error().kind), toString(FlashError::Kind::NotInRecovery));
    EXPECT_TRUE(outcome.error().message.contains(u"Hold the boot button"));
}

TEST_F(SmpFlasherOnDevsim, UploadsNoFasterThanA115200BaudLineCarriesBase64) {
    // Device time runs ten times faster than the host: the line carries 11520 bytes per device
    // second, 115200 per host second.
    startDevice(true, {QStringLiteral("--speed"), QStringLiteral("10"), QStringLiteral("--baud"),
                       QStringLiteral("115200")});
    const FirmwareBundle bundle = bundleFor(ImageVersion{1, 6, 0, 0}, 24 * 1024);
    const auto outcome = flash(bundle);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_EQ(outcome->bootedVersion, u"1.6.0");
    // Base64 alone leaves 3/4 of 11520 bytes per device second for the image.
    const double devicePayloadRate = outcome->bytesPerSecond / 10.0;
    EXPECT_LE(devicePayloadRate, 11520.0 * 3 / 4);
    EXPECT_GT(devicePayloadRate, 11520.0 / 20); // slowed by the line, not stalled
}

TEST(SmpFlasher, SizesChunksToFitTheDeviceBuffer) {
    for (const qsizetype buffer : {qsizetype(384), qsizetype(1024), qsizetype(2048)}) {
        const qsizetype chunk = SmpFlasher::chunkSize(buffer, 200000);
        ps::mcumgr::SmpHeader header;
        const auto first = ps::core::CborValue::map({
            ps::mcumgr::smpEntry(QStringLiteral("off"), ps::core::CborValue::integer(0)),
            ps::mcumgr::smpEntry(QStringLiteral("data"),
                                 ps::core::CborValue::byteString(QByteArray(chunk, 'x'))),
            ps::mcumgr::smpEntry(QStringLiteral("len"), ps::core::CborValue::integer(200000)),
            ps::mcumgr::smpEntry(QStringLiteral("sha"),
                                 ps::core::CborValue::byteString(QByteArray(32, 's'))),
        });
        const qsizetype message = ps::mcumgr::encodeSmpMessage(header, first).size();
        EXPECT_LE(message, buffer - 4) << "buffer " << buffer;
        EXPECT_GT(message, buffer - 4 - 8) << "buffer " << buffer; // not wastefully small
    }
}
