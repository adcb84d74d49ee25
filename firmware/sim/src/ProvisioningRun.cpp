#include "ProvisioningRun.h"

#include "CoapDtlsClient.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <cmath>
#include <cstring>

namespace ps::devsim {

using namespace std::chrono_literals;

namespace {

constexpr auto RequestTimeout = 30s; // PROTOCOL §7: 30 s per request (device time)
constexpr auto ModemStateRecheck = 100ms;
constexpr quint64 SkipWhenCalledOffMs = 24ull * 3600 * 1000; // beyond every bound of the client

LogLevel levelOf(prov_log_level level) {
    switch (level) {
    case PROV_LOG_ERR:
        return LogLevel::Error;
    case PROV_LOG_WRN:
        return LogLevel::Warning;
    case PROV_LOG_INF:
        return LogLevel::Info;
    case PROV_LOG_DBG:
        break;
    }
    return LogLevel::Debug;
}

int errorOf(CoapDtlsClient::Error error) {
    switch (error) {
    case CoapDtlsClient::Error::Unresolved:
        return PROV_ERR_FAULT;
    case CoapDtlsClient::Error::HandshakeRefused:
        return PROV_ERR_CONNREFUSED;
    case CoapDtlsClient::Error::Timeout:
        return PROV_ERR_TIMEDOUT;
    case CoapDtlsClient::Error::SessionLost:
    case CoapDtlsClient::Error::NotConnected:
        return PROV_ERR_NOTCONN;
    case CoapDtlsClient::Error::Aborted:
    case CoapDtlsClient::Error::Failed:
        break;
    }
    return PROV_ERR_IO;
}

CloudPort::ProvisioningResult resultOf(prov_result result) {
    using R = CloudPort::ProvisioningResult;
    switch (result) {
    case PROV_RESULT_DONE:
        return R::Finished;
    case PROV_RESULT_NO_COMMANDS:
        return R::NoCommands;
    case PROV_RESULT_NOT_CLAIMED:
    case PROV_RESULT_WRONG_CREDENTIALS: // nrf_provisioning reports 4.03 as "not claimed" too
        return R::NotClaimed;
    case PROV_RESULT_NO_VALID_TIME:
        return R::NoTime;
    case PROV_RESULT_WRONG_ROOT_CA:
        return R::WrongCa;
    default:
        return R::Failed;
    }
}

} // namespace

/// The C port table: every call lands on the ProvisioningRun in ctx.
struct ProvisioningPortCallbacks {
    static ProvisioningRun &of(void *ctx) { return *static_cast<ProvisioningRun *>(ctx); }

