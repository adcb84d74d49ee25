#include "CoapDtlsClient.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <arpa/inet.h>
#include <coap3/coap.h>
#include <cstring>
#include <mutex>
#include <netdb.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace ps::devsim {

Q_LOGGING_CATEGORY(lcCoapClient, "provstation.devsim.coap", QtWarningMsg)

using namespace std::chrono_literals;

namespace {

constexpr auto PollSlice = 20ms;

void logFromLibcoap(coap_log_t level, const char *message) {
    // Handshake failures are expected (a wrong CA is a test case): never louder than debug.
    qCDebug(lcCoapClient).noquote() << "libcoap" << level << QString::fromUtf8(message).trimmed();
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

/// The first certificate of a PEM text as DER, or empty.
QByteArray certificateDer(const QByteArray &pem) {
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    if (!bio)
        return {};
    X509 *certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    QByteArray der;
    if (certificate) {
        unsigned char *buffer = nullptr;
        const int size = i2d_X509(certificate, &buffer);
        if (size > 0)
            der = QByteArray(reinterpret_cast<const char *>(buffer), size);
        OPENSSL_free(buffer);
        X509_free(certificate);
    }
    ERR_clear_error();
    return der;
}

bool certificateNames(const uint8_t *der, size_t length, const QByteArray &host) {
    const unsigned char *cursor = der;
    X509 *certificate = d2i_X509(nullptr, &cursor, long(length));
    if (!certificate)
        return false;
    unsigned char scratch[sizeof(in6_addr)];
    const bool isAddress = ::inet_pton(AF_INET, host.constData(), scratch) == 1 ||
                           ::inet_pton(AF_INET6, host.constData(), scratch) == 1;
    const bool match = isAddress ? X509_check_ip_asc(certificate, host.constData(), 0) == 1
                                 : X509_check_host(certificate, host.constData(),
                                                   size_t(host.size()), 0, nullptr) == 1;
    X509_free(certificate);
    ERR_clear_error();
    return match;
}

} // namespace

struct CoapDtlsClient::Private {
    coap_context_t *context = nullptr;
    coap_session_t *session = nullptr;
    QByteArray host; ///< SNI and the name the certificate must carry
    QByteArray caDer;
    bool connected = false;
    bool handshakeFailed = false;
    bool closed = false;

    QByteArray token; ///< of the request in flight
    QByteArray requestPayload;
    bool answered = false;
    bool nacked = false;
    coap_nack_reason_t nackReason = COAP_NACK_TOO_MANY_RETRIES;
    Response response;

    /// Runs libcoap until `done` holds; Timeout or Aborted otherwise.
    std::expected<void, Error> pump(const QElapsedTimer &clock, std::chrono::milliseconds timeout,
                                    const AbortCheck &aborted, const std::function<bool()> &done) {
        while (!done()) {
            if (aborted && aborted())
                return std::unexpected(Error::Aborted);
            const auto remaining = timeout - std::chrono::milliseconds(clock.elapsed());
            if (remaining <= 0ms)
                return std::unexpected(Error::Timeout);
            coap_io_process(context, uint32_t(std::min(remaining, PollSlice).count()));
        }
        return {};
    }
};

/// libcoap's C callbacks; the client is the context's app data.
struct CoapClientCallbacks {
    static CoapDtlsClient::Private *of(coap_session_t *session) {
        return static_cast<CoapDtlsClient::Private *>(
            coap_get_app_data(coap_session_get_context(session)));
    }

    static coap_response_t response(coap_session_t *session, const coap_pdu_t *,
                                    const coap_pdu_t *received, const coap_mid_t) {
        CoapDtlsClient::Private *d = of(session);
        const coap_bin_const_t token = coap_pdu_get_token(received);
        if (!d || d->answered ||
            QByteArrayView(reinterpret_cast<const char *>(token.s), qsizetype(token.length)) !=
                d->token)
            return COAP_RESPONSE_OK; // a late answer to an abandoned request
        d->response = {};
        d->response.code = quint8(coap_pdu_get_code(received));
        size_t length = 0;
        size_t offset = 0;
        size_t total = 0;
        const uint8_t *data = nullptr;
        if (coap_get_data_large(received, &length, &data, &offset, &total) && data)
            d->response.payload =
                QByteArray(reinterpret_cast<const char *>(data), qsizetype(length));
        coap_opt_iterator_t iterator;
        if (const coap_opt_t *format =
                coap_check_option(received, COAP_OPTION_CONTENT_FORMAT, &iterator))
            d->response.contentFormat =
                int(coap_decode_var_bytes(coap_opt_value(format), coap_opt_length(format)));
        d->answered = true;
        return COAP_RESPONSE_OK;
    }

