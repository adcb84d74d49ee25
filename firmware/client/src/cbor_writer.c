/* CBOR encoder into a caller buffer; see provclient/cbor.h. */
#include "provclient/cbor.h"

#include <string.h>

enum {
    MAJOR_UINT = 0,
    MAJOR_NEGINT = 1,
    MAJOR_BYTES = 2,
    MAJOR_TEXT = 3,
    MAJOR_ARRAY = 4,
    MAJOR_MAP = 5,
    MAJOR_TAG = 6,
    MAJOR_SIMPLE = 7
};

void prov_cbor_writer_init(prov_cbor_writer *w, uint8_t *buf, size_t cap) {
    w->buf = buf;
    w->cap = buf ? cap : 0;
    w->len = 0;
    w->overflow = false;
}

bool prov_cbor_writer_ok(const prov_cbor_writer *w) {
    return !w->overflow;
}

/* Appends n bytes, or marks the writer overflowed when they do not fit. */
static bool put(prov_cbor_writer *w, const void *data, size_t n) {
    if (w->overflow) {
        return false;
    }
    if (w->buf == NULL) {
        if (n > SIZE_MAX - w->len) {
            w->overflow = true;
            return false;
        }
        w->len += n;
        return true;
    }
    if (n > w->cap - w->len) {
        w->overflow = true;
        return false;
    }
    if (n > 0) {
        memcpy(w->buf + w->len, data, n);
    }
    w->len += n;
    return true;
}

/* Writes an item head: major type and argument in the shortest form. */
static bool put_head(prov_cbor_writer *w, unsigned major, uint64_t arg) {
    uint8_t head[9];
    size_t n;
    const uint8_t initial = (uint8_t)(major << 5);

    if (arg < 24) {
        head[0] = (uint8_t)(initial | arg);
        n = 1;
    } else if (arg <= UINT8_MAX) {
        head[0] = initial | 24;
        n = 2;
    } else if (arg <= UINT16_MAX) {
        head[0] = initial | 25;
        n = 3;
    } else if (arg <= UINT32_MAX) {
        head[0] = initial | 26;
        n = 5;
    } else {
        head[0] = initial | 27;
        n = 9;
    }
    for (size_t i = 1; i < n; ++i) {
        head[i] = (uint8_t)(arg >> (8 * (n - 1 - i)));
    }
    return put(w, head, n);
}

bool prov_cbor_write_uint(prov_cbor_writer *w, uint64_t value) {
    return put_head(w, MAJOR_UINT, value);
}

bool prov_cbor_write_int(prov_cbor_writer *w, int64_t value) {
    if (value >= 0) {
        return put_head(w, MAJOR_UINT, (uint64_t)value);
    }
    /* -1 - value, computed without overflow for INT64_MIN. */
    return put_head(w, MAJOR_NEGINT, (uint64_t)(-(value + 1)));
}

bool prov_cbor_write_bytes(prov_cbor_writer *w, const void *data, size_t len) {
    return put_head(w, MAJOR_BYTES, len) && put(w, data, len);
}

bool prov_cbor_write_text(prov_cbor_writer *w, const char *text, size_t len) {
    return put_head(w, MAJOR_TEXT, len) && put(w, text, len);
}

bool prov_cbor_write_cstr(prov_cbor_writer *w, const char *text) {
    return prov_cbor_write_text(w, text, strlen(text));
}

bool prov_cbor_write_array(prov_cbor_writer *w, uint64_t count) {
    return put_head(w, MAJOR_ARRAY, count);
}

bool prov_cbor_write_map(prov_cbor_writer *w, uint64_t count) {
    return put_head(w, MAJOR_MAP, count);
}

bool prov_cbor_write_tag(prov_cbor_writer *w, uint64_t tag) {
    return put_head(w, MAJOR_TAG, tag);
}

bool prov_cbor_write_bool(prov_cbor_writer *w, bool value) {
    return put_head(w, MAJOR_SIMPLE, value ? 21 : 20);
}

bool prov_cbor_write_null(prov_cbor_writer *w) {
    return put_head(w, MAJOR_SIMPLE, 22);
}

const char *prov_codec_status_name(prov_codec_status status) {
    switch (status) {
    case PROV_CODEC_OK:
        return "ok";
    case PROV_CODEC_TRUNCATED:
        return "truncated";
    case PROV_CODEC_MALFORMED:
        return "malformed";
    case PROV_CODEC_UNSUPPORTED:
        return "unsupported";
    case PROV_CODEC_TOO_DEEP:
        return "nested too deep";
    case PROV_CODEC_TRAILING:
        return "trailing bytes";
    case PROV_CODEC_BAD_SHAPE:
        return "unexpected shape";
    case PROV_CODEC_BAD_TEXT:
        return "invalid text";
    case PROV_CODEC_TOO_MANY:
        return "too many entries";
    case PROV_CODEC_UNKNOWN_TYPE:
        return "unknown type";
    case PROV_CODEC_NO_SPACE:
        return "no space";
    case PROV_CODEC_INVALID_ARG:
        return "invalid argument";
    }
    return "unknown status";
}
