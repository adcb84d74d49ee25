// SmpFlasher against an in-process SMP server behind a Transport: the paths MCUboot serial
// recovery (the virtual device) never takes - image state test/confirm as mcumgr in an
// application answers it, a wrong version after the reboot, a refused image, a rewound offset.
#include "core/bundle/FirmwareBundle.h"
#include "device/SmpFlasher.h"
#include "device/Transport.h"
#include "mcumgr/SmpMessage.h"
#include "mcumgr/SmpSerial.h"

#include <QElapsedTimer>
#include <QTimer>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using ps::core::CborValue;
using ps::device::FlashError;
using ps::device::SmpFlasher;
using ps::mcumgr::ImageVersion;
using ps::mcumgr::smpEntry;

namespace {

/// An SMP server that answers like mcumgr: echo, image list, upload, image state, reset.
class ScriptedSmpDevice : public ps::device::Transport {
public:
    QByteArray banner = "*** Booting Asset Tracker Template v1.6.0 - 0123456789ab ***\r\n";
    qint64 rcAtLastChunk = 0;
    qint64 rewindOnceAt = -1; ///< answer this offset with off 0 once
    QList<CborValue> stateWrites;
    QByteArray image;
    qint64 expectedLength = 0;
    qint64 bufferSize = 0; ///< answer the parameters command with this buf_size; 0: rc 8
    qsizetype largestChunk = 0;
    /// How many answers to an upload at offset 0 come back with a stray byte, and where it
    /// lands: inside the packet's base64 (the host's decoder drops the packet) or in its frame
    /// start (the packet reads as console text, as if never answered).
    int spoilFirstChunkAnswers = 0;
    bool spoilFrameStart = false;
    int firstChunkRequests = 0;
    int spoilListAnswers = 0; ///< image list answers that come back with a stray byte
    int listRequests = 0;
    bool spoilResetAnswer = false; ///< the reset's answer comes back with a stray byte
    int spoilStateAnswers = 0;     ///< image state write answers with a stray byte

    bool open() override {
        m_open = true;
        return true;
    }
    void close() override { m_open = false; }
    [[nodiscard]] bool isOpen() const override { return m_open; }
    [[nodiscard]] QString description() const override { return QStringLiteral("scripted"); }
    [[nodiscard]] QString errorString() const override { return {}; }
    bool write(const QByteArray &bytes) override {
        for (const QByteArray &body : m_decoder.feed(bytes)) {
            auto request = ps::mcumgr::decodeSmpMessage(body);
            if (request)
                handle(*request);
        }
        return true;
    }

private:
    void answer(const ps::mcumgr::SmpMessage &request,
                std::vector<std::pair<CborValue, CborValue>> entries, QByteArray after = {},
                bool spoiled = false) {
        QByteArray packet = ps::mcumgr::encodeSerialPacket(ps::mcumgr::encodeSmpMessage(
            ps::mcumgr::responseHeaderFor(request.header), CborValue::map(std::move(entries))));
        if (spoiled && spoilFrameStart)
            packet.insert(1, '\x7f');
        else if (spoiled)
            packet.insert(packet.size() / 2, '\x7f');
        QTimer::singleShot(0, this, [this, packet, after] {
            Q_EMIT bytesReceived(packet);
            if (!after.isEmpty())
                Q_EMIT bytesReceived(after);
        });
    }
    static CborValue rc(qint64 value) { return CborValue::integer(value); }

