#include "core/bundle/ZipArchive.h"

#include <QRandomGenerator>
#include <gtest/gtest.h>

using namespace ps::bundle;

namespace {

QByteArray randomBytes(qsizetype size, quint32 seed) {
    QRandomGenerator generator(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = char(generator.bounded(256));
    return bytes;
}

void put16(QByteArray &bytes, qsizetype at, quint16 value) {
    bytes[at] = char(value & 0xff);
    bytes[at + 1] = char(value >> 8);
}
void put32(QByteArray &bytes, qsizetype at, quint32 value) {
    put16(bytes, at, quint16(value & 0xffff));
    put16(bytes, at + 2, quint16(value >> 16));
}
quint32 get32(const QByteArray &bytes, qsizetype at) {
    return quint32(quint8(bytes[at])) | quint32(quint8(bytes[at + 1])) << 8 |
           quint32(quint8(bytes[at + 2])) << 16 | quint32(quint8(bytes[at + 3])) << 24;
}
/// Offset of the central directory of a one-entry archive made by writeZip().
qsizetype centralOffset(const QByteArray &zip) {
    return get32(zip, zip.size() - 22 + 16);
}

} // namespace

class ZipRoundTrip : public ::testing::TestWithParam<ZipMethod> {};

TEST_P(ZipRoundTrip, GivesBackEveryEntryByteForByte) {
    const QList<ZipEntry> entries{
        {QStringLiteral("manifest.json"), QByteArray("{\"a\": 1}\n").repeated(40)},
        {QStringLiteral("images/app.bin"), randomBytes(70000, 7)},
        {QStringLiteral("empty.txt"), QByteArray()},
        {QStringLiteral("ü-name.txt"), QByteArray("unicode name")},
    };
    const auto read = readZip(writeZip(entries, GetParam()));
    ASSERT_TRUE(read.has_value()) << read.error().toStdString();
    ASSERT_EQ(read->size(), entries.size());
    for (qsizetype i = 0; i < entries.size(); ++i) {
        EXPECT_EQ(read->at(i).name, entries.at(i).name);
        EXPECT_EQ(read->at(i).data, entries.at(i).data);
    }
}

INSTANTIATE_TEST_SUITE_P(Methods, ZipRoundTrip,
                         ::testing::Values(ZipMethod::Stored, ZipMethod::Deflate));

TEST(ZipArchive, DeflateMakesRepetitiveDataSmaller) {
    const QByteArray text = QByteArray("the same line again\n").repeated(1000);
    const QByteArray zip = writeZip({{QStringLiteral("a.txt"), text}}, ZipMethod::Deflate);
    EXPECT_LT(zip.size(), text.size() / 10);
}

TEST(ZipArchive, WritesTheSameBytesForTheSameEntries) {
    const QList<ZipEntry> entries{{QStringLiteral("a"), QByteArray("x")}};
    EXPECT_EQ(writeZip(entries), writeZip(entries));
}

TEST(ZipArchive, RefusesEveryTruncation) {
    const QByteArray zip = writeZip({{QStringLiteral("a.bin"), randomBytes(3000, 1)},
                                     {QStringLiteral("b.txt"), QByteArray("hello").repeated(99)}});
    for (qsizetype size = 0; size < zip.size(); ++size)
        EXPECT_FALSE(readZip(zip.first(size)).has_value()) << "truncated to " << size;
}

TEST(ZipArchive, RefusesGarbage) {
    const auto read = readZip(randomBytes(5000, 3));
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"not a zip file"));
}

TEST(ZipArchive, RefusesAStoredEntryWhoseSizesDisagree) {
    QByteArray zip = writeZip({{QStringLiteral("a.bin"), randomBytes(100, 2)}}, ZipMethod::Stored);
    put32(zip, centralOffset(zip) + 24, 99); // uncompressed size in the central directory
    const auto read = readZip(zip);
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"announces 99 bytes but holds 100"))
        << read.error().toStdString();
}

TEST(ZipArchive, RefusesDataThatRunsPastTheFileArea) {
    QByteArray zip = writeZip({{QStringLiteral("a.bin"), randomBytes(100, 2)}}, ZipMethod::Stored);
    put32(zip, centralOffset(zip) + 20, 5000);
    put32(zip, centralOffset(zip) + 24, 5000);
    const auto read = readZip(zip);
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"runs past the end")) << read.error().toStdString();
}

TEST(ZipArchive, RefusesADeflatedEntryThatInflatesToMoreThanAnnounced) {
    const QByteArray text = QByteArray("abc").repeated(5000);
    QByteArray zip = writeZip({{QStringLiteral("a.txt"), text}}, ZipMethod::Deflate);
    put32(zip, centralOffset(zip) + 24, quint32(text.size() - 1));
    const auto read = readZip(zip);
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"more than the announced")) << read.error().toStdString();
}

TEST(ZipArchive, RefusesADeflatedEntryThatInflatesToLessThanAnnounced) {
    const QByteArray text = QByteArray("abc").repeated(5000);
    QByteArray zip = writeZip({{QStringLiteral("a.txt"), text}}, ZipMethod::Deflate);
    put32(zip, centralOffset(zip) + 24, quint32(text.size() + 10));
    const auto read = readZip(zip);
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"not the announced")) << read.error().toStdString();
}

