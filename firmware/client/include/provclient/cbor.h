/*
 * A small CBOR (RFC 8949) encoder and a bounds-checked pull decoder.
 *
 * The encoder writes into a caller buffer and never writes past its end: once an item does not
 * fit, the writer is marked as overflowed, later writes are ignored, and prov_cbor_writer_ok()
 * reports the failure. With a NULL buffer the writer only counts bytes, which measures how large
 * a message will be.
 *
 * The decoder reads one item head at a time from a byte buffer it never modifies. Every length
 * and count is checked against the bytes that are left before it is used, so hostile input can
 * at worst produce an error. String items are returned as views into the input (no copies).
 * Containers are walked with prov_cbor_container, which handles definite and indefinite lengths
 * alike. prov_cbor_skip() and prov_cbor_validate() walk nested items without recursion, with a
 * fixed nesting limit (PROV_CBOR_MAX_DEPTH).
 *
 * Not supported on decode (reported as PROV_CODEC_UNSUPPORTED): indefinite-length byte and text
 * strings. Non-minimal encodings of heads are accepted.
 */
#ifndef PROVCLIENT_CBOR_H
#define PROVCLIENT_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Deepest nesting prov_cbor_skip() and prov_cbor_validate() accept (containers and tags). */
#define PROV_CBOR_MAX_DEPTH 16

/* Status of every codec call, for plain CBOR and for the provisioning messages alike. */
typedef enum prov_codec_status {
    PROV_CODEC_OK = 0,
    PROV_CODEC_TRUNCATED,    /* the input ends inside an item */
    PROV_CODEC_MALFORMED,    /* not well-formed CBOR (reserved values, misplaced break) */
    PROV_CODEC_UNSUPPORTED,  /* well-formed but not handled (indefinite-length strings) */
    PROV_CODEC_TOO_DEEP,     /* nesting deeper than PROV_CBOR_MAX_DEPTH */
    PROV_CODEC_TRAILING,     /* bytes follow the top-level item */
    PROV_CODEC_BAD_SHAPE,    /* wrong type or element count for the message */
    PROV_CODEC_BAD_TEXT,     /* a string is empty, too long or holds forbidden bytes */
    PROV_CODEC_TOO_MANY,     /* more entries than the message limits allow */
    PROV_CODEC_UNKNOWN_TYPE, /* a command or response type this codec does not know */
    PROV_CODEC_NO_SPACE,     /* the output buffer is too small */
    PROV_CODEC_INVALID_ARG   /* a NULL pointer or an impossible argument */
} prov_codec_status;

/* Short English name of a status, e.g. "truncated", for logs and test output. */
const char *prov_codec_status_name(prov_codec_status status);

/* ---- Encoder ---------------------------------------------------------------------------- */

typedef struct prov_cbor_writer {
    uint8_t *buf;  /* NULL: measure only */
    size_t cap;    /* bytes available in buf */
    size_t len;    /* bytes written (or counted) so far */
    bool overflow; /* an item did not fit; nothing more is written */
} prov_cbor_writer;

/* Starts writing at buf[0]. buf may be NULL (with any cap) to only count the bytes. */
void prov_cbor_writer_init(prov_cbor_writer *w, uint8_t *buf, size_t cap);

/* True while every item so far fitted. */
bool prov_cbor_writer_ok(const prov_cbor_writer *w);

/* Each write returns prov_cbor_writer_ok() after the write. */
bool prov_cbor_write_uint(prov_cbor_writer *w, uint64_t value);
bool prov_cbor_write_int(prov_cbor_writer *w, int64_t value);
bool prov_cbor_write_bytes(prov_cbor_writer *w, const void *data, size_t len);
bool prov_cbor_write_text(prov_cbor_writer *w, const char *text, size_t len);
/* A NUL-terminated string as a text string (without the NUL). */
bool prov_cbor_write_cstr(prov_cbor_writer *w, const char *text);
/* Heads of definite-length containers; the caller writes count (map: count pairs) items next. */
bool prov_cbor_write_array(prov_cbor_writer *w, uint64_t count);
bool prov_cbor_write_map(prov_cbor_writer *w, uint64_t count);
bool prov_cbor_write_tag(prov_cbor_writer *w, uint64_t tag);
bool prov_cbor_write_bool(prov_cbor_writer *w, bool value);
bool prov_cbor_write_null(prov_cbor_writer *w);

/* ---- Decoder ---------------------------------------------------------------------------- */

typedef enum prov_cbor_type {
    PROV_CBOR_UINT,   /* value: the number */
    PROV_CBOR_NEGINT, /* value: n, the item means -1 - n */
    PROV_CBOR_BYTES,  /* value: length, data: the bytes */
    PROV_CBOR_TEXT,   /* value: length, data: the bytes (not NUL-terminated, UTF-8 unchecked) */
    PROV_CBOR_ARRAY,  /* value: element count unless indefinite */
    PROV_CBOR_MAP,    /* value: pair count unless indefinite */
    PROV_CBOR_TAG,    /* value: tag number; the tagged item follows */
    PROV_CBOR_SIMPLE, /* value: simple value (20 false, 21 true, 22 null, 23 undefined) */
    PROV_CBOR_FLOAT   /* value: raw IEEE 754 bits (half, single or double) */
} prov_cbor_type;

typedef struct prov_cbor_item {
    prov_cbor_type type;
    uint64_t value;
    bool indefinite;     /* arrays and maps only */
    const uint8_t *data; /* byte and text strings only; points into the input */
} prov_cbor_item;

typedef struct prov_cbor_reader {
    const uint8_t *buf;
    size_t len;
    size_t pos; /* offset of the next unread byte */
} prov_cbor_reader;

void prov_cbor_reader_init(prov_cbor_reader *r, const uint8_t *buf, size_t len);

/* True when every byte has been read. */
bool prov_cbor_reader_at_end(const prov_cbor_reader *r);

/*
 * Reads the head of the next item (for strings also their content) and advances past it.
 * A break byte (0xff) is reported as PROV_CODEC_MALFORMED: breaks are consumed only through
 * prov_cbor_container_next(). On error the position is unchanged.
 * A definite array or map whose count exceeds the bytes left is reported as truncated at once,
 * so counts can be trusted as bounded by the input size.
 */
prov_codec_status prov_cbor_read(prov_cbor_reader *r, prov_cbor_item *item);

/* Skips one complete item with everything nested in it. */
prov_codec_status prov_cbor_skip(prov_cbor_reader *r);

/* Checks that buf holds exactly one well-formed item within the nesting limit. */
prov_codec_status prov_cbor_validate(const uint8_t *buf, size_t len);

/*
 * Walks the elements of an array (or the pairs of a map) just read with prov_cbor_read():
 *
 *     prov_cbor_container c;
 *     prov_cbor_container_begin(&c, &item);
 *     while ((status = prov_cbor_container_next(&r, &c, &more)) == PROV_CODEC_OK && more) {
 *         ... read one element (a map: key and value) ...
 *     }
 */
typedef struct prov_cbor_container {
    uint64_t remaining; /* definite: elements (pairs) not yet started */
    bool indefinite;
    bool ended; /* indefinite: the break has been consumed */
} prov_cbor_container;

void prov_cbor_container_begin(prov_cbor_container *c, const prov_cbor_item *item);

/* Sets *more when another element follows; consumes the break of an indefinite container. */
prov_codec_status prov_cbor_container_next(prov_cbor_reader *r, prov_cbor_container *c, bool *more);

#ifdef __cplusplus
}
#endif

#endif /* PROVCLIENT_CBOR_H */
