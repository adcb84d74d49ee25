#include "ProvisioningCloud.h"

#include "CoapDtlsClient.h"
#include "CredentialStore.h"
#include "ProvisioningRun.h"

#include <QPointer>
#include <QRegularExpression>
#include <cmath>

namespace ps::devsim {

using namespace std::chrono_literals;

namespace {

// The shortest host-time bound for anything that waits on the network or the LTE model.
constexpr auto NetworkFloor = 10s;
// ATT's nRF Cloud CoAP request timeout (device time).
constexpr auto CloudRequestTimeout = 30s;
// Lifetime of the JWT for nRF Cloud CoAP (the modem's %JWT expiry delta), seconds.
constexpr int CloudJwtLifetime = 3600;
// Content formats (RFC 7252 12.3).
constexpr int FormatTextPlain = 0;
constexpr int FormatJson = 50;

constexpr quint8 code(int cls, int detail) {
    return quint8((cls << 5) | detail);
}

QByteArray codeText(quint8 value) {
    return QByteArray::number(value >> 5) + '.' +
           QByteArray::number(value & 0x1f).rightJustified(2, '0');
}

/// The text of the first quoted string in `line`, e.g. the token of `%JWT: "<token>"`.
QByteArray quotedValue(const QByteArray &response) {
    const qsizetype open = response.indexOf('"');
    const qsizetype close = open < 0 ? -1 : response.indexOf('"', open + 1);
    return close < 0 ? QByteArray() : response.mid(open + 1, close - open - 1);
}

} // namespace

// ---- CloudEndpoint ----------------------------------------------------------------------------

std::expected<CloudEndpoint, QString> CloudEndpoint::parse(const QString &text) {
    static const QRegularExpression pattern(
        QStringLiteral(R"(^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.\-]+)):(\d{1,5})$)"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    bool ok = false;
    const uint port = match.hasMatch() ? match.captured(3).toUInt(&ok) : 0;
    if (!match.hasMatch() || !ok || port == 0 || port > 65535)
        return std::unexpected(
            QStringLiteral("--cloud %1: expected HOST:PORT, e.g. 127.0.0.1:5684").arg(text));
    CloudEndpoint endpoint;
    endpoint.host = match.captured(1).isEmpty() ? match.captured(2) : match.captured(1);
    endpoint.port = quint16(port);
    return endpoint;
}

QString CloudEndpoint::toString() const {
    return (host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host) +
           QLatin1Char(':') + QString::number(port);
}

// ---- threads ----------------------------------------------------------------------------------

ProvisioningCloud::ProvisioningCloud(CloudEndpoint endpoint, QString stateDir,
                                     const CredentialStore &credentials, double speed,
                                     QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_stateDir(std::move(stateDir))
    , m_credentials(credentials)
    , m_speed(speed > 0 ? speed : 1.0)
    , m_worker([this] { workerLoop(); }) {}

ProvisioningCloud::~ProvisioningCloud() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_jobs.clear();
    }
    m_wake.notify_all();
    m_worker.join();
}

void ProvisioningCloud::workerLoop() {
    while (true) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
            if (m_stopping)
                break;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
            if (isStale(job.ticket))
                continue;
        }
        job.run(job.ticket);
    }
    // The sessions belong to this thread: end them here (close_notify to the server).
    m_provisioning.reset();
    m_cloud.reset();
}

void ProvisioningCloud::enqueue(bool cancellable, std::function<void(const Ticket &)> run) {
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(Job{Ticket{m_epoch, m_generation, cancellable}, std::move(run)});
    }
    m_wake.notify_all();
}

bool ProvisioningCloud::isStale(const Ticket &ticket) const {
    return m_stopping || ticket.epoch != m_epoch ||
           (ticket.cancellable && ticket.generation != m_generation);
}

bool ProvisioningCloud::stale(const Ticket &ticket) {
    std::lock_guard lock(m_mutex);
    return isStale(ticket);
}

std::function<bool()> ProvisioningCloud::abortCheck(const Ticket &ticket) {
    return [this, ticket] { return stale(ticket); };
}

