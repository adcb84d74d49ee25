#include "mcumgr/McubootImage.h"

#include <QCryptographicHash>
#include <gtest/gtest.h>

using namespace ps::mcumgr;

namespace {

const QByteArray Payload = QByteArray(3000, 'p');

TEST(McubootImage, BuildsAnImageThatVerifies) {
    const QByteArray bytes = buildMcubootImage({2, 1, 7, 9}, Payload);
    const auto image = verifyMcubootImage(bytes);
    ASSERT_TRUE(image) << image.error().toStdString();
    EXPECT_EQ(image->version.toString(), QStringLiteral("2.1.7.9"));
    EXPECT_EQ(image->payloadSize, quint32(Payload.size()));
    EXPECT_EQ(image->totalSize, bytes.size());
    EXPECT_EQ(image->sha256, QCryptographicHash::hash(bytes.first(0x200 + Payload.size()),
                                                      QCryptographicHash::Sha256));
}

TEST(McubootImage, NamesAHashMismatch) {
    QByteArray bytes = buildMcubootImage({1, 0, 0, 0}, Payload);
    bytes[0x200 + 10] = 'X';
    const auto image = verifyMcubootImage(bytes);
    ASSERT_FALSE(image);
    EXPECT_TRUE(image.error().contains(u"hash mismatch"));
    EXPECT_TRUE(parseMcubootImage(bytes)); // the structure itself is intact
}

TEST(McubootImage, RefusesATruncatedImage) {
    const QByteArray bytes = buildMcubootImage({1, 0, 0, 0}, Payload);
    const auto image = parseMcubootImage(bytes.first(bytes.size() - 20));
    ASSERT_FALSE(image);
    EXPECT_TRUE(image.error().contains(u"truncated"));
}

TEST(McubootImage, RefusesAFileWithoutTheImageMagic) {
    QByteArray bytes = buildMcubootImage({1, 0, 0, 0}, Payload);
    bytes[0] = 0;
    const auto image = parseMcubootImage(bytes);
    ASSERT_FALSE(image);
    EXPECT_TRUE(image.error().contains(u"magic"));
}

struct VersionCase {
    const char *text;
    ImageVersion expected;
};

class ImageVersionParse : public testing::TestWithParam<VersionCase> {};

TEST_P(ImageVersionParse, ReadsTheForms) {
    const auto version = ImageVersion::parse(QString::fromLatin1(GetParam().text));
    ASSERT_TRUE(version);
    EXPECT_EQ(*version, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Forms, ImageVersionParse,
                         testing::Values(VersionCase{"1.5", {1, 5, 0, 0}},
                                         VersionCase{"1.5.0", {1, 5, 0, 0}},
                                         VersionCase{"v1.2.9", {1, 2, 9, 0}},
                                         VersionCase{"1.5.0+7", {1, 5, 0, 7}},
                                         VersionCase{"1.5.0.7", {1, 5, 0, 7}}),
                         [](const testing::TestParamInfo<VersionCase> &param) {
                             std::string name = param.param.text;
                             for (char &c : name) {
                                 if (c == '.')
                                     c = '_';
                                 else if (c == '+')
                                     c = 'b';
                             }
                             return name;
                         });

TEST(ImageVersion, RefusesNonsense) {
    EXPECT_FALSE(ImageVersion::parse(u"one.two"));
    EXPECT_FALSE(ImageVersion::parse(u"300.0.0"));
}

} // namespace
