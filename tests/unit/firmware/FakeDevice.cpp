#include "FakeDevice.h"

#include <algorithm>
#include <cstring>

namespace ps::fwtest {

const char *eventName(prov_event_type type) {
    switch (type) {
    case PROV_EVENT_START:
        return "start";
    case PROV_EVENT_NEED_LTE_DEACTIVATED:
        return "need-lte-deactivated";
    case PROV_EVENT_NEED_LTE_ACTIVATED:
        return "need-lte-activated";
    case PROV_EVENT_DONE:
        return "done";
    case PROV_EVENT_NO_COMMANDS:
        return "no-commands";
    case PROV_EVENT_FAILED:
        return "failed";
    }
    return "?";
}

prov_port FakeDevice::port() {
    prov_port p{};
    p.ctx = this;
    p.at_command = &FakeDevice::atCommand;
    p.coap_connect = &FakeDevice::coapConnect;
    p.coap_request = &FakeDevice::coapRequest;
    p.coap_disconnect = &FakeDevice::coapDisconnect;
    p.uptime_ms = &FakeDevice::uptimeMs;
    p.modem_time_valid = &FakeDevice::modemTimeValid;
    p.sleep_ms = &FakeDevice::sleepMs;
    p.wait_modem_state = &FakeDevice::waitModemState;
    p.settings_load = &FakeDevice::settingsLoad;
    p.settings_store = &FakeDevice::settingsStore;
    p.log = &FakeDevice::log;
    p.on_event = &FakeDevice::onEvent;
    return p;
}

AtAnswer FakeDevice::answerAt(const std::string &command) {
    if (command == "AT+CGMR") {
        return AtAnswer{0, PROV_AT_OK, 0, firmware};
    }
    if (command.starts_with("AT%JWT=")) {
        if (!jwtAnswers.empty()) {
            AtAnswer a = jwtAnswers.front();
            jwtAnswers.pop_front();
            return a;
        }
        const std::string n = std::to_string(jwts.size() + 1);
        jwts.push_back("eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOj" + n + "9.c2ln-_" + n);
        return AtAnswer{0, PROV_AT_OK, 0, "%JWT: \"" + jwts.back() + "\""};
    }
    const auto it = atAnswers.find(command);
    return it != atAnswers.end() ? it->second : AtAnswer{};
}

int FakeDevice::atCommand(void *ctx, const char *command, char *response, std::size_t size,
                          prov_at_reply *reply) {
    FakeDevice &d = self(ctx);
    d.trace.push_back("at:" + std::string(command));
    const AtAnswer a = d.answerAt(command);
    if (a.rc != 0) {
        return a.rc;
    }
    if (a.output.size() >= size) {
        return PROV_ERR_2BIG;
    }
    std::memcpy(response, a.output.c_str(), a.output.size() + 1);
    reply->status = a.status;
    reply->cme_error = a.cme;
    reply->len = a.output.size();
    return 0;
}

int FakeDevice::coapConnect(void *ctx) {
    FakeDevice &d = self(ctx);
    d.trace.emplace_back("coap:connect");
    if (d.connectResult != 0) {
        return d.connectResult;
    }
    d.sessionAlive = true;
    return 0;
}

CoapAnswer FakeDevice::answerRequest(const Request &request) {
    auto next = [](std::deque<CoapAnswer> &queue, std::uint8_t fallback) {
        if (queue.empty()) {
            return CoapAnswer{0, fallback, {}};
        }
        CoapAnswer a = queue.front();
        queue.pop_front();
        return a;
    };
    if (request.path.starts_with(PROV_PATH_AUTH_JWT "?")) {
        std::uint8_t code = PROV_COAP_CREATED;
        if (!authCodes.empty()) {
            code = authCodes.front();
            authCodes.pop_front();
        }
        return CoapAnswer{0, code, {}};
    }
    if (request.path.starts_with(PROV_PATH_COMMANDS "?")) {
        return next(commandAnswers, PROV_COAP_CONTENT);
    }
    if (request.path == PROV_PATH_RESPONSES) {
        return next(responseAnswers, PROV_COAP_CHANGED);
    }
    return CoapAnswer{0, PROV_COAP_NOT_FOUND, {}};
}

int FakeDevice::coapRequest(void *ctx, const prov_coap_request *request,
                            prov_coap_response *response) {
    FakeDevice &d = self(ctx);
    Request r{request->method, request->path,
              Bytes(request->payload, request->payload + request->payload_len),
              request->content_format};
    const std::string line = (r.method == PROV_COAP_GET ? "GET " : "POST ") + r.path;
    d.trace.push_back("coap:" + line);
    if (!d.requestFailures.empty()) {
        const int rc = d.requestFailures.front();
        d.requestFailures.pop_front();
        if (rc != 0) {
            return rc;
        }
    }
    if (!d.sessionAlive) {
        return PROV_ERR_NOTCONN;
    }
    d.requests.push_back(r);
    const CoapAnswer a = d.answerRequest(r);
    if (a.rc != 0) {
        return a.rc;
    }
    response->code = a.code;
    const std::size_t n = std::min(a.payload.size(), response->payload_cap);
    std::copy_n(a.payload.begin(), n, response->payload);
    response->payload_len = n;
    response->truncated = n < a.payload.size();
    return 0;
}

void FakeDevice::coapDisconnect(void *ctx) {
    FakeDevice &d = self(ctx);
    d.trace.emplace_back("coap:disconnect");
    d.sessionAlive = false;
}

std::uint64_t FakeDevice::uptimeMs(void *ctx) {
    return self(ctx).nowMs;
}

bool FakeDevice::modemTimeValid(void *ctx) {
    const FakeDevice &d = self(ctx);
    return d.timeValidAtMs >= 0 && d.nowMs >= static_cast<std::uint64_t>(d.timeValidAtMs);
}

void FakeDevice::sleepMs(void *ctx, std::uint32_t ms) {
    self(ctx).nowMs += ms;
}

int FakeDevice::waitModemState(void *ctx, prov_modem_state state, std::uint32_t timeoutMs) {
    FakeDevice &d = self(ctx);
    const bool toOffline = state == PROV_MODEM_OFFLINE;
    d.trace.push_back(std::string(toOffline ? "wait:offline:" : "wait:online:") +
                      std::to_string(timeoutMs));
    const int rc = toOffline ? d.offlineWaitResult : d.onlineWaitResult;
    if (rc != 0) {
        d.nowMs += timeoutMs;
        return rc;
    }
    d.offline = toOffline;
    if (toOffline && d.dropSessionWhenOffline) {
        d.sessionAlive = false;
    }
    return 0;
}

int FakeDevice::settingsLoad(void *ctx, const char *key, char *value, std::size_t size,
                             std::size_t *len) {
    const FakeDevice &d = self(ctx);
    const auto it = d.settings.find(key);
    if (it == d.settings.end()) {
        return PROV_ERR_NOENT;
    }
    if (it->second.size() >= size) {
        return PROV_ERR_2BIG;
    }
    std::memcpy(value, it->second.c_str(), it->second.size() + 1);
    *len = it->second.size();
    return 0;
}

int FakeDevice::settingsStore(void *ctx, const char *key, const char *value, std::size_t len) {
    FakeDevice &d = self(ctx);
    d.trace.push_back("store:" + std::string(key));
    if (d.storeResult != 0) {
        return d.storeResult;
    }
    d.settings[key] = std::string(value, len);
    return 0;
}

void FakeDevice::log(void *ctx, prov_log_level level, const char *module, const char *message) {
    self(ctx).logs.push_back(LogRecord{level, module, message});
}

void FakeDevice::onEvent(void *ctx, const prov_event *event) {
    FakeDevice &d = self(ctx);
    d.trace.push_back(std::string("event:") + eventName(event->type));
    d.events.push_back(*event);
}

std::vector<std::string> FakeDevice::requestLines() const {
    std::vector<std::string> lines;
    for (const Request &r : requests) {
        lines.push_back((r.method == PROV_COAP_GET ? "GET " : "POST ") + r.path);
    }
    return lines;
}

std::vector<std::vector<Rsp>> FakeDevice::sentResponses() const {
    std::vector<std::vector<Rsp>> batches;
    for (const Request &r : requests) {
        if (r.path == PROV_PATH_RESPONSES) {
            batches.push_back(decodeResponses(r.payload));
        }
    }
    return batches;
}

std::vector<prov_event_type> FakeDevice::eventTypes() const {
    std::vector<prov_event_type> types;
    for (const prov_event &e : events) {
        types.push_back(e.type);
    }
    return types;
}

bool FakeDevice::logged(prov_log_level level, const std::string &module,
                        const std::string &message) const {
    return std::any_of(logs.begin(), logs.end(), [&](const LogRecord &r) {
        return r.level == level && r.module == module && r.message == message;
    });
}

int FakeDevice::traceIndex(const std::string &entry) const {
    const auto it = std::find(trace.begin(), trace.end(), entry);
    return it == trace.end() ? -1 : static_cast<int>(it - trace.begin());
}

int FakeDevice::traceCount(const std::string &prefix) const {
    return static_cast<int>(std::count_if(
        trace.begin(), trace.end(), [&](const std::string &t) { return t.starts_with(prefix); }));
}

} // namespace ps::fwtest
