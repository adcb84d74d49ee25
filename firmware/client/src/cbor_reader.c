/* Bounds-checked CBOR pull decoder; see provclient/cbor.h. */
#include "provclient/cbor.h"

#define BREAK_BYTE 0xffu
#define AI_INDEFINITE 31u

void prov_cbor_reader_init(prov_cbor_reader *r, const uint8_t *buf, size_t len) {
    r->buf = buf;
    r->len = buf ? len : 0;
    r->pos = 0;
}

bool prov_cbor_reader_at_end(const prov_cbor_reader *r) {
    return r->pos >= r->len;
}

static size_t bytes_left(const prov_cbor_reader *r, size_t pos) {
    return r->len - pos;
}

/* Reads the argument that follows the initial byte; *pos moves past it. */
static prov_codec_status read_argument(const prov_cbor_reader *r, size_t *pos, unsigned ai,
                                       uint64_t *arg) {
    size_t n;

    if (ai < 24) {
        *arg = ai;
        return PROV_CODEC_OK;
    }
    switch (ai) {
    case 24:
        n = 1;
        break;
    case 25:
        n = 2;
        break;
    case 26:
        n = 4;
        break;
    case 27:
        n = 8;
        break;
    default:
        return PROV_CODEC_MALFORMED; /* 28..30 are reserved; 31 is handled by the caller */
    }
    if (bytes_left(r, *pos) < n) {
        return PROV_CODEC_TRUNCATED;
    }
    *arg = 0;
    for (size_t i = 0; i < n; ++i) {
        *arg = (*arg << 8) | r->buf[*pos + i];
    }
    *pos += n;
    return PROV_CODEC_OK;
}

/* Strings: the content must be present in full. */
static prov_codec_status take_string(const prov_cbor_reader *r, size_t *pos, prov_cbor_item *item) {
    if (item->value > bytes_left(r, *pos)) {
        return PROV_CODEC_TRUNCATED;
    }
    item->data = r->buf + *pos;
    *pos += (size_t)item->value;
    return PROV_CODEC_OK;
}

/* Containers: every element takes at least one byte, a map pair at least two. */
static prov_codec_status check_count(const prov_cbor_reader *r, size_t pos,
                                     const prov_cbor_item *item) {
    const size_t left = bytes_left(r, pos);
    const uint64_t per_element = item->type == PROV_CBOR_MAP ? 2 : 1;

    if (item->value > left / per_element) {
        return PROV_CODEC_TRUNCATED;
    }
    return PROV_CODEC_OK;
}

/* Decodes the head with indefinite length marker (additional information 31). */
static prov_codec_status read_indefinite(unsigned major, prov_cbor_item *item) {
    switch (major) {
    case 2:
    case 3:
        return PROV_CODEC_UNSUPPORTED;
    case 4:
    case 5:
        item->type = major == 4 ? PROV_CBOR_ARRAY : PROV_CBOR_MAP;
        item->indefinite = true;
        item->value = 0;
        return PROV_CODEC_OK;
    default:
        /* Integers, tags and a stray break (major 7) have no indefinite form here. */
        return PROV_CODEC_MALFORMED;
    }
}

static prov_codec_status classify_simple(unsigned ai, prov_cbor_item *item) {
    if (ai >= 25 && ai <= 27) {
        item->type = PROV_CBOR_FLOAT;
        return PROV_CODEC_OK;
    }
    item->type = PROV_CBOR_SIMPLE;
    /* RFC 8949 3.3: a one-byte simple value below 32 is not well-formed. */
    if (ai == 24 && item->value < 32) {
        return PROV_CODEC_MALFORMED;
    }
    return PROV_CODEC_OK;
}

prov_codec_status prov_cbor_read(prov_cbor_reader *r, prov_cbor_item *item) {
    static const prov_cbor_type by_major[] = {PROV_CBOR_UINT, PROV_CBOR_NEGINT, PROV_CBOR_BYTES,
                                              PROV_CBOR_TEXT, PROV_CBOR_ARRAY,  PROV_CBOR_MAP,
                                              PROV_CBOR_TAG,  PROV_CBOR_SIMPLE};
    size_t pos = r->pos;
    prov_codec_status status;

    if (bytes_left(r, pos) == 0) {
        return PROV_CODEC_TRUNCATED;
    }
    const unsigned initial = r->buf[pos++];
    const unsigned major = initial >> 5;
    const unsigned ai = initial & 0x1fu;

    item->type = by_major[major];
    item->value = 0;
    item->indefinite = false;
    item->data = NULL;

    if (ai == AI_INDEFINITE) {
        status = read_indefinite(major, item);
    } else {
        status = read_argument(r, &pos, ai, &item->value);
        if (status == PROV_CODEC_OK) {
            if (major == 2 || major == 3) {
                status = take_string(r, &pos, item);
            } else if (major == 4 || major == 5) {
                status = check_count(r, pos, item);
            } else if (major == 7) {
                status = classify_simple(ai, item);
            }
        }
    }
    if (status == PROV_CODEC_OK) {
        r->pos = pos;
    }
    return status;
}

