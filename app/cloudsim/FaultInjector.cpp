#include "FaultInjector.h"

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

namespace {

std::expected<int, QString> readCount(const QJsonObject &object, const QString &key, int fallback,
                                      int minimum, int maximum) {
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return fallback;
    const double number = value.toDouble(-1e9);
    if (!value.isDouble() || number < minimum || number > maximum || int(number) != number)
        return std::unexpected(
            u"\"%1\" must be a whole number from %2 to %3"_s.arg(key).arg(minimum).arg(maximum));
    return int(number);
}

} // namespace

bool FaultPlan::isSupportedErrorStatus(int status) {
    return status == 500 || status == 502 || status == 503 || status == 504;
}

bool FaultPlan::isEmpty() const {
    return latencyMs == 0 && errorRate == 0 && rateLimitRate == 0 && dropRate == 0 &&
           errorCount == 0 && rateLimitCount == 0 && dropCount == 0 && hangCount == 0 &&
           garbageCount == 0;
}

QJsonObject FaultPlan::toJson() const {
    return QJsonObject{{u"latencyMs"_s, latencyMs},
                       {u"errorRate"_s, errorRate},
                       {u"rateLimitRate"_s, rateLimitRate},
                       {u"dropRate"_s, dropRate},
                       {u"errorCount"_s, errorCount},
                       {u"errorStatus"_s, errorStatus},
                       {u"rateLimitCount"_s, rateLimitCount},
                       {u"retryAfterSeconds"_s, retryAfterSeconds},
                       {u"retryAfterAsDate"_s, retryAfterAsDate},
                       {u"dropCount"_s, dropCount},
                       {u"garbageCount"_s, garbageCount},
                       {u"hangCount"_s, hangCount},
                       {u"pathPrefix"_s, pathPrefix},
                       {u"skipCount"_s, skipCount}};
}

std::expected<FaultPlan, QString> FaultPlan::fromJson(const QJsonObject &object) {
    static const QStringList known = {
        u"latencyMs"_s,        u"errorRate"_s,   u"rateLimitRate"_s,  u"dropRate"_s,
        u"errorCount"_s,       u"errorStatus"_s, u"rateLimitCount"_s, u"retryAfterSeconds"_s,
        u"retryAfterAsDate"_s, u"dropCount"_s,   u"garbageCount"_s,   u"hangCount"_s,
        u"pathPrefix"_s,       u"skipCount"_s};
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return std::unexpected(
                u"unknown fault \"%1\"; known: %2"_s.arg(it.key(), known.join(u", "_s)));
    }
    FaultPlan plan;
    const int day = 24 * 3600 * 1000;
    auto latency = readCount(object, u"latencyMs"_s, 0, 0, day);
    auto errors = readCount(object, u"errorCount"_s, 0, 0, 1'000'000);
    auto status = readCount(object, u"errorStatus"_s, 503, 500, 599);
    if (status && !FaultPlan::isSupportedErrorStatus(*status))
        status = std::unexpected(u"\"errorStatus\" must be 500, 502, 503 or 504"_s);
    auto rateLimits = readCount(object, u"rateLimitCount"_s, 0, 0, 1'000'000);
    auto retryAfter = readCount(object, u"retryAfterSeconds"_s, 1, 0, 24 * 3600);
    auto drops = readCount(object, u"dropCount"_s, 0, 0, 1'000'000);
    auto hangs = readCount(object, u"hangCount"_s, 0, 0, 1'000'000);
    auto garbage = readCount(object, u"garbageCount"_s, 0, 0, 1'000'000);
    auto skip = readCount(object, u"skipCount"_s, 0, 0, 1'000'000);
    for (const auto *value :
         {&latency, &errors, &status, &rateLimits, &retryAfter, &drops, &hangs, &garbage, &skip}) {
        if (!*value)
            return std::unexpected(value->error());
    }
    for (const QString &key : {u"errorRate"_s, u"rateLimitRate"_s, u"dropRate"_s}) {
        const QJsonValue rate = object.value(key);
        if (!rate.isUndefined() && (!rate.isDouble() || rate.toDouble() < 0 || rate.toDouble() > 1))
            return std::unexpected(u"\"%1\" must be a number from 0 to 1"_s.arg(key));
    }
    plan.errorRate = object.value(u"errorRate"_s).toDouble(0);
    plan.rateLimitRate = object.value(u"rateLimitRate"_s).toDouble(0);
    plan.dropRate = object.value(u"dropRate"_s).toDouble(0);
    if (plan.totalRate() > 1)
        return std::unexpected(
            u"\"errorRate\", \"rateLimitRate\" and \"dropRate\" must add up to 1 at most"_s);
    plan.latencyMs = *latency;
    plan.errorCount = *errors;
    plan.errorStatus = *status;
    plan.rateLimitCount = *rateLimits;
    plan.retryAfterSeconds = *retryAfter;
    plan.retryAfterAsDate = object.value(u"retryAfterAsDate"_s).toBool(false);
    plan.dropCount = *drops;
    plan.hangCount = *hangs;
    plan.garbageCount = *garbage;
    plan.skipCount = *skip;
    plan.pathPrefix = object.value(u"pathPrefix"_s).toString();
    return plan;
}

