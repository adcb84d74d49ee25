/* Encoding of the provisioning command and response lists; see provclient/messages.h. */
#include "messages_internal.h"

/* Writes a view as a text string; an empty view may have a NULL pointer. */
static bool write_str(prov_cbor_writer *w, prov_str s) {
    return prov_cbor_write_text(w, s.len ? s.ptr : "", s.len);
}

static prov_codec_status check_at_command(const prov_command *c) {
    if (!prov_set_command_is_valid(c->set_command) || !prov_text_is_clean(c->parameters)) {
        return PROV_CODEC_BAD_TEXT;
    }
    if (c->ignored_cme_count > PROV_MAX_IGNORED_CME) {
        return PROV_CODEC_TOO_MANY;
    }
    return PROV_CODEC_OK;
}

static prov_codec_status check_config(const prov_command *c) {
    if (c->config_count > PROV_MAX_CONFIG_PAIRS) {
        return PROV_CODEC_TOO_MANY;
    }
    for (size_t i = 0; i < c->config_count; ++i) {
        if (!prov_config_key_is_valid(c->config[i].key) ||
            !prov_text_is_clean(c->config[i].value)) {
            return PROV_CODEC_BAD_TEXT;
        }
    }
    return PROV_CODEC_OK;
}

static prov_codec_status check_command(const prov_command *c) {
    if (!prov_corr_id_is_valid(c->corr_id)) {
        return PROV_CODEC_BAD_TEXT;
    }
    switch (c->type) {
    case PROV_COMMAND_AT:
        return check_at_command(c);
    case PROV_COMMAND_CONFIG:
        return check_config(c);
    case PROV_COMMAND_FINISHED:
        return PROV_CODEC_OK;
    }
    return PROV_CODEC_UNKNOWN_TYPE;
}

static void write_at_fields(prov_cbor_writer *w, const prov_command *c) {
    write_str(w, c->set_command);
    write_str(w, c->parameters);
    prov_cbor_write_array(w, c->ignored_cme_count);
    for (size_t i = 0; i < c->ignored_cme_count; ++i) {
        prov_cbor_write_uint(w, c->ignored_cme[i]);
    }
}

static void write_config_fields(prov_cbor_writer *w, const prov_command *c) {
    prov_cbor_write_map(w, c->config_count);
    for (size_t i = 0; i < c->config_count; ++i) {
        write_str(w, c->config[i].key);
        write_str(w, c->config[i].value);
    }
}

prov_codec_status prov_encode_command(prov_cbor_writer *w, const prov_command *command) {
    static const uint64_t element_count[] = {5, 3, 2}; /* by prov_command_type */
    const prov_codec_status status = check_command(command);

    if (status != PROV_CODEC_OK) {
        return status;
    }
    prov_cbor_write_array(w, element_count[command->type]);
    write_str(w, command->corr_id);
    prov_cbor_write_uint(w, (uint64_t)command->type);
    if (command->type == PROV_COMMAND_AT) {
        write_at_fields(w, command);
    } else if (command->type == PROV_COMMAND_CONFIG) {
        write_config_fields(w, command);
    }
    return prov_cbor_writer_ok(w) ? PROV_CODEC_OK : PROV_CODEC_NO_SPACE;
}

static prov_codec_status check_response(const prov_response *r) {
    if (!prov_corr_id_is_valid(r->corr_id)) {
        return PROV_CODEC_BAD_TEXT;
    }
    switch (r->type) {
    case PROV_RESPONSE_ERROR:
    case PROV_RESPONSE_AT:
        return prov_text_is_clean(r->message) ? PROV_CODEC_OK : PROV_CODEC_BAD_TEXT;
    case PROV_RESPONSE_CONFIG_ACK:
    case PROV_RESPONSE_FINISHED_ACK:
        return PROV_CODEC_OK;
    }
    return PROV_CODEC_UNKNOWN_TYPE;
}

prov_codec_status prov_encode_response(prov_cbor_writer *w, const prov_response *response) {
    const prov_codec_status status = check_response(response);

    if (status != PROV_CODEC_OK) {
        return status;
    }
    switch (response->type) {
    case PROV_RESPONSE_ERROR:
        prov_cbor_write_array(w, 4);
        write_str(w, response->corr_id);
        prov_cbor_write_uint(w, (uint64_t)response->type);
        prov_cbor_write_uint(w, response->cme_error);
        write_str(w, response->message);
        break;
    case PROV_RESPONSE_AT:
        prov_cbor_write_array(w, 3);
        write_str(w, response->corr_id);
        prov_cbor_write_uint(w, (uint64_t)response->type);
        write_str(w, response->message);
        break;
    case PROV_RESPONSE_CONFIG_ACK:
    case PROV_RESPONSE_FINISHED_ACK:
        prov_cbor_write_array(w, 2);
        write_str(w, response->corr_id);
        prov_cbor_write_uint(w, (uint64_t)response->type);
        break;
    }
    return prov_cbor_writer_ok(w) ? PROV_CODEC_OK : PROV_CODEC_NO_SPACE;
}