void prov_cbor_container_begin(prov_cbor_container *c, const prov_cbor_item *item) {
    c->remaining = item->indefinite ? 0 : item->value;
    c->indefinite = item->indefinite;
    c->ended = false;
}

prov_codec_status prov_cbor_container_next(prov_cbor_reader *r, prov_cbor_container *c,
                                           bool *more) {
    *more = false;
    if (!c->indefinite) {
        if (c->remaining > 0) {
            --c->remaining;
            *more = true;
        }
        return PROV_CODEC_OK;
    }
    if (c->ended) {
        return PROV_CODEC_OK;
    }
    if (prov_cbor_reader_at_end(r)) {
        return PROV_CODEC_TRUNCATED;
    }
    if (r->buf[r->pos] == BREAK_BYTE) {
        ++r->pos;
        c->ended = true;
        return PROV_CODEC_OK;
    }
    *more = true;
    return PROV_CODEC_OK;
}

/*
 * Skipping keeps one frame per open container or tag instead of recursing. A definite frame
 * counts the items still expected (a map counts keys and values separately, a tag its one
 * item); an indefinite frame ends at its break and, for a map, tracks whether a key is still
 * waiting for its value.
 */
typedef struct skip_frame {
    uint64_t remaining;
    bool indefinite;
    bool is_map;
    bool odd;
} skip_frame;

typedef struct skip_stack {
    skip_frame frames[PROV_CBOR_MAX_DEPTH];
    size_t depth;
} skip_stack;

/* Counts one completed item against the open frames, closing those that are now complete. */
static void item_done(skip_stack *s) {
    while (s->depth > 0) {
        skip_frame *top = &s->frames[s->depth - 1];
        if (top->indefinite) {
            top->odd = top->is_map && !top->odd;
            return;
        }
        if (--top->remaining > 0) {
            return;
        }
        --s->depth; /* the container is complete: it counts as an item of its parent */
    }
}

/* Opens a frame for a container or tag that has content; everything else is complete. */
static prov_codec_status open_item(skip_stack *s, const prov_cbor_item *item) {
    skip_frame frame = {0, item->indefinite, item->type == PROV_CBOR_MAP, false};

    if (item->type == PROV_CBOR_ARRAY || item->type == PROV_CBOR_MAP) {
        /* prov_cbor_read() bounded the count by the input size, so doubling cannot overflow. */
        frame.remaining = frame.is_map ? item->value * 2 : item->value;
    } else if (item->type == PROV_CBOR_TAG) {
        frame.remaining = 1;
    }
    if (!frame.indefinite && frame.remaining == 0) {
        item_done(s);
        return PROV_CODEC_OK;
    }
    if (s->depth >= PROV_CBOR_MAX_DEPTH) {
        return PROV_CODEC_TOO_DEEP;
    }
    s->frames[s->depth++] = frame;
    return PROV_CODEC_OK;
}

/* True when the innermost frame is indefinite and the next byte is its break. */
static bool at_break(const prov_cbor_reader *r, const skip_stack *s) {
    return s->depth > 0 && s->frames[s->depth - 1].indefinite && r->pos < r->len &&
           r->buf[r->pos] == BREAK_BYTE;
}

static prov_codec_status skip_step(prov_cbor_reader *r, skip_stack *s) {
    prov_cbor_item item;
    prov_codec_status status;

    if (at_break(r, s)) {
        if (s->frames[s->depth - 1].odd) {
            return PROV_CODEC_MALFORMED; /* a map key without a value */
        }
        ++r->pos;
        --s->depth;
        item_done(s);
        return PROV_CODEC_OK;
    }
    status = prov_cbor_read(r, &item);
    if (status != PROV_CODEC_OK) {
        return status;
    }
    return open_item(s, &item);
}

prov_codec_status prov_cbor_skip(prov_cbor_reader *r) {
    skip_stack stack;
    const size_t start = r->pos;

    stack.depth = 0;
    do {
        const prov_codec_status status = skip_step(r, &stack);
        if (status != PROV_CODEC_OK) {
            r->pos = start;
            return status;
        }
    } while (stack.depth > 0);
    return PROV_CODEC_OK;
}

prov_codec_status prov_cbor_validate(const uint8_t *buf, size_t len) {
    prov_cbor_reader r;
    prov_codec_status status;

    prov_cbor_reader_init(&r, buf, len);
    status = prov_cbor_skip(&r);
    if (status != PROV_CODEC_OK) {
        return status;
    }
    return prov_cbor_reader_at_end(&r) ? PROV_CODEC_OK : PROV_CODEC_TRAILING;
}
