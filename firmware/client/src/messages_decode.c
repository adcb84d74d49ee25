/*
 * Decoding of the provisioning command and response lists; see provclient/messages.h.
 * The shape is fixed (list -> entry -> one inner array or map), so the decoder walks it with
 * straight-line code and bounded loops; nothing recurses.
 */
#include "messages_internal.h"

#include <string.h>

static prov_codec_status read_type(prov_cbor_reader *r, prov_cbor_type type, prov_cbor_item *item) {
    const prov_codec_status status = prov_cbor_read(r, item);

    if (status != PROV_CODEC_OK) {
        return status;
    }
    return item->type == type ? PROV_CODEC_OK : PROV_CODEC_BAD_SHAPE;
}

static prov_codec_status read_text(prov_cbor_reader *r, prov_str *out) {
    prov_cbor_item item;
    const prov_codec_status status = read_type(r, PROV_CBOR_TEXT, &item);

    if (status != PROV_CODEC_OK) {
        return status;
    }
    out->ptr = (const char *)item.data;
    out->len = (size_t)item.value;
    return prov_text_is_clean(*out) ? PROV_CODEC_OK : PROV_CODEC_BAD_TEXT;
}

static prov_codec_status read_u32(prov_cbor_reader *r, uint32_t *out) {
    prov_cbor_item item;
    const prov_codec_status status = read_type(r, PROV_CBOR_UINT, &item);

    if (status != PROV_CODEC_OK) {
        return status;
    }
    if (item.value > UINT32_MAX) {
        return PROV_CODEC_BAD_SHAPE;
    }
    *out = (uint32_t)item.value;
    return PROV_CODEC_OK;
}

static prov_codec_status open_container(prov_cbor_reader *r, prov_cbor_type type,
                                        prov_cbor_container *c) {
    prov_cbor_item item;
    const prov_codec_status status = read_type(r, type, &item);

    if (status == PROV_CODEC_OK) {
        prov_cbor_container_begin(c, &item);
    }
    return status;
}

/* The entry must have another element. */
static prov_codec_status expect_element(prov_cbor_reader *r, prov_cbor_container *c) {
    bool more;
    const prov_codec_status status = prov_cbor_container_next(r, c, &more);

    if (status != PROV_CODEC_OK) {
        return status;
    }
    return more ? PROV_CODEC_OK : PROV_CODEC_BAD_SHAPE;
}

/* The entry must have no further element. */
static prov_codec_status expect_end(prov_cbor_reader *r, prov_cbor_container *c) {
    bool more;
    const prov_codec_status status = prov_cbor_container_next(r, c, &more);

    if (status != PROV_CODEC_OK) {
        return status;
    }
    return more ? PROV_CODEC_BAD_SHAPE : PROV_CODEC_OK;
}

/* Reads the next element of an entry as text. */
static prov_codec_status element_text(prov_cbor_reader *r, prov_cbor_container *c, prov_str *out) {
    const prov_codec_status status = expect_element(r, c);

    return status == PROV_CODEC_OK ? read_text(r, out) : status;
}

static prov_codec_status element_u32(prov_cbor_reader *r, prov_cbor_container *c, uint32_t *out) {
    const prov_codec_status status = expect_element(r, c);

    return status == PROV_CODEC_OK ? read_u32(r, out) : status;
}

/* Opens an entry and reads its correlation id and type. */
static prov_codec_status entry_head(prov_cbor_reader *r, prov_cbor_container *c, prov_str *corr_id,
                                    uint32_t *type) {
    prov_codec_status status = open_container(r, PROV_CBOR_ARRAY, c);

    if (status == PROV_CODEC_OK) {
        status = element_text(r, c, corr_id);
    }
    if (status == PROV_CODEC_OK && !prov_corr_id_is_valid(*corr_id)) {
        status = PROV_CODEC_BAD_TEXT;
    }
    if (status == PROV_CODEC_OK) {
        status = element_u32(r, c, type);
    }
    return status;
}

/* [0*6 uint] */
static prov_codec_status decode_ignored_cme(prov_cbor_reader *r, prov_command *cmd) {
    prov_cbor_container list;
    bool more;
    prov_codec_status status = open_container(r, PROV_CBOR_ARRAY, &list);

    while (status == PROV_CODEC_OK) {
        status = prov_cbor_container_next(r, &list, &more);
        if (status != PROV_CODEC_OK || !more) {
            break;
        }
        if (cmd->ignored_cme_count == PROV_MAX_IGNORED_CME) {
            return PROV_CODEC_TOO_MANY;
        }
        status = read_u32(r, &cmd->ignored_cme[cmd->ignored_cme_count++]);
    }
    return status;
}

/* set_command, parameters, ignore_cme_errors */
static prov_codec_status decode_at_fields(prov_cbor_reader *r, prov_cbor_container *c,
                                          prov_command *cmd) {
    prov_codec_status status = element_text(r, c, &cmd->set_command);

    if (status == PROV_CODEC_OK && !prov_set_command_is_valid(cmd->set_command)) {
        status = PROV_CODEC_BAD_TEXT;
    }
    if (status == PROV_CODEC_OK) {
        status = element_text(r, c, &cmd->parameters);
    }
    if (status == PROV_CODEC_OK) {
        status = expect_element(r, c);
    }
    return status == PROV_CODEC_OK ? decode_ignored_cme(r, cmd) : status;
}

