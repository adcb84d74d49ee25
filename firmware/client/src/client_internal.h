/* Pieces of the provisioning client shared between its source files. */
#ifndef PROVCLIENT_CLIENT_INTERNAL_H
#define PROVCLIENT_CLIENT_INTERNAL_H

#include "provclient/client.h"

/* Zephyr log modules of the nrf_provisioning library, whose wording the client keeps. */
#define MOD_COAP "nrf_provisioning_coap"
#define MOD_PROV "nrf_provisioning"
#define MOD_CODEC "nrf_provisioning_codec"

#if defined(__GNUC__)
#define PROV_PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PROV_PRINTF_LIKE(fmt, args)
#endif

/* The outcome of one step of a run: ok, or the result and error the run ends with. */
typedef struct prov_step {
    bool ok;
    prov_result result; /* when ok: how the step ended (e.g. no commands); else why it failed */
    int error;          /* prov_error behind a failure */
} prov_step;

prov_step prov_step_ok(prov_result result);
prov_step prov_step_fail(prov_result result, int error);

/* Formats one log record and hands it to the port (longer messages are cut). */
void prov_log(const prov_client *c, prov_log_level level, const char *module, const char *fmt, ...)
    PROV_PRINTF_LIKE(4, 5);

/* Raises an event through the port. */
void prov_raise(const prov_client *c, prov_event_type type, prov_result result, int error,
                uint32_t retry_after_s);

/* ---- client_transport.c ---- */

/* Connects and authenticates. */
prov_step prov_open_session(prov_client *c);

/* Closes the session if one is open. */
void prov_close_session(prov_client *c);

/*
 * Sends a request on the open session and checks for the expected success code. The response
 * payload lands in buffers.rx. A lost session is reopened (and authenticated) once.
 */
prov_step prov_exchange(prov_client *c, const prov_coap_request *request,
                        prov_coap_response *response, uint8_t expected_code);

/* ---- client_commands.c ---- */

/*
 * Runs the decoded commands in c->commands and encodes their responses into buffers.tx.
 * *payload_len receives the response list size; *has_finished whether it acknowledges
 * "finished". Stops at the first failing command.
 */
prov_step prov_process_commands(prov_client *c, size_t *payload_len, bool *has_finished);

/* Runs one AT command line through the port; *reply as the port fills it. */
int prov_run_at(prov_client *c, const char *line, prov_at_reply *reply);

#endif /* PROVCLIENT_CLIENT_INTERNAL_H */
