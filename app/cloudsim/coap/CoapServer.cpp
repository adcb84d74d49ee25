#include "CoapServer.h"

#include "cloudsim/CertificateAuthority.h"
#include "cloudsim/FaultInjector.h"
#include "cloudsim/SimLog.h"

#include <QSocketNotifier>
#include <coap3/coap.h>
#include <mutex>

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

/// A request whose answer waits out injected latency: what the delayed answer needs, since
/// libcoap's copy of a block-wise request has lost its body by then.
struct CoapServer::Pending {
    QByteArray token;
    CoapRequest request;
    FaultDecision decision;
};

namespace {

void logFromLibcoap(coap_log_t level, const char *message) {
    const QString text = QString::fromUtf8(message).trimmed();
    if (level <= LOG_WARNING)
        qCInfo(lcCloudSim).noquote() << "libcoap:" << text;
    else
        qCDebug(lcCloudSim).noquote() << "libcoap:" << text;
}

void startLibcoap() {
    static std::once_flag once;
    std::call_once(once, [] {
        coap_startup();
        coap_set_log_handler(logFromLibcoap);
        coap_set_log_level(LOG_WARNING);
        coap_dtls_set_log_level(LOG_WARNING);
    });
}

CoapServer *serverOf(coap_session_t *session) {
    return static_cast<CoapServer *>(coap_get_app_data(coap_session_get_context(session)));
}

QString optionText(const coap_opt_t *option) {
    return QString::fromUtf8(reinterpret_cast<const char *>(coap_opt_value(option)),
                             qsizetype(coap_opt_length(option)));
}

CoapRequest readRequest(const coap_pdu_t *pdu) {
    CoapRequest request;
    request.method = CoapMethod(int(coap_pdu_get_code(pdu)));
    QStringList segments;
    coap_opt_iterator_t iterator;
    coap_option_iterator_init(pdu, &iterator, COAP_OPT_ALL);
    while (const coap_opt_t *option = coap_option_next(&iterator)) {
        switch (iterator.number) {
        case COAP_OPTION_URI_PATH:
            segments.append(optionText(option));
            break;
        case COAP_OPTION_URI_QUERY: {
            const QString text = optionText(option);
            const qsizetype equals = text.indexOf(u'=');
            request.query.append(equals < 0 ? QPair{text, QString()}
                                            : QPair{text.left(equals), text.mid(equals + 1)});
            break;
        }
        case COAP_OPTION_CONTENT_FORMAT:
            request.contentFormat =
                int(coap_decode_var_bytes(coap_opt_value(option), coap_opt_length(option)));
            break;
        default:
            break;
        }
    }
    request.path = segments.join(u'/');
    size_t length = 0;
    size_t offset = 0;
    size_t total = 0;
    const uint8_t *data = nullptr;
    if (coap_get_data_large(pdu, &length, &data, &offset, &total) && data)
        request.payload = QByteArray(reinterpret_cast<const char *>(data), qsizetype(length));
    return request;
}

quint8 errorCode(int httpStatus) {
    switch (httpStatus) {
    case 500:
        return coap::InternalServerError;
    case 502:
        return coap::BadGateway;
    case 504:
        return coap::GatewayTimeout;
    default:
        return coap::ServiceUnavailable;
    }
}

void releasePayload(coap_session_t *, void *payload) {
    delete static_cast<QByteArray *>(payload);
}

} // namespace

/// libcoap's C callbacks, with access to the server's private parts.
struct CoapServerCallbacks {
    static void request(coap_resource_t *resource, coap_session_t *session,
                        const coap_pdu_t *request, const coap_string_t *query,
                        coap_pdu_t *response) {
        CoapServer *self = serverOf(session);
        if (!self)
            return;
        const coap_bin_const_t token = coap_pdu_get_token(request);
        const QByteArray tokenBytes(reinterpret_cast<const char *>(token.s),
                                    qsizetype(token.length));

        CoapRequest parsed;
        FaultDecision decision;
        if (coap_async_t *async = coap_find_async(session, token)) {
            // The delayed second call: libcoap frees its async entry after this returns.
            auto *pending = static_cast<CoapServer::Pending *>(coap_async_get_app_data(async));
            auto &list = self->m_pending[session];
            const auto it = std::ranges::find_if(
                list, [pending](const auto &entry) { return entry.get() == pending; });
            if (!pending || it == list.end())
                return;
            parsed = pending->request;
            decision = pending->decision;
            list.erase(it);
        } else {
            parsed = readRequest(request);
            decision = self->m_faults.decide(u"coaps/"_s + parsed.path);
            if (decision.action == FaultDecision::Action::Hang) {
                // No code: libcoap acknowledges a confirmable request and never answers it.
                qCDebug(lcCloudSim).noquote() << "coap:" << parsed.path << "-> (hang)";
                return;
            }
            if (decision.latencyMs > 0) {
                coap_async_t *delayed = coap_register_async(session, request,
                                                            coap_tick_t(decision.latencyMs) *
                                                                COAP_TICKS_PER_SECOND / 1000);
                if (delayed) {
                    auto pending = std::make_unique<CoapServer::Pending>();
                    pending->token = tokenBytes;
                    pending->request = parsed;
                    pending->decision = decision;
                    coap_async_set_app_data(delayed, pending.get());
                    self->m_pending[session].push_back(std::move(pending));
                    self->armTimer();
                    return; // empty ACK now, the answer after the delay
                }
            }
        }

        CoapReply reply;
        if (decision.action == FaultDecision::Action::Error) {
            reply.code = errorCode(decision.status);
        } else if (decision.action == FaultDecision::Action::RateLimit) {
            reply.code = coap::ServiceUnavailable;
            uint8_t buffer[4];
            coap_add_option(
                response, COAP_OPTION_MAXAGE,
                coap_encode_var_safe(buffer, sizeof buffer, unsigned(decision.retryAfterSeconds)),
                buffer);
        } else {
            reply = self->m_service.handle(self->m_sessions[session], parsed);
        }
        ++self->m_requestCount;
        qCDebug(lcCloudSim).noquote()
            << "coap:" << int(parsed.method) << parsed.path << "->" << coap::codeText(reply.code);

        coap_pdu_set_code(response, coap_pdu_code_t(reply.code));
        if (!reply.payload.isEmpty()) {
            auto *payload = new QByteArray(reply.payload);
            const int format =
                reply.contentFormat >= 0 ? reply.contentFormat : coap::FormatTextPlain;
            coap_add_data_large_response(resource, session, request, response, query,
                                         uint16_t(format), -1, 0, size_t(payload->size()),
                                         reinterpret_cast<const uint8_t *>(payload->constData()),
                                         releasePayload, payload);
        }
    }

