/* Text rules shared by the message encoder and decoder, so both accept exactly the same lists. */
#ifndef PROVCLIENT_MESSAGES_INTERNAL_H
#define PROVCLIENT_MESSAGES_INTERNAL_H

#include "provclient/messages.h"

/* The bytes hold no NUL, so they can be copied into a C string. */
bool prov_text_is_clean(prov_str text);

/* "%KEYGEN": 1..PROV_SET_COMMAND_MAX_LEN bytes of printable ASCII without spaces. */
bool prov_set_command_is_valid(prov_str text);

/* A settings key: 1..PROV_CONFIG_KEY_MAX_LEN bytes without NUL. */
bool prov_config_key_is_valid(prov_str text);

#endif /* PROVCLIENT_MESSAGES_INTERNAL_H */