template<class T>
std::optional<T> ProvisioningCloud::onHost(const Ticket &ticket,
                                           std::function<T(CloudHost &)> call) {
    struct Slot {
        std::optional<T> value;
        bool done = false;
    };
    auto slot = std::make_shared<Slot>();
    QMetaObject::invokeMethod(
        this,
        [this, slot, ticket, call = std::move(call)] {
            std::optional<T> value;
            if (m_host && !stale(ticket))
                value = call(*m_host); // may call back into this object: no lock held
            {
                std::lock_guard lock(m_mutex);
                slot->value = std::move(value);
                slot->done = true;
            }
            m_wake.notify_all();
        },
        Qt::QueuedConnection);
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [&] { return slot->done || isStale(ticket); });
    return slot->done ? slot->value : std::nullopt;
}

// ProvisioningRun asks for AT answers.
template std::optional<QByteArray>
ProvisioningCloud::onHost<QByteArray>(const Ticket &, std::function<QByteArray(CloudHost &)>);

void ProvisioningCloud::postToHost(const Ticket &ticket, std::function<void(CloudHost &)> call) {
    QMetaObject::invokeMethod(
        this,
        [this, ticket, call = std::move(call)] {
            // Records of a finished boot never reach the next one.
            bool current = false;
            {
                std::lock_guard lock(m_mutex);
                current = ticket.epoch == m_epoch && !m_stopping;
            }
            if (m_host && current)
                call(*m_host);
        },
        Qt::QueuedConnection);
}

void ProvisioningCloud::deliver(const QPointer<QObject> &context, std::function<void()> done) {
    QMetaObject::invokeMethod(
        this,
        [guard = context, done = std::move(done)] {
            if (guard)
                done();
        },
        Qt::QueuedConnection);
}

void ProvisioningCloud::log(const Ticket &ticket, LogLevel level, QByteArray module,
                            QByteArray message, QByteArray function) {
    postToHost(ticket, [level, module = std::move(module), message = std::move(message),
                        function = std::move(function)](CloudHost &host) {
        host.log(level, module, message, function);
    });
}

bool ProvisioningCloud::waitUntil(const Ticket &ticket, std::chrono::milliseconds timeout,
                                  std::chrono::milliseconds recheck,
                                  const std::function<bool()> &ready) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (ready())
            return true;
        std::unique_lock lock(m_mutex);
        if (isStale(ticket))
            return false;
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline)
            return false;
        const quint64 losses = m_networkLosses;
        const bool up = m_networkUp;
        m_wake.wait_until(lock, std::min(deadline, now + recheck), [&] {
            return isStale(ticket) || m_networkUp != up || m_networkLosses != losses;
        });
    }
}

std::chrono::milliseconds
ProvisioningCloud::networkBound(std::chrono::milliseconds deviceTime) const {
    const auto scaled =
        std::chrono::milliseconds(qint64(std::ceil(double(deviceTime.count()) / m_speed)));
    return std::max<std::chrono::milliseconds>(scaled, NetworkFloor);
}

std::optional<QByteArray> ProvisioningCloud::rootCa(const Ticket &ticket, quint32 secTag) {
    return onHost<QByteArray>(ticket, [this, secTag](CloudHost &) {
        const auto stored = m_credentials.find(secTag, 0);
        return stored ? stored->content : QByteArray();
    });
}

// ---- CloudPort (Qt thread) --------------------------------------------------------------------

void ProvisioningCloud::attach(CloudHost *host) {
    m_host = host;
    {
        // A new boot (or none): everything the previous one started is stale now, and LTE is
        // down until the new boot's network module says otherwise.
        std::lock_guard lock(m_mutex);
        ++m_epoch;
        m_networkUp = false;
        ++m_networkLosses;
    }
    m_wake.notify_all();
}

void ProvisioningCloud::connect(QObject *context, std::function<void(ConnectResult)> done) {
    enqueue(true, [this, context = QPointer<QObject>(context), done = std::move(done)](
                      const Ticket &ticket) { runConnect(ticket, context, done); });
}

void ProvisioningCloud::disconnect() {
    {
        std::lock_guard lock(m_mutex);
        ++m_generation;
    }
    m_wake.notify_all();
    enqueue(false, [this](const Ticket &) {
        if (m_cloud)
            m_cloud->close();
        m_cloud.reset();
    });
}

