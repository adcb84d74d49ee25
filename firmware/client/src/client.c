/*
 * The provisioning session: setup, the command request loop, the persisted correlation id and
 * the run's outcome (logs, events, retry delay). See provclient/client.h.
 */
#include "client_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- Helpers shared by the client's files ---- */

prov_step prov_step_ok(prov_result result) {
    prov_step step = {true, result, 0};
    return step;
}

prov_step prov_step_fail(prov_result result, int error) {
    prov_step step = {false, result, error};
    return step;
}

void prov_log(const prov_client *c, prov_log_level level, const char *module, const char *fmt,
              ...) {
    char message[256];
    va_list args;

    if (c->port.log == NULL) {
        return;
    }
    va_start(args, fmt);
    (void)vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    c->port.log(c->port.ctx, level, module, message);
}

void prov_raise(const prov_client *c, prov_event_type type, prov_result result, int error,
                uint32_t retry_after_s) {
    prov_event event;

    if (c->port.on_event == NULL) {
        return;
    }
    event.type = type;
    event.result = (int)result;
    event.error = error;
    event.retry_after_s = retry_after_s;
    c->port.on_event(c->port.ctx, &event);
}

/* ---- Results ---- */

const char *prov_result_name(prov_result result) {
    switch (result) {
    case PROV_RESULT_DONE:
        return "done";
    case PROV_RESULT_NO_COMMANDS:
        return "no commands";
    case PROV_RESULT_COMMAND_FAILED:
        return "command failed";
    case PROV_RESULT_NOT_CLAIMED:
        return "not claimed";
    case PROV_RESULT_WRONG_CREDENTIALS:
        return "wrong credentials";
    case PROV_RESULT_BAD_REQUEST:
        return "bad request";
    case PROV_RESULT_NOT_FOUND:
        return "not found";
    case PROV_RESULT_BUSY:
        return "busy";
    case PROV_RESULT_NETWORK_ERROR:
        return "network error";
    case PROV_RESULT_WRONG_ROOT_CA:
        return "wrong root CA";
    case PROV_RESULT_NO_VALID_TIME:
        return "no valid time";
    case PROV_RESULT_JWT_FAILED:
        return "JWT failed";
    case PROV_RESULT_LTE_TIMEOUT:
        return "LTE timeout";
    case PROV_RESULT_PROTOCOL_ERROR:
        return "protocol error";
    case PROV_RESULT_ERROR:
        return "error";
    }
    return "unknown result";
}

bool prov_result_is_retryable(prov_result result) {
    return result == PROV_RESULT_BUSY || result == PROV_RESULT_NETWORK_ERROR;
}

/* ---- Setup ---- */

void prov_client_config_defaults(prov_client_config *config) {
    config->client_version = PROV_CLIENT_VERSION;
    config->jwt_subject = "";
    config->jwt_audience = "";
    config->jwt_lifetime_s = 300;
    config->command_limit = PROV_MAX_COMMANDS;
    config->time_wait_s = 60;
    config->time_poll_ms = 1000;
    config->lte_wait_s = 120;
    config->max_rounds = 2 * PROV_MAX_COMMANDS;
    config->retry_initial_s = 60;
    config->retry_step_s = 60;
    config->retry_max_s = 3600;
}

static bool port_is_complete(const prov_port *p) {
    return p->at_command && p->coap_connect && p->coap_request && p->coap_disconnect &&
           p->uptime_ms && p->modem_time_valid && p->sleep_ms && p->wait_modem_state &&
           p->settings_load && p->settings_store;
}

static bool buffers_are_usable(const prov_client_buffers *b) {
    return b->rx && b->tx && b->at_command && b->at_response && b->rx_size >= PROV_CLIENT_MIN_RX &&
           b->tx_size >= PROV_CLIENT_MIN_TX && b->at_command_size >= PROV_CLIENT_MIN_AT_COMMAND &&
           b->at_response_size >= PROV_CLIENT_MIN_AT_RESPONSE && b->rx_size <= UINT32_MAX &&
           b->tx_size <= UINT32_MAX;
}

static bool config_is_usable(const prov_client_config *cfg) {
    return cfg->client_version && cfg->jwt_subject && cfg->jwt_audience &&
           cfg->command_limit >= 1 && cfg->command_limit <= PROV_MAX_COMMANDS &&
           cfg->max_rounds >= 1 && cfg->time_poll_ms >= 1 &&
           cfg->lte_wait_s <= UINT32_MAX / 1000u && cfg->time_wait_s <= UINT32_MAX / 1000u;
}

int prov_client_init(prov_client *client, const prov_port *port, const prov_client_config *config,
                     const prov_client_buffers *buffers) {
    if (client == NULL || port == NULL || config == NULL || buffers == NULL ||
        !port_is_complete(port) || !buffers_are_usable(buffers) || !config_is_usable(config)) {
        return PROV_ERR_INVAL;
    }
    memset(client, 0, sizeof *client);
    client->port = *port;
    client->config = *config;
    client->buffers = *buffers;
    return PROV_OK;
}

uint32_t prov_client_retry_after_s(const prov_client *client) {
    return client->retry_after_s;
}