    void handle(const ps::mcumgr::SmpMessage &request) {
        const auto &h = request.header;
        if (h.group == 0 && h.command == 0) {
            answer(request, {smpEntry(QStringLiteral("r"), *request.payload.find(u"d"))});
        } else if (h.group == 0 && h.command == 6) {
            if (bufferSize > 0)
                answer(request,
                       {smpEntry(QStringLiteral("buf_size"), CborValue::integer(bufferSize)),
                        smpEntry(QStringLiteral("buf_count"), CborValue::integer(4))});
            else
                answer(request, {smpEntry(QStringLiteral("rc"), rc(8))});
        } else if (h.group == 0 && h.command == 5) {
            answer(request, {smpEntry(QStringLiteral("rc"), rc(0))}, banner, spoilResetAnswer);
        } else if (h.group == 1 && h.command == 0 && h.op == ps::mcumgr::SmpOp::Read) {
            ++listRequests;
            const bool spoiled = spoilListAnswers > 0;
            spoilListAnswers -= spoiled ? 1 : 0;
            answer(request, {smpEntry(QStringLiteral("images"), CborValue::array({}))}, {},
                   spoiled);
        } else if (h.group == 1 && h.command == 0) {
            stateWrites.push_back(request.payload);
            const bool spoiled = spoilStateAnswers > 0;
            spoilStateAnswers -= spoiled ? 1 : 0;
            answer(request, {smpEntry(QStringLiteral("rc"), rc(0))}, {}, spoiled);
        } else if (h.group == 1 && h.command == 1) {
            const qint64 offset = request.payload.find(u"off")->toInteger().value_or(-1);
            const QByteArray data = request.payload.find(u"data")->bytes;
            largestChunk = std::max(largestChunk, data.size());
            bool spoiled = false;
            if (offset == 0) {
                expectedLength = request.payload.find(u"len")->toInteger().value_or(0);
                image.clear();
                ++firstChunkRequests;
                spoiled = spoilFirstChunkAnswers > 0;
                spoilFirstChunkAnswers -= spoiled ? 1 : 0;
            }
            if (offset != image.size()) {
                answer(request,
                       {smpEntry(QStringLiteral("rc"), rc(0)),
                        smpEntry(QStringLiteral("off"), CborValue::integer(image.size()))});
                return;
            }
            if (offset == rewindOnceAt && offset > 0) {
                rewindOnceAt = -1;
                image.clear();
                answer(request, {smpEntry(QStringLiteral("rc"), rc(0)),
                                 smpEntry(QStringLiteral("off"), CborValue::integer(0))});
                return;
            }
            image.append(data);
            const bool last = image.size() == expectedLength;
            answer(request,
                   {smpEntry(QStringLiteral("rc"), rc(last ? rcAtLastChunk : 0)),
                    smpEntry(QStringLiteral("off"), CborValue::integer(image.size()))},
                   {}, spoiled);
        }
    }

    bool m_open = false;
    ps::mcumgr::SerialPacketDecoder m_decoder;
};

ps::bundle::FirmwareBundle testBundle() {
    ps::bundle::BundleSource source;
    source.name = QStringLiteral("scripted");
    source.version = QStringLiteral("1.6.0");
    source.models = {QStringLiteral("nRF9151")};
    source.application = ps::mcumgr::buildMcubootImage(ImageVersion{1, 6, 0, 0},
                                                       QByteArray("0123456789").repeated(1500));
    return *ps::bundle::FirmwareBundle::read(*ps::bundle::writeBundle(source));
}

std::expected<ps::device::FlashOutcome, FlashError>
flashOn(ScriptedSmpDevice &device, ps::device::SmpFlashOptions options = {}) {
    SmpFlasher flasher(device, options);
    return QCoro::waitFor(flasher.flash(testBundle()));
}

} // namespace

TEST(SmpFlasherScripted, MarksTheImageForATestBootAndConfirmsItOnceItRuns) {
    ScriptedSmpDevice device;
    const auto outcome = flashOn(device);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_EQ(device.image, testBundle().application()->data);
    ASSERT_EQ(device.stateWrites.size(), 2);
    EXPECT_EQ(device.stateWrites.at(0).find(u"hash")->bytes,
              testBundle().application()->mcuboot->sha256);
    EXPECT_EQ(*device.stateWrites.at(0).find(u"confirm"), CborValue::boolean(false));
    EXPECT_EQ(device.stateWrites.at(1).find(u"hash"), nullptr); // confirm the running image
    EXPECT_EQ(*device.stateWrites.at(1).find(u"confirm"), CborValue::boolean(true));
    EXPECT_EQ(outcome->confirmation, u"test boot succeeded, image confirmed");
}

TEST(SmpFlasherScripted, MarksThePermanentImageBeforeTheResetOnly) {
    ScriptedSmpDevice device;
    ps::device::SmpFlashOptions options;
    options.confirm = ps::device::SmpFlashOptions::Confirm::Permanent;
    const auto outcome = flashOn(device, options);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    ASSERT_EQ(device.stateWrites.size(), 1);
    EXPECT_EQ(*device.stateWrites.at(0).find(u"confirm"), CborValue::boolean(true));
}

