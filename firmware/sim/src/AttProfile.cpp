#include "AttProfile.h"

namespace ps::devsim {

using ps::mcumgr::ImageVersion;

AttProfile AttProfile::forVersion(ImageVersion version) {
    const auto atLeast = [&](int major, int minor, int revision) {
        return version >= ImageVersion{quint8(major), quint8(minor), quint16(revision), 0};
    };
    AttProfile profile;
    profile.version = version;
    if (atLeast(1, 5, 0)) {
        profile.ncsVersion = "v3.1.1";
        profile.zephyrVersion = "v4.1.99";
    } else if (atLeast(1, 3, 0)) {
        profile.ncsVersion = "v3.1.0";
        profile.zephyrVersion = "v4.1.99";
    } else {
        profile.ncsVersion = "v3.0.2";
        profile.zephyrVersion = "v4.0.99";
    }
    if (atLeast(1, 2, 9))
        profile.provisionCommand = ProvisionCommand::AttCloudProvision;
    else if (atLeast(1, 1, 1))
        profile.provisionCommand = ProvisionCommand::AttCloudProvisionNow;
    else
        profile.provisionCommand = ProvisionCommand::None;
    profile.pdnEventLogs = atLeast(1, 2, 9);
    profile.tokenPrint = atLeast(1, 5, 0)   ? TokenPrint::Block
                         : atLeast(1, 4, 0) ? TokenPrint::ThreeLines
                                            : TokenPrint::Bare;
    return profile;
}

std::expected<ImageVersion, QString> AttProfile::parseOption(QStringView text) {
    const QString trimmed = text.trimmed().toString();
    if (trimmed == u"1.5")
        return ImageVersion{1, 5, 0, 0};
    if (trimmed == u"1.4")
        return ImageVersion{1, 4, 0, 0};
    if (trimmed == u"1.2")
        return ImageVersion{1, 2, 5, 0};
    auto version = ImageVersion::parse(trimmed);
    if (!version)
        return std::unexpected(
            QStringLiteral("--att %1: expected 1.5, 1.4, 1.2 or a version like 1.2.9").arg(text));
    return version;
}

QByteArray AttProfile::versionText() const {
    QByteArray text = QByteArray::number(version.major) + '.' + QByteArray::number(version.minor) +
                      '.' + QByteArray::number(version.revision);
    if (version.build != 0)
        text += '+' + QByteArray::number(version.build);
    return text;
}

} // namespace ps::devsim
