#pragma once

#include "cloud/ApiKeyStore.h"
#include "cloud/CloudSettings.h"

#include <QString>

class QSettings;

namespace ps::gui {

/// Which nRF Cloud the workstation talks to and where its API key comes from.
///
/// The cloud part is ps::cloud::CloudSettings (group "cloud": provisioningBaseUrl, mainBaseUrl,
/// extraCaFile, ...); this adds the key file (group "account", key apiKeyFile). The key itself
/// is never a setting: it lives in the OS keychain, in the key file, or in memory for one
/// session (CloudAccount).
struct AccountSettings {
    ps::cloud::CloudSettings cloud;
    /// A file whose first line is the API key (headless stations, the demo). When set it wins
    /// over the keychain, and "store the key" writes there (mode 0600).
    QString apiKeyFile;

    static AccountSettings load(QSettings &store);
    void save(QSettings &store) const;

    /// How ApiKeyStore should look for the key with these settings.
    [[nodiscard]] ps::cloud::ApiKeyStoreOptions keyStoreOptions() const;
    /// Whether the base URLs are nRF Cloud's own (not a stand-in or another stage).
    [[nodiscard]] bool usesNrfCloud() const;

    friend bool operator==(const AccountSettings &, const AccountSettings &) = default;
};

} // namespace ps::gui
