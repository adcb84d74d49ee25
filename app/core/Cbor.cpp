#include "Cbor.h"

#include <QStringDecoder>
#include <bit>
#include <cmath>
#include <cstring>

namespace ps::core {

using namespace Qt::StringLiterals;

namespace {

double halfToDouble(quint16 half) {
    const int exponent = (half >> 10) & 0x1f;
    const int mantissa = half & 0x3ff;
    double value = 0;
    if (exponent == 0)
        value = std::ldexp(mantissa, -24);
    else if (exponent != 31)
        value = std::ldexp(mantissa + 1024, exponent - 25);
    else
        value = mantissa == 0 ? INFINITY : NAN;
    return (half & 0x8000) ? -value : value;
}

QString plural(quint64 count, const char *one, const char *many) {
    return QString::number(count) + u' ' + QLatin1StringView(count == 1 ? one : many);
}

} // namespace

CborValue CborValue::integer(qint64 value) {
    CborValue v;
    if (value >= 0) {
        v.type = Type::Unsigned;
        v.number = quint64(value);
    } else {
        v.type = Type::Negative;
        v.number = quint64(-1 - value);
    }
    return v;
}

CborValue CborValue::byteString(QByteArray value) {
    CborValue v;
    v.type = Type::ByteString;
    v.number = 0;
    v.bytes = std::move(value);
    return v;
}

CborValue CborValue::textString(QString value) {
    CborValue v;
    v.type = Type::TextString;
    v.number = 0;
    v.text = std::move(value);
    return v;
}

CborValue CborValue::array(std::vector<CborValue> items) {
    CborValue v;
    v.type = Type::Array;
    v.number = 0;
    v.items = std::move(items);
    return v;
}

CborValue CborValue::map(std::vector<std::pair<CborValue, CborValue>> entries) {
    CborValue v;
    v.type = Type::Map;
    v.number = 0;
    v.entries = std::move(entries);
    return v;
}

CborValue CborValue::tagged(quint64 tag, CborValue item) {
    CborValue v;
    v.type = Type::Tag;
    v.number = tag;
    v.items.push_back(std::move(item));
    return v;
}

CborValue CborValue::boolean(bool value) {
    CborValue v;
    v.type = Type::Simple;
    v.number = value ? 21 : 20;
    return v;
}

CborValue CborValue::null() {
    CborValue v;
    v.type = Type::Simple;
    v.number = 22;
    return v;
}

std::optional<qint64> CborValue::toInteger() const {
    constexpr auto max = quint64(std::numeric_limits<qint64>::max());
    if (type == Type::Unsigned && number <= max)
        return qint64(number);
    if (type == Type::Negative && number <= max)
        return -1 - qint64(number);
    return std::nullopt;
}

const CborValue *CborValue::find(qint64 key) const {
    if (type != Type::Map)
        return nullptr;
    for (const auto &[k, v] : entries) {
        if (k.isInteger() && k.toInteger() == key)
            return &v;
    }
    return nullptr;
}

const CborValue *CborValue::find(QStringView key) const {
    if (type != Type::Map)
        return nullptr;
    for (const auto &[k, v] : entries) {
        if (k.type == Type::TextString && k.text == key)
            return &v;
    }
    return nullptr;
}

QString CborValue::describe() const {
    switch (type) {
    case Type::Unsigned:
        return u"the integer "_s + QString::number(number);
    case Type::Negative:
        if (const auto value = toInteger())
            return u"the integer "_s + QString::number(*value);
        return u"a negative integer below -2^63"_s;
    case Type::ByteString:
        return u"a byte string of "_s + plural(quint64(bytes.size()), "byte", "bytes");
    case Type::TextString:
        return u"a text string of "_s + plural(quint64(text.size()), "character", "characters");
    case Type::Array:
        return u"an array of "_s + plural(items.size(), "item", "items");
    case Type::Map:
        return u"a map of "_s + plural(entries.size(), "entry", "entries");
    case Type::Tag:
        return u"tag "_s + QString::number(number);
    case Type::Simple:
        switch (number) {
        case 20:
            return u"false"_s;
        case 21:
            return u"true"_s;
        case 22:
            return u"null"_s;
        case 23:
            return u"undefined"_s;
        default:
            return u"the simple value "_s + QString::number(number);
        }
    case Type::Float:
        return u"the floating-point number "_s + QString::number(floating);
    }
    return {};
}

CborReader::CborReader(QByteArrayView data, int maxDepth, Lengths lengths)
    : m_data(data)
    , m_maxDepth(maxDepth)
    , m_lengths(lengths) {}

std::expected<CborValue, CborError> CborReader::decode(QByteArrayView data, int maxDepth,
                                                       Lengths lengths) {
    CborReader reader(data, maxDepth, lengths);
    auto value = reader.read();
    if (value && !reader.atEnd()) {
        return std::unexpected(
            reader.error(reader.offset(), plural(quint64(reader.remaining()), "unexpected byte",
                                                 "unexpected bytes") +
                                              u" after the CBOR item"_s));
    }
    return value;
}

std::expected<CborValue, CborError> CborReader::read() {
    return readItem(0);
}

CborError CborReader::error(qsizetype offset, QString message) const {
    return CborError{offset, std::move(message)};
}

std::expected<quint64, CborError> CborReader::readArgument(quint8 additional,
                                                           qsizetype headOffset) {
    if (additional < 24)
        return additional;
    if (additional > 27) {
        const QString what = additional == 31 ? u"indefinite-length items are not supported"_s
                                              : u"reserved additional information value "_s +
                                                    QString::number(additional);
        return std::unexpected(error(headOffset, what));
    }
    const qsizetype size = qsizetype(1) << (additional - 24);
    if (remaining() < size) {
        return std::unexpected(
            error(headOffset, u"truncated: the item head needs "_s +
                                  plural(quint64(size), "more byte", "more bytes")));
    }
    quint64 value = 0;
    for (qsizetype i = 0; i < size; ++i)
        value = (value << 8) | quint8(m_data[m_offset + i]);
    m_offset += size;
    return value;
}

std::expected<CborValue, CborError> CborReader::readItem(int depth) {
    const qsizetype headOffset = m_offset;
    if (atEnd())
        return std::unexpected(error(headOffset, u"truncated: expected a CBOR item"_s));
    if (depth > m_maxDepth) {
        return std::unexpected(error(headOffset, u"nesting deeper than "_s +
                                                     QString::number(m_maxDepth) + u" levels"_s));
    }
    const auto initial = quint8(m_data[m_offset++]);
    const quint8 major = initial >> 5;
    const quint8 additional = initial & 0x1f;

    CborValue value;
    if (major == 7) {
        if (additional >= 25 && additional <= 27) {
            const qsizetype size = qsizetype(1) << (additional - 24);
            if (remaining() < size)
                return std::unexpected(error(headOffset, u"truncated floating-point number"_s));
            quint64 bits = 0;
            for (qsizetype i = 0; i < size; ++i)
                bits = (bits << 8) | quint8(m_data[m_offset + i]);
            m_offset += size;
            value.type = CborValue::Type::Float;
            value.number = 0;
            if (size == 2)
                value.floating = halfToDouble(quint16(bits));
            else if (size == 4)
                value.floating = std::bit_cast<float>(quint32(bits));
            else
                value.floating = std::bit_cast<double>(bits);
            return value;
        }
        if (additional == 31)
            return std::unexpected(error(headOffset, u"unexpected 'break' byte (ff)"_s));
        auto simple = readArgument(additional, headOffset);
        if (!simple)
            return std::unexpected(simple.error());
        if (additional == 24 && *simple < 32) {
            return std::unexpected(
                error(headOffset, u"simple value below 32 in the two-byte form"_s));
        }
        value.type = CborValue::Type::Simple;
        value.number = *simple;
        return value;
    }

    if (additional == 31 && major >= 2 && major <= 5 && m_lengths == Lengths::AllowIndefinite)
        return readIndefinite(major, headOffset, depth);

    auto argument = readArgument(additional, headOffset);
    if (!argument)
        return std::unexpected(argument.error());
    value.number = *argument;

    switch (major) {
    case 0:
        value.type = CborValue::Type::Unsigned;
        return value;
    case 1:
        value.type = CborValue::Type::Negative;
        return value;
    case 2:
    case 3: {
        if (*argument > quint64(remaining())) {
            return std::unexpected(
                error(headOffset, u"truncated: a string of "_s + QString::number(*argument) +
                                      u" bytes, but only "_s + QString::number(remaining()) +
                                      u" remain"_s));
        }
        const QByteArrayView content = m_data.sliced(m_offset, qsizetype(*argument));
        m_offset += qsizetype(*argument);
        value.number = 0;
        if (major == 2) {
            value.type = CborValue::Type::ByteString;
            value.bytes = content.toByteArray();
        } else {
            value.type = CborValue::Type::TextString;
            QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
            value.text = decoder.decode(content);
            if (decoder.hasError())
                return std::unexpected(error(headOffset, u"text string is not valid UTF-8"_s));
        }
        return value;
    }
    case 4:
    case 5: {
        // Every item needs at least one byte: a count beyond the remaining input is a lie, and
        // refusing it early keeps a hostile count from reserving memory.
        const quint64 perEntry = major == 4 ? 1 : 2;
        if (*argument > quint64(remaining()) / perEntry) {
            return std::unexpected(
                error(headOffset,
                      (major == 4 ? u"truncated: an array of "_s : u"truncated: a map of "_s) +
                          QString::number(*argument) + u" items cannot fit in the "_s +
                          QString::number(remaining()) + u" remaining bytes"_s));
        }
        value.number = 0;
        if (major == 4) {
            value.type = CborValue::Type::Array;
            value.items.reserve(qsizetype(*argument));
            for (quint64 i = 0; i < *argument; ++i) {
                auto item = readItem(depth + 1);
                if (!item)
                    return item;
                value.items.push_back(std::move(*item));
            }
        } else {
            value.type = CborValue::Type::Map;
            value.entries.reserve(qsizetype(*argument));
            for (quint64 i = 0; i < *argument; ++i) {
                auto key = readItem(depth + 1);
                if (!key)
                    return key;
                auto item = readItem(depth + 1);
                if (!item)
                    return item;
                value.entries.emplace_back(std::move(*key), std::move(*item));
            }
        }
        return value;
    }
    case 6: {
        value.type = CborValue::Type::Tag;
        auto item = readItem(depth + 1);
        if (!item)
            return item;
        value.items.push_back(std::move(*item));
        return value;
    }
    }
    return std::unexpected(error(headOffset, u"unknown major type"_s));
}

bool CborReader::atBreak() const {
    return !atEnd() && quint8(m_data[m_offset]) == 0xff;
}

std::expected<CborValue, CborError> CborReader::readIndefinite(quint8 major, qsizetype headOffset,
                                                               int depth) {
    // Every element needs at least one byte, so the loops below end with the input at the
    // latest; a missing break shows up as "expected a CBOR item".
    const auto missingBreak = [&] {
        return std::unexpected(error(m_offset, u"truncated: indefinite-length item started at "_s
                                               u"byte "_s +
                                                   QString::number(headOffset) +
                                                   u" has no 'break' (ff)"_s));
    };
    CborValue value;
    value.number = 0;
    if (major == 2 || major == 3) {
        // A string of definite-length chunks of the same major type.
        QByteArray content;
        while (!atBreak()) {
            if (atEnd())
                return missingBreak();
            const qsizetype chunkOffset = m_offset;
            const auto initial = quint8(m_data[m_offset]);
            if ((initial >> 5) != major || (initial & 0x1f) == 31) {
                return std::unexpected(error(chunkOffset, u"a chunk of an indefinite-length "_s
                                                          u"string must be a definite string "_s
                                                          u"of the same type"_s));
            }
            auto chunk = readItem(depth + 1);
            if (!chunk)
                return chunk;
            if (major == 2)
                content += chunk->bytes;
            else
                content += chunk->text.toUtf8();
        }
        ++m_offset; // the break
        if (major == 2) {
            value.type = CborValue::Type::ByteString;
            value.bytes = std::move(content);
        } else {
            value.type = CborValue::Type::TextString;
            value.text = QString::fromUtf8(content);
        }
        return value;
    }
    if (major == 4) {
        value.type = CborValue::Type::Array;
        while (!atBreak()) {
            if (atEnd())
                return missingBreak();
            auto item = readItem(depth + 1);
            if (!item)
                return item;
            value.items.push_back(std::move(*item));
        }
        ++m_offset;
        return value;
    }
    value.type = CborValue::Type::Map;
    while (!atBreak()) {
        if (atEnd())
            return missingBreak();
        auto key = readItem(depth + 1);
        if (!key)
            return key;
        if (atBreak())
            return std::unexpected(error(m_offset, u"map ends after a key without a value"_s));
        auto item = readItem(depth + 1);
        if (!item)
            return item;
        value.entries.emplace_back(std::move(*key), std::move(*item));
    }
    ++m_offset;
    return value;
}

void CborWriter::appendHead(quint8 major, quint64 argument) {
    const auto first = char(major << 5);
    if (argument < 24) {
        m_data.append(char(first | char(argument)));
        return;
    }
    int size = 8;
    quint8 additional = 27;
    if (argument <= 0xff) {
        size = 1;
        additional = 24;
    } else if (argument <= 0xffff) {
        size = 2;
        additional = 25;
    } else if (argument <= 0xffffffffu) {
        size = 4;
        additional = 26;
    }
    m_data.append(char(first | char(additional)));
    for (int i = size - 1; i >= 0; --i)
        m_data.append(char((argument >> (8 * i)) & 0xff));
}

CborWriter &CborWriter::appendUnsigned(quint64 value) {
    appendHead(0, value);
    return *this;
}

CborWriter &CborWriter::appendInteger(qint64 value) {
    if (value >= 0)
        appendHead(0, quint64(value));
    else
        appendHead(1, quint64(-1 - value));
    return *this;
}

CborWriter &CborWriter::appendBytes(QByteArrayView value) {
    appendHead(2, quint64(value.size()));
    m_data.append(value);
    return *this;
}

CborWriter &CborWriter::appendText(QStringView value) {
    const QByteArray utf8 = value.toUtf8();
    appendHead(3, quint64(utf8.size()));
    m_data.append(utf8);
    return *this;
}

CborWriter &CborWriter::startArray(quint64 count) {
    appendHead(4, count);
    return *this;
}

CborWriter &CborWriter::startMap(quint64 count) {
    appendHead(5, count);
    return *this;
}

CborWriter &CborWriter::startIndefiniteArray() {
    m_data.append(char(0x9f));
    return *this;
}

CborWriter &CborWriter::startIndefiniteMap() {
    m_data.append(char(0xbf));
    return *this;
}

CborWriter &CborWriter::appendBreak() {
    m_data.append(char(0xff));
    return *this;
}

CborWriter &CborWriter::appendTag(quint64 tag) {
    appendHead(6, tag);
    return *this;
}

CborWriter &CborWriter::appendBool(bool value) {
    m_data.append(char(value ? 0xf5 : 0xf4));
    return *this;
}

CborWriter &CborWriter::appendNull() {
    m_data.append(char(0xf6));
    return *this;
}

CborWriter &CborWriter::appendSimple(quint8 value) {
    if (value < 24) {
        m_data.append(char(0xe0 | value));
    } else {
        m_data.append(char(0xf8));
        m_data.append(char(value));
    }
    return *this;
}

CborWriter &CborWriter::appendDouble(double value) {
    m_data.append(char(0xfb));
    const auto bits = std::bit_cast<quint64>(value);
    for (int i = 7; i >= 0; --i)
        m_data.append(char((bits >> (8 * i)) & 0xff));
    return *this;
}

CborWriter &CborWriter::appendRaw(QByteArrayView encoded) {
    m_data.append(encoded);
    return *this;
}

CborWriter &CborWriter::append(const CborValue &value) {
    switch (value.type) {
    case CborValue::Type::Unsigned:
        appendHead(0, value.number);
        break;
    case CborValue::Type::Negative:
        appendHead(1, value.number);
        break;
    case CborValue::Type::ByteString:
        appendBytes(value.bytes);
        break;
    case CborValue::Type::TextString:
        appendText(value.text);
        break;
    case CborValue::Type::Array:
        startArray(value.items.size());
        for (const CborValue &item : value.items)
            append(item);
        break;
    case CborValue::Type::Map:
        startMap(value.entries.size());
        for (const auto &[key, item] : value.entries) {
            append(key);
            append(item);
        }
        break;
    case CborValue::Type::Tag:
        appendTag(value.number);
        if (!value.items.empty())
            append(value.items.front());
        else
            appendNull();
        break;
    case CborValue::Type::Simple:
        appendSimple(quint8(value.number));
        break;
    case CborValue::Type::Float:
        appendDouble(value.floating);
        break;
    }
    return *this;
}

} // namespace ps::core
