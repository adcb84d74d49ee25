/*
 * The port: everything the provisioning client needs from its platform, as a table of function
 * pointers plus one context pointer that is handed back to every call.
 *
 * All calls are synchronous and made from the thread that runs prov_client_run(). A port for a
 * real or virtual nRF91 implements them with the modem's AT interface, a DTLS/CoAP socket, the
 * uptime clock, a settings store and the application's event handler; a test port scripts them.
 * Calls that wait (coap_request, wait_modem_state, sleep_ms) must return within their bound, so
 * a port can also end a run early by failing its calls (e.g. when the device reboots).
 *
 * Errors are negative numbers from prov_error, chosen equal to Zephyr's errno values so that
 * the client's log lines read like those of a real device ("Provisioning failed, error: -116").
 */
#ifndef PROVCLIENT_PORT_H
#define PROVCLIENT_PORT_H

#include "provclient/messages.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum prov_error {
    PROV_OK = 0,
    PROV_ERR_PERM = -1,          /* wrong credentials (4.03) */
    PROV_ERR_NOENT = -2,         /* settings key not stored; resource not found (4.04) */
    PROV_ERR_IO = -5,            /* modem, transport or storage failure */
    PROV_ERR_2BIG = -7,          /* an answer did not fit the buffer given */
    PROV_ERR_NOMEM = -12,        /* a buffer of the client is too small */
    PROV_ERR_ACCES = -13,        /* device not claimed (4.01) */
    PROV_ERR_FAULT = -14,        /* the service's host name did not resolve */
    PROV_ERR_BUSY = -16,         /* service busy (5.00, 5.03) */
    PROV_ERR_INVAL = -22,        /* bad request (4.00, 4.06); invalid argument */
    PROV_ERR_BADMSG = -77,       /* a payload that does not decode */
    PROV_ERR_CONNREFUSED = -111, /* DTLS handshake failed: the server's certificate is not
                                    trusted by the root CA in sec tag 189298 */
    PROV_ERR_NETUNREACH = -114,  /* no network (LTE down) */
    PROV_ERR_TIMEDOUT = -116,    /* no answer in time */
    PROV_ERR_NOTCONN = -128,     /* the DTLS session is gone: connect and authenticate again */
    PROV_ERR_NOTSUP = -134       /* an unexpected CoAP response code */
} prov_error;

/* ---- Modem ------------------------------------------------------------------------------------
 */

typedef enum prov_at_status {
    PROV_AT_OK,       /* final line "OK" */
    PROV_AT_ERROR,    /* final line "ERROR" */
    PROV_AT_CME_ERROR /* final line "+CME ERROR: <n>" */
} prov_at_status;

typedef struct prov_at_reply {
    prov_at_status status;
    uint32_t cme_error; /* PROV_AT_CME_ERROR: <n> */
    size_t len;         /* bytes of output written to the response buffer (without the NUL) */
} prov_at_reply;

typedef enum prov_modem_state {
    PROV_MODEM_OFFLINE, /* CFUN=4 (or 0): credentials may be written */
    PROV_MODEM_ONLINE   /* registered with a PDN connection: the service is reachable */
} prov_modem_state;

/* ---- Transport --------------------------------------------------------------------------------
 */

typedef struct prov_coap_request {
    prov_coap_method method;
    const char *path; /* path and query without a leading '/', e.g. "p/cmd?after=&rxMaxSize=..." */
    const uint8_t *payload; /* NULL when there is none */
    size_t payload_len;
    int content_format; /* PROV_COAP_FORMAT_*, or -1 when there is no payload */
} prov_coap_request;

typedef struct prov_coap_response {
    uint8_t code;       /* PROV_COAP_CODE(class, detail) */
    uint8_t *payload;   /* buffer given by the client; the port fills it */
    size_t payload_cap; /* its size */
    size_t payload_len; /* bytes stored (at most payload_cap) */
    bool truncated;     /* the payload was longer than payload_cap; the rest is dropped */
} prov_coap_response;

/* ---- Logging and events -----------------------------------------------------------------------
 */

typedef enum prov_log_level {
    PROV_LOG_ERR,
    PROV_LOG_WRN,
    PROV_LOG_INF,
    PROV_LOG_DBG
} prov_log_level;