TEST(SmpFlasherScripted, FailsTheBootCheckWhenAnotherVersionComesUp) {
    ScriptedSmpDevice device;
    device.banner = "*** Booting Asset Tracker Template v1.5.0 - 0123456789ab ***\r\n";
    const auto outcome = flashOn(device);
    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(toString(outcome.error().kind), toString(FlashError::Kind::BootCheckFailed));
    EXPECT_TRUE(outcome.error().message.contains(u"v1.5.0, not the flashed version 1.6.0"))
        << outcome.error().message.toStdString();
    EXPECT_EQ(device.stateWrites.size(), 1); // never confirmed
}

TEST(SmpFlasherScripted, ReportsAnImageTheDeviceRefuses) {
    ScriptedSmpDevice device;
    device.rcAtLastChunk = 3;
    const auto outcome = flashOn(device);
    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(toString(outcome.error().kind), toString(FlashError::Kind::DeviceRefused));
    EXPECT_TRUE(outcome.error().message.contains(u"the image does not verify"))
        << outcome.error().message.toStdString();
}

TEST(SmpFlasherScripted, ContinuesFromTheOffsetTheDeviceAsksFor) {
    ScriptedSmpDevice device;
    device.rewindOnceAt = 2 * SmpFlasher::chunkSize(1024, testBundle().application()->data.size());
    const auto outcome = flashOn(device);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_EQ(device.image, testBundle().application()->data);
}

TEST(SmpFlasherScripted, SizesChunksFromTheBufferTheDeviceAnnounces) {
    ScriptedSmpDevice device;
    device.bufferSize = 384;
    const auto outcome = flashOn(device);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    const qsizetype size = testBundle().application()->data.size();
    EXPECT_EQ(device.largestChunk, SmpFlasher::chunkSize(384, size));

    ScriptedSmpDevice recovery; // no parameters command: the configured 1024
    ASSERT_TRUE(flashOn(recovery).has_value());
    EXPECT_EQ(recovery.largestChunk, SmpFlasher::chunkSize(1024, size));
}

