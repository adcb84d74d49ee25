// The core CBOR reader (tokens, SMP payloads): decode with either length rule and any depth
// limit, read item after item, and check that what decodes re-encodes stably.
//
// Input: byte 0 = options (bit 0 indefinite lengths allowed, bits 1..5 depth limit), then CBOR.
#include "FuzzSupport.h"
#include "core/Cbor.h"

using namespace ps::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ps::fuzz::Input input(data, size);
    const quint8 options = input.byte();
    const auto lengths =
        (options & 1) ? CborReader::Lengths::AllowIndefinite : CborReader::Lengths::DefiniteOnly;
    const int depth = 1 + ((options >> 1) & 0x1f);
    const QByteArrayView bytes = input.rest();

    if (const auto value = CborReader::decode(bytes, depth, lengths)) {
        (void)value->describe();
        (void)value->find(1);
        (void)value->find(u"rc");
        const QByteArray encoded = CborWriter().append(*value).take();
        // What the writer makes is definite-length, so the strict reader must take it back.
        const auto again = CborReader::decode(encoded, depth, CborReader::Lengths::DefiniteOnly);
        ps::fuzz::check(again.has_value(), "an encoded value decodes");
        ps::fuzz::check(CborWriter().append(*again).take() == encoded,
                        "decoding and encoding again gives the same bytes");
    }

    CborReader reader(bytes, depth, lengths);
    while (!reader.atEnd()) {
        const qsizetype before = reader.offset();
        const auto item = reader.read();
        if (!item) {
            ps::fuzz::check(item.error().offset >= 0 && item.error().offset <= bytes.size(),
                            "an error offset lies inside the input");
            break;
        }
        ps::fuzz::check(reader.offset() > before, "reading an item moves forward");
    }
    return 0;
}
