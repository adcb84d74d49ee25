// A scripted nRF91 and provisioning service behind the client's port, for host tests of the
// client's state machine. The modem answers AT+CGMR and AT%JWT itself and everything else from a
// table; the service answers authentication, command and response requests from queues. Going
// offline ends the DTLS session like on a real modem, so the client has to reconnect. Every
// call is written to a trace so tests can check the order of events, waits, AT commands and
// requests. Time is a counter that only sleep_ms advances.
#pragma once

#include "MessageBuilders.h"

#include <cstdint>
#include <deque>
#include <map>
#include <provclient/client.h>
#include <string>
#include <vector>

namespace ps::fwtest {

struct Request {
    prov_coap_method method;
    std::string path;
    Bytes payload;
    int contentFormat;
};

struct CoapAnswer {
    int rc = 0; // a prov_error instead of an answer
    std::uint8_t code = PROV_COAP_CONTENT;
    Bytes payload;
};

struct AtAnswer {
    int rc = 0; // a prov_error instead of an answer
    prov_at_status status = PROV_AT_OK;
    std::uint32_t cme = 0;
    std::string output;
};

struct LogRecord {
    prov_log_level level;
    std::string module;
    std::string message;
};

class FakeDevice {
public:
    prov_port port();

    // Modem.
    std::string firmware = "mfw_nrf91x1_2.0.2";
    std::map<std::string, AtAnswer> atAnswers; // by command line; others: OK, no output
    std::deque<AtAnswer> jwtAnswers;           // override AT%JWT answers in order
    int offlineWaitResult = 0;
    int onlineWaitResult = 0;
    bool offline = false;

    // Service.
    int connectResult = 0;
    std::deque<std::uint8_t> authCodes;     // in order; afterwards 2.01
    std::deque<CoapAnswer> commandAnswers;  // GET p/cmd in order; afterwards 2.05, no payload
    std::deque<CoapAnswer> responseAnswers; // POST p/rsp in order; afterwards 2.04
    std::deque<int> requestFailures; // per next request: a prov_error to fail with, or 0 to pass
    bool dropSessionWhenOffline = true;
    bool sessionAlive = false;

    // Clock: valid modem time from this uptime on (-1: never).
    std::uint64_t nowMs = 0;
    std::int64_t timeValidAtMs = 0;

    // Settings.
    std::map<std::string, std::string> settings;
    int storeResult = 0;

    // What happened.
    std::vector<std::string> trace;
    std::vector<Request> requests; // those that reached the service
    std::vector<prov_event> events;
    std::vector<LogRecord> logs;
    std::vector<std::string> jwts; // handed out by AT%JWT, in order

    std::vector<std::string> requestLines() const; // "GET p/cmd?after=..."
    std::vector<std::vector<Rsp>> sentResponses() const;
    std::vector<prov_event_type> eventTypes() const;
    bool logged(prov_log_level level, const std::string &module, const std::string &message) const;
    // Index of the first trace entry equal to entry, or -1.
    int traceIndex(const std::string &entry) const;
    int traceCount(const std::string &prefix) const;

private:
    static FakeDevice &self(void *ctx) { return *static_cast<FakeDevice *>(ctx); }
    static int atCommand(void *ctx, const char *command, char *response, std::size_t size,
                         prov_at_reply *reply);
    static int coapConnect(void *ctx);
    static int coapRequest(void *ctx, const prov_coap_request *request,
                           prov_coap_response *response);
    static void coapDisconnect(void *ctx);
    static std::uint64_t uptimeMs(void *ctx);
    static bool modemTimeValid(void *ctx);
    static void sleepMs(void *ctx, std::uint32_t ms);
    static int waitModemState(void *ctx, prov_modem_state state, std::uint32_t timeoutMs);
    static int settingsLoad(void *ctx, const char *key, char *value, std::size_t size,
                            std::size_t *len);
    static int settingsStore(void *ctx, const char *key, const char *value, std::size_t len);
    static void log(void *ctx, prov_log_level level, const char *module, const char *message);
    static void onEvent(void *ctx, const prov_event *event);

    AtAnswer answerAt(const std::string &command);
    CoapAnswer answerRequest(const Request &request);
};

const char *eventName(prov_event_type type);

} // namespace ps::fwtest
