#include "CloudPort.h"

#include "SimClock.h"

namespace ps::devsim {

using namespace std::chrono_literals;

namespace {
// How long a lookup of the cloud host takes to fail (device time).
constexpr auto LookupFailureDelay = 150ms;
} // namespace

void UnconfiguredCloud::connect(QObject *context, std::function<void(ConnectResult)> done) {
    m_host->clock().after(context, LookupFailureDelay, [this, done = std::move(done)] {
        m_host->log(LogLevel::Error, "nrf_cloud_coap_transport",
                    "Failed to resolve coap.nrfcloud.com: no cloud endpoint is configured for "
                    "this virtual device");
        done(ConnectResult::Failed);
    });
}

void UnconfiguredCloud::provision(QObject *context, std::function<void(ProvisioningResult)> done) {
    m_host->clock().after(context, LookupFailureDelay, [this, done = std::move(done)] {
        m_host->log(LogLevel::Error, "nrf_provisioning_coap", "Unable to resolve address");
        done(ProvisioningResult::Failed);
    });
}

void UnconfiguredCloud::pollShadowDelta(QObject *context,
                                        std::function<void(std::optional<QByteArray>)> done) {
    m_host->clock().after(context, LookupFailureDelay,
                          [done = std::move(done)] { done(std::nullopt); });
}

} // namespace ps::devsim