const char *prov_client_last_correlation_id(const prov_client *client) {
    return client->after;
}

const prov_client_stats *prov_client_get_stats(const prov_client *client) {
    return &client->stats;
}

/* ---- The session ---- */

/* The correlation id persisted by an earlier run, so a reboot does not repeat commands. */
static void load_after_id(prov_client *c) {
    char value[PROV_CORR_ID_MAX_LEN + 1];
    size_t len = 0;
    const int rc =
        c->port.settings_load(c->port.ctx, PROV_SETTINGS_KEY_AFTER, value, sizeof value, &len);

    if (rc == PROV_ERR_NOENT) {
        return;
    }
    if (rc != 0 || len >= sizeof value) {
        prov_log(c, PROV_LOG_WRN, MOD_PROV, "Failed to load correlation id, err %d", rc);
        return;
    }
    value[len] = '\0';
    prov_str id = {value, strlen(value)};
    if (!prov_corr_id_is_valid(id)) {
        prov_log(c, PROV_LOG_WRN, MOD_PROV, "Ignoring invalid stored correlation id");
        return;
    }
    memcpy(c->after, value, id.len + 1);
}

static void store_after_id(prov_client *c) {
    memcpy(c->after, c->pending, sizeof c->after);
    const int rc =
        c->port.settings_store(c->port.ctx, PROV_SETTINGS_KEY_AFTER, c->after, strlen(c->after));
    if (rc != 0) {
        prov_log(c, PROV_LOG_WRN, MOD_PROV, "Failed to store correlation id, err %d", rc);
    }
}

/* Polls for valid modem time (needed to sign the JWT) for at most config.time_wait_s. */
static prov_step wait_for_time(prov_client *c) {
    const uint64_t start = c->port.uptime_ms(c->port.ctx);
    const uint64_t limit = (uint64_t)c->config.time_wait_s * 1000u;

    while (!c->port.modem_time_valid(c->port.ctx)) {
        if (c->port.uptime_ms(c->port.ctx) - start >= limit) {
            prov_log(c, PROV_LOG_ERR, MOD_PROV, "Failed to get valid modem time, err %d",
                     PROV_ERR_TIMEDOUT);
            return prov_step_fail(PROV_RESULT_NO_VALID_TIME, PROV_ERR_TIMEDOUT);
        }
        c->port.sleep_ms(c->port.ctx, c->config.time_poll_ms);
    }
    return prov_step_ok(PROV_RESULT_DONE);
}

/* "mver": the modem firmware version from AT+CGMR, read once per client. */
static prov_step read_modem_version(prov_client *c) {
    prov_at_reply reply;

    if (c->modem_version[0] != '\0') {
        return prov_step_ok(PROV_RESULT_DONE);
    }
    int rc = prov_run_at(c, "AT+CGMR", &reply);
    if (rc == 0 && reply.status != PROV_AT_OK) {
        rc = PROV_ERR_IO;
    }
    if (rc == 0) {
        char *firmware = c->buffers.at_response;
        firmware[strcspn(firmware, "\r\n")] = '\0';
        if (firmware[0] == '\0' || prov_modem_version_from_firmware(
                                       c->modem_version, sizeof c->modem_version, firmware) < 0) {
            c->modem_version[0] = '\0';
            rc = PROV_ERR_BADMSG;
        }
    }
    if (rc != 0) {
        prov_log(c, PROV_LOG_ERR, MOD_COAP, "Failed to get modem FW version, error: %d", rc);
        return prov_step_fail(PROV_RESULT_ERROR, rc);
    }
    return prov_step_ok(PROV_RESULT_DONE);
}

/* GET p/cmd: decodes the answer into c->commands (zero commands for an empty payload). */
static prov_step request_commands(prov_client *c) {
    prov_coap_request request;
    prov_coap_response response;
    const prov_str after = prov_str_from_cstr(c->after);

    if (prov_build_commands_path(c->path, sizeof c->path, after, (uint32_t)c->buffers.rx_size,
                                 (uint32_t)c->buffers.tx_size, c->config.command_limit) < 0) {
        return prov_step_fail(PROV_RESULT_ERROR, PROV_ERR_NOMEM);
    }
    prov_log(c, PROV_LOG_INF, MOD_COAP, "Requesting commands");
    request.method = PROV_COAP_GET;
    request.path = c->path;
    request.payload = NULL;
    request.payload_len = 0;
    request.content_format = -1;
    const prov_step step = prov_exchange(c, &request, &response, PROV_COAP_CONTENT);
    if (!step.ok) {
        return step;
    }
    if (response.truncated) {
        prov_log(c, PROV_LOG_ERR, MOD_COAP, "RX buffer too small");
        return prov_step_fail(PROV_RESULT_PROTOCOL_ERROR, PROV_ERR_2BIG);
    }
    const prov_codec_status status =
        prov_decode_command_list(response.payload, response.payload_len, &c->commands);
    if (status != PROV_CODEC_OK) {
        prov_log(c, PROV_LOG_ERR, MOD_CODEC, "Decoding commands response failed, reason: %s",
                 prov_codec_status_name(status));
        return prov_step_fail(PROV_RESULT_PROTOCOL_ERROR, PROV_ERR_BADMSG);
    }
    return step;
}