/* {0*10 tstr => tstr} */
static prov_codec_status decode_config_fields(prov_cbor_reader *r, prov_cbor_container *c,
                                              prov_command *cmd) {
    prov_cbor_container map;
    bool more;
    prov_codec_status status = expect_element(r, c);

    if (status == PROV_CODEC_OK) {
        status = open_container(r, PROV_CBOR_MAP, &map);
    }
    while (status == PROV_CODEC_OK) {
        status = prov_cbor_container_next(r, &map, &more);
        if (status != PROV_CODEC_OK || !more) {
            break;
        }
        if (cmd->config_count == PROV_MAX_CONFIG_PAIRS) {
            return PROV_CODEC_TOO_MANY;
        }
        prov_kv *pair = &cmd->config[cmd->config_count++];
        status = read_text(r, &pair->key);
        if (status == PROV_CODEC_OK && !prov_config_key_is_valid(pair->key)) {
            status = PROV_CODEC_BAD_TEXT;
        }
        if (status == PROV_CODEC_OK) {
            status = read_text(r, &pair->value);
        }
    }
    return status;
}

static prov_codec_status decode_command(prov_cbor_reader *r, prov_command *cmd) {
    prov_cbor_container c;
    uint32_t type = 0;
    prov_codec_status status;

    memset(cmd, 0, sizeof *cmd);
    status = entry_head(r, &c, &cmd->corr_id, &type);
    if (status != PROV_CODEC_OK) {
        return status;
    }
    switch (type) {
    case PROV_COMMAND_AT:
        cmd->type = PROV_COMMAND_AT;
        status = decode_at_fields(r, &c, cmd);
        break;
    case PROV_COMMAND_CONFIG:
        cmd->type = PROV_COMMAND_CONFIG;
        status = decode_config_fields(r, &c, cmd);
        break;
    case PROV_COMMAND_FINISHED:
        cmd->type = PROV_COMMAND_FINISHED;
        break;
    default:
        return PROV_CODEC_UNKNOWN_TYPE;
    }
    return status == PROV_CODEC_OK ? expect_end(r, &c) : status;
}

static prov_codec_status decode_response(prov_cbor_reader *r, prov_response *rsp) {
    prov_cbor_container c;
    uint32_t type = 0;
    prov_codec_status status;

    memset(rsp, 0, sizeof *rsp);
    status = entry_head(r, &c, &rsp->corr_id, &type);
    if (status != PROV_CODEC_OK) {
        return status;
    }
    switch (type) {
    case PROV_RESPONSE_ERROR:
        rsp->type = PROV_RESPONSE_ERROR;
        status = element_u32(r, &c, &rsp->cme_error);
        if (status == PROV_CODEC_OK) {
            status = element_text(r, &c, &rsp->message);
        }
        break;
    case PROV_RESPONSE_AT:
        rsp->type = PROV_RESPONSE_AT;
        status = element_text(r, &c, &rsp->message);
        break;
    case PROV_RESPONSE_CONFIG_ACK:
        rsp->type = PROV_RESPONSE_CONFIG_ACK;
        break;
    case PROV_RESPONSE_FINISHED_ACK:
        rsp->type = PROV_RESPONSE_FINISHED_ACK;
        break;
    default:
        return PROV_CODEC_UNKNOWN_TYPE;
    }
    return status == PROV_CODEC_OK ? expect_end(r, &c) : status;
}

typedef prov_codec_status (*entry_decoder)(prov_cbor_reader *r, void *entries, size_t i);

static prov_codec_status decode_command_at(prov_cbor_reader *r, void *entries, size_t i) {
    return decode_command(r, (prov_command *)entries + i);
}

static prov_codec_status decode_response_at(prov_cbor_reader *r, void *entries, size_t i) {
    return decode_response(r, (prov_response *)entries + i);
}

/* Reads the outer array into entries[0..max), counting them in *count. */
static prov_codec_status decode_list(const uint8_t *buf, size_t len, void *entries, size_t max,
                                     size_t *count, entry_decoder decode) {
    prov_cbor_reader r;
    prov_cbor_container list;
    bool more;
    prov_codec_status status;

    prov_cbor_reader_init(&r, buf, len);
    status = open_container(&r, PROV_CBOR_ARRAY, &list);
    while (status == PROV_CODEC_OK) {
        status = prov_cbor_container_next(&r, &list, &more);
        if (status != PROV_CODEC_OK || !more) {
            break;
        }
        if (*count == max) {
            return PROV_CODEC_TOO_MANY;
        }
        status = decode(&r, entries, (*count)++);
    }
    if (status == PROV_CODEC_OK && !prov_cbor_reader_at_end(&r)) {
        status = PROV_CODEC_TRAILING;
    }
    return status;
}

prov_codec_status prov_decode_command_list(const uint8_t *buf, size_t len, prov_command_list *out) {
    prov_codec_status status;

    if (out == NULL || (buf == NULL && len > 0)) {
        return PROV_CODEC_INVALID_ARG;
    }
    out->count = 0;
    if (len == 0) {
        return PROV_CODEC_OK; /* empty payload: no commands */
    }
    status = decode_list(buf, len, out->items, PROV_MAX_COMMANDS, &out->count, decode_command_at);
    if (status != PROV_CODEC_OK) {
        out->count = 0;
    }
    return status;
}

prov_codec_status prov_decode_response_list(const uint8_t *buf, size_t len,
                                            prov_response_list *out) {
    prov_codec_status status;

    if (out == NULL || (buf == NULL && len > 0)) {
        return PROV_CODEC_INVALID_ARG;
    }
    out->count = 0;
    status = decode_list(buf, len, out->items, PROV_MAX_RESPONSES, &out->count, decode_response_at);
    if (status == PROV_CODEC_OK && out->count == 0) {
        status = PROV_CODEC_BAD_SHAPE; /* a response list has at least one entry */
    }
    if (status != PROV_CODEC_OK) {
        out->count = 0;
    }
    return status;
}
