#pragma once

#include <QByteArray>
#include <QString>
#include <expected>
#include <optional>
#include <utility>
#include <vector>

namespace ps::core {

/// One decoded CBOR data item (RFC 8949), as a small tree.
///
/// Made by CborReader; CborWriter::append() encodes it again. Integers keep their CBOR form
/// (major type 0 or 1 plus the 64-bit argument) so every value survives a round trip; use
/// toInteger() for the usual range.
struct CborValue {
    enum class Type : quint8 {
        Unsigned,   ///< major type 0: value = number
        Negative,   ///< major type 1: value = -1 - number
        ByteString, ///< major type 2: bytes
        TextString, ///< major type 3: text
        Array,      ///< major type 4: items
        Map,        ///< major type 5: entries
        Tag,        ///< major type 6: number = tag, items[0] = tagged item
        Simple,     ///< major type 7: false (20), true (21), null (22), undefined (23), others
        Float,      ///< major type 7: half, single or double precision in floating
    };

    Type type = Type::Simple;
    quint64 number = 23; ///< integer argument, tag number or simple value
    double floating = 0;
    QByteArray bytes;
    QString text;
    std::vector<CborValue> items;
    std::vector<std::pair<CborValue, CborValue>> entries;

    static CborValue integer(qint64 value);
    static CborValue byteString(QByteArray value);
    static CborValue textString(QString value);
    static CborValue array(std::vector<CborValue> items);
    static CborValue map(std::vector<std::pair<CborValue, CborValue>> entries);
    static CborValue tagged(quint64 tag, CborValue item);
    static CborValue boolean(bool value);
    static CborValue null();

    [[nodiscard]] bool isInteger() const {
        return type == Type::Unsigned || type == Type::Negative;
    }
    [[nodiscard]] bool isNull() const { return type == Type::Simple && number == 22; }
    /// The integer when it fits in qint64.
    [[nodiscard]] std::optional<qint64> toInteger() const;
    /// The value of a map entry whose key is the integer `key`, or nullptr.
    [[nodiscard]] const CborValue *find(qint64 key) const;
    /// The value of a map entry whose key is the text `key` (SMP and CoAP maps), or nullptr.
    [[nodiscard]] const CborValue *find(QStringView key) const;
    /// Short description for error messages: "the integer -7", "a byte string of 15 bytes",
    /// "an array of 3 items", "a map of 1 entry", "tag 18", "null".
    [[nodiscard]] QString describe() const;

    friend bool operator==(const CborValue &, const CborValue &) = default;
};

/// Why CBOR input was refused, with the byte offset where the problem was found.
struct CborError {
    qsizetype offset = 0;
    QString message;
};

/// Bounds-checked CBOR decoder for untrusted input (tokens from a device, CoAP payloads).
///
/// Reads all major types with definite lengths; reserved additional information values
/// (28..30) and nesting deeper than maxDepth are refused with a CborError. Indefinite lengths
/// are refused too unless the reader is made with Lengths::AllowIndefinite: attestation tokens
/// never use them, but Zephyr's zcbor encodes SMP (mcumgr) maps and arrays that way by default.
/// Lengths are checked against the remaining input before anything is allocated, so a hostile
/// length field cannot make it allocate more than the input size. Read items one after another
/// with read(); offset() tells where the next item starts, so the caller decides whether trailing
/// bytes are an error.
class CborReader {
public:
    static constexpr int DefaultMaxDepth = 16;
    enum class Lengths : quint8 { DefiniteOnly, AllowIndefinite };

    explicit CborReader(QByteArrayView data, int maxDepth = DefaultMaxDepth,
                        Lengths lengths = Lengths::DefiniteOnly);

    std::expected<CborValue, CborError> read();
    [[nodiscard]] qsizetype offset() const { return m_offset; }
    [[nodiscard]] bool atEnd() const { return m_offset >= m_data.size(); }
    [[nodiscard]] qsizetype remaining() const { return m_data.size() - m_offset; }

    /// Decodes exactly one item that must fill `data` completely.
    static std::expected<CborValue, CborError> decode(QByteArrayView data,
                                                      int maxDepth = DefaultMaxDepth,
                                                      Lengths lengths = Lengths::DefiniteOnly);

private:
    std::expected<CborValue, CborError> readItem(int depth);
    std::expected<CborValue, CborError> readIndefinite(quint8 major, qsizetype headOffset,
                                                       int depth);
    bool atBreak() const;
    std::expected<quint64, CborError> readArgument(quint8 additional, qsizetype headOffset);
    CborError error(qsizetype offset, QString message) const;

    QByteArrayView m_data;
    qsizetype m_offset = 0;
    int m_maxDepth;
    Lengths m_lengths;
};

/// Minimal CBOR encoder (shortest-form heads). Callers that use startArray()/startMap() must
/// append exactly the announced number of items (maps: key, value, key, value...); after
/// startIndefiniteArray()/startIndefiniteMap() they end the container with appendBreak().
/// Used by tests to build tokens and by stand-ins that speak CBOR.
class CborWriter {
public:
    CborWriter &appendUnsigned(quint64 value);
    CborWriter &appendInteger(qint64 value);
    CborWriter &appendBytes(QByteArrayView value);
    CborWriter &appendText(QStringView value);
    CborWriter &startArray(quint64 count);
    CborWriter &startMap(quint64 count);
    CborWriter &startIndefiniteArray();
    CborWriter &startIndefiniteMap();
    CborWriter &appendBreak();
    CborWriter &appendTag(quint64 tag);
    CborWriter &appendBool(bool value);
    CborWriter &appendNull();
    CborWriter &appendSimple(quint8 value);
    CborWriter &appendDouble(double value);
    /// Encodes a whole tree.
    CborWriter &append(const CborValue &value);
    /// Copies already-encoded bytes verbatim (also useful to build malformed input in tests).
    CborWriter &appendRaw(QByteArrayView encoded);

    [[nodiscard]] const QByteArray &data() const { return m_data; }
    QByteArray take() { return std::exchange(m_data, {}); }

private:
    void appendHead(quint8 major, quint64 argument);

    QByteArray m_data;
};

} // namespace ps::core
