#include "AccountSettings.h"

#include <QSettings>

namespace ps::gui {

using namespace Qt::StringLiterals;

AccountSettings AccountSettings::load(QSettings &store) {
    AccountSettings settings;
    settings.cloud = ps::cloud::CloudSettings::load(store);
    store.beginGroup(u"account"_s);
    settings.apiKeyFile = store.value(u"apiKeyFile"_s).toString().trimmed();
    store.endGroup();
    return settings;
}

void AccountSettings::save(QSettings &store) const {
    cloud.save(store);
    store.beginGroup(u"account"_s);
    store.setValue(u"apiKeyFile"_s, apiKeyFile);
    store.endGroup();
}

ps::cloud::ApiKeyStoreOptions AccountSettings::keyStoreOptions() const {
    ps::cloud::ApiKeyStoreOptions options;
    options.keyFile = apiKeyFile;
    return options;
}

bool AccountSettings::usesNrfCloud() const {
    const auto isNordic = [](const QUrl &url) {
        return url.host() == u"nrfcloud.com"_s || url.host().endsWith(u".nrfcloud.com"_s);
    };
    return isNordic(cloud.provisioningBaseUrl) && isNordic(cloud.mainBaseUrl);
}

} // namespace ps::gui
