/*
 * The client's side of the CoAP conversation: DTLS session, JWT authentication, requests with
 * one reconnect when the session was lost, and the meaning of unexpected response codes.
 */
#include "client_internal.h"

#include <stdio.h>
#include <string.h>

/* What an unexpected response code means; the one table behind every code mapping. */
typedef struct coap_outcome {
    uint8_t code;
    prov_result result;
    int error;
    const char *message; /* nrf_provisioning_coap wording */
} coap_outcome;

static const coap_outcome coap_outcomes[] = {
    {PROV_COAP_UNAUTHORIZED, PROV_RESULT_NOT_CLAIMED, PROV_ERR_ACCES, "Device not authorized"},
    {PROV_COAP_FORBIDDEN, PROV_RESULT_WRONG_CREDENTIALS, PROV_ERR_PERM,
     "Device provided wrong auth credentials"},
    {PROV_COAP_BAD_REQUEST, PROV_RESULT_BAD_REQUEST, PROV_ERR_INVAL, "Bad request"},
    {PROV_COAP_NOT_ACCEPTABLE, PROV_RESULT_BAD_REQUEST, PROV_ERR_INVAL, "Bad request"},
    {PROV_COAP_NOT_FOUND, PROV_RESULT_NOT_FOUND, PROV_ERR_NOENT, "Resource not found"},
    {PROV_COAP_INTERNAL_ERROR, PROV_RESULT_BUSY, PROV_ERR_BUSY, "Internal server error"},
    {PROV_COAP_SERVICE_UNAVAILABLE, PROV_RESULT_BUSY, PROV_ERR_BUSY, "Service unavailable"},
};

static const coap_outcome *find_outcome(uint8_t code) {
    for (size_t i = 0; i < sizeof coap_outcomes / sizeof coap_outcomes[0]; ++i) {
        if (coap_outcomes[i].code == code) {
            return &coap_outcomes[i];
        }
    }
    return NULL;
}

prov_result prov_result_from_coap_code(uint8_t code) {
    const coap_outcome *outcome = find_outcome(code);

    return outcome ? outcome->result : PROV_RESULT_PROTOCOL_ERROR;
}

/* Logs what an unexpected code means and turns it into the run's failure. */
static prov_step fail_from_code(const prov_client *c, uint8_t code) {
    const coap_outcome *outcome = find_outcome(code);

    if (outcome == NULL) {
        prov_log(c, PROV_LOG_ERR, MOD_COAP, "Unknown response code %u.%02u",
                 PROV_COAP_CODE_CLASS(code), PROV_COAP_CODE_DETAIL(code));
        return prov_step_fail(PROV_RESULT_PROTOCOL_ERROR, PROV_ERR_NOTSUP);
    }
    prov_log(c, PROV_LOG_ERR, MOD_COAP, "%s", outcome->message);
    return prov_step_fail(outcome->result, outcome->error);
}

/* Sends a request as it is, with the response payload going to buffers.rx. */
static int send_request(prov_client *c, const prov_coap_request *request,
                        prov_coap_response *response) {
    response->code = 0;
    response->payload = c->buffers.rx;
    response->payload_cap = c->buffers.rx_size;
    response->payload_len = 0;
    response->truncated = false;
    const int rc = c->port.coap_request(c->port.ctx, request, response);
    if (response->payload_len > response->payload_cap) {
        response->payload_len = response->payload_cap; /* a port bug must not widen the view */
        response->truncated = true;
    }
    return rc;
}

/* Finds the token in "%JWT: "<token>"" and NUL-terminates it in place. */
static bool extract_jwt(char *output, const char **token) {
    char *start = strstr(output, "%JWT:");
    size_t dots = 0;

    if (start == NULL) {
        return false;
    }
    start = strchr(start, '"');
    if (start == NULL) {
        return false;
    }
    ++start;
    char *end = start;
    for (; *end != '"'; ++end) {
        const char ch = *end;
        if (ch == '.') {
            ++dots;
        } else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                     (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')) {
            return false; /* includes the NUL of an unterminated token */
        }
    }
    *end = '\0';
    *token = start;
    return dots == 2 && end - start > 4;
}

