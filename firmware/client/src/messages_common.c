/* String views and the text rules of the provisioning messages; see provclient/messages.h. */
#include "messages_internal.h"

#include <string.h>

prov_str prov_str_from_cstr(const char *text) {
    prov_str s;

    s.ptr = text ? text : "";
    s.len = text ? strlen(text) : 0;
    return s;
}

bool prov_str_equals(prov_str s, const char *text) {
    const size_t len = strlen(text);

    return s.len == len && (len == 0 || memcmp(s.ptr, text, len) == 0);
}

/* 0x21..0x7e: visible ASCII, no space, no control bytes. */
static bool is_visible_ascii(prov_str text) {
    for (size_t i = 0; i < text.len; ++i) {
        const unsigned char c = (unsigned char)text.ptr[i];
        if (c < 0x21 || c > 0x7e) {
            return false;
        }
    }
    return true;
}

bool prov_corr_id_is_valid(prov_str id) {
    return id.ptr != NULL && id.len >= 1 && id.len <= PROV_CORR_ID_MAX_LEN && is_visible_ascii(id);
}

bool prov_text_is_clean(prov_str text) {
    return text.len == 0 || (text.ptr != NULL && memchr(text.ptr, '\0', text.len) == NULL);
}

bool prov_set_command_is_valid(prov_str text) {
    return text.ptr != NULL && text.len >= 1 && text.len <= PROV_SET_COMMAND_MAX_LEN &&
           is_visible_ascii(text);
}

bool prov_config_key_is_valid(prov_str text) {
    return text.len >= 1 && text.len <= PROV_CONFIG_KEY_MAX_LEN && prov_text_is_clean(text);
}
