/*
 * The nRF Cloud provisioning service's CoAP messages (PROTOCOL.md section 7), in one place for
 * the device client and the cloud stand-in: paths, query strings, CoAP constants and the CBOR
 * command and response lists, with encode and decode functions for both directions.
 *
 * Wire format (CDDL, following the nrf_provisioning library's published schema):
 *
 *   commands      = [1* command]                 ; GET p/cmd answer (2.05); see "no commands"
 *   command       = [correlation, at_command // config // finished]
 *   correlation   = tstr                         ; PROV_CORR_ID_MAX_LEN bytes at most
 *   at_command    = (0, set_command: tstr, parameters: tstr, ignore_cme_errors: [0*6 uint])
 *   config        = (1, properties: {0*10 tstr => tstr})
 *   finished      = (2)
 *
 *   responses     = [1* response]                ; POST p/rsp payload (answered with 2.04)
 *   response      = [correlation, error // at_response // config_ack // finished_ack]
 *   error         = (99, cme_error: uint, message: tstr)   ; cme_error 0: not a CME error
 *   at_response   = (100, message: tstr)                   ; the AT command's output
 *   config_ack    = (101)
 *   finished_ack  = (102)
 *
 * So the command list is an outer array of flat per-command arrays, e.g.
 *   [["c1", 0, "%KEYGEN", "16842753,2,0", [519]], ["c2", 2]]
 * and a response list, e.g. [["c1", 100, "%KEYGEN: \"...\""], ["c2", 102]].
 *
 * "No commands" is an empty payload: prov_encode_command_list() of zero commands produces zero
 * bytes, and prov_decode_command_list() accepts an empty payload (and an empty array) as zero
 * commands. A response list always has at least one entry.
 *
 * Correlation ids are text (the service uses ids shaped like "<uuid>.<suffix>"). Their rules
 * live in prov_corr_id_is_valid() only. Every decoded text must be free of NUL bytes so that it
 * can be copied into a C string; decoded strings are views into the decoded buffer (not
 * NUL-terminated), valid for as long as that buffer.
 */
#ifndef PROVCLIENT_MESSAGES_H
#define PROVCLIENT_MESSAGES_H

#include "provclient/cbor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Resources and CoAP constants ---------------------------------------------------------- */

#define PROV_PATH_AUTH_JWT "p/auth-jwt" /* POST, JWT as text/plain payload -> 2.01 */
#define PROV_PATH_COMMANDS "p/cmd"      /* GET -> 2.05 with a command list or empty payload */
#define PROV_PATH_RESPONSES "p/rsp"     /* POST, CBOR response list -> 2.04 */

/* Query parameter names. */
#define PROV_QUERY_MODEM_VERSION "mver"
#define PROV_QUERY_CLIENT_VERSION "cver"
#define PROV_QUERY_AFTER "after"
#define PROV_QUERY_RX_MAX_SIZE "rxMaxSize"
#define PROV_QUERY_TX_MAX_SIZE "txMaxSize"
#define PROV_QUERY_LIMIT "limit"

/* CoAP methods (RFC 7252 12.1.1). */
typedef enum prov_coap_method {
    PROV_COAP_GET = 1,
    PROV_COAP_POST = 2,
    PROV_COAP_PUT = 3,
    PROV_COAP_DELETE = 4
} prov_coap_method;

/* CoAP content formats used by the service. */
#define PROV_COAP_FORMAT_TEXT_PLAIN 0
#define PROV_COAP_FORMAT_CBOR 60

/* A CoAP response code as on the wire: class in the top 3 bits, detail in the low 5. */
#define PROV_COAP_CODE(cls, detail) ((uint8_t)(((cls) << 5) | (detail)))
#define PROV_COAP_CODE_CLASS(code) ((unsigned)(code) >> 5)
#define PROV_COAP_CODE_DETAIL(code) ((unsigned)(code)&0x1fu)

#define PROV_COAP_CREATED PROV_COAP_CODE(2, 1)
#define PROV_COAP_CHANGED PROV_COAP_CODE(2, 4)
#define PROV_COAP_CONTENT PROV_COAP_CODE(2, 5)
#define PROV_COAP_BAD_REQUEST PROV_COAP_CODE(4, 0)
#define PROV_COAP_UNAUTHORIZED PROV_COAP_CODE(4, 1)
#define PROV_COAP_FORBIDDEN PROV_COAP_CODE(4, 3)
#define PROV_COAP_NOT_FOUND PROV_COAP_CODE(4, 4)
#define PROV_COAP_NOT_ACCEPTABLE PROV_COAP_CODE(4, 6)
#define PROV_COAP_INTERNAL_ERROR PROV_COAP_CODE(5, 0)
#define PROV_COAP_SERVICE_UNAVAILABLE PROV_COAP_CODE(5, 3)

/* ---- Limits ---------------------------------------------------------------------------------- */

#define PROV_MAX_COMMANDS 20 /* per list; the service queues at most 20 per device */
#define PROV_MAX_RESPONSES PROV_MAX_COMMANDS
#define PROV_MAX_IGNORED_CME 6      /* ignore_cme_errors entries per AT command */
#define PROV_MAX_CONFIG_PAIRS 10    /* properties per config command */
#define PROV_CORR_ID_MAX_LEN 63     /* bytes; the service's ids are 45 */
#define PROV_SET_COMMAND_MAX_LEN 32 /* e.g. "%ATTESTTOKEN" */
#define PROV_CONFIG_KEY_MAX_LEN 64

/* ---- Messages -------------------------------------------------------------------------------- */

/* A string view; not NUL-terminated. */
typedef struct prov_str {
    const char *ptr;
    size_t len;
} prov_str;