/* POST p/rsp with the encoded responses; on 2.04 the batch's last id becomes "after". */
static prov_step send_responses(prov_client *c, size_t payload_len) {
    prov_coap_request request;
    prov_coap_response response;

    prov_log(c, PROV_LOG_INF, MOD_COAP, "Sending response to server");
    request.method = PROV_COAP_POST;
    request.path = PROV_PATH_RESPONSES;
    request.payload = c->buffers.tx;
    request.payload_len = payload_len;
    request.content_format = PROV_COAP_FORMAT_CBOR;
    const prov_step step = prov_exchange(c, &request, &response, PROV_COAP_CHANGED);
    if (step.ok) {
        ++c->stats.response_batches;
        store_after_id(c);
    }
    return step;
}

/* One round: ask for commands, run them, answer. Sets *more when another round should follow. */
static prov_step command_round(prov_client *c, bool *more) {
    size_t payload_len = 0;
    bool has_finished = false;
    prov_step step = request_commands(c);

    *more = false;
    if (!step.ok) {
        return step;
    }
    if (c->commands.count == 0) {
        prov_log(c, PROV_LOG_INF, MOD_COAP, "No commands to process on server side");
        return prov_step_ok(c->any_command_failed ? PROV_RESULT_COMMAND_FAILED
                                                  : PROV_RESULT_NO_COMMANDS);
    }
    prov_log(c, PROV_LOG_INF, MOD_COAP, "Processing commands");
    step = prov_process_commands(c, &payload_len, &has_finished);
    if (step.ok) {
        step = send_responses(c, payload_len);
    }
    if (step.ok && has_finished) {
        c->finished_acked = true;
        return prov_step_ok(PROV_RESULT_DONE);
    }
    *more = step.ok;
    return step;
}

static prov_step command_rounds(prov_client *c) {
    bool more = true;

    for (uint32_t round = 0; round < c->config.max_rounds; ++round) {
        const prov_step step = command_round(c, &more);
        if (!more) {
            return step;
        }
    }
    prov_log(c, PROV_LOG_ERR, MOD_COAP, "Too many command rounds");
    return prov_step_fail(PROV_RESULT_PROTOCOL_ERROR, PROV_ERR_BADMSG);
}

/* Delay before the next run: retry_initial_s, growing by retry_step_s, capped at retry_max_s. */
static uint32_t next_retry_delay(prov_client *c) {
    const uint64_t delay =
        (uint64_t)c->config.retry_initial_s + (uint64_t)c->config.retry_step_s * c->retry_count;

    if (c->retry_count < UINT32_MAX) {
        ++c->retry_count;
    }
    return delay > c->config.retry_max_s ? c->config.retry_max_s : (uint32_t)delay;
}

/* Logs and reports how the run ended, and works out the retry delay. */
static prov_result finish_run(prov_client *c, prov_step step) {
    c->retry_after_s = 0;
    if (step.ok) {
        c->retry_count = 0;
        if (step.result == PROV_RESULT_DONE) {
            prov_raise(c, PROV_EVENT_DONE, step.result, 0, 0);
        } else if (step.result == PROV_RESULT_NO_COMMANDS) {
            prov_raise(c, PROV_EVENT_NO_COMMANDS, step.result, 0, 0);
        } else {
            prov_raise(c, PROV_EVENT_FAILED, step.result, 0, 0);
        }
        return step.result;
    }
    if (step.result == PROV_RESULT_NOT_CLAIMED) {
        prov_log(c, PROV_LOG_ERR, MOD_PROV, "Unauthorized access: device is not yet claimed.");
    } else {
        prov_log(c, PROV_LOG_ERR, MOD_PROV, "Provisioning failed, error: %d", step.error);
    }
    if (prov_result_is_retryable(step.result)) {
        c->retry_after_s = next_retry_delay(c);
        prov_log(c, PROV_LOG_INF, MOD_PROV, "Retrying in %lu seconds",
                 (unsigned long)c->retry_after_s);
    } else {
        c->retry_count = 0;
    }
    prov_raise(c, PROV_EVENT_FAILED, step.result, step.error, c->retry_after_s);
    return step.result;
}

prov_result prov_client_run(prov_client *client) {
    prov_client *c = client;
    prov_step step;

    if (c == NULL || c->port.at_command == NULL) {
        return PROV_RESULT_ERROR; /* not initialised */
    }
    ++c->stats.runs;
    c->finished_acked = false;
    c->any_command_failed = false;
    c->commands.count = 0;
    prov_raise(c, PROV_EVENT_START, PROV_RESULT_DONE, 0, 0);
    prov_log(c, PROV_LOG_INF, MOD_COAP, "Init CoAP client");
    if (c->stats.runs == 1) {
        load_after_id(c);
    }
    step = wait_for_time(c);
    if (step.ok) {
        step = read_modem_version(c);
    }
    if (step.ok) {
        step = prov_open_session(c);
    }
    if (step.ok) {
        step = command_rounds(c);
    }
    prov_close_session(c);
    return finish_run(c, step);
}