void ProvisioningCloud::provision(QObject *context, std::function<void(ProvisioningResult)> done) {
    enqueue(true, [this, context = QPointer<QObject>(context), done = std::move(done)](
                      const Ticket &ticket) { runProvision(ticket, context, done); });
}

void ProvisioningCloud::pollShadowDelta(QObject *context,
                                        std::function<void(std::optional<QByteArray>)> done) {
    enqueue(true, [this, context = QPointer<QObject>(context), done = std::move(done)](
                      const Ticket &ticket) { runPoll(ticket, context, done); });
}

void ProvisioningCloud::reportShadow(const QByteArray &reportedJson) {
    enqueue(false, [this, reportedJson](const Ticket &ticket) {
        runCloudRequest(ticket, CoapDtlsClient::Patch, "state/reported", reportedJson);
    });
}

void ProvisioningCloud::publish(const QByteArray &json) {
    enqueue(false, [this, json](const Ticket &ticket) {
        runCloudRequest(ticket, CoapDtlsClient::Post, "msg/d2c", json);
    });
}

void ProvisioningCloud::networkChanged(bool connected) {
    {
        std::lock_guard lock(m_mutex);
        if (m_networkUp && !connected)
            ++m_networkLosses;
        m_networkUp = connected;
    }
    m_wake.notify_all();
}

// ---- jobs (worker thread) ---------------------------------------------------------------------

CoapDtlsClient *ProvisioningCloud::cloudSession() {
    if (m_cloud && !m_cloud->isConnected())
        m_cloud.reset();
    std::lock_guard lock(m_mutex);
    return m_networkUp ? m_cloud.get() : nullptr;
}

void ProvisioningCloud::runConnect(const Ticket &ticket, const QPointer<QObject> &context,
                                   std::function<void(ConnectResult)> done) {
    const auto finish = [&](ConnectResult result) {
        deliver(context, [done, result] { done(result); });
    };
    m_cloud.reset();
    {
        std::lock_guard lock(m_mutex);
        if (!m_networkUp) {
            finish(ConnectResult::Failed);
            return;
        }
    }
    const auto cloudCa = rootCa(ticket, NrfCloudSecTag);
    const auto provisioningCa = cloudCa && cloudCa->isEmpty() ? rootCa(ticket, ProvisioningCaSecTag)
                                                              : std::optional<QByteArray>();
    if (!cloudCa)
        return; // stale
    const QByteArray ca = cloudCa->isEmpty() ? provisioningCa.value_or(QByteArray()) : *cloudCa;

    auto session = std::make_unique<CoapDtlsClient>();
    const auto timeout = networkBound(CloudRequestTimeout);
    const auto connected =
        session->connect(m_endpoint.host, m_endpoint.port, ca, timeout, abortCheck(ticket));
    if (!connected) {
        if (connected.error() == CoapDtlsClient::Error::Aborted)
            return;
        const bool refused = connected.error() == CoapDtlsClient::Error::HandshakeRefused;
        log(ticket, LogLevel::Error, "nrf_cloud_coap_transport",
            refused ? QByteArray("Failed to connect socket, error: -111")
                    : "Failed to connect socket: " +
                          CoapDtlsClient::errorText(connected.error()).toUtf8());
        // ATT treats -ECONNREFUSED like missing credentials and goes provisioning.
        finish(refused ? ConnectResult::Unauthorized : ConnectResult::Failed);
        return;
    }

    const QByteArray jwtCommand = "AT%JWT=0," + QByteArray::number(CloudJwtLifetime) +
                                  ",\"\",\"\"," + QByteArray::number(NrfCloudSecTag) + ",2";
    const auto jwtAnswer = onHost<QByteArray>(
        ticket, [jwtCommand](CloudHost &host) { return host.atCommand(jwtCommand); });
    const auto firmware =
        onHost<QByteArray>(ticket, [](CloudHost &host) { return host.atCommand("AT+CGMR"); });
    if (!jwtAnswer || !firmware)
        return; // stale
    const QByteArray jwt = quotedValue(*jwtAnswer);
    if (!jwtAnswer->endsWith("OK\r\n") || jwt.isEmpty()) {
        // No key at sec tag 16842753 yet (a device that was never provisioned): nrf_cloud
        // cannot sign, which ATT handles as missing credentials.
        log(ticket, LogLevel::Error, "nrf_cloud_coap_transport",
            "Error generating JWT with modem: -8");
        finish(ConnectResult::Unauthorized);
        return;
    }
    log(ticket, LogLevel::Info, "nrf_cloud_coap_transport", "Request authorization with JWT");
    const QByteArray modemFirmware = firmware->split('\r').value(0).trimmed();
    const QByteArray path = "auth/jwt?mver=" + modemFirmware.toPercentEncoding();
    const auto answer = session->request(CoapDtlsClient::Post, path, jwt, FormatTextPlain, timeout,
                                         abortCheck(ticket));
    if (!answer) {
        if (answer.error() != CoapDtlsClient::Error::Aborted) {
            log(ticket, LogLevel::Error, "nrf_cloud_coap_transport",
                "Failed to send CoAP request: " +
                    CoapDtlsClient::errorText(answer.error()).toUtf8());
            finish(ConnectResult::Failed);
        }
        return;
    }
    log(ticket, LogLevel::Info, "nrf_cloud_coap_transport",
        "Authorization result_code: " + codeText(answer->code));
    if (answer->code != code(2, 1)) {
        const bool unauthorized = answer->code == code(4, 1) || answer->code == code(4, 3);
        finish(unauthorized ? ConnectResult::Unauthorized : ConnectResult::Failed);
        return;
    }
    log(ticket, LogLevel::Info, "nrf_cloud_coap_transport", "Authorized");
    log(ticket, LogLevel::Info, "nrf_cloud_coap_transport", "DTLS CID is active");
    m_cloud = std::move(session);
    finish(ConnectResult::Connected);
}

