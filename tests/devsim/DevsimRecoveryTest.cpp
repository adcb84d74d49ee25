// MCUboot serial recovery of the real provstation-devsim, spoken to over SMP as mcumgr does.
#include "DevsimHarness.h"
#include "mcumgr/McubootImage.h"
#include "mcumgr/SmpMessage.h"
#include "mcumgr/SmpSerial.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>
#include <gtest/gtest.h>

using namespace ps::devsim::test;
using namespace ps::mcumgr;
using ps::core::CborValue;

namespace {

class DevsimRecovery : public testing::Test {
protected:
    void startInBootloader() {
        process = std::make_unique<DevsimProcess>(
            QStringList{QStringLiteral("--state"), box.state(), QStringLiteral("--speed"),
                        QStringLiteral("100"), QStringLiteral("--bootloader")});
        ASSERT_TRUE(process->start());
        ASSERT_TRUE(process->waitForLine(QStringLiteral("BOOT MCUboot serial recovery")));
        ASSERT_TRUE(terminal.open(process->ptyPath()));
    }

    // One SMP request and its response, or nothing after the timeout.
    std::optional<SmpMessage> request(SmpOp op, quint16 group, quint8 command,
                                      std::vector<std::pair<CborValue, CborValue>> entries) {
        SmpHeader header;
        header.op = op;
        header.group = group;
        header.command = command;
        header.sequence = ++sequence;
        const qsizetype start = terminal.mark();
        terminal.send(
            encodeSerialPacket(encodeSmpMessage(header, CborValue::map(std::move(entries)))));
        std::optional<SmpMessage> response;
        SerialPacketDecoder decoder;
        qsizetype consumed = start;
        (void)QTest::qWaitFor(
            [&] {
                terminal.waitFor("\n", 10, consumed);
                for (const QByteArray &body : decoder.feed(terminal.received().mid(consumed))) {
                    auto message = decodeSmpMessage(body);
                    if (message && message->header.sequence == header.sequence)
                        response = *message;
                }
                consumed = terminal.mark();
                return response.has_value();
            },
            5000);
        return response;
    }

    static qint64 integer(const SmpMessage &message, QStringView key) {
        const CborValue *value = message.payload.find(key);
        return value && value->isInteger() ? value->toInteger().value_or(-1) : -1;
    }

    // Uploads `image` in chunks that keep every packet under MCUboot's 1024-byte buffer; returns
    // the rc of the last response. `stopAfter` sends only that many bytes.
    qint64 upload(const QByteArray &image, qsizetype stopAfter = -1) {
        constexpr qsizetype Chunk = 512;
        const qsizetype end = stopAfter < 0 ? image.size() : stopAfter;
        qint64 rc = -1;
        for (qsizetype offset = 0; offset < end; offset += Chunk) {
            std::vector<std::pair<CborValue, CborValue>> entries{
                smpEntry(QStringLiteral("off"), CborValue::integer(offset)),
                smpEntry(QStringLiteral("data"), CborValue::byteString(image.mid(offset, Chunk))),
            };
            if (offset == 0) {
                entries.push_back(smpEntry(QStringLiteral("image"), CborValue::integer(0)));
                entries.push_back(
                    smpEntry(QStringLiteral("len"), CborValue::integer(image.size())));
                entries.push_back(
                    smpEntry(QStringLiteral("sha"), CborValue::byteString(QCryptographicHash::hash(
                                                        image, QCryptographicHash::Sha256))));
            }
            const auto response =
                request(SmpOp::Write, SmpGroup::Image, SmpImageCommand::Upload, std::move(entries));
            if (!response)
                return -2;
            rc = integer(*response, u"rc");
            const qint64 expectedOffset = std::min(offset + Chunk, image.size());
            if (integer(*response, u"off") != expectedOffset)
                return -3;
        }
        return rc;
    }

    std::optional<SmpMessage> reset() {
        return request(SmpOp::Write, SmpGroup::Os, SmpOsCommand::Reset, {});
    }

    static QByteArray payload(qsizetype size) {
        QByteArray bytes(size, '\0');
        for (qsizetype i = 0; i < size; ++i)
            bytes[i] = char(QRandomGenerator::global()->bounded(256));
        return bytes;
    }

