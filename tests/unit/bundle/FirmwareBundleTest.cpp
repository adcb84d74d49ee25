#include "core/bundle/FirmwareBundle.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <functional>
#include <gtest/gtest.h>

using namespace ps::bundle;
using ps::mcumgr::ImageVersion;

namespace {

BundleSource goodSource() {
    BundleSource source;
    source.name = QStringLiteral("Asset Tracker Template");
    source.version = QStringLiteral("1.6.0");
    source.models = {QStringLiteral("nRF9151"), QStringLiteral("nRF9161-LACA")};
    source.boards = {QStringLiteral("thingy91x")};
    source.application = ps::mcumgr::buildMcubootImage(
        ImageVersion{1, 6, 0, 0}, QByteArray("application code ").repeated(200));
    source.modem = QByteArray("modem firmware package");
    source.modemVersion = QStringLiteral("mfw_nrf91x1_2.0.3");
    return source;
}

/// A bundle zip with the manifest edited by `edit` and the files as given.
QByteArray bundleWith(const std::function<void(QJsonObject &)> &edit, QList<ZipEntry> files = {}) {
    const BundleSource source = goodSource();
    QJsonObject manifest = manifestFor(source);
    edit(manifest);
    if (files.isEmpty())
        files = {{source.applicationFile, source.application}, {source.modemFile, source.modem}};
    files.prepend({QStringLiteral("manifest.json"), QJsonDocument(manifest).toJson()});
    return writeZip(files);
}

void editImage(QJsonObject &manifest, int index, const QString &key, const QJsonValue &value) {
    QJsonArray images = manifest.value(QStringLiteral("images")).toArray();
    QJsonObject image = images.at(index).toObject();
    if (value.isUndefined())
        image.remove(key);
    else
        image.insert(key, value);
    images.replace(index, image);
    manifest.insert(QStringLiteral("images"), images);
}

} // namespace

TEST(FirmwareBundle, ReadsWhatWriteBundleWrote) {
    const auto zip = writeBundle(goodSource());
    ASSERT_TRUE(zip.has_value()) << zip.error().message.toStdString();
    const auto bundle = FirmwareBundle::read(*zip);
    ASSERT_TRUE(bundle.has_value()) << bundle.error().message.toStdString();
    EXPECT_EQ(bundle->name, u"Asset Tracker Template");
    EXPECT_EQ(bundle->version, u"1.6.0");
    EXPECT_EQ(bundle->boards, QStringList{QStringLiteral("thingy91x")});
    ASSERT_NE(bundle->application(), nullptr);
    ASSERT_TRUE(bundle->application()->mcuboot.has_value());
    EXPECT_EQ(bundle->application()->mcuboot->version, (ImageVersion{1, 6, 0, 0}));
    EXPECT_EQ(bundle->application()->data, goodSource().application);
    ASSERT_NE(bundle->modem(), nullptr);
    EXPECT_EQ(bundle->modem()->version, u"mfw_nrf91x1_2.0.3");
    EXPECT_EQ(bundle->modem()->data, goodSource().modem);
    const QJsonObject json = bundle->toJson();
    EXPECT_EQ(json.value(QStringLiteral("images")).toArray().size(), 2);
}

TEST(FirmwareBundle, FitsTheModelsItNames) {
    const auto bundle = FirmwareBundle::read(*writeBundle(goodSource()));
    ASSERT_TRUE(bundle.has_value());
    EXPECT_TRUE(bundle->fits(u"nRF9151-LACA").has_value());
    EXPECT_TRUE(bundle->fits(u"nrf9151").has_value());
    EXPECT_TRUE(bundle->fits(u"nRF9161-LACA").has_value());
    EXPECT_FALSE(bundle->fits(u"nRF9161-LACB").has_value());
    EXPECT_FALSE(bundle->fits(u"nRF91510").has_value());
    const auto refused = bundle->fits(u"nRF9160-SICA");
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, BundleError::Code::WrongModel);
    EXPECT_TRUE(refused.error().message.contains(u"the device is a nRF9160-SICA"));
}