TEST(SmpFlasherScripted, SendsTheFirstChunkAgainAtOnceWhenAStrayByteSpoilsItsAnswer) {
    // The packet's CRC or base64 fails on the host: no need to wait out the erase timeout.
    ScriptedSmpDevice device;
    device.spoilFirstChunkAnswers = 1;
    QElapsedTimer clock;
    clock.start();
    const auto outcome = flashOn(device);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_EQ(device.image, testBundle().application()->data);
    EXPECT_EQ(device.firstChunkRequests, 2);
    EXPECT_LT(clock.elapsed(), 15'000) << "sent again long before the 30 s erase timeout";
}

TEST(SmpFlasherScripted, SendsTheFirstChunkAgainWhenItsAnswerNeverArrivesWhole) {
    // The stray byte lands in the frame start: the answer reads as console text, so only the
    // timeout tells; the first chunk then gets the same further attempts as every other.
    ScriptedSmpDevice device;
    device.spoilFirstChunkAnswers = 2;
    device.spoilFrameStart = true;
    ps::device::SmpFlashOptions options;
    options.firstChunkTimeout = std::chrono::milliseconds(300);
    const auto outcome = flashOn(device, options);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_EQ(device.image, testBundle().application()->data);
    EXPECT_EQ(device.firstChunkRequests, 3);
}

TEST(SmpFlasherScripted, AsksForTheImageListAgainAtOnceWhenItsAnswerIsSpoiled) {
    ScriptedSmpDevice device;
    device.spoilListAnswers = 2;
    ps::device::SmpFlashOptions options;
    options.commandTimeout = std::chrono::milliseconds(30000);
    QElapsedTimer clock;
    clock.start();
    const auto outcome = flashOn(device, options);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_EQ(device.listRequests, 3);
    EXPECT_LT(clock.elapsed(), 15'000) << "asked again long before the command timeout";
}

TEST(SmpFlasherScripted, TakesTheBannerAsProofOfAResetWhoseAnswerWasSpoiled) {
    ScriptedSmpDevice device;
    device.spoilResetAnswer = true;
    device.spoilFrameStart = true;
    ps::device::SmpFlashOptions options;
    options.commandTimeout = std::chrono::milliseconds(300);
    const auto outcome = flashOn(device, options);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    EXPECT_EQ(outcome->bootedVersion, u"1.6.0");
}

TEST(SmpFlasherScripted, MarksTheImageAgainWhenTheAnswerToTheMarkIsSpoiled) {
    ScriptedSmpDevice device;
    device.spoilStateAnswers = 1;
    const auto outcome = flashOn(device);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    ASSERT_EQ(device.stateWrites.size(), 3);
    EXPECT_EQ(device.stateWrites.at(0), device.stateWrites.at(1)) << "the same mark again";
    EXPECT_EQ(outcome->confirmation, u"test boot succeeded, image confirmed");
}

TEST(SmpFlasherScripted, GivesUpOnTheFirstChunkAfterItsAttempts) {
    ScriptedSmpDevice device;
    device.spoilFirstChunkAnswers = 100;
    device.spoilFrameStart = true;
    ps::device::SmpFlashOptions options;
    options.firstChunkTimeout = std::chrono::milliseconds(200);
    options.chunkAttempts = 3;
    const auto outcome = flashOn(device, options);
    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(toString(outcome.error().kind), toString(FlashError::Kind::Timeout))
        << outcome.error().message.toStdString();
    EXPECT_EQ(device.firstChunkRequests, 3);
}

struct SpoiledBanner {
    const char *name;
    QByteArray banner;
    bool flashed;          ///< the flash reports success
    const char *inMessage; ///< part of the error message when it does not
};

class SmpFlasherBanner : public testing::TestWithParam<SpoiledBanner> {};

TEST_P(SmpFlasherBanner, ReadsTheBootBannerThroughAStrayByteButNeverAWrongVersion) {
    ScriptedSmpDevice device;
    device.banner = GetParam().banner;
    ps::device::SmpFlashOptions options;
    options.bootTimeout = std::chrono::milliseconds(500);
    const auto outcome = flashOn(device, options);
    if (GetParam().flashed) {
        ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
        EXPECT_EQ(outcome->bootedVersion, u"1.6.0");
        EXPECT_TRUE(outcome->banner.contains(u" v1.6.0 ")) << outcome->banner.toStdString();
    } else {
        ASSERT_FALSE(outcome.has_value()) << outcome->bootedVersion.toStdString();
        EXPECT_EQ(toString(outcome.error().kind), toString(FlashError::Kind::BootCheckFailed));
        EXPECT_TRUE(outcome.error().message.contains(QLatin1StringView(GetParam().inMessage)))
            << outcome.error().message.toStdString();
        EXPECT_EQ(device.stateWrites.size(), 1) << "never confirmed";
    }
}

INSTANTIATE_TEST_SUITE_P(
    StrayBytes, SmpFlasherBanner,
    testing::Values(
        SpoiledBanner{"NonPrintableByteInTheWordBooting",
                      "*** Boo\x93ting Asset Tracker Template v1.6.0 - 0123456789ab ***\r\n", true,
                      ""},
        SpoiledBanner{"PrintableByteInTheProductName",
                      "*** Booting Asset TrackerQ Template v1.6.0 - 0123456789ab ***\r\n", true,
                      ""},
        SpoiledBanner{"ExtraDotInTheVersion",
                      "*** Booting Asset Tracker Template v1.6..0 - 0123456789ab ***\r\n", true,
                      ""},
        SpoiledBanner{"NonPrintableByteInTheVersion",
                      "*** Booting Asset Tracker Template v1.6\xff.0 - 0123456789ab ***\r\n", true,
                      ""},
        SpoiledBanner{"LineFeedCuttingTheBanner",
                      "*** Booting Asset Tracker \nTemplate v1.6.0 - 0123456789ab ***\r\n", true,
                      ""},
        SpoiledBanner{"StrayByteBeforeTheVersionThenTheSdkLine",
                      "*** Booting Asset Tracker Template ?v1.6.0 - 0123456789ab ***\r\n"
                      "*** Using nRF Connect SDK v3.1.1 ***\r\n",
                      true, ""},
        SpoiledBanner{"StrayByteInAnOlderVersionsBanner",
                      "*** Boo\x93ting Asset Tracker Template v1.5.0 - 0123456789ab ***\r\n", false,
                      "v1.5.0, not the flashed version 1.6.0"},
        SpoiledBanner{"StrayDigitMakingAnotherVersion",
                      "*** Booting Asset Tracker Template v1.6.50 - 0123456789ab ***\r\n", false,
                      "not the flashed version 1.6.0"},
        SpoiledBanner{"TwoStrayBytes",
                      "*** Boo\x93ting Asset Tracker Template v1.6\x85.0 - 0123456789ab ***\r\n",
                      false, "unreadable"}),
    [](const testing::TestParamInfo<SpoiledBanner> &spoiled) {
        return std::string(spoiled.param.name);
    });