    DevsimSandbox box;
    std::unique_ptr<DevsimProcess> process;
    PtyTerminal terminal;
    quint8 sequence = 0;
};

TEST_F(DevsimRecovery, AnswersEchoInTheV1ShapeWithAnRc) {
    startInBootloader();
    const auto response =
        request(SmpOp::Write, SmpGroup::Os, SmpOsCommand::Echo,
                {smpEntry(QStringLiteral("d"), CborValue::textString(QStringLiteral("ping")))});
    ASSERT_TRUE(response);
    EXPECT_EQ(response->header.op, SmpOp::WriteResponse);
    EXPECT_EQ(response->header.version, 0);
    ASSERT_NE(response->payload.find(u"r"), nullptr);
    EXPECT_EQ(response->payload.find(u"r")->text, QStringLiteral("ping"));
    EXPECT_EQ(integer(*response, u"rc"), 0);
}

TEST_F(DevsimRecovery, ListsTheFactoryImage) {
    startInBootloader();
    const auto response = request(SmpOp::Read, SmpGroup::Image, SmpImageCommand::State, {});
    ASSERT_TRUE(response);
    const CborValue *images = response->payload.find(u"images");
    ASSERT_NE(images, nullptr);
    ASSERT_EQ(images->items.size(), 1u);
    EXPECT_EQ(images->items.at(0).find(u"version")->text, QStringLiteral("1.5.0"));
    EXPECT_EQ(images->items.at(0).find(u"hash")->bytes.size(), 32);
}

TEST_F(DevsimRecovery, BootsAnUploadedImageAndShowsItsVersion) {
    startInBootloader();
    const QByteArray image = buildMcubootImage({2, 1, 0, 0}, payload(3000));
    ASSERT_EQ(upload(image), 0);

    const auto list = request(SmpOp::Read, SmpGroup::Image, SmpImageCommand::State, {});
    ASSERT_TRUE(list);
    const CborValue &listed = list->payload.find(u"images")->items.at(0);
    EXPECT_EQ(listed.find(u"version")->text, QStringLiteral("2.1.0"));
    EXPECT_EQ(listed.find(u"hash")->bytes, verifyMcubootImage(image)->sha256);

    const qsizetype mark = terminal.mark();
    const auto answer = reset();
    ASSERT_TRUE(answer);
    EXPECT_EQ(integer(*answer, u"rc"), 0);
    const QByteArray banner = "*** Booting Asset Tracker Template v2.1.0 - " +
                              verifyMcubootImage(image)->sha256.toHex().left(12) + " ***";
    EXPECT_GE(terminal.waitFor(banner, 5000, mark), 0);
    EXPECT_TRUE(process->waitForLine(
        QStringLiteral("BOOT Asset Tracker Template v2.1.0 (uploaded image)")));

    // The slot is kept: the next start runs the uploaded image too.
    terminal.close();
    process->stop();
    process = std::make_unique<DevsimProcess>(QStringList{
        QStringLiteral("--state"), box.state(), QStringLiteral("--speed"), QStringLiteral("100")});
    ASSERT_TRUE(process->start());
    EXPECT_TRUE(process->waitForLine(QStringLiteral("BOOT Asset Tracker Template v2.1.0")));
}

TEST_F(DevsimRecovery, RefusesACorruptImageAndStaysInTheBootloader) {
    startInBootloader();
    QByteArray image = buildMcubootImage({2, 1, 0, 0}, payload(2000));
    image[0x200 + 100] = char(image.at(0x200 + 100) ^ 0x55); // breaks the SHA-256 TLV
    EXPECT_EQ(upload(image), 3);
    const qsizetype lines = process->stdoutLines().size();
    ASSERT_TRUE(reset());
    const auto boot = process->waitForLine(QStringLiteral("BOOT "), lines);
    ASSERT_TRUE(boot);
    EXPECT_TRUE(
        boot->startsWith(u"BOOT MCUboot serial recovery (no bootable image: image hash mismatch"));
    // Still answering SMP, not booting the application.
    EXPECT_TRUE(
        request(SmpOp::Write, SmpGroup::Os, SmpOsCommand::Echo,
                {smpEntry(QStringLiteral("d"), CborValue::textString(QStringLiteral("x")))}));
    EXPECT_LT(terminal.received().indexOf("*** Booting"), 0);
}

TEST_F(DevsimRecovery, LeavesNoBootableImageAfterATruncatedUpload) {
    startInBootloader();
    const QByteArray image = buildMcubootImage({3, 0, 0, 0}, payload(4000));
    EXPECT_EQ(upload(image, 1024), 0); // two chunks of four, then the host gives up
    const qsizetype lines = process->stdoutLines().size();
    ASSERT_TRUE(reset());
    const auto boot = process->waitForLine(QStringLiteral("BOOT "), lines);
    ASSERT_TRUE(boot);
    EXPECT_TRUE(
        boot->startsWith(u"BOOT MCUboot serial recovery (no bootable image: slot 0 is empty"));
}

TEST_F(DevsimRecovery, AsksForTheExpectedOffsetWhenAChunkArrivesOutOfOrder) {
    startInBootloader();
    const QByteArray image = buildMcubootImage({1, 0, 0, 0}, payload(1500));
    auto first = request(SmpOp::Write, SmpGroup::Image, SmpImageCommand::Upload,
                         {smpEntry(QStringLiteral("off"), CborValue::integer(0)),
                          smpEntry(QStringLiteral("data"), CborValue::byteString(image.left(256))),
                          smpEntry(QStringLiteral("len"), CborValue::integer(image.size()))});
    ASSERT_TRUE(first);
    EXPECT_EQ(integer(*first, u"off"), 256);
    auto skipped =
        request(SmpOp::Write, SmpGroup::Image, SmpImageCommand::Upload,
                {smpEntry(QStringLiteral("off"), CborValue::integer(512)),
                 smpEntry(QStringLiteral("data"), CborValue::byteString(image.mid(512, 256)))});
    ASSERT_TRUE(skipped);
    EXPECT_EQ(integer(*skipped, u"rc"), 0);
    EXPECT_EQ(integer(*skipped, u"off"), 256);
}

} // namespace
