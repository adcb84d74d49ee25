#include "ImageSlot.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace ps::devsim {

using ps::mcumgr::ImageVersion;

ImageSlot::ImageSlot(QString stateDir) {
    if (stateDir.isEmpty())
        return;
    m_binPath = QDir(stateDir).filePath(QStringLiteral("slot0.bin"));
    m_metaPath = QDir(stateDir).filePath(QStringLiteral("slot0.json"));
    QFile bin(m_binPath);
    if (bin.open(QIODevice::ReadOnly))
        m_contents = bin.readAll();
    QFile meta(m_metaPath);
    if (meta.open(QIODevice::ReadOnly))
        m_upload = QJsonDocument::fromJson(meta.readAll()).object().value(u"origin").toString() ==
                   u"upload";
}

QByteArray ImageSlot::factoryImage(ImageVersion version) {
    const QByteArray payload = "Asset Tracker Template " + version.toString().toLatin1() +
                               " (virtual nRF91 device, factory image)\n";
    return ps::mcumgr::buildMcubootImage(version, payload);
}

void ImageSlot::ensureFactoryImage(ImageVersion version) {
    if (m_upload)
        return;
    const QByteArray factory = factoryImage(version);
    if (m_contents != factory)
        store(factory, false);
}

std::expected<ps::mcumgr::McubootImage, QString> ImageSlot::bootableImage() const {
    if (m_contents.isEmpty())
        return std::unexpected(QStringLiteral("slot 0 is empty"));
    return ps::mcumgr::verifyMcubootImage(m_contents);
}

void ImageSlot::erase() {
    m_contents.clear();
    m_upload = true;
    save();
}

void ImageSlot::store(const QByteArray &image, bool upload) {
    m_contents = image;
    m_upload = upload;
    save();
}

void ImageSlot::save() {
    if (m_binPath.isEmpty())
        return;
    QSaveFile bin(m_binPath);
    if (bin.open(QIODevice::WriteOnly)) {
        bin.write(m_contents);
        bin.commit();
    }
    QSaveFile meta(m_metaPath);
    if (meta.open(QIODevice::WriteOnly)) {
        meta.write(QJsonDocument(QJsonObject{{QStringLiteral("origin"),
                                              m_upload ? QStringLiteral("upload")
                                                       : QStringLiteral("factory")}})
                       .toJson());
        meta.commit();
    }
}

} // namespace ps::devsim
