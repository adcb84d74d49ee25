#pragma once

#include "CloudTypes.h"
#include "RestClient.h"

#include <QPointer>

namespace ps::cloud {

/// nRF Cloud's provisioning service (PROTOCOL §5): claims, provisioning commands, rules.
///
///     ProvisioningApi api(client);
///     auto claimed = co_await api.claim(token.text);          // tags: nrf-cloud-onboarding
///     if (!claimed) report(claimed.error());                  // 409: claimed elsewhere, ...
///
/// A light handle on a RestClient: copy it freely. Calls that outlive the client end with an
/// ApiError instead of touching it. Every answer is parsed defensively; an answer that cannot
/// be read becomes ApiError::Kind::BadResponse.
class ProvisioningApi {
public:
    explicit ProvisioningApi(RestClient &client)
        : m_client(&client) {}

    /// Claims the device whose attestation token is `token` (both parts and the dot). The
    /// tags select provisioning rules; the default selects the onboarding rule.
    QCoro::Task<std::expected<ClaimedDevice, ApiError>>
    claim(QString token, QStringList tags = {QString::fromLatin1(OnboardingTag)});

    /// Asks whether `token` could be claimed without claiming it. Success means it could;
    /// otherwise the error's message says why not.
    QCoro::Task<std::expected<void, ApiError>>
    claimDryRun(QString token, QStringList tags = {QString::fromLatin1(OnboardingTag)});

    /// Releases the device; nRF Cloud also drops it from device management.
    QCoro::Task<std::expected<void, ApiError>> unclaim(QString deviceId);

    /// Every claimed device, all pages gathered.
    QCoro::Task<std::expected<QList<ClaimedDevice>, ApiError>> listClaimedDevices();
    QCoro::Task<std::expected<ClaimedDevice, ApiError>> getClaimedDevice(QString deviceId);

    /// Queues one command for the device (at most 20 may be queued); returns its id.
    QCoro::Task<std::expected<QString, ApiError>>
    createCommand(QString deviceId, CommandRequest request, QString description = {});
    QCoro::Task<std::expected<ProvisioningCommand, ApiError>> getCommand(QString deviceId,
                                                                         QString commandId);
    QCoro::Task<std::expected<QList<ProvisioningCommand>, ApiError>> listCommands(QString deviceId);

    QCoro::Task<std::expected<QList<ProvisioningRule>, ApiError>> listRules();
    QCoro::Task<std::expected<ProvisioningRule, ApiError>> createRule(ProvisioningRule rule);
    /// Returns the active rule for the tag "nrf-cloud-onboarding", creating the default one
    /// (ProvisioningRule::defaultOnboardingRule()) when the account has none. Safe to call
    /// before every claim.
    QCoro::Task<std::expected<ProvisioningRule, ApiError>> ensureOnboardingRule();

private:
    QPointer<RestClient> m_client;
};

} // namespace ps::cloud