typedef enum prov_command_type {
    PROV_COMMAND_AT = 0,
    PROV_COMMAND_CONFIG = 1,
    PROV_COMMAND_FINISHED = 2
} prov_command_type;

typedef struct prov_kv {
    prov_str key;
    prov_str value;
} prov_kv;

typedef struct prov_command {
    prov_str corr_id;
    prov_command_type type;
    /* PROV_COMMAND_AT: the device runs "AT<set_command>=<parameters>". */
    prov_str set_command; /* e.g. "%KEYGEN" */
    prov_str parameters;  /* e.g. "16842753,2,0" */
    uint32_t ignored_cme[PROV_MAX_IGNORED_CME];
    size_t ignored_cme_count;
    /* PROV_COMMAND_CONFIG: key/value pairs for the device's settings storage. */
    prov_kv config[PROV_MAX_CONFIG_PAIRS];
    size_t config_count;
} prov_command;

typedef struct prov_command_list {
    prov_command items[PROV_MAX_COMMANDS];
    size_t count;
} prov_command_list;

typedef enum prov_response_type {
    PROV_RESPONSE_ERROR = 99,
    PROV_RESPONSE_AT = 100,
    PROV_RESPONSE_CONFIG_ACK = 101,
    PROV_RESPONSE_FINISHED_ACK = 102
} prov_response_type;

typedef struct prov_response {
    prov_str corr_id;
    prov_response_type type;
    uint32_t cme_error; /* PROV_RESPONSE_ERROR: the CME error, 0 when it was not one */
    prov_str message;   /* PROV_RESPONSE_ERROR and PROV_RESPONSE_AT */
} prov_response;

typedef struct prov_response_list {
    prov_response items[PROV_MAX_RESPONSES];
    size_t count;
} prov_response_list;

/* Makes a view of a NUL-terminated string (NULL gives an empty view). */
prov_str prov_str_from_cstr(const char *text);

/* True when the view holds exactly the NUL-terminated text. */
bool prov_str_equals(prov_str s, const char *text);

/*
 * The one rule for correlation ids: 1..PROV_CORR_ID_MAX_LEN bytes of printable ASCII without
 * spaces (0x21..0x7e). The client percent-encodes them in the "after" query parameter.
 */
bool prov_corr_id_is_valid(prov_str id);

/* ---- Codec ----------------------------------------------------------------------------------- */

/*
 * Encodes count commands (at most PROV_MAX_COMMANDS) into buf. Zero commands encode as an
 * empty payload. Validates what it encodes exactly as the decoder would, so a list that encodes
 * always decodes. *out_len receives the bytes written (also the size needed when
 * PROV_CODEC_NO_SPACE is returned, computed with a measuring writer).
 */
prov_codec_status prov_encode_command_list(const prov_command *commands, size_t count, uint8_t *buf,
                                           size_t cap, size_t *out_len);

/* Decodes a command list (or an empty payload: zero commands). Strings point into buf. */
prov_codec_status prov_decode_command_list(const uint8_t *buf, size_t len, prov_command_list *out);

/* Encodes 1..PROV_MAX_RESPONSES responses; *out_len as for prov_encode_command_list(). */
prov_codec_status prov_encode_response_list(const prov_response *responses, size_t count,
                                            uint8_t *buf, size_t cap, size_t *out_len);

/* Decodes a response list. Strings point into buf. */
prov_codec_status prov_decode_response_list(const uint8_t *buf, size_t len,
                                            prov_response_list *out);

/* Encodes or checks one list entry (used by the list functions and the response stream). */
prov_codec_status prov_encode_command(prov_cbor_writer *w, const prov_command *command);
prov_codec_status prov_encode_response(prov_cbor_writer *w, const prov_response *response);

/*
 * Builds a response list one entry at a time, for a device that runs commands one after the
 * other and cannot keep every output around. The outer array head is written last; since the
 * list never exceeds PROV_MAX_RESPONSES (< 24) entries it always takes exactly one byte.
 * An entry that does not fit leaves the stream as it was before the entry.
 */
typedef struct prov_response_stream {
    prov_cbor_writer writer;
    size_t count;
} prov_response_stream;

prov_codec_status prov_response_stream_begin(prov_response_stream *s, uint8_t *buf, size_t cap);
prov_codec_status prov_response_stream_add(prov_response_stream *s, const prov_response *response);
/* Writes the array head; *out_len receives the payload size. Needs at least one entry. */
prov_codec_status prov_response_stream_finish(prov_response_stream *s, size_t *out_len);

/* ---- Query strings -----------------------------------------------------------------------------
 */

/*
 * Path and query of the authentication request:
 *   "p/auth-jwt?mver=<modem_version>&cver=<client_version>"
 * Values are percent-encoded where needed. Returns the length written (without the NUL), or -1
 * when buf is too small.
 */
int prov_build_auth_path(char *buf, size_t cap, const char *modem_version,
                         const char *client_version);

/*
 * Path and query of the command request:
 *   "p/cmd?after=<after>&rxMaxSize=<rx>&txMaxSize=<tx>&limit=<limit>"
 * after may be empty (first request). Returns as prov_build_auth_path().
 */
int prov_build_commands_path(char *buf, size_t cap, prov_str after, uint32_t rx_max_size,
                             uint32_t tx_max_size, uint32_t limit);

/*
 * The "mver" value from a modem firmware name as AT+CGMR prints it: "mfw_nrf91x1_2.0.2"
 * becomes "2.0.2" (the third field when split at '_' and '-'); a name without that shape is
 * used whole. Returns the length written, or -1 when buf is too small.
 */
int prov_modem_version_from_firmware(char *buf, size_t cap, const char *firmware);

#ifdef __cplusplus
}
#endif

#endif /* PROVCLIENT_MESSAGES_H */
