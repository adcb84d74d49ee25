/*
 * The device client's CBOR decoders for the provisioning service's command list (GET p/cmd) and
 * response list (POST p/rsp). A list that decodes must encode again and decode to the same
 * number of entries.
 *
 * Input: byte 0 bit 0 chooses the decoder (0 commands, 1 responses); the rest is the payload.
 */
#include "provclient/messages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "fuzz invariant broken: %s\n", what);
        abort();
    }
}

static uint8_t g_encoded[64 * 1024];

static void fuzz_commands(const uint8_t *payload, size_t len) {
    static prov_command_list list;
    static prov_command_list again;
    size_t encoded_len = 0;
    prov_codec_status status;

    memset(&list, 0, sizeof(list));
    if (prov_decode_command_list(payload, len, &list) != PROV_CODEC_OK)
        return;
    check(list.count <= PROV_MAX_COMMANDS, "command count within the limit");
    status = prov_encode_command_list(list.items, list.count, g_encoded, sizeof(g_encoded),
                                      &encoded_len);
    check(status == PROV_CODEC_OK, "a decoded command list encodes");
    check(prov_decode_command_list(g_encoded, encoded_len, &again) == PROV_CODEC_OK,
          "an encoded command list decodes");
    check(again.count == list.count, "command count survives a round trip");
}

static void fuzz_responses(const uint8_t *payload, size_t len) {
    static prov_response_list list;
    static prov_response_list again;
    size_t encoded_len = 0;
    prov_codec_status status;

    memset(&list, 0, sizeof(list));
    if (prov_decode_response_list(payload, len, &list) != PROV_CODEC_OK)
        return;
    check(list.count >= 1 && list.count <= PROV_MAX_RESPONSES, "response count within limits");
    status = prov_encode_response_list(list.items, list.count, g_encoded, sizeof(g_encoded),
                                       &encoded_len);
    check(status == PROV_CODEC_OK, "a decoded response list encodes");
    check(prov_decode_response_list(g_encoded, encoded_len, &again) == PROV_CODEC_OK,
          "an encoded response list decodes");
    check(again.count == list.count, "response count survives a round trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *copy;
    if (size == 0)
        return 0;
    /* An exact-size heap copy, so that AddressSanitizer sees any read past the payload. */
    copy = (uint8_t *)malloc(size - 1 == 0 ? 1 : size - 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data + 1, size - 1);
    if (data[0] & 1)
        fuzz_responses(copy, size - 1);
    else
        fuzz_commands(copy, size - 1);
    free(copy);
    return 0;
}
