#pragma once

#include "mcumgr/McubootImage.h"

#include <QByteArray>
#include <QString>
#include <expected>

namespace ps::devsim {

/// The primary image slot of the application core, kept in the state folder as
/// `<state>/slot0.bin` (the bytes as flashed) and `<state>/slot0.json` ({"origin": "factory" |
/// "upload"}).
///
/// A new device gets a factory image for its `--att` version (a real MCUboot image whose
/// payload is a short text). Serial recovery erases the slot when an upload starts and writes it
/// when the upload completes, so an interrupted upload leaves an empty slot and the device stays
/// in the bootloader, as a real one does.
class ImageSlot {
public:
    /// Without a state folder the slot lives in memory only.
    explicit ImageSlot(QString stateDir = {});

    /// Writes the factory image for `version` unless the slot holds an upload.
    void ensureFactoryImage(ps::mcumgr::ImageVersion version);

    [[nodiscard]] QByteArray contents() const { return m_contents; }
    [[nodiscard]] bool isUpload() const { return m_upload; }
    /// The image MCUboot would boot, or why it would not.
    [[nodiscard]] std::expected<ps::mcumgr::McubootImage, QString> bootableImage() const;

    void erase();
    void store(const QByteArray &image, bool upload);

    static QByteArray factoryImage(ps::mcumgr::ImageVersion version);

private:
    void save();

    QString m_binPath;
    QString m_metaPath;
    QByteArray m_contents;
    bool m_upload = false;
};

} // namespace ps::devsim