    static void nack(coap_session_t *session, const coap_pdu_t *, const coap_nack_reason_t reason,
                     const coap_mid_t) {
        if (CoapDtlsClient::Private *d = of(session)) {
            d->nacked = true;
            d->nackReason = reason;
        }
    }

    static int event(coap_session_t *session, const coap_event_t event) {
        CoapDtlsClient::Private *d = of(session);
        if (!d)
            return 0;
        switch (event) {
        case COAP_EVENT_DTLS_CONNECTED:
            d->connected = true;
            break;
        case COAP_EVENT_DTLS_ERROR:
            d->handshakeFailed = !d->connected;
            d->closed = true;
            break;
        case COAP_EVENT_DTLS_CLOSED:
        case COAP_EVENT_SESSION_CLOSED:
        case COAP_EVENT_SESSION_FAILED:
            d->closed = true;
            break;
        default:
            break;
        }
        return 0;
    }

    /// Called per certificate of the server's chain; at depth 0 the server's own, which must
    /// name the host the device connects to.
    static int checkName(const char *, const uint8_t *der, size_t length, coap_session_t *,
                         unsigned depth, int validated, void *arg) {
        const auto *d = static_cast<const CoapDtlsClient::Private *>(arg);
        if (!validated)
            return 0;
        return depth > 0 || certificateNames(der, length, d->host);
    }
};

CoapDtlsClient::CoapDtlsClient()
    : d(std::make_unique<Private>()) {}

CoapDtlsClient::~CoapDtlsClient() {
    close();
}

bool CoapDtlsClient::isConnected() const {
    return d->session && d->connected && !d->closed;
}

QString CoapDtlsClient::errorText(Error error) {
    switch (error) {
    case Error::Unresolved:
        return QStringLiteral("the host name did not resolve");
    case Error::HandshakeRefused:
        return QStringLiteral("the DTLS handshake failed (server certificate not trusted)");
    case Error::Timeout:
        return QStringLiteral("no answer in time");
    case Error::SessionLost:
        return QStringLiteral("the DTLS session was lost");
    case Error::NotConnected:
        return QStringLiteral("not connected");
    case Error::Aborted:
        return QStringLiteral("aborted");
    case Error::Failed:
        return QStringLiteral("libcoap failed");
    }
    return {};
}

void CoapDtlsClient::close() {
    if (d->session) {
        coap_session_release(d->session);
        d->session = nullptr;
    }
    if (d->context) {
        coap_free_context(d->context);
        d->context = nullptr;
    }
    d->connected = false;
    d->handshakeFailed = false;
    d->closed = false;
    d->token.clear();
    d->requestPayload.clear();
}

std::expected<void, CoapDtlsClient::Error>
CoapDtlsClient::connect(const QString &host, quint16 port, const QByteArray &caPem,
                        std::chrono::milliseconds timeout, const AbortCheck &aborted) {
    close();
    startLibcoap();
    QElapsedTimer clock;
    clock.start();

    d->host = host.toUtf8();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo *found = nullptr;
    if (::getaddrinfo(d->host.constData(), nullptr, &hints, &found) != 0 || !found)
        return std::unexpected(Error::Unresolved);
    coap_address_t address;
    coap_address_init(&address);
    std::memcpy(&address.addr, found->ai_addr, found->ai_addrlen);
    address.size = found->ai_addrlen;
    ::freeaddrinfo(found);
    coap_address_set_port(&address, port);

    // A CA that is missing or unreadable trusts nothing: the handshake then fails, as a modem
    // with an empty or wrong sec tag would.
    d->caDer = certificateDer(caPem);
    d->context = coap_new_context(nullptr);
    if (!d->context)
        return std::unexpected(Error::Failed);
    coap_set_app_data(d->context, d.get());
    coap_context_set_block_mode(d->context, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_response_handler(d->context, &CoapClientCallbacks::response);
    coap_register_nack_handler(d->context, &CoapClientCallbacks::nack);
    coap_register_event_handler(d->context, &CoapClientCallbacks::event);

    coap_dtls_pki_t pki{};
    pki.version = COAP_DTLS_PKI_SETUP_VERSION;
    pki.verify_peer_cert = 1;
    pki.check_common_ca = 1;
    pki.cert_chain_validation = 1;
    pki.cert_chain_verify_depth = 3;
    pki.validate_cn_call_back = &CoapClientCallbacks::checkName;
    pki.cn_call_back_arg = d.get();
    pki.client_sni = d->host.data();
    pki.pki_key.key_type = COAP_PKI_KEY_ASN1;
    if (!d->caDer.isEmpty()) {
        pki.pki_key.key.asn1.ca_cert = reinterpret_cast<const uint8_t *>(d->caDer.constData());
        pki.pki_key.key.asn1.ca_cert_len = size_t(d->caDer.size());
    }
    d->session = coap_new_client_session_pki(d->context, nullptr, &address, COAP_PROTO_DTLS, &pki);
    if (!d->session) {
        close();
        return std::unexpected(Error::Failed);
    }
    auto waited = d->pump(clock, timeout, aborted, [this] { return d->connected || d->closed; });
    if (!waited) {
        close();
        return std::unexpected(waited.error());
    }
    if (!d->connected || d->closed) {
        const bool refused = d->handshakeFailed;
        close();
        // Nobody listening (ICMP port unreachable) ends the same way as a device that never
        // hears back would after its handshake timeout.
        return std::unexpected(refused ? Error::HandshakeRefused : Error::Timeout);
    }
    return {};
}

std::expected<CoapDtlsClient::Response, CoapDtlsClient::Error>
CoapDtlsClient::request(Method method, QByteArrayView pathAndQuery, const QByteArray &payload,
                        int contentFormat, std::chrono::milliseconds timeout,
                        const AbortCheck &aborted) {
    if (!d->session)
        return std::unexpected(Error::NotConnected);
    if (d->closed || !d->connected)
        return std::unexpected(Error::SessionLost);
    QElapsedTimer clock;
    clock.start();

    coap_pdu_t *pdu = coap_new_pdu(COAP_MESSAGE_CON, coap_pdu_code_t(method), d->session);
    if (!pdu)
        return std::unexpected(Error::Failed);
    uint8_t token[8];
    size_t tokenLength = 0;
    coap_session_new_token(d->session, &tokenLength, token);
    coap_add_token(pdu, tokenLength, token);
    d->token = QByteArray(reinterpret_cast<const char *>(token), qsizetype(tokenLength));

    const QByteArray text = pathAndQuery.toByteArray();
    const qsizetype question = text.indexOf('?');
    const QByteArray path = question < 0 ? text : text.left(question);
    const QByteArray query = question < 0 ? QByteArray() : text.mid(question + 1);
    // Options in ascending number: Uri-Path (11), Content-Format (12), Uri-Query (15).
    for (const QByteArray &segment : path.split('/')) {
        if (segment.isEmpty())
            continue;
        const QByteArray value = QByteArray::fromPercentEncoding(segment);
        coap_add_option(pdu, COAP_OPTION_URI_PATH, size_t(value.size()),
                        reinterpret_cast<const uint8_t *>(value.constData()));
    }
    if (contentFormat >= 0) {
        uint8_t buffer[4];
        coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
                        coap_encode_var_safe(buffer, sizeof buffer, unsigned(contentFormat)),
                        buffer);
    }
    for (const QByteArray &item : query.split('&')) {
        if (item.isEmpty())
            continue;
        const QByteArray value = QByteArray::fromPercentEncoding(item);
        coap_add_option(pdu, COAP_OPTION_URI_QUERY, size_t(value.size()),
                        reinterpret_cast<const uint8_t *>(value.constData()));
    }
    d->requestPayload = payload; // libcoap sends from this buffer, block by block
    if (!payload.isEmpty() &&
        !coap_add_data_large_request(
            d->session, pdu, size_t(d->requestPayload.size()),
            reinterpret_cast<const uint8_t *>(d->requestPayload.constData()), nullptr, nullptr)) {
        coap_delete_pdu(pdu);
        return std::unexpected(Error::Failed);
    }
    d->answered = false;
    d->nacked = false;
    if (coap_send(d->session, pdu) == COAP_INVALID_MID)
        return std::unexpected(Error::Failed);

    auto waited =
        d->pump(clock, timeout, aborted, [this] { return d->answered || d->nacked || d->closed; });
    if (!waited)
        return std::unexpected(waited.error());
    if (d->answered)
        return d->response;
    if (d->nacked && d->nackReason == COAP_NACK_TOO_MANY_RETRIES && !d->closed)
        return std::unexpected(Error::Timeout);
    return std::unexpected(Error::SessionLost);
}

} // namespace ps::devsim
