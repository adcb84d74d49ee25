#include "CloudSettings.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace ps::cloud {

namespace {

QUrl readUrl(const QSettings &settings, const QString &key, const QUrl &fallback) {
    const QUrl url(settings.value(key).toString(), QUrl::StrictMode);
    return url.isValid() && !url.scheme().isEmpty() && !url.host().isEmpty() ? url : fallback;
}

int readInt(const QSettings &settings, const QString &key, int fallback, int minimum) {
    bool ok = false;
    const int value = settings.value(key).toInt(&ok);
    return ok && value >= minimum ? value : fallback;
}

} // namespace

CloudSettings CloudSettings::load(QSettings &settings) {
    CloudSettings loaded;
    settings.beginGroup(u"cloud"_s);
    loaded.provisioningBaseUrl =
        readUrl(settings, u"provisioningBaseUrl"_s, loaded.provisioningBaseUrl);
    loaded.mainBaseUrl = readUrl(settings, u"mainBaseUrl"_s, loaded.mainBaseUrl);
    loaded.extraCaFile = settings.value(u"extraCaFile"_s).toString();
    loaded.transferTimeoutMs =
        readInt(settings, u"transferTimeoutMs"_s, loaded.transferTimeoutMs, 100);
    loaded.maxAttempts = readInt(settings, u"maxAttempts"_s, loaded.maxAttempts, 1);
    loaded.initialBackoffMs = readInt(settings, u"initialBackoffMs"_s, loaded.initialBackoffMs, 0);
    loaded.maxBackoffMs = readInt(settings, u"maxBackoffMs"_s, loaded.maxBackoffMs, 0);
    loaded.maxRetryAfterMs = readInt(settings, u"maxRetryAfterMs"_s, loaded.maxRetryAfterMs, 0);
    loaded.maxConcurrentRequests =
        readInt(settings, u"maxConcurrentRequests"_s, loaded.maxConcurrentRequests, 1);
    loaded.pageLimit = readInt(settings, u"pageLimit"_s, loaded.pageLimit, 1);
    settings.endGroup();
    return loaded;
}

void CloudSettings::save(QSettings &settings) const {
    settings.beginGroup(u"cloud"_s);
    settings.setValue(u"provisioningBaseUrl"_s, provisioningBaseUrl.toString());
    settings.setValue(u"mainBaseUrl"_s, mainBaseUrl.toString());
    settings.setValue(u"extraCaFile"_s, extraCaFile);
    settings.setValue(u"transferTimeoutMs"_s, transferTimeoutMs);
    settings.setValue(u"maxAttempts"_s, maxAttempts);
    settings.setValue(u"initialBackoffMs"_s, initialBackoffMs);
    settings.setValue(u"maxBackoffMs"_s, maxBackoffMs);
    settings.setValue(u"maxRetryAfterMs"_s, maxRetryAfterMs);
    settings.setValue(u"maxConcurrentRequests"_s, maxConcurrentRequests);
    settings.setValue(u"pageLimit"_s, pageLimit);
    settings.endGroup();
}

} // namespace ps::cloud