typedef prov_codec_status (*entry_encoder)(prov_cbor_writer *w, const void *entries, size_t i);

static prov_codec_status encode_command_at(prov_cbor_writer *w, const void *entries, size_t i) {
    return prov_encode_command(w, (const prov_command *)entries + i);
}

static prov_codec_status encode_response_at(prov_cbor_writer *w, const void *entries, size_t i) {
    return prov_encode_response(w, (const prov_response *)entries + i);
}

/* Writes the outer array and every entry into w. */
static prov_codec_status write_list(prov_cbor_writer *w, const void *entries, size_t count,
                                    entry_encoder encode) {
    prov_cbor_write_array(w, count);
    for (size_t i = 0; i < count; ++i) {
        const prov_codec_status status = encode(w, entries, i);
        if (status != PROV_CODEC_OK) {
            return status;
        }
    }
    return prov_cbor_writer_ok(w) ? PROV_CODEC_OK : PROV_CODEC_NO_SPACE;
}

/*
 * Encodes a list; on PROV_CODEC_NO_SPACE (also for a NULL buffer) *out_len receives the size
 * it would need, measured with a counting writer.
 */
static prov_codec_status encode_list(const void *entries, size_t count, entry_encoder encode,
                                     uint8_t *buf, size_t cap, size_t *out_len) {
    prov_cbor_writer w;
    prov_codec_status status = PROV_CODEC_NO_SPACE;

    if (buf != NULL) {
        prov_cbor_writer_init(&w, buf, cap);
        status = write_list(&w, entries, count, encode);
    }
    if (status == PROV_CODEC_NO_SPACE) {
        prov_cbor_writer_init(&w, NULL, 0);
        status = write_list(&w, entries, count, encode);
        if (status == PROV_CODEC_OK) {
            status = PROV_CODEC_NO_SPACE;
        }
    }
    *out_len = status == PROV_CODEC_OK || status == PROV_CODEC_NO_SPACE ? w.len : 0;
    return status;
}

prov_codec_status prov_encode_command_list(const prov_command *commands, size_t count, uint8_t *buf,
                                           size_t cap, size_t *out_len) {
    if (out_len == NULL || (commands == NULL && count > 0)) {
        return PROV_CODEC_INVALID_ARG;
    }
    *out_len = 0;
    if (count > PROV_MAX_COMMANDS) {
        return PROV_CODEC_TOO_MANY;
    }
    if (count == 0) {
        return PROV_CODEC_OK; /* "no commands" is an empty payload */
    }
    return encode_list(commands, count, encode_command_at, buf, cap, out_len);
}

prov_codec_status prov_encode_response_list(const prov_response *responses, size_t count,
                                            uint8_t *buf, size_t cap, size_t *out_len) {
    if (out_len == NULL || (responses == NULL && count > 0)) {
        return PROV_CODEC_INVALID_ARG;
    }
    *out_len = 0;
    if (count == 0) {
        return PROV_CODEC_BAD_SHAPE;
    }
    if (count > PROV_MAX_RESPONSES) {
        return PROV_CODEC_TOO_MANY;
    }
    return encode_list(responses, count, encode_response_at, buf, cap, out_len);
}

/* The stream's array head is one byte because the count stays below 24. */
_Static_assert(PROV_MAX_RESPONSES < 24, "response stream needs a one-byte array head");

prov_codec_status prov_response_stream_begin(prov_response_stream *s, uint8_t *buf, size_t cap) {
    if (s == NULL) {
        return PROV_CODEC_INVALID_ARG;
    }
    prov_cbor_writer_init(&s->writer, buf, cap);
    s->count = 0;
    /* Placeholder for the array head, rewritten by prov_response_stream_finish(). */
    return prov_cbor_write_array(&s->writer, 0) ? PROV_CODEC_OK : PROV_CODEC_NO_SPACE;
}

prov_codec_status prov_response_stream_add(prov_response_stream *s, const prov_response *response) {
    if (s == NULL || response == NULL || !prov_cbor_writer_ok(&s->writer)) {
        return PROV_CODEC_INVALID_ARG;
    }
    if (s->count >= PROV_MAX_RESPONSES) {
        return PROV_CODEC_TOO_MANY;
    }
    const size_t mark = s->writer.len;
    const prov_codec_status status = prov_encode_response(&s->writer, response);
    if (status != PROV_CODEC_OK) {
        s->writer.len = mark;
        s->writer.overflow = false;
        return status;
    }
    ++s->count;
    return PROV_CODEC_OK;
}

prov_codec_status prov_response_stream_finish(prov_response_stream *s, size_t *out_len) {
    if (s == NULL || out_len == NULL || !prov_cbor_writer_ok(&s->writer)) {
        return PROV_CODEC_INVALID_ARG;
    }
    if (s->count == 0) {
        return PROV_CODEC_BAD_SHAPE;
    }
    if (s->writer.buf != NULL) {
        s->writer.buf[0] = (uint8_t)(0x80u | s->count);
    }
    *out_len = s->writer.len;
    return PROV_CODEC_OK;
}
