#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <expected>

namespace ps::mcumgr {

/// MCUboot image format (PROTOCOL §8), read and written by pure functions: the virtual device's
/// serial recovery checks uploads with them, the host-side flasher and the firmware bundle tool
/// read versions and hashes with them, and tests build images with buildMcubootImage().
///
/// Layout (little-endian): 32-byte header at offset 0 (magic 0x96f3b83d, load address, header
/// size, protected TLV size, image size, flags, version major.minor.revision+build), padding up
/// to the header size, the payload, then an optional protected TLV area (magic 0x6908) and the
/// TLV area (magic 0x6907). The SHA-256 TLV (type 0x10) covers header, payload and the protected
/// TLV area.

inline constexpr quint32 ImageMagic = 0x96f3b83d;
inline constexpr quint16 TlvInfoMagic = 0x6907;
inline constexpr quint16 ProtectedTlvInfoMagic = 0x6908;
inline constexpr quint16 TlvSha256 = 0x10;
inline constexpr qsizetype ImageHeaderStructSize = 32;

struct ImageVersion {
    quint8 major = 0;
    quint8 minor = 0;
    quint16 revision = 0;
    quint32 build = 0;

    /// "1.5.0", or "1.5.0.7" when the build number is not 0 (the form mcumgr's image list uses).
    [[nodiscard]] QString toString() const;
    /// Accepts "1.5", "1.5.0", "1.5.0+7" and "1.5.0.7".
    static std::expected<ImageVersion, QString> parse(QStringView text);
    friend auto operator<=>(const ImageVersion &, const ImageVersion &) = default;
};

struct ImageTlv {
    quint16 type = 0;
    QByteArray value;
    bool isProtected = false;
};

struct McubootImage {
    quint32 loadAddress = 0;
    quint16 headerSize = 0;
    quint16 protectedTlvSize = 0;
    quint32 payloadSize = 0; ///< ih_img_size: bytes after the header, before the TLVs
    quint32 flags = 0;
    ImageVersion version;
    QList<ImageTlv> tlvs;
    QByteArray sha256;       ///< value of the SHA-256 TLV, empty when there is none
    qsizetype totalSize = 0; ///< header + payload + TLV areas

    /// The bytes the SHA-256 TLV covers: header, payload and protected TLVs.
    [[nodiscard]] qsizetype hashedSize() const {
        return qsizetype(headerSize) + payloadSize + protectedTlvSize;
    }
};

/// Reads header and TLVs, checking magics and that every announced length fits in `bytes`.
/// Does not check the hash (see verifyMcubootImage). Bytes after the TLV area are allowed
/// (flash pages are padded with 0xff).
std::expected<McubootImage, QString> parseMcubootImage(QByteArrayView bytes);

/// parseMcubootImage() plus: a SHA-256 TLV must exist and match the image.
std::expected<McubootImage, QString> verifyMcubootImage(QByteArrayView bytes);

/// Builds a valid image with a SHA-256 TLV (for tests, the demo bundle and the virtual device's
/// factory image). `headerSize` must be at least 32.
QByteArray buildMcubootImage(ImageVersion version, QByteArrayView payload,
                             quint16 headerSize = 0x200, quint32 loadAddress = 0);

} // namespace ps::mcumgr
