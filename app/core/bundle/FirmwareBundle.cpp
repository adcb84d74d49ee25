#include "FirmwareBundle.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace ps::bundle {
namespace {

using Code = BundleError::Code;
using ps::mcumgr::ImageVersion;

const QString ManifestName = QStringLiteral("manifest.json");
const QString FormatName = QStringLiteral("provstation-firmware-bundle");

std::unexpected<BundleError> refuse(Code code, QString message) {
    return std::unexpected(BundleError{code, std::move(message)});
}

QByteArray sha256(QByteArrayView data) {
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

std::expected<QString, BundleError> textField(const QJsonObject &object, const QString &key,
                                              const QString &where) {
    const QJsonValue value = object.value(key);
    if (!value.isString() || value.toString().trimmed().isEmpty())
        return refuse(Code::BadManifest,
                      QStringLiteral("%1: \"%2\" must be a non-empty string").arg(where, key));
    return value.toString();
}

std::expected<QStringList, BundleError> textList(const QJsonObject &object, const QString &key,
                                                 bool required) {
    const QJsonValue value = object.value(key);
    if (value.isUndefined() && !required)
        return QStringList();
    if (!value.isArray())
        return refuse(Code::BadManifest,
                      QStringLiteral("manifest: \"%1\" must be an array of strings").arg(key));
    QStringList list;
    for (const QJsonValue item : value.toArray()) {
        if (!item.isString() || item.toString().isEmpty())
            return refuse(Code::BadManifest,
                          QStringLiteral("manifest: \"%1\" must hold non-empty strings").arg(key));
        list.push_back(item.toString());
    }
    if (required && list.isEmpty())
        return refuse(Code::BadManifest,
                      QStringLiteral("manifest: \"%1\" must name at least one").arg(key));
    return list;
}

std::expected<BundleImage, BundleError> readImage(const QJsonValue &value, int index,
                                                  const QList<ZipEntry> &entries) {
    const QString where = QStringLiteral("manifest image %1").arg(index + 1);
    if (!value.isObject())
        return refuse(Code::BadManifest, where + QStringLiteral(" is not an object"));
    const QJsonObject object = value.toObject();
    BundleImage image;
    const auto type = textField(object, QStringLiteral("type"), where);
    if (!type)
        return std::unexpected(type.error());
    if (*type == u"application")
        image.type = BundleImage::Type::Application;
    else if (*type == u"modem")
        image.type = BundleImage::Type::Modem;
    else
        return refuse(
            Code::BadManifest,
            QStringLiteral("%1: unknown type \"%2\" (application or modem)").arg(where, *type));
    auto file = textField(object, QStringLiteral("file"), where);
    if (!file)
        return std::unexpected(file.error());
    image.file = *file;
    auto version = textField(object, QStringLiteral("version"), where);
    if (!version)
        return std::unexpected(version.error());
    image.version = *version;
    const QJsonValue size = object.value(QStringLiteral("size"));
    if (!size.isDouble() || size.toDouble() < 0 || size.toDouble() != double(size.toInteger()))
        return refuse(Code::BadManifest,
                      QStringLiteral("%1: \"size\" must be a whole number of bytes").arg(where));
    const auto hashText = textField(object, QStringLiteral("sha256"), where);
    if (!hashText)
        return std::unexpected(hashText.error());
    static const QRegularExpression hexHash(QStringLiteral("^[0-9a-fA-F]{64}$"));
    if (!hexHash.match(*hashText).hasMatch())
        return refuse(Code::BadManifest,
                      QStringLiteral("%1: \"sha256\" must be 64 hex digits").arg(where));
    image.sha256 = QByteArray::fromHex(hashText->toLatin1());

    const auto entry = std::find_if(entries.begin(), entries.end(),
                                    [&](const ZipEntry &e) { return e.name == image.file; });
    if (entry == entries.end())
        return refuse(Code::MissingImage,
                      QStringLiteral("the bundle does not hold \"%1\", which the manifest lists")
                          .arg(image.file));
    if (entry->data.size() != size.toInteger())
        return refuse(Code::SizeMismatch, QStringLiteral("\"%1\" is %2 bytes, the manifest says %3")
                                              .arg(image.file)
                                              .arg(entry->data.size())
                                              .arg(size.toInteger()));
    if (sha256(entry->data) != image.sha256)
        return refuse(Code::HashMismatch,
                      QStringLiteral("\"%1\" does not match its SHA-256 in the manifest (damaged "
                                     "or altered)")
                          .arg(image.file));
    image.data = entry->data;

    if (image.type == BundleImage::Type::Application) {
        auto mcuboot = ps::mcumgr::verifyMcubootImage(image.data);
        if (!mcuboot)
            return refuse(Code::BadApplication,
                          QStringLiteral("\"%1\" is not a valid MCUboot image: %2")
                              .arg(image.file, mcuboot.error()));
        const auto declared = ImageVersion::parse(image.version);
        if (!declared)
            return refuse(Code::BadManifest, QStringLiteral("%1: version \"%2\": %3")
                                                 .arg(where, image.version, declared.error()));
        if (*declared != mcuboot->version)
            return refuse(Code::VersionMismatch,
                          QStringLiteral("\"%1\" carries version %2 in its MCUboot header, the "
                                         "manifest says %3")
                              .arg(image.file, mcuboot->version.toString(), image.version));
        image.mcuboot = std::move(*mcuboot);
    }
    return image;
}

} // namespace

QString toString(BundleError::Code code) {
    switch (code) {
    case Code::NotReadable:
        return QStringLiteral("not-readable");
    case Code::BadZip:
        return QStringLiteral("bad-zip");
    case Code::NoManifest:
        return QStringLiteral("no-manifest");
    case Code::BadManifest:
        return QStringLiteral("bad-manifest");
    case Code::MissingImage:
        return QStringLiteral("missing-image");
    case Code::SizeMismatch:
        return QStringLiteral("size-mismatch");
    case Code::HashMismatch:
        return QStringLiteral("hash-mismatch");
    case Code::BadApplication:
        return QStringLiteral("bad-application");
    case Code::VersionMismatch:
        return QStringLiteral("version-mismatch");
    case Code::WrongModel:
        return QStringLiteral("wrong-model");
    }
    return QStringLiteral("unknown");
}

std::expected<FirmwareBundle, BundleError> FirmwareBundle::read(QByteArrayView zip) {
    if (zip.size() > MaxBundleSize)
        return refuse(Code::BadZip,
                      QStringLiteral("the bundle is larger than %1 bytes").arg(MaxBundleSize));
    auto entries = readZip(zip);
    if (!entries)
        return refuse(Code::BadZip,
                      QStringLiteral("the bundle is not a usable zip file: ") + entries.error());
    const auto manifestEntry =
        std::find_if(entries->begin(), entries->end(),
                     [](const ZipEntry &entry) { return entry.name == ManifestName; });
    if (manifestEntry == entries->end())
        return refuse(Code::NoManifest, QStringLiteral("the bundle has no manifest.json"));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(manifestEntry->data, &parseError);
    if (document.isNull() || !document.isObject())
        return refuse(Code::BadManifest,
                      QStringLiteral("manifest.json is not a JSON object: %1 at offset %2")
                          .arg(parseError.errorString())
                          .arg(parseError.offset));
    const QJsonObject manifest = document.object();
    if (manifest.value(QStringLiteral("format")).toString() != FormatName)
        return refuse(Code::BadManifest,
                      QStringLiteral("manifest: \"format\" must be \"%1\"").arg(FormatName));
    const QJsonValue formatVersion = manifest.value(QStringLiteral("formatVersion"));
    if (!formatVersion.isDouble() || formatVersion.toInteger() != FormatVersion)
        return refuse(Code::BadManifest,
                      QStringLiteral("manifest: formatVersion %1 is not supported (this station "
                                     "reads %2)")
                          .arg(formatVersion.toVariant().toString())
                          .arg(FormatVersion));

    FirmwareBundle bundle;
    const QString where = QStringLiteral("manifest");
    auto name = textField(manifest, QStringLiteral("name"), where);
    if (!name)
        return std::unexpected(name.error());
    bundle.name = *name;
    auto version = textField(manifest, QStringLiteral("version"), where);
    if (!version)
        return std::unexpected(version.error());
    bundle.version = *version;
    auto models = textList(manifest, QStringLiteral("models"), true);
    if (!models)
        return std::unexpected(models.error());
    bundle.models = *models;
    auto boards = textList(manifest, QStringLiteral("boards"), false);
    if (!boards)
        return std::unexpected(boards.error());
    bundle.boards = *boards;

    const QJsonValue images = manifest.value(QStringLiteral("images"));
    if (!images.isArray() || images.toArray().isEmpty())
        return refuse(Code::BadManifest,
                      QStringLiteral("manifest: \"images\" must be a non-empty array"));
    const QJsonArray list = images.toArray();
    for (int index = 0; index < list.size(); ++index) {
        auto image = readImage(list.at(index), index, *entries);
        if (!image)
            return std::unexpected(image.error());
        const auto sameType =
            std::find_if(bundle.images.cbegin(), bundle.images.cend(),
                         [&](const BundleImage &other) { return other.type == image->type; });
        if (sameType != bundle.images.cend())
            return refuse(Code::BadManifest,
                          QStringLiteral("manifest: more than one image of the same type"));
        bundle.images.push_back(std::move(*image));
    }
    if (!bundle.application())
        return refuse(Code::BadManifest, QStringLiteral("manifest: no \"application\" image"));
    return bundle;
}

std::expected<FirmwareBundle, BundleError> FirmwareBundle::readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return refuse(Code::NotReadable,
                      QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    if (file.size() > MaxBundleSize)
        return refuse(Code::BadZip,
                      QStringLiteral("%1 is larger than %2 bytes").arg(path).arg(MaxBundleSize));
    return read(file.readAll());
}

std::expected<void, BundleError> FirmwareBundle::fits(QStringView model) const {
    for (const QString &wanted : models) {
        if (model.compare(wanted, Qt::CaseInsensitive) == 0)
            return {};
        if (model.size() > wanted.size() && model[wanted.size()] == u'-' &&
            model.first(wanted.size()).compare(wanted, Qt::CaseInsensitive) == 0)
            return {};
    }
    return refuse(Code::WrongModel,
                  QStringLiteral("bundle \"%1\" %2 is made for %3, the device is a %4")
                      .arg(name, version, models.join(QStringLiteral(", ")), model.toString()));
}

const BundleImage *FirmwareBundle::application() const {
    for (const BundleImage &image : images) {
        if (image.type == BundleImage::Type::Application)
            return &image;
    }
    return nullptr;
}

const BundleImage *FirmwareBundle::modem() const {
    for (const BundleImage &image : images) {
        if (image.type == BundleImage::Type::Modem)
            return &image;
    }
    return nullptr;
}

QJsonObject FirmwareBundle::toJson() const {
    QJsonArray imageList;
    for (const BundleImage &image : images) {
        QJsonObject object{
            {QStringLiteral("type"), image.type == BundleImage::Type::Application
                                         ? QStringLiteral("application")
                                         : QStringLiteral("modem")},
            {QStringLiteral("file"), image.file},
            {QStringLiteral("size"), image.data.size()},
            {QStringLiteral("sha256"), QString::fromLatin1(image.sha256.toHex())},
            {QStringLiteral("version"), image.version},
        };
        if (image.mcuboot) {
            object.insert(QStringLiteral("mcubootVersion"), image.mcuboot->version.toString());
            object.insert(QStringLiteral("mcubootHash"),
                          QString::fromLatin1(image.mcuboot->sha256.toHex()));
            object.insert(QStringLiteral("headerSize"), int(image.mcuboot->headerSize));
            object.insert(QStringLiteral("loadAddress"), qint64(image.mcuboot->loadAddress));
        }
        imageList.push_back(object);
    }
    return {
        {QStringLiteral("name"), name},
        {QStringLiteral("version"), version},
        {QStringLiteral("models"), QJsonArray::fromStringList(models)},
        {QStringLiteral("boards"), QJsonArray::fromStringList(boards)},
        {QStringLiteral("images"), imageList},
    };
}

QJsonObject manifestFor(const BundleSource &source) {
    QString applicationVersion = source.version;
    if (const auto image = ps::mcumgr::parseMcubootImage(source.application))
        applicationVersion = image->version.toString();
    QJsonArray images{QJsonObject{
        {QStringLiteral("type"), QStringLiteral("application")},
        {QStringLiteral("file"), source.applicationFile},
        {QStringLiteral("size"), source.application.size()},
        {QStringLiteral("sha256"), QString::fromLatin1(sha256(source.application).toHex())},
        {QStringLiteral("version"), applicationVersion},
    }};
    if (!source.modem.isEmpty())
        images.push_back(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("modem")},
            {QStringLiteral("file"), source.modemFile},
            {QStringLiteral("size"), source.modem.size()},
            {QStringLiteral("sha256"), QString::fromLatin1(sha256(source.modem).toHex())},
            {QStringLiteral("version"), source.modemVersion},
        });
    QJsonObject manifest{
        {QStringLiteral("format"), FormatName},
        {QStringLiteral("formatVersion"), FirmwareBundle::FormatVersion},
        {QStringLiteral("name"), source.name},
        {QStringLiteral("version"), source.version},
        {QStringLiteral("models"), QJsonArray::fromStringList(source.models)},
        {QStringLiteral("images"), images},
    };
    if (!source.boards.isEmpty())
        manifest.insert(QStringLiteral("boards"), QJsonArray::fromStringList(source.boards));
    return manifest;
}

std::expected<QByteArray, BundleError> writeBundle(const BundleSource &source) {
    QList<ZipEntry> entries{
        {ManifestName, QJsonDocument(manifestFor(source)).toJson(QJsonDocument::Indented)},
        {source.applicationFile, source.application},
    };
    if (!source.modem.isEmpty())
        entries.push_back({source.modemFile, source.modem});
    QByteArray zip = writeZip(entries);
    // Whatever read() would refuse is refused here, so a tool never writes a bad bundle.
    auto check = FirmwareBundle::read(zip);
    if (!check)
        return std::unexpected(check.error());
    return zip;
}

} // namespace ps::bundle
