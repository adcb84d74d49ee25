/*
 * Running one batch of provisioning commands: AT commands with the modem offline, config
 * commands into the settings store, "finished" acknowledged last and only when nothing failed.
 * Each command's response is encoded into buffers.tx as soon as it is known, so only one AT
 * output is held at a time.
 */
#include "client_internal.h"

#include <stdio.h>
#include <string.h>

/* State of the batch being processed. */
typedef struct batch {
    prov_response_stream stream;
    bool offline;                 /* the modem was taken offline for this batch */
    bool failed;                  /* a command failed: the rest are not run */
    const prov_command *finished; /* the "finished" command, answered last */
    prov_str last_id;             /* correlation id of the last response added */
} batch;

int prov_run_at(prov_client *c, const char *line, prov_at_reply *reply) {
    char *out = c->buffers.at_response;
    const size_t cap = c->buffers.at_response_size;

    memset(reply, 0, sizeof *reply);
    out[0] = '\0';
    const int rc = c->port.at_command(c->port.ctx, line, out, cap, reply);
    /* Trust no length beyond the buffer, and cut at an embedded NUL. */
    if (reply->len >= cap) {
        reply->len = cap - 1;
    }
    out[reply->len] = '\0';
    reply->len = strlen(out);
    return rc;
}

/*
 * Adds a response to the batch. When the entry does not fit into buffers.tx it is replaced by
 * a short error response; when even that does not fit the batch cannot be answered.
 */
static prov_step add_response(prov_client *c, batch *b, const prov_response *response) {
    prov_codec_status status = prov_response_stream_add(&b->stream, response);

    if (status == PROV_CODEC_NO_SPACE) {
        prov_response shorter = *response;
        shorter.type = PROV_RESPONSE_ERROR;
        shorter.cme_error = 0;
        shorter.message = prov_str_from_cstr("Response too large");
        prov_log(c, PROV_LOG_ERR, MOD_CODEC, "Response to %.*s does not fit the TX buffer",
                 (int)response->corr_id.len, response->corr_id.ptr);
        status = prov_response_stream_add(&b->stream, &shorter);
        b->failed = true;
    }
    if (status != PROV_CODEC_OK) {
        prov_log(c, PROV_LOG_ERR, MOD_CODEC, "Unable to encode responses: %s",
                 prov_codec_status_name(status));
        return prov_step_fail(PROV_RESULT_ERROR, PROV_ERR_NOMEM);
    }
    b->last_id = response->corr_id;
    return prov_step_ok(PROV_RESULT_DONE);
}

static prov_step add_error(prov_client *c, batch *b, const prov_command *cmd, uint32_t cme,
                           const char *message) {
    prov_response r;

    memset(&r, 0, sizeof r);
    r.corr_id = cmd->corr_id;
    r.type = PROV_RESPONSE_ERROR;
    r.cme_error = cme;
    r.message = prov_str_from_cstr(message);
    b->failed = true;
    ++c->stats.commands_failed;
    return add_response(c, b, &r);
}

static prov_step add_success(prov_client *c, batch *b, const prov_command *cmd,
                             prov_response_type type, const char *message) {
    prov_response r;

    memset(&r, 0, sizeof r);
    r.corr_id = cmd->corr_id;
    r.type = type;
    r.message = prov_str_from_cstr(message);
    const prov_step step = add_response(c, b, &r);
    if (step.ok && !b->failed) {
        ++c->stats.commands_succeeded;
    } else if (step.ok) {
        ++c->stats.commands_failed; /* answered with "Response too large" */
    }
    return step;
}

/* Raises the event and waits for the modem to reach the state. */
static prov_step change_lte(prov_client *c, prov_event_type event, prov_modem_state state) {
    prov_raise(c, event, PROV_RESULT_DONE, 0, 0);
    const int rc = c->port.wait_modem_state(c->port.ctx, state, c->config.lte_wait_s * 1000u);
    if (rc != 0) {
        prov_log(c, PROV_LOG_ERR, MOD_PROV, "Failed to set modem %s, err %d",
                 state == PROV_MODEM_OFFLINE ? "offline" : "online", rc);
        return prov_step_fail(PROV_RESULT_LTE_TIMEOUT, rc);
    }
    prov_log(c, PROV_LOG_DBG, MOD_PROV, "%s",
             state == PROV_MODEM_OFFLINE
                 ? "nrf_provisioning_notify_event_and_wait_for_modem_state: "
                   "Modem is offline"
                 : "nrf_provisioning_notify_event_and_wait_for_modem_state: "
                   "Connected to network");
    return prov_step_ok(PROV_RESULT_DONE);
}