typedef enum prov_event_type {
    PROV_EVENT_START,                /* prov_client_run() began */
    PROV_EVENT_NEED_LTE_DEACTIVATED, /* take the modem offline; wait_modem_state follows */
    PROV_EVENT_NEED_LTE_ACTIVATED,   /* bring LTE back; wait_modem_state follows */
    PROV_EVENT_DONE,                 /* the service acknowledged "finished" */
    PROV_EVENT_NO_COMMANDS,          /* the service had no (more) commands */
    PROV_EVENT_FAILED                /* see result: not claimed, wrong root CA, no time, ... */
} prov_event_type;

typedef struct prov_event {
    prov_event_type type;
    int result;             /* prov_result (client.h) of PROV_EVENT_FAILED, else 0 */
    int error;              /* prov_error behind the failure, else 0 */
    uint32_t retry_after_s; /* > 0 when the run should be repeated after that many seconds */
} prov_event;

/* ---- The port ---------------------------------------------------------------------------------
 */

typedef struct prov_port {
    void *ctx; /* handed to every call */

    /*
     * Runs one AT command line (e.g. "AT%KEYGEN=16842753,2,0") and waits for its final line.
     * Writes the output lines before the final line into response (joined with "\r\n", no
     * trailing line end, NUL-terminated) and fills reply. Returns 0 when the modem answered
     * (OK, ERROR or CME ERROR alike), PROV_ERR_2BIG when the output did not fit, or another
     * negative prov_error when the command could not be sent.
     */
    int (*at_command)(void *ctx, const char *command, char *response, size_t response_size,
                      prov_at_reply *reply);

    /*
     * Opens the DTLS session to the provisioning service (coap.nrfcloud.com:5684 on a device).
     * Returns 0, PROV_ERR_FAULT (name did not resolve), PROV_ERR_CONNREFUSED (handshake
     * failed), PROV_ERR_TIMEDOUT, PROV_ERR_NETUNREACH or another negative prov_error.
     */
    int (*coap_connect)(void *ctx);

    /*
     * Sends one confirmable request and waits for its response (the port enforces the 30 s
     * limit and joins block-wise transfers). Returns 0 with response->code set, or
     * PROV_ERR_NOTCONN when the session is gone (the client reconnects, authenticates and
     * repeats the request once), PROV_ERR_TIMEDOUT, or another negative prov_error.
     */
    int (*coap_request)(void *ctx, const prov_coap_request *request, prov_coap_response *response);

    /* Closes the session; harmless when none is open. */
    void (*coap_disconnect)(void *ctx);

    /* Milliseconds since boot; never goes backwards. */
    uint64_t (*uptime_ms)(void *ctx);

    /* True once the modem has a valid date and time (needed for the JWT). */
    bool (*modem_time_valid)(void *ctx);

    /* Blocks the calling thread for about ms milliseconds (used to poll for modem time). */
    void (*sleep_ms)(void *ctx, uint32_t ms);

    /*
     * Blocks until the modem reached state, or timeout_ms passed. Called right after the
     * client raised PROV_EVENT_NEED_LTE_DEACTIVATED (state PROV_MODEM_OFFLINE) or
     * PROV_EVENT_NEED_LTE_ACTIVATED (state PROV_MODEM_ONLINE). Returns 0 or PROV_ERR_TIMEDOUT.
     */
    int (*wait_modem_state)(void *ctx, prov_modem_state state, uint32_t timeout_ms);

    /*
     * Persistent key/value settings. load copies the value (NUL-terminated) into value and its
     * length into *value_len; returns 0, PROV_ERR_NOENT when the key is not stored,
     * PROV_ERR_2BIG when the value does not fit, or another negative prov_error.
     * store returns 0 or a negative prov_error.
     */
    int (*settings_load)(void *ctx, const char *key, char *value, size_t value_size,
                         size_t *value_len);
    int (*settings_store)(void *ctx, const char *key, const char *value, size_t value_len);

    /* Log sink: one record per call, module as in Zephyr (e.g. "nrf_provisioning_coap").
       Optional (NULL: no logs). */
    void (*log)(void *ctx, prov_log_level level, const char *module, const char *message);

    /* Event sink; optional (NULL: events are dropped, the waits still happen). */
    void (*on_event)(void *ctx, const prov_event *event);
} prov_port;

#ifdef __cplusplus
}
#endif

#endif /* PROVCLIENT_PORT_H */