    static int event(coap_session_t *session, const coap_event_t event) {
        if (event == COAP_EVENT_SERVER_SESSION_DEL) {
            if (CoapServer *self = serverOf(session))
                self->sessionGone(session);
        }
        return 0;
    }
};

CoapServer::CoapServer(CloudModel &model, DeviceRegistry &registry, FaultInjector &faults,
                       QObject *parent)
    : QObject(parent)
    , m_service(model, registry)
    , m_faults(faults) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CoapServer::process);
}

CoapServer::~CoapServer() {
    m_notifier.reset();
    if (m_context) {
        coap_free_context(m_context);
        m_context = nullptr;
    }
}

std::expected<quint16, QString> CoapServer::listen(quint16 port, const TlsMaterial &tls) {
    if (m_context)
        return std::unexpected(u"the CoAP server is already listening"_s);
    startLibcoap();
    if (!coap_dtls_is_supported())
        return std::unexpected(u"this libcoap has no DTLS support"_s);
    m_context = coap_new_context(nullptr);
    if (!m_context)
        return std::unexpected(u"cannot create a libcoap context"_s);
    coap_set_app_data(m_context, this);
    coap_context_set_block_mode(m_context, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_event_handler(m_context, &CoapServerCallbacks::event);

    // The PEM buffers must stay valid: libcoap reads them for every new session.
    m_certificatePem = tls.serverCertificatePem;
    m_keyPem = tls.serverKeyPem;
    coap_dtls_pki_t pki{};
    pki.version = COAP_DTLS_PKI_SETUP_VERSION;
    pki.verify_peer_cert = 0; // devices authenticate with a JWT, not a client certificate
    pki.pki_key.key_type = COAP_PKI_KEY_PEM_BUF;
    pki.pki_key.key.pem_buf.public_cert =
        reinterpret_cast<const uint8_t *>(m_certificatePem.constData());
    pki.pki_key.key.pem_buf.public_cert_len = size_t(m_certificatePem.size()) + 1; // with NUL
    pki.pki_key.key.pem_buf.private_key = reinterpret_cast<const uint8_t *>(m_keyPem.constData());
    pki.pki_key.key.pem_buf.private_key_len = size_t(m_keyPem.size()) + 1;
    if (!coap_context_set_pki(m_context, &pki))
        return std::unexpected(u"libcoap refused the server certificate or key"_s);

    coap_address_t address;
    coap_address_init(&address);
    address.addr.sin.sin_family = AF_INET;
    address.addr.sin.sin_port = htons(port);
    address.addr.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.size = sizeof(address.addr.sin);
    coap_endpoint_t *endpoint = coap_new_endpoint(m_context, &address, COAP_PROTO_DTLS);
    if (!endpoint)
        return std::unexpected(u"cannot listen for CoAP over DTLS on 127.0.0.1:%1"_s.arg(port));
    // "127.0.0.1:<port> DTLS": the port the system picked when `port` was 0.
    const QString bound = QString::fromLatin1(coap_endpoint_str(endpoint));
    const qsizetype colon = bound.indexOf(u':');
    m_port = quint16(bound.mid(colon + 1).section(u' ', 0, 0).toUInt());
    if (m_port == 0)
        return std::unexpected(u"cannot tell the CoAP port from \"%1\""_s.arg(bound));

    for (const CoapService::Resource &entry : CoapService::resources()) {
        const QByteArray path = entry.path.toUtf8();
        coap_resource_t *resource = coap_resource_init(
            coap_new_str_const(reinterpret_cast<const uint8_t *>(path.constData()),
                               size_t(path.size())),
            COAP_RESOURCE_FLAGS_RELEASE_URI);
        for (const CoapMethod method : entry.methods)
            coap_register_request_handler(resource, coap_request_t(int(method)),
                                          &CoapServerCallbacks::request);
        coap_add_resource(m_context, resource);
    }

    const int fd = coap_context_get_coap_fd(m_context);
    if (fd < 0)
        return std::unexpected(u"this libcoap has no epoll support"_s);
    m_notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &CoapServer::process);
    armTimer();
    return m_port;
}

void CoapServer::process() {
    if (!m_context)
        return;
    coap_io_process(m_context, COAP_IO_NO_WAIT);
    armTimer();
}

void CoapServer::armTimer() {
    if (!m_context)
        return;
    coap_tick_t now = 0;
    coap_ticks(&now);
    // Due timers run here; the answer is the time to the next one (0: none).
    const unsigned next = coap_io_prepare_epoll(m_context, now);
    if (next == 0)
        m_timer.stop();
    else
        m_timer.start(int(std::min<unsigned>(next, 60'000)));
}

void CoapServer::sessionGone(coap_session_t *session) {
    m_sessions.remove(session);
    m_pending.erase(session);
}

} // namespace ps::cloudsim
