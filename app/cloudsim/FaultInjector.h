#pragma once

#include <QJsonObject>
#include <QRandomGenerator>
#include <QString>
#include <array>
#include <expected>

namespace ps::cloudsim {

/// Which faults the stand-in injects into REST answers. Counted faults are used up one per
/// matching request, in the order hang, drop, garbage, rate limit, error; the rates apply once
/// the counts are spent. Latency delays every answer that is sent.
///
/// The rates share one random draw per request, so at most one of them hits and their sum must
/// not exceed 1: with errorRate 0.1, rateLimitRate 0.05 and dropRate 0.05 a request gets a 5xx
/// with chance 0.1, a 429 with 0.05, a cut-off answer with 0.05 and passes with 0.8. A plan with
/// only errorRate draws exactly as before the other rates existed (same seed, same errors).
struct FaultPlan {
    int latencyMs = 0;
    double errorRate = 0;     ///< 0..1, chance of an error answer per request
    double rateLimitRate = 0; ///< 0..1, chance of a 429 per request
    double dropRate = 0;      ///< 0..1, chance of an answer cut off mid-body per request
    int errorCount = 0;       ///< the next n requests get an error answer
    int errorStatus = 503;    ///< 500, 502, 503 or 504, used for error answers
    int rateLimitCount = 0;   ///< the next n requests get 429
    int retryAfterSeconds = 1;
    bool retryAfterAsDate = false; ///< send Retry-After as an HTTP date instead of seconds
    int dropCount = 0;             ///< the next n answers are cut off mid-body
    int garbageCount = 0;          ///< the next n requests get 200 with a body that is not JSON
    int hangCount = 0;             ///< the next n requests are never answered
    QString pathPrefix;            ///< only requests whose path starts with this; empty = all
    int skipCount = 0;             ///< let the next n matching requests through untouched first

    [[nodiscard]] bool isEmpty() const;
    static bool isSupportedErrorStatus(int status);
    /// errorRate + rateLimitRate + dropRate: the chance that a rate hits a request.
    [[nodiscard]] double totalRate() const { return errorRate + rateLimitRate + dropRate; }
    [[nodiscard]] QJsonObject toJson() const;
    /// Reads the body of POST /_sim/faults; absent fields keep their defaults.
    static std::expected<FaultPlan, QString> fromJson(const QJsonObject &object);
};

struct FaultDecision {
    enum class Action { None, Error, RateLimit, Drop, Hang, Garbage };
    Action action = Action::None;
    int latencyMs = 0;
    int status = 0;
    int retryAfterSeconds = 0;
    bool retryAfterAsDate = false;
};

/// Decides per request which fault, if any, to inject. Deterministic for a given seed and
/// sequence of paths.
class FaultInjector {
public:
    explicit FaultInjector(quint32 seed = 1)
        : m_random(seed) {}

    void setPlan(const FaultPlan &plan) { m_plan = plan; }
    [[nodiscard]] const FaultPlan &plan() const { return m_plan; }

    /// Consumes one count of the first matching counted fault.
    FaultDecision decide(const QString &path);

    /// Requests that reached decide() and how many faults were injected, for tests.
    [[nodiscard]] int requestsSeen() const { return m_requestsSeen; }
    [[nodiscard]] int faultsInjected() const { return m_faultsInjected; }
    /// Injected faults of one kind (0 for Action::None).
    [[nodiscard]] int injected(FaultDecision::Action action) const;
    /// {"requestsSeen", "faultsInjected", "errors", "rateLimits", "drops", "garbage", "hangs"}
    [[nodiscard]] QJsonObject statistics() const;

private:
    FaultPlan m_plan;
    QRandomGenerator m_random;
    int m_requestsSeen = 0;
    int m_faultsInjected = 0;
    std::array<int, 6> m_byAction{}; ///< indexed by FaultDecision::Action
};

} // namespace ps::cloudsim
