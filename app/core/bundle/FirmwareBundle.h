#pragma once

#include "ZipArchive.h"
#include "mcumgr/McubootImage.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <expected>
#include <optional>

namespace ps::bundle {

/// A firmware bundle: one zip file holding `manifest.json` and the images it lists.
///
///   {
///     "format": "provstation-firmware-bundle", "formatVersion": 1,
///     "name": "Asset Tracker Template", "version": "1.6.0",
///     "models": ["nRF9151", "nRF9161-LACA"],      // device models it fits (prefix before '-')
///     "boards": ["thingy91x"],                     // optional, informational
///     "images": [
///       {"type": "application", "file": "app.bin", "size": 4711,
///        "sha256": "<64 hex>", "version": "1.6.0"},           // an MCUboot image
///       {"type": "modem", "file": "mfw.zip", "size": 123, "sha256": "<64 hex>",
///        "version": "mfw_nrf91x1_2.0.3"}                      // optional modem package
///     ]
///   }
///
/// read() checks everything before a byte is flashed: the zip, the manifest schema, each
/// image's size and SHA-256, the application's MCUboot header, TLVs and SHA-256 TLV, and that
/// the header version is the manifest's. fits() checks a device model. Each refusal has a
/// BundleError::Code (for tests and the station) and a message that says what is wrong.

struct BundleError {
    enum class Code {
        NotReadable,     ///< the file could not be read
        BadZip,          ///< the zip container is damaged or hostile
        NoManifest,      ///< no manifest.json
        BadManifest,     ///< not JSON, a missing or mistyped field, unknown format version
        MissingImage,    ///< the manifest names a file the zip does not hold
        SizeMismatch,    ///< an image is not the size the manifest says
        HashMismatch,    ///< an image's SHA-256 is not the manifest's
        BadApplication,  ///< not a valid MCUboot image (header, TLVs, SHA-256 TLV)
        VersionMismatch, ///< MCUboot header version differs from the manifest
        WrongModel,      ///< the bundle does not fit the connected device
    };
    Code code = Code::BadManifest;
    QString message;
};

QString toString(BundleError::Code code);

struct BundleImage {
    enum class Type { Application, Modem };
    Type type = Type::Application;
    QString file;
    QString version; ///< as the manifest says
    QByteArray sha256;
    QByteArray data;
    std::optional<ps::mcumgr::McubootImage> mcuboot; ///< set for the application image
};

struct FirmwareBundle {
    static constexpr int FormatVersion = 1;
    static constexpr qsizetype MaxBundleSize = qsizetype(128) * 1024 * 1024;

    QString name;
    QString version;
    QStringList models;
    QStringList boards;
    QList<BundleImage> images;

    static std::expected<FirmwareBundle, BundleError> read(QByteArrayView zip);
    static std::expected<FirmwareBundle, BundleError> readFile(const QString &path);

    /// Whether the bundle is made for `model` ("nRF9151-LACA" fits "nRF9151" and
    /// "nRF9151-LACA"; comparison ignores case).
    [[nodiscard]] std::expected<void, BundleError> fits(QStringView model) const;

    [[nodiscard]] const BundleImage *application() const;
    [[nodiscard]] const BundleImage *modem() const;

    /// The manifest plus what was found (MCUboot versions, hashes): for `bundle inspect --json`.
    [[nodiscard]] QJsonObject toJson() const;
};

/// What a new bundle holds; writeBundle() computes sizes and hashes and writes the manifest.
struct BundleSource {
    QString name;
    QString version;
    QStringList models;
    QStringList boards;
    QByteArray application; ///< an MCUboot image
    QString applicationFile = QStringLiteral("app_update.bin");
    QByteArray modem; ///< optional modem firmware package
    QString modemFile = QStringLiteral("modem.zip");
    QString modemVersion;
};

/// The manifest JSON for `source` (exposed so tests can write deliberately bad ones).
QJsonObject manifestFor(const BundleSource &source);
/// A zip with the manifest and the images. Refuses an application that is not an MCUboot
/// image or whose version is not `source.version`.
std::expected<QByteArray, BundleError> writeBundle(const BundleSource &source);

} // namespace ps::bundle