TEST(ZipArchive, BoundsAZipBombByTheEntryLimit) {
    // 64 MiB of zeros deflate to about 64 KiB; with a 1 MiB limit nothing is inflated.
    const QByteArray zeros(qsizetype(64) * 1024 * 1024, '\0');
    const QByteArray zip = writeZip({{QStringLiteral("bomb.bin"), zeros}}, ZipMethod::Deflate);
    ASSERT_LT(zip.size(), 200 * 1024);
    ZipLimits limits;
    limits.maxEntrySize = 1024 * 1024;
    const auto read = readZip(zip, limits);
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"more than the 1048576 allowed"))
        << read.error().toStdString();
}

TEST(ZipArchive, BoundsTheTotalOfAllEntries) {
    ZipLimits limits;
    limits.maxTotalSize = 1500;
    const auto read = readZip(writeZip({{QStringLiteral("a"), QByteArray(1000, 'a')},
                                        {QStringLiteral("b"), QByteArray(1000, 'b')}}),
                              limits);
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"add up to more than")) << read.error().toStdString();
}

TEST(ZipArchive, RefusesACorruptedByteThroughItsCrc) {
    QByteArray zip = writeZip({{QStringLiteral("a.bin"), randomBytes(100, 9)}}, ZipMethod::Stored);
    zip[30 + 5 + 50] = char(zip[30 + 5 + 50] ^ 0x01); // inside the data of "a.bin"
    const auto read = readZip(zip);
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"CRC-32")) << read.error().toStdString();
}

TEST(ZipArchive, RefusesDuplicateNames) {
    const auto read = readZip(
        writeZip({{QStringLiteral("a"), QByteArray("1")}, {QStringLiteral("a"), QByteArray("2")}}));
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"appears twice"));
}

class HostileZipName : public ::testing::TestWithParam<const char *> {};

TEST_P(HostileZipName, IsRefused) {
    const QString name = QString::fromUtf8(GetParam());
    EXPECT_FALSE(isSafeZipName(name));
    const auto read = readZip(writeZip({{name, QByteArray("x")}}));
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"not a safe relative path")) << read.error().toStdString();
}

INSTANTIATE_TEST_SUITE_P(PathTraversal, HostileZipName,
                         ::testing::Values("../evil.bin", "a/../../evil.bin", "/etc/passwd",
                                           "C:/Windows/evil.dll", "a\\..\\evil", "./a", ""));

TEST(ZipArchive, AcceptsOrdinaryRelativeNames) {
    EXPECT_TRUE(isSafeZipName(u"manifest.json"));
    EXPECT_TRUE(isSafeZipName(u"images/app..bin"));
    EXPECT_TRUE(isSafeZipName(u"dir/"));
}

TEST(ZipArchive, RefusesTooManyEntries) {
    QList<ZipEntry> entries;
    for (int i = 0; i < 10; ++i)
        entries.push_back({QStringLiteral("f%1").arg(i), QByteArray("x")});
    ZipLimits limits;
    limits.maxEntries = 9;
    const auto read = readZip(writeZip(entries), limits);
    ASSERT_FALSE(read.has_value());
    EXPECT_TRUE(read.error().contains(u"10 entries")) << read.error().toStdString();
}

TEST(ZipArchive, ReadsAStreamedArchiveFromAnotherWriter) {
    // Written by Python's zipfile to a stream that cannot seek: every entry has a data
    // descriptor and zero sizes in its local header, the directory entry is deflated.
    const QByteArray zip = QByteArray::fromHex(
        "504b030414000800080021377a5d00000000000000000000000007000000696d616765732f0300504b07080000"
        "000002"
        "00000000000000504b0304140008000800000021000000000000000000000000000e000000696d616765732f61"
        "70702e"
        "62696e2b2e294a4dcc4d4d5148cd2b29aa5428cf2cc950485448492c0112a9c5c945990525f9455cc5a3aa4655"
        "0d2b55"
        "00504b070824395ce22e000000f8020000504b0304140008000000000021000000000000000000000000000900"
        "00006e"
        "6f7465732e74787473746f72656420627920707974686f6e504b07080dff54921000000010000000504b010214"
        "031400"
        "0800080021377a5d000000000200000000000000070000000000000000001000fd4100000000696d616765732f"
        "504b01"
        "0214031400080008000000210024395ce22e000000f80200000e0000000000000000000000800137000000696d"
        "616765"
        "732f6170702e62696e504b01021403140008000000000021000dff549210000000100000000900000000000000"
        "000000"
        "008001a10000006e6f7465732e747874504b05060000000003000300a8000000e80000000000");
    const auto read = readZip(zip);
    ASSERT_TRUE(read.has_value()) << read.error().toStdString();
    ASSERT_EQ(read->size(), 2); // the directory entry is skipped
    EXPECT_EQ(read->at(0).name, u"images/app.bin");
    EXPECT_EQ(read->at(0).data, QByteArray("streamed entry with a data descriptor\n").repeated(20));
    EXPECT_EQ(read->at(1).name, u"notes.txt");
    EXPECT_EQ(read->at(1).data, QByteArray("stored by python"));
}
