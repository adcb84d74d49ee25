#pragma once

#include "mcumgr/McubootImage.h"

#include <QByteArray>
#include <expected>

namespace ps::devsim {

/// What differs between Asset Tracker Template versions, as far as the station can see it
/// (PROTOCOL §1, §2, §7). One table, chosen from the running image's version.
struct AttProfile {
    enum class ProvisionCommand {
        None,                 ///< before v1.1.1: no on-device provisioning command
        AttCloudProvisionNow, ///< v1.1.1 - v1.2.5: `att_cloud_provision now`
        AttCloudProvision,    ///< v1.2.9 and later: `att_cloud provision`
    };
    /// How provisioning prints the attestation token when the device is not claimed.
    enum class TokenPrint {
        Bare,       ///< v1.1.1 - v1.3.x: one warning line that is only the token
        ThreeLines, ///< v1.4.x: BEGIN, token and END as three warning lines
        Block,      ///< v1.5.x: one warning record with continuation lines
    };

    ps::mcumgr::ImageVersion version;
    QByteArray ncsVersion;    ///< "v3.1.1"
    QByteArray zephyrVersion; ///< "v4.1.99"
    ProvisionCommand provisionCommand = ProvisionCommand::AttCloudProvision;
    /// v1.2.9+: the network module logs lte_lc PDN events at debug level ("PDN connection
    /// activated"); before: "Network connectivity established/lost" at info level.
    bool pdnEventLogs = true;
    TokenPrint tokenPrint = TokenPrint::Block;

    static AttProfile forVersion(ps::mcumgr::ImageVersion version);
    /// `--att`: "1.5" (v1.5.0), "1.4" (v1.4.0), "1.2" (v1.2.5) or a full version "1.2.9".
    static std::expected<ps::mcumgr::ImageVersion, QString> parseOption(QStringView text);
    /// "1.5.0", or "1.5.0+3" with a build number, as the boot banner shows it.
    [[nodiscard]] QByteArray versionText() const;
};

} // namespace ps::devsim
