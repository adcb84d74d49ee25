#pragma once

#include <QString>
#include <QUrl>

class QSettings;

namespace ps::cloud {

/// Where the cloud is and how patiently to talk to it.
///
/// The same RestClient talks to nRF Cloud or to the local stand-in: only these values change.
/// TLS verification is not a setting; an extra CA (the stand-in's) is added to the system's
/// trusted CAs, never used instead of verification. The API key is not here either: it lives in
/// ApiKeyStore, so a settings file can be shared or attached to a bug report safely.
struct CloudSettings {
    static constexpr auto DefaultProvisioningBaseUrl = "https://api.provisioning.nrfcloud.com/v1/";
    static constexpr auto DefaultMainBaseUrl = "https://api.nrfcloud.com/v1/";

    QUrl provisioningBaseUrl{QString::fromLatin1(DefaultProvisioningBaseUrl)};
    QUrl mainBaseUrl{QString::fromLatin1(DefaultMainBaseUrl)};
    /// PEM file with one or more CA certificates trusted in addition to the system's.
    QString extraCaFile;

    int transferTimeoutMs = 30'000; ///< per attempt: no progress for this long aborts it
    int maxAttempts = 4;            ///< first try plus retries, for 5xx, 429 and network errors
    int initialBackoffMs = 500;     ///< delay before the first retry, doubled for each retry
    int maxBackoffMs = 30'000;      ///< cap of the exponential delay
    int maxRetryAfterMs = 120'000;  ///< a longer Retry-After gives up instead of waiting
    int maxConcurrentRequests = 8;  ///< requests in flight at once; the rest wait in order
    int pageLimit = 100;            ///< items asked for per page when listing

    /// Reads the group "cloud" of `settings`; missing or invalid values keep their defaults.
    static CloudSettings load(QSettings &settings);
    void save(QSettings &settings) const;

    friend bool operator==(const CloudSettings &, const CloudSettings &) = default;
};

} // namespace ps::cloud