/* Asks the modem for a JWT signed with the device identity key (AT%JWT). */
static prov_step generate_jwt(prov_client *c, const char **token) {
    prov_at_reply reply;
    const int n = snprintf(c->buffers.at_command, c->buffers.at_command_size,
                           "AT%%JWT=0,%lu,\"%s\",\"%s\"", (unsigned long)c->config.jwt_lifetime_s,
                           c->config.jwt_subject, c->config.jwt_audience);
    int error = PROV_ERR_NOMEM;

    if (n > 0 && (size_t)n < c->buffers.at_command_size) {
        error = prov_run_at(c, c->buffers.at_command, &reply);
        if (error == 0 && reply.status == PROV_AT_CME_ERROR) {
            error = (int)reply.cme_error;
        } else if (error == 0 && reply.status == PROV_AT_ERROR) {
            error = PROV_ERR_IO;
        } else if (error == 0 && !extract_jwt(c->buffers.at_response, token)) {
            error = PROV_ERR_BADMSG;
        }
    }
    if (error != 0) {
        prov_log(c, PROV_LOG_ERR, MOD_COAP, "Failed to generate JWT, error: %d", error);
        return prov_step_fail(PROV_RESULT_JWT_FAILED, error);
    }
    return prov_step_ok(PROV_RESULT_DONE);
}

/* POST p/auth-jwt?mver=..&cver=.. with a fresh JWT; the service answers 2.01. */
static prov_step authenticate(prov_client *c) {
    char path[256];
    const char *jwt = NULL;
    prov_coap_request request;
    prov_coap_response response;
    prov_step step = generate_jwt(c, &jwt);

    if (!step.ok) {
        return step;
    }
    if (prov_build_auth_path(path, sizeof path, c->modem_version, c->config.client_version) < 0) {
        return prov_step_fail(PROV_RESULT_ERROR, PROV_ERR_NOMEM);
    }
    request.method = PROV_COAP_POST;
    request.path = path;
    request.payload = (const uint8_t *)jwt;
    request.payload_len = strlen(jwt);
    request.content_format = PROV_COAP_FORMAT_TEXT_PLAIN;
    const int rc = send_request(c, &request, &response);
    if (rc != 0) {
        prov_log(c, PROV_LOG_ERR, MOD_COAP, "Failed to send CoAP request, error: %d", rc);
        return prov_step_fail(PROV_RESULT_NETWORK_ERROR, rc);
    }
    if (response.code != PROV_COAP_CREATED) {
        return fail_from_code(c, response.code);
    }
    prov_log(c, PROV_LOG_DBG, MOD_COAP, "authenticate: Authorized");
    return prov_step_ok(PROV_RESULT_DONE);
}

static prov_step connect_session(prov_client *c) {
    prov_log(c, PROV_LOG_INF, MOD_COAP, "DTLS setup");
    const int rc = c->port.coap_connect(c->port.ctx);
    if (rc == 0) {
        c->connected = true;
        prov_log(c, PROV_LOG_INF, MOD_COAP, "Connected");
        return prov_step_ok(PROV_RESULT_DONE);
    }
    if (rc == PROV_ERR_FAULT) {
        prov_log(c, PROV_LOG_ERR, MOD_COAP, "Unable to resolve address");
    } else {
        prov_log(c, PROV_LOG_ERR, MOD_COAP, "Failed to connect socket, error: %d", rc);
    }
    return prov_step_fail(
        rc == PROV_ERR_CONNREFUSED ? PROV_RESULT_WRONG_ROOT_CA : PROV_RESULT_NETWORK_ERROR, rc);
}

prov_step prov_open_session(prov_client *c) {
    const prov_step step = connect_session(c);

    return step.ok ? authenticate(c) : step;
}

void prov_close_session(prov_client *c) {
    if (c->connected) {
        c->port.coap_disconnect(c->port.ctx);
        c->connected = false;
    }
}

prov_step prov_exchange(prov_client *c, const prov_coap_request *request,
                        prov_coap_response *response, uint8_t expected_code) {
    int rc = send_request(c, request, response);

    if (rc == PROV_ERR_NOTCONN) {
        prov_log(c, PROV_LOG_INF, MOD_COAP, "DTLS session lost, reconnecting");
        prov_close_session(c);
        const prov_step step = prov_open_session(c);
        if (!step.ok) {
            return step;
        }
        rc = send_request(c, request, response);
    }
    if (rc != 0) {
        prov_log(c, PROV_LOG_ERR, MOD_COAP, "Failed to send CoAP request, error: %d", rc);
        return prov_step_fail(PROV_RESULT_NETWORK_ERROR, rc);
    }
    if (response->code != expected_code) {
        return fail_from_code(c, response->code);
    }
    return prov_step_ok(PROV_RESULT_DONE);
}
