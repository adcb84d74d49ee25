/* Paths and query strings of the provisioning requests; see provclient/messages.h. */
#include "provclient/messages.h"

#include <stdio.h>
#include <string.h>

/* Appends to a fixed buffer; remembers when something did not fit. */
typedef struct text_out {
    char *buf;
    size_t cap;
    size_t len;
    bool overflow;
} text_out;

static void out_init(text_out *o, char *buf, size_t cap) {
    o->buf = buf;
    o->cap = buf ? cap : 0;
    o->len = 0;
    o->overflow = o->cap == 0;
    if (o->cap > 0) {
        o->buf[0] = '\0';
    }
}

static void out_char(text_out *o, char c) {
    if (o->overflow || o->len + 1 >= o->cap) {
        o->overflow = true;
        return;
    }
    o->buf[o->len++] = c;
    o->buf[o->len] = '\0';
}

static void out_cstr(text_out *o, const char *s) {
    for (; *s != '\0'; ++s) {
        out_char(o, *s);
    }
}

/* RFC 3986 unreserved characters go as they are; everything else as %XX. */
static bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static void out_encoded(text_out *o, prov_str value) {
    static const char hex[] = "0123456789ABCDEF";

    for (size_t i = 0; i < value.len; ++i) {
        const unsigned char c = (unsigned char)value.ptr[i];
        if (is_unreserved(c)) {
            out_char(o, (char)c);
        } else {
            out_char(o, '%');
            out_char(o, hex[c >> 4]);
            out_char(o, hex[c & 0x0fu]);
        }
    }
}

static void out_u32(text_out *o, uint32_t value) {
    char digits[11];

    (void)snprintf(digits, sizeof digits, "%lu", (unsigned long)value);
    out_cstr(o, digits);
}

/* Appends "<sep><name>=" where sep is '?' for the first parameter and '&' afterwards. */
static void out_param(text_out *o, bool first, const char *name) {
    out_char(o, first ? '?' : '&');
    out_cstr(o, name);
    out_char(o, '=');
}

static int out_result(const text_out *o) {
    return o->overflow || o->len > (size_t)INT32_MAX ? -1 : (int)o->len;
}

int prov_build_auth_path(char *buf, size_t cap, const char *modem_version,
                         const char *client_version) {
    text_out o;

    out_init(&o, buf, cap);
    out_cstr(&o, PROV_PATH_AUTH_JWT);
    out_param(&o, true, PROV_QUERY_MODEM_VERSION);
    out_encoded(&o, prov_str_from_cstr(modem_version));
    out_param(&o, false, PROV_QUERY_CLIENT_VERSION);
    out_encoded(&o, prov_str_from_cstr(client_version));
    return out_result(&o);
}

int prov_build_commands_path(char *buf, size_t cap, prov_str after, uint32_t rx_max_size,
                             uint32_t tx_max_size, uint32_t limit) {
    text_out o;

    out_init(&o, buf, cap);
    out_cstr(&o, PROV_PATH_COMMANDS);
    out_param(&o, true, PROV_QUERY_AFTER);
    if (after.len > 0 && after.ptr != NULL) {
        out_encoded(&o, after);
    }
    out_param(&o, false, PROV_QUERY_RX_MAX_SIZE);
    out_u32(&o, rx_max_size);
    out_param(&o, false, PROV_QUERY_TX_MAX_SIZE);
    out_u32(&o, tx_max_size);
    out_param(&o, false, PROV_QUERY_LIMIT);
    out_u32(&o, limit);
    return out_result(&o);
}

/* Finds the field'th field (0-based) separated by '_' or '-'; returns false if there is none. */
static bool find_field(const char *text, unsigned field, prov_str *out) {
    const char *start = text;

    for (unsigned i = 0; i < field; ++i) {
        start = strpbrk(start, "_-");
        if (start == NULL) {
            return false;
        }
        ++start;
    }
    out->ptr = start;
    out->len = strcspn(start, "_-");
    return out->len > 0;
}

int prov_modem_version_from_firmware(char *buf, size_t cap, const char *firmware) {
    text_out o;
    prov_str version;

    out_init(&o, buf, cap);
    if (firmware == NULL) {
        return -1;
    }
    if (!find_field(firmware, 2, &version)) {
        version = prov_str_from_cstr(firmware);
    }
    for (size_t i = 0; i < version.len; ++i) {
        out_char(&o, version.ptr[i]);
    }
    return out_result(&o);
}
