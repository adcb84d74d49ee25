// Attestation tokens (`%ATTESTTOKEN`): AttestationToken::parse() on the input as text. A token
// that parses must encode to a token that parses to the same fields.
#include "FuzzSupport.h"
#include "core/AttestationToken.h"

using namespace ps::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto token = AttestationToken::parse(text);
    if (!token)
        return 0;
    (void)token->deviceTypeName();
    (void)AttestationToken::uuidText(token->deviceUuid);
    const auto again = AttestationToken::parse(token->encode());
    ps::fuzz::check(again.has_value(), "a parsed token encodes to a token that parses");
    ps::fuzz::check(again->deviceUuid == token->deviceUuid &&
                        again->modemFirmwareUuid == token->modemFirmwareUuid &&
                        again->deviceType == token->deviceType &&
                        again->messageType == token->messageType && again->nonce == token->nonce &&
                        again->signature == token->signature,
                    "a re-encoded token keeps its fields");
    return 0;
}