static bool cme_is_ignored(const prov_command *cmd, uint32_t cme) {
    for (size_t i = 0; i < cmd->ignored_cme_count; ++i) {
        if (cmd->ignored_cme[i] == cme) {
            return true;
        }
    }
    return false;
}

/* "AT" + set command + "=" + parameters into buffers.at_command. */
static bool build_at_line(prov_client *c, const prov_command *cmd) {
    const int n = snprintf(c->buffers.at_command, c->buffers.at_command_size, "AT%.*s=%.*s",
                           (int)cmd->set_command.len, cmd->set_command.ptr,
                           (int)cmd->parameters.len, cmd->parameters.ptr);

    return n > 0 && (size_t)n < c->buffers.at_command_size;
}

static prov_step run_at_command(prov_client *c, batch *b, const prov_command *cmd) {
    char message[96];
    prov_at_reply reply;

    if (!build_at_line(c, cmd)) {
        prov_log(c, PROV_LOG_ERR, MOD_CODEC, "AT command too long");
        return add_error(c, b, cmd, 0, "AT command too long");
    }
    prov_log(c, PROV_LOG_DBG, MOD_CODEC, "exec_at_cmd: command: AT%.*s", (int)cmd->set_command.len,
             cmd->set_command.ptr);
    const int rc = prov_run_at(c, c->buffers.at_command, &reply);
    const char *output = c->buffers.at_response;
    if (rc != 0) {
        prov_log(c, PROV_LOG_ERR, MOD_CODEC, "AT cmd failed, error: %d", rc);
        (void)snprintf(message, sizeof message, "AT command failed, error: %d", rc);
        return add_error(c, b, cmd, 0, message);
    }
    if (reply.status == PROV_AT_OK) {
        return add_success(c, b, cmd, PROV_RESPONSE_AT, output);
    }
    if (reply.status == PROV_AT_CME_ERROR && cme_is_ignored(cmd, reply.cme_error)) {
        prov_log(c, PROV_LOG_DBG, MOD_CODEC, "filter_cme_error: Filtered CME error %lu",
                 (unsigned long)reply.cme_error);
        return add_success(c, b, cmd, PROV_RESPONSE_AT, output);
    }
    const uint32_t cme = reply.status == PROV_AT_CME_ERROR ? reply.cme_error : 0;
    if (cme != 0) {
        (void)snprintf(message, sizeof message, "+CME ERROR: %lu", (unsigned long)cme);
    } else {
        (void)snprintf(message, sizeof message, "ERROR");
    }
    prov_log(c, PROV_LOG_ERR, MOD_CODEC, "AT cmd failed, error: %lu", (unsigned long)cme);
    return add_error(c, b, cmd, cme, reply.len > 0 ? output : message);
}

/* Stores one pair; the value is copied to buffers.at_command to get a C string. */
static int store_pair(prov_client *c, const prov_kv *pair) {
    char key[PROV_CONFIG_KEY_MAX_LEN + 1];

    if (pair->key.len >= sizeof key || pair->value.len >= c->buffers.at_command_size) {
        return PROV_ERR_NOMEM;
    }
    memcpy(key, pair->key.ptr, pair->key.len);
    key[pair->key.len] = '\0';
    if (pair->value.len > 0) {
        memcpy(c->buffers.at_command, pair->value.ptr, pair->value.len);
    }
    c->buffers.at_command[pair->value.len] = '\0';
    return c->port.settings_store(c->port.ctx, key, c->buffers.at_command, pair->value.len);
}

