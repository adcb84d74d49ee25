#pragma once

#include "core/Cbor.h"

#include <QByteArray>
#include <QString>
#include <expected>

namespace ps::mcumgr {

/// SMP message layer (PROTOCOL §8): an 8-byte header and a CBOR map. Pure functions shared by
/// the virtual device's MCUboot serial recovery and the host-side SMP flasher.

enum class SmpOp : quint8 {
    Read = 0,
    ReadResponse = 1,
    Write = 2,
    WriteResponse = 3,
};

namespace SmpGroup {
inline constexpr quint16 Os = 0;
inline constexpr quint16 Image = 1;
} // namespace SmpGroup

namespace SmpOsCommand {
inline constexpr quint8 Echo = 0;
inline constexpr quint8 Reset = 5;
} // namespace SmpOsCommand

namespace SmpImageCommand {
inline constexpr quint8 State = 0;
inline constexpr quint8 Upload = 1;
} // namespace SmpImageCommand

/// The `rc` values of mcumgr (MGMT_ERR_*).
enum class SmpError : int {
    Ok = 0,
    Unknown = 1,
    NoMemory = 2,
    InvalidValue = 3,
    Timeout = 4,
    NoEntry = 5,
    BadState = 6,
    MessageTooLarge = 7,
    NotSupported = 8,
    Corrupt = 9,
    Busy = 10,
};

struct SmpHeader {
    SmpOp op = SmpOp::Read;
    quint8 version = 0; ///< 0 = the original protocol ("SMP v1"), 1 = SMP v2; bits 3-4 of byte 0
    quint8 flags = 0;
    quint16 length = 0; ///< length of the CBOR payload; filled in by encodeSmpMessage()
    quint16 group = 0;
    quint8 sequence = 0;
    quint8 command = 0;

    static constexpr qsizetype Size = 8;
};

struct SmpMessage {
    SmpHeader header;
    ps::core::CborValue payload = ps::core::CborValue::map({});
};

/// Header + CBOR map; the header's length field is set from the encoded payload.
QByteArray encodeSmpMessage(SmpHeader header, const ps::core::CborValue &payload);

/// Decodes one body as delivered by SerialPacketDecoder. The payload must be one CBOR map that
/// fills exactly the length the header announces.
std::expected<SmpMessage, QString> decodeSmpMessage(QByteArrayView body);

/// The header of the response to `request`: op + 1, same group, sequence and command.
SmpHeader responseHeaderFor(const SmpHeader &request);

/// Builds a map entry with a text key.
std::pair<ps::core::CborValue, ps::core::CborValue> smpEntry(QString key,
                                                             ps::core::CborValue value);

} // namespace ps::mcumgr