FaultDecision FaultInjector::decide(const QString &path) {
    ++m_requestsSeen;
    FaultDecision decision;
    if (!m_plan.pathPrefix.isEmpty() && !path.startsWith(m_plan.pathPrefix))
        return decision;
    if (m_plan.skipCount > 0) {
        --m_plan.skipCount;
        return decision;
    }
    decision.latencyMs = m_plan.latencyMs;
    decision.retryAfterSeconds = m_plan.retryAfterSeconds;
    decision.retryAfterAsDate = m_plan.retryAfterAsDate;
    if (m_plan.hangCount > 0) {
        --m_plan.hangCount;
        decision.action = FaultDecision::Action::Hang;
    } else if (m_plan.dropCount > 0) {
        --m_plan.dropCount;
        decision.action = FaultDecision::Action::Drop;
    } else if (m_plan.garbageCount > 0) {
        --m_plan.garbageCount;
        decision.action = FaultDecision::Action::Garbage;
    } else if (m_plan.rateLimitCount > 0) {
        --m_plan.rateLimitCount;
        decision.action = FaultDecision::Action::RateLimit;
        decision.status = 429;
    } else if (m_plan.errorCount > 0) {
        --m_plan.errorCount;
        decision.action = FaultDecision::Action::Error;
        decision.status = m_plan.errorStatus;
    } else if (m_plan.totalRate() > 0) {
        // One draw for all rates, laid out as [error | rate limit | drop | nothing].
        const double draw = m_random.generateDouble();
        if (draw < m_plan.errorRate) {
            decision.action = FaultDecision::Action::Error;
            decision.status = m_plan.errorStatus;
        } else if (draw < m_plan.errorRate + m_plan.rateLimitRate) {
            decision.action = FaultDecision::Action::RateLimit;
            decision.status = 429;
        } else if (draw < m_plan.totalRate()) {
            decision.action = FaultDecision::Action::Drop;
        }
    }
    if (decision.action != FaultDecision::Action::None) {
        ++m_faultsInjected;
        ++m_byAction[std::size_t(decision.action)];
    }
    return decision;
}

int FaultInjector::injected(FaultDecision::Action action) const {
    return m_byAction[std::size_t(action)];
}

QJsonObject FaultInjector::statistics() const {
    using Action = FaultDecision::Action;
    return QJsonObject{
        {u"requestsSeen"_s, m_requestsSeen},    {u"faultsInjected"_s, m_faultsInjected},
        {u"errors"_s, injected(Action::Error)}, {u"rateLimits"_s, injected(Action::RateLimit)},
        {u"drops"_s, injected(Action::Drop)},   {u"garbage"_s, injected(Action::Garbage)},
        {u"hangs"_s, injected(Action::Hang)}};
}

} // namespace ps::cloudsim