static prov_step apply_config(prov_client *c, batch *b, const prov_command *cmd) {
    char message[96];

    for (size_t i = 0; i < cmd->config_count; ++i) {
        const int rc = store_pair(c, &cmd->config[i]);
        if (rc != 0) {
            prov_log(c, PROV_LOG_WRN, MOD_CODEC, "Unable to store key: %.*s, err: %d",
                     (int)cmd->config[i].key.len, cmd->config[i].key.ptr, rc);
            (void)snprintf(message, sizeof message,
                           "Unable to store [%lu](0-indexed) key-value-pair", (unsigned long)i);
            return add_error(c, b, cmd, 0, message);
        }
    }
    return add_success(c, b, cmd, PROV_RESPONSE_CONFIG_ACK, NULL);
}

static prov_step run_command(prov_client *c, batch *b, const prov_command *cmd) {
    prov_step step = prov_step_ok(PROV_RESULT_DONE);

    switch (cmd->type) {
    case PROV_COMMAND_AT:
        if (!b->offline) {
            step = change_lte(c, PROV_EVENT_NEED_LTE_DEACTIVATED, PROV_MODEM_OFFLINE);
            b->offline = true; /* even on failure: ask for LTE back afterwards */
        }
        return step.ok ? run_at_command(c, b, cmd) : step;
    case PROV_COMMAND_CONFIG:
        return apply_config(c, b, cmd);
    case PROV_COMMAND_FINISHED:
        b->finished = cmd; /* acknowledged after the others, if none failed */
        return step;
    }
    return prov_step_fail(PROV_RESULT_PROTOCOL_ERROR, PROV_ERR_BADMSG);
}

/* Runs the commands in order until one fails (or the batch cannot go on). */
static prov_step run_all(prov_client *c, batch *b) {
    for (size_t i = 0; i < c->commands.count && !b->failed; ++i) {
        const prov_step step = run_command(c, b, &c->commands.items[i]);
        if (!step.ok) {
            return step;
        }
    }
    return prov_step_ok(PROV_RESULT_DONE);
}

/* Appends the "finished" acknowledgement when it is due; *has_finished tells whether it was. */
static prov_step acknowledge_finished(prov_client *c, batch *b, bool *has_finished) {
    prov_response ack;

    *has_finished = false;
    if (b->finished == NULL || b->failed) {
        return prov_step_ok(PROV_RESULT_DONE);
    }
    memset(&ack, 0, sizeof ack);
    ack.corr_id = b->finished->corr_id;
    ack.type = PROV_RESPONSE_FINISHED_ACK;
    const prov_step step = add_response(c, b, &ack);
    if (step.ok && !b->failed) {
        ++c->stats.commands_succeeded;
        *has_finished = true;
        prov_log(c, PROV_LOG_INF, MOD_COAP, "Finished");
    }
    return step;
}

/* Remembers the id of the last response in the batch; it becomes "after" once accepted. */
static void note_last_id(prov_client *c, prov_str id) {
    memcpy(c->pending, id.ptr, id.len);
    c->pending[id.len] = '\0';
}

prov_step prov_process_commands(prov_client *c, size_t *payload_len, bool *has_finished) {
    batch b;
    prov_step step;

    memset(&b, 0, sizeof b);
    *payload_len = 0;
    *has_finished = false;
    if (prov_response_stream_begin(&b.stream, c->buffers.tx, c->buffers.tx_size) != PROV_CODEC_OK) {
        return prov_step_fail(PROV_RESULT_ERROR, PROV_ERR_NOMEM);
    }
    c->stats.commands_received += (uint32_t)c->commands.count;
    step = run_all(c, &b);
    if (b.offline) {
        const prov_step online = change_lte(c, PROV_EVENT_NEED_LTE_ACTIVATED, PROV_MODEM_ONLINE);
        if (step.ok) {
            step = online;
        }
    }
    if (step.ok) {
        step = acknowledge_finished(c, &b, has_finished);
    }
    if (!step.ok) {
        return step;
    }
    if (prov_response_stream_finish(&b.stream, payload_len) != PROV_CODEC_OK) {
        return prov_step_fail(PROV_RESULT_PROTOCOL_ERROR, PROV_ERR_BADMSG);
    }
    note_last_id(c, b.last_id);
    c->any_command_failed = c->any_command_failed || b.failed;
    return step;
}