struct Malformation {
    const char *what;
    std::function<QByteArray()> make;
    BundleError::Code code;
    const char *messagePart;
};

void PrintTo(const Malformation &m, std::ostream *os) {
    *os << m.what;
}

class MalformedBundle : public ::testing::TestWithParam<Malformation> {};

TEST_P(MalformedBundle, IsRefusedWithItsReason) {
    const auto bundle = FirmwareBundle::read(GetParam().make());
    ASSERT_FALSE(bundle.has_value());
    EXPECT_EQ(toString(bundle.error().code), toString(GetParam().code))
        << bundle.error().message.toStdString();
    EXPECT_TRUE(bundle.error().message.contains(QString::fromUtf8(GetParam().messagePart)))
        << bundle.error().message.toStdString();
}

namespace {
const BundleSource source = goodSource();
} // namespace

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedBundle,
    ::testing::Values(
        Malformation{"not a zip", [] { return QByteArray("PK but not really"); },
                     BundleError::Code::BadZip, "not a usable zip file"},
        Malformation{"truncated zip", [] { return writeBundle(goodSource())->chopped(10); },
                     BundleError::Code::BadZip, "not a usable zip file"},
        Malformation{"no manifest",
                     [] {
                         return writeZip({{QStringLiteral("app.bin"), QByteArray("x")}});
                     },
                     BundleError::Code::NoManifest, "no manifest.json"},
        Malformation{"manifest not JSON",
                     [] {
                         return writeZip({{QStringLiteral("manifest.json"), QByteArray("{nope")}});
                     },
                     BundleError::Code::BadManifest, "not a JSON object"},
        Malformation{"wrong format",
                     [] {
                         return bundleWith([](QJsonObject &m) {
                             m.insert(QStringLiteral("format"), QStringLiteral("other"));
                         });
                     },
                     BundleError::Code::BadManifest, "\"format\" must be"},
        Malformation{"future format version",
                     [] {
                         return bundleWith(
                             [](QJsonObject &m) { m.insert(QStringLiteral("formatVersion"), 2); });
                     },
                     BundleError::Code::BadManifest, "formatVersion 2 is not supported"},
        Malformation{
            "no name",
            [] { return bundleWith([](QJsonObject &m) { m.remove(QStringLiteral("name")); }); },
            BundleError::Code::BadManifest, "\"name\" must be a non-empty string"},
        Malformation{"models not a list",
                     [] {
                         return bundleWith([](QJsonObject &m) {
                             m.insert(QStringLiteral("models"), QStringLiteral("nRF9151"));
                         });
                     },
                     BundleError::Code::BadManifest, "\"models\" must be an array"},
        Malformation{"no models",
                     [] {
                         return bundleWith([](QJsonObject &m) {
                             m.insert(QStringLiteral("models"), QJsonArray());
                         });
                     },
                     BundleError::Code::BadManifest, "\"models\" must name at least one"},
        Malformation{"no images",
                     [] {
                         return bundleWith([](QJsonObject &m) {
                             m.insert(QStringLiteral("images"), QJsonArray());
                         });
                     },
                     BundleError::Code::BadManifest, "\"images\" must be a non-empty array"},
        Malformation{"unknown image type",
                     [] {
                         return bundleWith([](QJsonObject &m) {
                             editImage(m, 1, QStringLiteral("type"), QStringLiteral("bootloader"));
                         });
                     },
                     BundleError::Code::BadManifest, "unknown type \"bootloader\""},
        Malformation{"only a modem image",
                     [] {
                         return bundleWith([](QJsonObject &m) {
                             editImage(m, 0, QStringLiteral("type"), QStringLiteral("modem"));
                         });
                     },
                     BundleError::Code::BadManifest, "more than one image of the same type"},
        Malformation{"size not a number",
                     [] {
                         return bundleWith([](QJsonObject &m) {
                             editImage(m, 0, QStringLiteral("size"), QStringLiteral("12"));
                         });
                     },
                     BundleError::Code::BadManifest, "\"size\" must be a whole number"},
        Malformation{"hash not hex",
                     [] {
                         return bundleWith([](QJsonObject &m) {
                             editImage(m, 0, QStringLiteral("sha256"), QStringLiteral("xyz"));
                         });
                     },
                     BundleError::Code::BadManifest, "\"sha256\" must be 64 hex digits"},
        Malformation{"listed file missing",
                     [] {
                         return bundleWith([](QJsonObject &) {},
                                           {{source.applicationFile, source.application}});
                     },
                     BundleError::Code::MissingImage, "does not hold \"modem.zip\""},
        Malformation{"wrong size",
                     [] {
                         return bundleWith(
                             [](QJsonObject &m) { editImage(m, 1, QStringLiteral("size"), 5); });
                     },
                     BundleError::Code::SizeMismatch, "the manifest says 5"},
        Malformation{"altered image",
                     [] {
                         QByteArray altered = source.modem;
                         altered[0] = 'M';
                         return bundleWith([](QJsonObject &) {},
                                           {{source.applicationFile, source.application},
                                            {source.modemFile, altered}});
                     },
                     BundleError::Code::HashMismatch, "does not match its SHA-256"},
        Malformation{"application not MCUboot",
                     [] {
                         const QByteArray plain("plain binary, no MCUboot header at all........");
                         return bundleWith(
                             [plain](QJsonObject &m) {
                                 editImage(m, 0, QStringLiteral("size"), plain.size());
                                 editImage(
                                     m, 0, QStringLiteral("sha256"),
                                     QString::fromLatin1(
                                         QCryptographicHash::hash(plain, QCryptographicHash::Sha256)
                                             .toHex()));
                                 QJsonArray images = m.value(QStringLiteral("images")).toArray();
                                 images.removeAt(1);
                                 m.insert(QStringLiteral("images"), images);
                             },
                             {{source.applicationFile, plain}});
                     },
                     BundleError::Code::BadApplication, "is not a valid MCUboot image"},
        Malformation{"application with a wrong SHA-256 TLV",
                     [] {
                         QByteArray image = source.application;
                         image[0x200 + 3] = char(image[0x200 + 3] ^ 0x20); // payload byte
                         const QByteArray hash =
                             QCryptographicHash::hash(image, QCryptographicHash::Sha256);
                         return bundleWith(
                             [hash](QJsonObject &m) {
                                 editImage(m, 0, QStringLiteral("sha256"),
                                           QString::fromLatin1(hash.toHex()));
                                 QJsonArray images = m.value(QStringLiteral("images")).toArray();
                                 images.removeAt(1);
                                 m.insert(QStringLiteral("images"), images);
                             },
                             {{source.applicationFile, image}});
                     },
                     BundleError::Code::BadApplication, "is not a valid MCUboot image"},
        Malformation{"version differs from the header",
                     [] {
                         return bundleWith([](QJsonObject &m) {
                             editImage(m, 0, QStringLiteral("version"), QStringLiteral("1.7.0"));
                         });
                     },
                     BundleError::Code::VersionMismatch, "carries version 1.6.0"},
        Malformation{"path traversal name",
                     [] {
                         return writeZip({{QStringLiteral("../manifest.json"), QByteArray("{}")}});
                     },
                     BundleError::Code::BadZip, "not a safe relative path"}));

TEST(FirmwareBundle, ReadFileSaysWhenTheFileIsMissing) {
    const auto bundle = FirmwareBundle::readFile(QStringLiteral("/nonexistent/bundle.zip"));
    ASSERT_FALSE(bundle.has_value());
    EXPECT_EQ(bundle.error().code, BundleError::Code::NotReadable);
    EXPECT_TRUE(bundle.error().message.contains(u"/nonexistent/bundle.zip"));
}

TEST(FirmwareBundle, WriteBundleRefusesAnApplicationThatIsNotMcuboot) {
    BundleSource bad = goodSource();
    bad.application = QByteArray("not an image");
    const auto zip = writeBundle(bad);
    ASSERT_FALSE(zip.has_value());
    EXPECT_EQ(zip.error().code, BundleError::Code::BadApplication);
}
