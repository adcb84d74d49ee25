#include "core/Cbor.h"

#include "TestData.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace ps::core;
using namespace Qt::StringLiterals;

namespace {

QByteArray hex(const char *text) {
    return QByteArray::fromHex(text);
}

struct EncodingCase {
    const char *name;
    CborValue value;
    const char *encoded; // hex, from the examples in RFC 8949 appendix A
};

class Encodings : public ::testing::TestWithParam<EncodingCase> {};

CborValue unsignedValue(quint64 n) {
    CborValue v;
    v.type = CborValue::Type::Unsigned;
    v.number = n;
    return v;
}

CborValue simpleValue(quint64 n) {
    CborValue v;
    v.type = CborValue::Type::Simple;
    v.number = n;
    return v;
}

} // namespace

TEST_P(Encodings, WriteAndReadTheStandardBytes) {
    const EncodingCase &c = GetParam();
    CborWriter writer;
    writer.append(c.value);
    EXPECT_EQ(writer.data().toHex(), QByteArray(c.encoded));

    const auto decoded = CborReader::decode(hex(c.encoded));
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message.toStdString();
    EXPECT_EQ(*decoded, c.value);
}

INSTANTIATE_TEST_SUITE_P(
    Cbor, Encodings,
    ::testing::Values(
        EncodingCase{"Zero", CborValue::integer(0), "00"},
        EncodingCase{"TwentyThree", CborValue::integer(23), "17"},
        EncodingCase{"TwentyFour", CborValue::integer(24), "1818"},
        EncodingCase{"OneHundred", CborValue::integer(100), "1864"},
        EncodingCase{"OneThousand", CborValue::integer(1000), "1903e8"},
        EncodingCase{"OneMillion", CborValue::integer(1000000), "1a000f4240"},
        EncodingCase{"OneTrillion", CborValue::integer(1000000000000), "1b000000e8d4a51000"},
        EncodingCase{"LargestUnsigned", unsignedValue(18446744073709551615ULL),
                     "1bffffffffffffffff"},
        EncodingCase{"MinusOne", CborValue::integer(-1), "20"},
        EncodingCase{"MinusTen", CborValue::integer(-10), "29"},
        EncodingCase{"MinusOneHundred", CborValue::integer(-100), "3863"},
        EncodingCase{"MinusOneThousand", CborValue::integer(-1000), "3903e7"},
        EncodingCase{"EmptyBytes", CborValue::byteString({}), "40"},
        EncodingCase{"FourBytes", CborValue::byteString(hex("01020304")), "4401020304"},
        EncodingCase{"EmptyText", CborValue::textString({}), "60"},
        EncodingCase{"TextIetf", CborValue::textString(u"IETF"_s), "6449455446"},
        EncodingCase{"TextUnicode", CborValue::textString(u"\u00fc"_s), "62c3bc"},
        EncodingCase{"EmptyArray", CborValue::array({}), "80"},
        EncodingCase{
            "ArrayOfThree",
            CborValue::array({CborValue::integer(1), CborValue::integer(2), CborValue::integer(3)}),
            "83010203"},
        EncodingCase{
            "NestedArray",
            CborValue::array({CborValue::integer(1),
                              CborValue::array({CborValue::integer(2), CborValue::integer(3)})}),
            "8201820203"},
        EncodingCase{"EmptyMap", CborValue::map({}), "a0"},
        EncodingCase{"MapOfTwo",
                     CborValue::map({{CborValue::integer(1), CborValue::integer(2)},
                                     {CborValue::integer(3), CborValue::integer(4)}}),
                     "a201020304"},
        EncodingCase{"TaggedEpoch", CborValue::tagged(1, CborValue::integer(1363896240)),
                     "c11a514b67b0"},
        EncodingCase{"False", CborValue::boolean(false), "f4"},
        EncodingCase{"True", CborValue::boolean(true), "f5"},
        EncodingCase{"Null", CborValue::null(), "f6"},
        EncodingCase{"Undefined", simpleValue(23), "f7"},
        EncodingCase{"Simple16", simpleValue(16), "f0"},
        EncodingCase{"Simple255", simpleValue(255), "f8ff"}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(Cbor, ReadsHalfSingleAndDoublePrecisionFloats) {
    const std::vector<std::pair<const char *, double>> cases = {
        {"f90000", 0.0},
        {"f93c00", 1.0},
        {"f93e00", 1.5},
        {"f97bff", 65504.0},
        {"f90001", 5.960464477539063e-8},
        {"fa47c35000", 100000.0},
        {"fb3ff199999999999a", 1.1},
        {"f9c400", -4.0},
        {"f97c00", INFINITY},
        {"f9fc00", -INFINITY},
    };
    for (const auto &[encoded, expected] : cases) {
        const auto value = CborReader::decode(hex(encoded));
        ASSERT_TRUE(value.has_value()) << encoded;
        EXPECT_EQ(value->type, CborValue::Type::Float) << encoded;
        EXPECT_EQ(value->floating, expected) << encoded;
    }
    const auto nan = CborReader::decode(hex("f97e00"));
    ASSERT_TRUE(nan.has_value());
    EXPECT_TRUE(std::isnan(nan->floating));
}

TEST(Cbor, WritesDoublesThatReadBack) {
    CborWriter writer;
    writer.appendDouble(-2.75);
    const auto value = CborReader::decode(writer.data());
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(value->floating, -2.75);
}

TEST(Cbor, WriterBuildsNestedStructuresStepByStep) {
    CborWriter writer;
    writer.appendTag(55799)
        .startArray(3)
        .appendInteger(-7)
        .appendText(u"ok")
        .startMap(1)
        .appendUnsigned(4)
        .appendBytes(QByteArray("\x21", 1));
    EXPECT_EQ(writer.data().toHex(), QByteArray("d9d9f78326626f6ba1044121"));
    const auto value = CborReader::decode(writer.data());
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(value->number, 55799u);
    const CborValue &array = value->items.front();
    EXPECT_EQ(array.items[0].toInteger(), -7);
    EXPECT_EQ(array.items[1].text, u"ok"_s);
    ASSERT_NE(array.items[2].find(4), nullptr);
    EXPECT_EQ(array.items[2].find(4)->bytes, QByteArray("\x21", 1));
    EXPECT_EQ(array.items[2].find(5), nullptr);
}

TEST(Cbor, ReadsItemsOneAfterAnother) {
    // The reader views the bytes, so they must outlive it.
    const QByteArray bytes = hex("0102f6");
    CborReader reader(bytes);
    EXPECT_EQ(reader.read()->toInteger(), 1);
    EXPECT_EQ(reader.offset(), 1);
    EXPECT_EQ(reader.read()->toInteger(), 2);
    EXPECT_TRUE(reader.read()->isNull());
    EXPECT_TRUE(reader.atEnd());
    EXPECT_FALSE(reader.read().has_value());
}

TEST(Cbor, KeepsIntegersOutsideTheSignedRange) {
    const auto value = CborReader::decode(hex("3bffffffffffffffff"));
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(value->type, CborValue::Type::Negative);
    EXPECT_EQ(value->toInteger(), std::nullopt);
    EXPECT_EQ(CborReader::decode(hex("3b7fffffffffffffff"))->toInteger(),
              std::numeric_limits<qint64>::min());
}

struct MalformedCase {
    const char *name;
    const char *encoded;
    const char *error; // part of the expected message
};

class MalformedCbor : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedCbor, IsRefusedWithAReason) {
    const auto value = CborReader::decode(hex(GetParam().encoded));
    ASSERT_FALSE(value.has_value());
    EXPECT_TRUE(value.error().message.contains(QLatin1StringView(GetParam().error)))
        << value.error().message.toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    Cbor, MalformedCbor,
    ::testing::Values(
        MalformedCase{"Empty", "", "expected a CBOR item"},
        MalformedCase{"TruncatedHead", "19 01", "item head needs 2 more bytes"},
        MalformedCase{"TruncatedString", "44 0102", "a string of 4 bytes, but only 2 remain"},
        MalformedCase{"HostileStringLength", "5b ffffffffffffffff 00", "but only 1 remain"},
        MalformedCase{"HostileArrayCount", "9b 00000000ffffffff 01", "cannot fit"},
        MalformedCase{"HostileMapCount", "a2 01 02 03", "cannot fit"},
        MalformedCase{"TruncatedArray", "83 01 02", "cannot fit"},
        MalformedCase{"TruncatedArrayItem", "81 19 01", "item head needs 2 more bytes"},
        MalformedCase{"IndefiniteArray", "9f 01 ff", "indefinite-length items are not supported"},
        MalformedCase{"IndefiniteString", "5f 41 01 ff", "indefinite-length"},
        MalformedCase{"ReservedAdditionalInformation", "1c", "reserved additional information"},
        MalformedCase{"LoneBreak", "ff", "'break'"},
        MalformedCase{"InvalidUtf8Text", "62 c328", "not valid UTF-8"},
        MalformedCase{"SimpleValueInTheLongFormBelow32", "f8 10", "simple value below 32"},
        MalformedCase{"TruncatedFloat", "fa 0000", "truncated floating-point"},
        MalformedCase{"TrailingBytes", "01 02 03", "2 unexpected bytes"},
        MalformedCase{"TagWithoutContent", "d2", "expected a CBOR item"}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(Cbor, RefusesEveryTruncationOfAValidItem) {
    CborWriter writer;
    writer.appendTag(18)
        .startArray(4)
        .appendBytes(hex("a10126"))
        .startMap(1)
        .appendInteger(4)
        .appendBytes(hex("21"))
        .appendNull()
        .appendBytes(QByteArray(64, '\x5a'));
    const QByteArray full = writer.data();
    ASSERT_TRUE(CborReader::decode(full).has_value());
    for (qsizetype size = 0; size < full.size(); ++size) {
        const auto value = CborReader::decode(QByteArrayView(full).first(size));
        EXPECT_FALSE(value.has_value()) << "truncated to " << size;
        if (!value.has_value()) {
            EXPECT_LE(value.error().offset, size);
        }
    }
}

TEST(Cbor, ReadsIndefiniteLengthItemsOnlyWhenAllowed) {
    using Lengths = CborReader::Lengths;
    const std::vector<std::pair<const char *, CborValue>> cases = {
        {"5f42010243030405ff", CborValue::byteString(hex("0102030405"))},
        {"7f657374726561646d696e67ff", CborValue::textString(u"streaming"_s)},
        {"9fff", CborValue::array({})},
        {"9f018202039f0405ffff",
         CborValue::array({CborValue::integer(1),
                           CborValue::array({CborValue::integer(2), CborValue::integer(3)}),
                           CborValue::array({CborValue::integer(4), CborValue::integer(5)})})},
        {"bf61610161629f0203ffff",
         CborValue::map({{CborValue::textString(u"a"_s), CborValue::integer(1)},
                         {CborValue::textString(u"b"_s),
                          CborValue::array({CborValue::integer(2), CborValue::integer(3)})}})},
        {"bf6346756ef563416d7421ff",
         CborValue::map({{CborValue::textString(u"Fun"_s), CborValue::boolean(true)},
                         {CborValue::textString(u"Amt"_s), CborValue::integer(-2)}})},
    };
    for (const auto &[encoded, expected] : cases) {
        const auto lenient =
            CborReader::decode(hex(encoded), CborReader::DefaultMaxDepth, Lengths::AllowIndefinite);
        ASSERT_TRUE(lenient.has_value())
            << encoded << ": " << lenient.error().message.toStdString();
        EXPECT_EQ(*lenient, expected) << encoded;
        const auto strict = CborReader::decode(hex(encoded));
        ASSERT_FALSE(strict.has_value()) << encoded;
        EXPECT_TRUE(strict.error().message.contains(u"indefinite-length"_s));
    }
}

TEST(Cbor, RefusesMalformedIndefiniteLengthItems) {
    const std::vector<std::pair<const char *, const char *>> cases = {
        {"9f 01", "has no 'break'"},
        {"bf 01 ff", "map ends after a key without a value"},
        {"5f 61 61 ff", "must be a definite string of the same type"},
        {"5f 5f ff ff", "must be a definite string of the same type"},
        {"9f 1c ff", "reserved additional information"},
        {"1f", "indefinite-length items are not supported"},
    };
    for (const auto &[encoded, message] : cases) {
        const auto value = CborReader::decode(hex(encoded), CborReader::DefaultMaxDepth,
                                              CborReader::Lengths::AllowIndefinite);
        ASSERT_FALSE(value.has_value()) << encoded;
        EXPECT_TRUE(value.error().message.contains(QLatin1StringView(message)))
            << encoded << ": " << value.error().message.toStdString();
    }
}

TEST(Cbor, WritesIndefiniteLengthContainersAndFindsTextKeys) {
    CborWriter writer;
    writer.startIndefiniteMap()
        .appendText(u"rc")
        .appendInteger(0)
        .appendText(u"images")
        .startIndefiniteArray()
        .appendInteger(1)
        .appendBreak()
        .appendBreak();
    EXPECT_EQ(writer.data().toHex(), QByteArray("bf6272630066696d616765739f01ffff"));
    const auto value = CborReader::decode(writer.data(), CborReader::DefaultMaxDepth,
                                          CborReader::Lengths::AllowIndefinite);
    ASSERT_TRUE(value.has_value()) << value.error().message.toStdString();
    ASSERT_NE(value->find(u"rc"), nullptr);
    EXPECT_EQ(value->find(u"rc")->toInteger(), 0);
    ASSERT_NE(value->find(u"images"), nullptr);
    EXPECT_EQ(value->find(u"images")->items.size(), 1u);
    EXPECT_EQ(value->find(u"off"), nullptr);
    EXPECT_EQ(value->find(0), nullptr);
}

TEST(Cbor, LimitsTheNestingDepth) {
    const QByteArray deep = QByteArray(40, '\x81') + QByteArray(1, '\x00');
    const auto refused = CborReader::decode(deep);
    ASSERT_FALSE(refused.has_value());
    EXPECT_TRUE(refused.error().message.contains(u"nesting deeper than 16"_s));
    EXPECT_TRUE(CborReader::decode(deep, 64).has_value());
}

TEST(Cbor, DescribesValuesForErrorMessages) {
    EXPECT_EQ(CborValue::integer(-7).describe(), u"the integer -7"_s);
    EXPECT_EQ(CborValue::byteString(QByteArray(15, 'x')).describe(),
              u"a byte string of 15 bytes"_s);
    EXPECT_EQ(CborValue::byteString(QByteArray(1, 'x')).describe(), u"a byte string of 1 byte"_s);
    EXPECT_EQ(CborValue::array({CborValue::null()}).describe(), u"an array of 1 item"_s);
    EXPECT_EQ(CborValue::map({}).describe(), u"a map of 0 entries"_s);
    EXPECT_EQ(CborValue::tagged(18, CborValue::null()).describe(), u"tag 18"_s);
    EXPECT_EQ(CborValue::null().describe(), u"null"_s);
    EXPECT_EQ(CborValue::textString(u"ab"_s).describe(), u"a text string of 2 characters"_s);
}

TEST(Cbor, SurvivesRandomInput) {
    // Deterministic pseudo-random inputs: the reader must never read out of bounds (run under
    // the sanitizers in CI) and must either decode or explain.
    quint32 state = 12345;
    for (int round = 0; round < 20000; ++round) {
        QByteArray input;
        const int size = int(state % 24);
        for (int i = 0; i < size; ++i) {
            state = state * 1664525u + 1013904223u;
            input.append(char(state >> 24));
        }
        state = state * 1664525u + 1013904223u;
        const auto value = CborReader::decode(input);
        if (!value.has_value()) {
            EXPECT_FALSE(value.error().message.isEmpty());
            EXPECT_LE(value.error().offset, input.size());
        } else {
            CborWriter writer;
            writer.append(*value);
            EXPECT_TRUE(CborReader::decode(writer.data()).has_value());
        }
    }
}