    static int atCommand(void *ctx, const char *command, char *response, size_t size,
                         prov_at_reply *reply) {
        return of(ctx).atCommand(command, response, size, reply);
    }
    static int coapConnect(void *ctx) { return of(ctx).coapConnect(); }
    static int coapRequest(void *ctx, const prov_coap_request *request,
                           prov_coap_response *response) {
        return of(ctx).coapRequest(request, response);
    }
    static void coapDisconnect(void *ctx) { of(ctx).coapDisconnect(); }
    static uint64_t uptimeMs(void *ctx) { return of(ctx).uptimeMs(); }
    static bool modemTimeValid(void *ctx) { return of(ctx).modemTimeValid(); }
    static void sleepMs(void *ctx, uint32_t ms) { of(ctx).sleepMs(ms); }
    static int waitModemState(void *ctx, prov_modem_state state, uint32_t timeoutMs) {
        return of(ctx).waitModemState(state, timeoutMs);
    }
    static int settingsLoad(void *ctx, const char *key, char *value, size_t size, size_t *length) {
        return of(ctx).settingsLoad(key, value, size, length);
    }
    static int settingsStore(void *ctx, const char *key, const char *value, size_t length) {
        return of(ctx).settingsStore(key, value, length);
    }
    static void log(void *ctx, prov_log_level level, const char *module, const char *message) {
        of(ctx).log(level, module, message);
    }
    static void onEvent(void *ctx, const prov_event *event) { of(ctx).onEvent(event); }
};

ProvisioningRun::ProvisioningRun(ProvisioningCloud &cloud, quint64 epoch)
    : m_cloud(cloud)
    , m_epoch(epoch)
    , m_rx(RxSize)
    , m_tx(TxSize)
    , m_atCommand(AtCommandSize)
    , m_atResponse(AtResponseSize)
    , m_client(std::make_unique<prov_client>()) {
    m_uptime.start();
    prov_port port{};
    port.ctx = this;
    port.at_command = &ProvisioningPortCallbacks::atCommand;
    port.coap_connect = &ProvisioningPortCallbacks::coapConnect;
    port.coap_request = &ProvisioningPortCallbacks::coapRequest;
    port.coap_disconnect = &ProvisioningPortCallbacks::coapDisconnect;
    port.uptime_ms = &ProvisioningPortCallbacks::uptimeMs;
    port.modem_time_valid = &ProvisioningPortCallbacks::modemTimeValid;
    port.sleep_ms = &ProvisioningPortCallbacks::sleepMs;
    port.wait_modem_state = &ProvisioningPortCallbacks::waitModemState;
    port.settings_load = &ProvisioningPortCallbacks::settingsLoad;
    port.settings_store = &ProvisioningPortCallbacks::settingsStore;
    port.log = &ProvisioningPortCallbacks::log;
    port.on_event = &ProvisioningPortCallbacks::onEvent;

    prov_client_config config;
    prov_client_config_defaults(&config);
    const prov_client_buffers buffers{m_rx.data(),         m_rx.size(),        m_tx.data(),
                                      m_tx.size(),         m_atCommand.data(), m_atCommand.size(),
                                      m_atResponse.data(), m_atResponse.size()};
    m_ready = prov_client_init(m_client.get(), &port, &config, &buffers) == PROV_OK;
}

ProvisioningRun::~ProvisioningRun() = default;

CloudPort::ProvisioningResult ProvisioningRun::run(const ProvisioningCloud::Ticket &ticket) {
    m_ticket = ticket;
    m_skippedThisRun = false;
    if (!m_ready)
        return CloudPort::ProvisioningResult::Failed;
    const prov_result result = prov_client_run(m_client.get());
    coapDisconnect();
    return resultOf(result);
}

// ---- modem ------------------------------------------------------------------------------------

int ProvisioningRun::atCommand(const char *command, char *response, size_t responseSize,
                               prov_at_reply *reply) {
    const QByteArray line(command);
    const auto answer = m_cloud.onHost<QByteArray>(
        m_ticket, [line](CloudHost &host) { return host.atCommand(line); });
    if (!answer)
        return PROV_ERR_IO; // the device rebooted or the attempt was called off
    QList<QByteArray> lines;
    for (const QByteArray &part : answer->split('\n')) {
        const QByteArray trimmed = part.trimmed();
        if (!trimmed.isEmpty())
            lines.append(trimmed);
    }
    if (lines.isEmpty())
        return PROV_ERR_IO;
    const QByteArray last = lines.takeLast();
    *reply = prov_at_reply{};
    if (last == "OK") {
        reply->status = PROV_AT_OK;
    } else if (last.startsWith("+CME ERROR:")) {
        reply->status = PROV_AT_CME_ERROR;
        reply->cme_error = uint32_t(last.mid(11).trimmed().toUInt());
    } else {
        reply->status = PROV_AT_ERROR;
    }
    const QByteArray output = lines.join("\r\n");
    const size_t copied = std::min(size_t(output.size()), responseSize - 1);
    std::memcpy(response, output.constData(), copied);
    response[copied] = '\0';
    reply->len = copied;
    return copied < size_t(output.size()) ? PROV_ERR_2BIG : PROV_OK;
}

bool ProvisioningRun::modemTimeValid() {
    const auto answer = m_cloud.onHost<QByteArray>(
        m_ticket, [](CloudHost &host) { return host.atCommand("AT%CCLK?"); });
    return answer && answer->endsWith("OK\r\n");
}

int ProvisioningRun::waitModemState(prov_modem_state state, quint32 timeoutMs) {
    const auto timeout = m_cloud.networkBound(std::chrono::milliseconds(timeoutMs));
    const bool reached = m_cloud.waitUntil(m_ticket, timeout, ModemStateRecheck, [&] {
        bool up = false;
        {
            std::lock_guard lock(m_cloud.m_mutex);
            up = m_cloud.m_networkUp;
        }
        if (state == PROV_MODEM_ONLINE)
            return up;
        if (up)
            return false;
        // Offline means the network module saw LTE go down and the modem is in CFUN 0 or 4.
        const auto mode = m_cloud.onHost<QByteArray>(
            m_ticket, [](CloudHost &host) { return host.atCommand("AT+CFUN?"); });
        return mode && (mode->contains("+CFUN: 4") || mode->contains("+CFUN: 0"));
    });
    return reached ? PROV_OK : PROV_ERR_TIMEDOUT;
}

// ---- transport --------------------------------------------------------------------------------

int ProvisioningRun::coapConnect() {
    m_session.reset();
    {
        std::lock_guard lock(m_cloud.m_mutex);
        if (!m_cloud.m_networkUp)
            return PROV_ERR_NETUNREACH;
        m_sessionLosses = m_cloud.m_networkLosses;
    }
    const auto ca = m_cloud.rootCa(m_ticket, ProvisioningCloud::ProvisioningCaSecTag);
    if (!ca)
        return PROV_ERR_IO;
    auto session = std::make_unique<CoapDtlsClient>();
    const auto connected =
        session->connect(m_cloud.m_endpoint.host, m_cloud.m_endpoint.port, *ca,
                         m_cloud.networkBound(RequestTimeout), m_cloud.abortCheck(m_ticket));
    if (!connected)
        return errorOf(connected.error());
    m_session = std::move(session);
    return PROV_OK;
}

int ProvisioningRun::coapRequest(const prov_coap_request *request, prov_coap_response *response) {
    bool survived = false;
    {
        std::lock_guard lock(m_cloud.m_mutex);
        survived = m_cloud.m_networkUp && m_sessionLosses == m_cloud.m_networkLosses;
    }
    if (!m_session || !survived) {
        // LTE went down since the handshake: the modem closed the socket with it.
        m_session.reset();
        return PROV_ERR_NOTCONN;
    }
    const QByteArray payload = request->payload
                                   ? QByteArray(reinterpret_cast<const char *>(request->payload),
                                                qsizetype(request->payload_len))
                                   : QByteArray();
    const auto answer =
        m_session->request(CoapDtlsClient::Method(int(request->method)),
                           QByteArrayView(request->path), payload, request->content_format,
                           m_cloud.networkBound(RequestTimeout), m_cloud.abortCheck(m_ticket));
    if (!answer) {
        if (answer.error() == CoapDtlsClient::Error::SessionLost)
            m_session.reset();
        return errorOf(answer.error());
    }
    response->code = answer->code;
    const size_t size = size_t(answer->payload.size());
    response->payload_len = std::min(size, response->payload_cap);
    response->truncated = size > response->payload_cap;
    if (response->payload_len > 0)
        std::memcpy(response->payload, answer->payload.constData(), response->payload_len);
    return PROV_OK;
}

void ProvisioningRun::coapDisconnect() {
    if (m_session)
        m_session->close();
    m_session.reset();
}

// ---- clock ------------------------------------------------------------------------------------

quint64 ProvisioningRun::uptimeMs() {
    if (!m_skippedThisRun && m_cloud.stale(m_ticket)) {
        m_skippedThisRun = true;
        m_skippedMs += SkipWhenCalledOffMs;
    }
    return quint64(double(m_uptime.elapsed()) * m_cloud.m_speed) + m_skippedMs;
}

void ProvisioningRun::sleepMs(quint32 ms) {
    const auto host = std::chrono::milliseconds(qint64(std::ceil(double(ms) / m_cloud.m_speed)));
    // Nothing to wait for but the time (or the end of the attempt).
    (void)m_cloud.waitUntil(m_ticket, host, host, [] { return false; });
}

// ---- settings ---------------------------------------------------------------------------------

QString ProvisioningRun::settingsPath() const {
    return QDir(m_cloud.m_stateDir).filePath(QStringLiteral("provisioning.json"));
}

QJsonObject ProvisioningRun::readSettings() const {
    QFile file(settingsPath());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

int ProvisioningRun::settingsLoad(const char *key, char *value, size_t valueSize,
                                  size_t *valueLength) {
    const QJsonObject settings = readSettings();
    const QString name = QString::fromUtf8(key);
    if (!settings.value(name).isString())
        return PROV_ERR_NOENT;
    const QByteArray stored = settings.value(name).toString().toUtf8();
    if (size_t(stored.size()) + 1 > valueSize)
        return PROV_ERR_2BIG;
    std::memcpy(value, stored.constData(), size_t(stored.size()) + 1);
    *valueLength = size_t(stored.size());
    return PROV_OK;
}

int ProvisioningRun::settingsStore(const char *key, const char *value, size_t valueLength) {
    QJsonObject settings = readSettings();
    settings.insert(QString::fromUtf8(key), QString::fromUtf8(value, qsizetype(valueLength)));
    QSaveFile file(settingsPath());
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(settings).toJson(QJsonDocument::Indented)) < 0 || !file.commit())
        return PROV_ERR_IO;
    return PROV_OK;
}

// ---- logs and events --------------------------------------------------------------------------

void ProvisioningRun::log(prov_log_level level, const char *module, const char *message) {
    QByteArray text(message);
    QByteArray function;
    // The client writes debug records as "<function>: <message>", as Zephyr prints them.
    if (level == PROV_LOG_DBG) {
        const qsizetype colon = text.indexOf(": ");
        if (colon > 0 && !text.left(colon).contains(' ')) {
            function = text.left(colon);
            text = text.mid(colon + 2);
        }
    }
    m_cloud.log(m_ticket, levelOf(level), QByteArray(module), text, function);
}

void ProvisioningRun::onEvent(const prov_event *event) {
    switch (event->type) {
    case PROV_EVENT_NEED_LTE_DEACTIVATED:
        m_cloud.postToHost(m_ticket, [](CloudHost &host) { host.requestLte(false); });
        break;
    case PROV_EVENT_NEED_LTE_ACTIVATED:
        m_cloud.postToHost(m_ticket, [](CloudHost &host) { host.requestLte(true); });
        break;
    default:
        break; // the outcome reaches ATT as the run's result
    }
}

} // namespace ps::devsim
