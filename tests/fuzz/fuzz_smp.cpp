// MCUmgr SMP over the serial console: the frame decoder fed in chunks of any size, each packet
// decoded as an SMP message, and the input itself decoded as one SMP message. A packet that comes
// out of the decoder must survive being framed again.
//
// Input: byte 0 seeds the chunk sizes; the rest is the byte stream.
#include "FuzzSupport.h"
#include "mcumgr/SmpMessage.h"
#include "mcumgr/SmpSerial.h"

using namespace ps::mcumgr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ps::fuzz::Input input(data, size);
    const quint8 seed = input.byte();
    const QByteArrayView stream = input.rest();

    if (const auto message = decodeSmpMessage(stream)) {
        (void)responseHeaderFor(message->header);
        const QByteArray encoded = encodeSmpMessage(message->header, message->payload);
        const auto again = decodeSmpMessage(encoded);
        ps::fuzz::check(again.has_value(), "an encoded SMP message decodes");
    }

    SerialPacketDecoder decoder;
    ps::fuzz::ChunkSizes chunks(seed);
    for (qsizetype pos = 0; pos < stream.size();) {
        const qsizetype n = std::min(chunks.next(48), stream.size() - pos);
        for (const QByteArray &packet : decoder.feed(stream.sliced(pos, n))) {
            (void)decodeSmpMessage(packet);
            SerialPacketDecoder reframed;
            const std::vector<QByteArray> back = reframed.feed(encodeSerialPacket(packet));
            ps::fuzz::check(back.size() == 1 && back.front() == packet,
                            "a received packet framed again decodes to itself");
        }
        pos += n;
    }
    return 0;
}
