/*
 * The on-device nRF Cloud provisioning client (PROTOCOL.md section 7).
 *
 * One call, prov_client_run(), does a whole provisioning session: wait for valid modem time,
 * connect, authenticate with a JWT from AT%JWT, ask for commands, run them (taking the modem
 * offline for AT commands and back online afterwards), send the responses, and repeat until the
 * service has no more commands or acknowledged "finished". It returns what happened as a
 * prov_result; the application decides when to run again (prov_client_retry_after_s()).
 *
 * Use:
 *
 *     static uint8_t rx[4096], tx[4096];
 *     static char at_cmd[4096], at_rsp[4096];
 *     prov_client_config config;
 *     prov_client_config_defaults(&config);
 *     prov_client_buffers buffers = {rx, sizeof rx, tx, sizeof tx,
 *                                    at_cmd, sizeof at_cmd, at_rsp, sizeof at_rsp};
 *     prov_client client;
 *     prov_client_init(&client, &port, &config, &buffers);
 *     prov_result result = prov_client_run(&client); // blocking: run it in a worker thread
 *
 * The client allocates nothing: its state lives in prov_client (caller memory) and its I/O
 * buffers are the ones given. Strings in config are borrowed and must outlive the client.
 * prov_client_run() must not be called from two threads at once for the same client.
 */
#ifndef PROVCLIENT_CLIENT_H
#define PROVCLIENT_CLIENT_H

#include "provclient/messages.h"
#include "provclient/port.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Client version sent as "cver". */
#define PROV_CLIENT_VERSION "1"

/* Settings key of the last correlation id answered (the nrf_provisioning library's key). */
#define PROV_SETTINGS_KEY_AFTER "after-correlation-id"

typedef enum prov_result {
    PROV_RESULT_DONE = 0,          /* "finished" acknowledged: provisioning complete */
    PROV_RESULT_NO_COMMANDS,       /* the service had no (more) commands */
    PROV_RESULT_COMMAND_FAILED,    /* a command failed (reported to the service); queue empty */
    PROV_RESULT_NOT_CLAIMED,       /* 4.01: claim the device first */
    PROV_RESULT_WRONG_CREDENTIALS, /* 4.03: the service rejected the JWT */
    PROV_RESULT_BAD_REQUEST,       /* 4.00 or 4.06 */
    PROV_RESULT_NOT_FOUND,         /* 4.04 */
    PROV_RESULT_BUSY,              /* 5.00 or 5.03: retry after prov_client_retry_after_s() */
    PROV_RESULT_NETWORK_ERROR,     /* no connection or no answer: retry after ... as well */
    PROV_RESULT_WRONG_ROOT_CA,     /* the DTLS handshake failed */
    PROV_RESULT_NO_VALID_TIME,     /* no modem time within the wait */
    PROV_RESULT_JWT_FAILED,        /* AT%JWT failed or printed no token */
    PROV_RESULT_LTE_TIMEOUT,       /* the modem did not go offline / online in time */
    PROV_RESULT_PROTOCOL_ERROR,    /* a payload that does not decode, an unexpected code */
    PROV_RESULT_ERROR              /* anything else: port or storage failures, bad setup */
} prov_result;

/* "done", "no commands", "not claimed", ... */
const char *prov_result_name(prov_result result);

/* True for results after which running again later can succeed on its own (busy, network). */
bool prov_result_is_retryable(prov_result result);

/*
 * The outcome of a CoAP response code that is not the success the request expected:
 * 4.01 not claimed, 4.03 wrong credentials, 4.00/4.06 bad request, 4.04 not found,
 * 5.00/5.03 busy, anything else a protocol error.
 */
prov_result prov_result_from_coap_code(uint8_t code);

typedef struct prov_client_config {
    const char *client_version; /* "cver"; default PROV_CLIENT_VERSION */
    const char *jwt_subject;    /* "sub" of AT%JWT; default "" (the modem fills in the UUID) */
    const char *jwt_audience;   /* "aud" of AT%JWT; default "" */
    uint32_t jwt_lifetime_s;    /* AT%JWT expiry delta; default 300 (the service's maximum) */
    uint32_t command_limit;     /* "limit", 1..PROV_MAX_COMMANDS; default PROV_MAX_COMMANDS */
    uint32_t time_wait_s;       /* wait for valid modem time; default 60 */
    uint32_t time_poll_ms;      /* polling interval for modem time; default 1000 */
    uint32_t lte_wait_s;        /* wait for offline / online; default 120 */
    uint32_t max_rounds;        /* command requests per run; default 2 * PROV_MAX_COMMANDS */
    uint32_t retry_initial_s;   /* first retry delay; default 60 */
    uint32_t retry_step_s;      /* added per further retryable failure; default 60 */
    uint32_t retry_max_s;       /* cap; default 3600 */
} prov_client_config;

void prov_client_config_defaults(prov_client_config *config);

/*
 * The client's I/O buffers. rx holds a command list while its commands run (its size is sent
 * as "rxMaxSize"); tx holds the encoded responses ("txMaxSize"); at_command holds one AT
 * command line ("AT" + set command + "=" + parameters: PEM certificates need a few KB);
 * at_response holds one AT command's output (%KEYGEN with a CSR: about 1 KB).
 */
typedef struct prov_client_buffers {
    uint8_t *rx;
    size_t rx_size;
    uint8_t *tx;
    size_t tx_size;
    char *at_command;
    size_t at_command_size;
    char *at_response;
    size_t at_response_size;
} prov_client_buffers;

/* Smallest sizes prov_client_init() accepts. */
#define PROV_CLIENT_MIN_RX 64
#define PROV_CLIENT_MIN_TX 64
#define PROV_CLIENT_MIN_AT_COMMAND 128
#define PROV_CLIENT_MIN_AT_RESPONSE 256

typedef struct prov_client_stats {
    uint32_t runs;
    uint32_t commands_received;
    uint32_t commands_succeeded;
    uint32_t commands_failed;
    uint32_t response_batches; /* response lists the service accepted */
} prov_client_stats;

/* Client state; treat the members as private and use the functions below. */
typedef struct prov_client {
    prov_port port;
    prov_client_config config;
    prov_client_buffers buffers;
    prov_client_stats stats;
    char after[PROV_CORR_ID_MAX_LEN + 1];   /* last correlation id answered */
    char pending[PROV_CORR_ID_MAX_LEN + 1]; /* last id of the batch being answered */
    char modem_version[48];                 /* "mver" */
    char path[320];                         /* path and query of the request in flight */
    prov_command_list commands;             /* views into buffers.rx */
    uint32_t retry_count;                   /* consecutive retryable results */
    uint32_t retry_after_s;
    bool connected;
    bool finished_acked;
    bool any_command_failed;
} prov_client;

/*
 * Prepares a client. Returns 0, or PROV_ERR_INVAL when a required port function is missing
 * (log and on_event are optional), a buffer is NULL or smaller than its minimum, or the config
 * is out of range.
 */
int prov_client_init(prov_client *client, const prov_port *port, const prov_client_config *config,
                     const prov_client_buffers *buffers);

/* Runs one provisioning session; see the file comment. */
prov_result prov_client_run(prov_client *client);

/* Seconds to wait before the next run after a retryable result, else 0. */
uint32_t prov_client_retry_after_s(const prov_client *client);

/* The correlation id that the next command request starts after ("" before the first). */
const char *prov_client_last_correlation_id(const prov_client *client);

const prov_client_stats *prov_client_get_stats(const prov_client *client);

#ifdef __cplusplus
}
#endif

#endif /* PROVCLIENT_CLIENT_H */