void ProvisioningCloud::runProvision(const Ticket &ticket, const QPointer<QObject> &context,
                                     std::function<void(ProvisioningResult)> done) {
    m_cloud.reset(); // ATT leaves nRF Cloud CoAP while it provisions
    if (!m_provisioning || m_provisioning->epoch() != ticket.epoch)
        m_provisioning = std::make_unique<ProvisioningRun>(*this, ticket.epoch);
    const ProvisioningResult result = m_provisioning->run(ticket);
    if (stale(ticket))
        return;
    deliver(context, [done, result] { done(result); });
}

void ProvisioningCloud::runPoll(const Ticket &ticket, const QPointer<QObject> &context,
                                std::function<void(std::optional<QByteArray>)> done) {
    CoapDtlsClient *session = cloudSession();
    std::optional<QByteArray> delta;
    if (session) {
        const auto answer =
            session->request(CoapDtlsClient::Get, "state?delta=true", QByteArray(), -1,
                             networkBound(CloudRequestTimeout), abortCheck(ticket));
        if (!answer && answer.error() == CoapDtlsClient::Error::Aborted)
            return;
        if (!answer)
            m_cloud.reset(); // the session is of no use any more; ATT reconnects when it asks
        if (answer && answer->code == code(2, 5))
            delta = answer->payload;
        else
            log(ticket, LogLevel::Error, "cloud",
                "nrf_cloud_coap_shadow_get, error: " +
                    (answer ? QByteArray("CoAP ") + codeText(answer->code)
                            : CoapDtlsClient::errorText(answer.error()).toUtf8()));
    } else {
        log(ticket, LogLevel::Error, "cloud", "nrf_cloud_coap_shadow_get, error: -128");
    }
    deliver(context, [done, delta] { done(delta); });
}

void ProvisioningCloud::runCloudRequest(const Ticket &ticket, int method, const QByteArray &path,
                                        const QByteArray &json) {
    CoapDtlsClient *session = cloudSession();
    if (!session) {
        log(ticket, LogLevel::Error, "cloud",
            "CoAP " + path + " not sent, not connected to nRF Cloud");
        return;
    }
    const auto answer = session->request(CoapDtlsClient::Method(method), path, json, FormatJson,
                                         networkBound(CloudRequestTimeout), abortCheck(ticket));
    if (!answer)
        m_cloud.reset();
    if (!answer || (answer->code >> 5) != 2)
        log(ticket, LogLevel::Error, "cloud",
            "CoAP " + path + " failed: " +
                (answer ? codeText(answer->code)
                        : CoapDtlsClient::errorText(answer.error()).toUtf8()));
}

} // namespace ps::devsim
