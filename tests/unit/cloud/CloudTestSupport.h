#pragma once

// Shared pieces of the cloud client tests: a RestClient wired to an in-process stand-in, and a
// message handler that captures log output.

#include "SimTestSupport.h"
#include "cloud/RestClient.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace ps::cloudtest {

/// Settings that reach `sim` and retry quickly, so tests count attempts instead of waiting.
cloud::CloudSettings settingsFor(cloudsim::CloudSim &sim);

/// A stand-in and a client that trusts it, uses its primary account and has fixed jitter.
class ClientAndSim {
public:
    explicit ClientAndSim(const std::function<void(cloudsim::CloudSimOptions &)> &tuneSim = {},
                          const std::function<void(cloud::CloudSettings &)> &tuneClient = {});

    simtest::RunningSim sim;
    std::unique_ptr<cloud::RestClient> client;

    /// Registers a device with the stand-in and claims it for the primary account through the
    /// stand-in's model (not through the client), for tests of later steps.
    simtest::TestDevice claimedDevice();
};

/// Captures every message (all categories) while alive, with debug output of the cloud
/// category switched on. Restores the previous handler and rules when destroyed.
class LogCapture {
public:
    LogCapture();
    ~LogCapture();
    LogCapture(const LogCapture &) = delete;
    LogCapture &operator=(const LogCapture &) = delete;

    [[nodiscard]] QString text() const;

private:
    QtMessageHandler m_previous = nullptr;
};

} // namespace ps::cloudtest
