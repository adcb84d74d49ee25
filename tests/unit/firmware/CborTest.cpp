// The plain CBOR layer of the firmware client: encodings from RFC 8949 Appendix A, the writer's
// bounds, and the reader's handling of malformed, truncated and deeply nested input.
#include "MessageBuilders.h"

#include <array>
#include <cstring>
#include <functional>
#include <gtest/gtest.h>
#include <provclient/cbor.h>
#include <string>

using ps::fwtest::Bytes;

namespace {

Bytes written(const std::function<void(prov_cbor_writer *)> &write) {
    std::array<std::uint8_t, 64> buf{};
    prov_cbor_writer w;
    prov_cbor_writer_init(&w, buf.data(), buf.size());
    write(&w);
    EXPECT_TRUE(prov_cbor_writer_ok(&w));
    return Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(w.len));
}

struct IntCase {
    std::int64_t value;
    Bytes encoded;
};

void PrintTo(const IntCase &c, std::ostream *os) {
    *os << c.value;
}

class CborIntegers : public ::testing::TestWithParam<IntCase> {};

} // namespace

TEST_P(CborIntegers, EncodeAsInRfc8949AndDecodeBack) {
    const IntCase &c = GetParam();
    EXPECT_EQ(written([&](prov_cbor_writer *w) { prov_cbor_write_int(w, c.value); }), c.encoded);

    prov_cbor_reader r;
    prov_cbor_item item;
    prov_cbor_reader_init(&r, c.encoded.data(), c.encoded.size());
    ASSERT_EQ(prov_cbor_read(&r, &item), PROV_CODEC_OK);
    EXPECT_TRUE(prov_cbor_reader_at_end(&r));
    if (c.value >= 0) {
        EXPECT_EQ(item.type, PROV_CBOR_UINT);
        EXPECT_EQ(item.value, static_cast<std::uint64_t>(c.value));
    } else {
        EXPECT_EQ(item.type, PROV_CBOR_NEGINT);
        EXPECT_EQ(item.value, static_cast<std::uint64_t>(-(c.value + 1)));
    }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc8949AppendixA, CborIntegers,
    ::testing::Values(IntCase{0, {0x00}}, IntCase{23, {0x17}}, IntCase{24, {0x18, 0x18}},
                      IntCase{100, {0x18, 0x64}}, IntCase{1000, {0x19, 0x03, 0xe8}},
                      IntCase{1000000, {0x1a, 0x00, 0x0f, 0x42, 0x40}},
                      IntCase{1000000000000,
                              {0x1b, 0x00, 0x00, 0x00, 0xe8, 0xd4, 0xa5, 0x10, 0x00}},
                      IntCase{-1, {0x20}}, IntCase{-10, {0x29}}, IntCase{-100, {0x38, 0x63}},
                      IntCase{-1000, {0x39, 0x03, 0xe7}},
                      IntCase{INT64_MIN, {0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}));

TEST(CborWriter, EncodesStringsContainersAndSimpleValuesAsInRfc8949) {
    EXPECT_EQ(written([](prov_cbor_writer *w) { prov_cbor_write_cstr(w, ""); }), Bytes{0x60});
    EXPECT_EQ(written([](prov_cbor_writer *w) { prov_cbor_write_cstr(w, "IETF"); }),
              (Bytes{0x64, 0x49, 0x45, 0x54, 0x46}));
    EXPECT_EQ(written([](prov_cbor_writer *w) {
                  const std::uint8_t b[] = {1, 2, 3, 4};
                  prov_cbor_write_bytes(w, b, sizeof b);
              }),
              (Bytes{0x44, 0x01, 0x02, 0x03, 0x04}));
    EXPECT_EQ(written([](prov_cbor_writer *w) {
                  prov_cbor_write_array(w, 3);
                  prov_cbor_write_uint(w, 1);
                  prov_cbor_write_uint(w, 2);
                  prov_cbor_write_uint(w, 3);
              }),
              (Bytes{0x83, 0x01, 0x02, 0x03}));
    EXPECT_EQ(written([](prov_cbor_writer *w) {
                  prov_cbor_write_map(w, 1);
                  prov_cbor_write_cstr(w, "a");
                  prov_cbor_write_uint(w, 1);
              }),
              (Bytes{0xa1, 0x61, 0x61, 0x01}));
    EXPECT_EQ(written([](prov_cbor_writer *w) {
                  prov_cbor_write_bool(w, false);
                  prov_cbor_write_bool(w, true);
                  prov_cbor_write_null(w);
                  prov_cbor_write_tag(w, 55799);
              }),
              (Bytes{0xf4, 0xf5, 0xf6, 0xd9, 0xd9, 0xf7}));
}

TEST(CborWriter, NeverWritesPastTheBufferAndReportsOverflow) {
    std::array<std::uint8_t, 8> buf{};
    buf.fill(0xee);
    prov_cbor_writer w;
    prov_cbor_writer_init(&w, buf.data(), 4); // the last 4 bytes are a guard
    EXPECT_TRUE(prov_cbor_write_cstr(&w, "ab"));
    EXPECT_FALSE(prov_cbor_write_uint(&w, 1000)); // needs 3 bytes, 1 is left
    EXPECT_FALSE(prov_cbor_writer_ok(&w));
    EXPECT_FALSE(prov_cbor_write_uint(&w, 1)); // stays failed although this one would fit
    EXPECT_EQ(w.len, 3u);
    EXPECT_EQ(buf[3], 0xee);
    for (std::size_t i = 4; i < buf.size(); ++i) {
        EXPECT_EQ(buf[i], 0xee) << "guard byte " << i;
    }
}

TEST(CborWriter, MeasuresWithoutABuffer) {
    prov_cbor_writer w;
    prov_cbor_writer_init(&w, nullptr, 0);
    prov_cbor_write_array(&w, 2);
    prov_cbor_write_cstr(&w, "hello");
    prov_cbor_write_uint(&w, 70000);
    EXPECT_TRUE(prov_cbor_writer_ok(&w));
    EXPECT_EQ(w.len, 1u + 6u + 5u);
}

TEST(CborReader, ReturnsStringsAsViewsIntoTheInput) {
    const Bytes in{0x82, 0x63, 'a', 'b', 'c', 0x42, 0x01, 0x02};
    prov_cbor_reader r;
    prov_cbor_item item;
    prov_cbor_reader_init(&r, in.data(), in.size());
    ASSERT_EQ(prov_cbor_read(&r, &item), PROV_CODEC_OK);
    EXPECT_EQ(item.type, PROV_CBOR_ARRAY);
    EXPECT_EQ(item.value, 2u);
    ASSERT_EQ(prov_cbor_read(&r, &item), PROV_CODEC_OK);
    EXPECT_EQ(item.type, PROV_CBOR_TEXT);
    EXPECT_EQ(std::string(reinterpret_cast<const char *>(item.data), item.value), "abc");
    EXPECT_EQ(item.data, in.data() + 2);
    ASSERT_EQ(prov_cbor_read(&r, &item), PROV_CODEC_OK);
    EXPECT_EQ(item.type, PROV_CBOR_BYTES);
    EXPECT_EQ(item.value, 2u);
    EXPECT_TRUE(prov_cbor_reader_at_end(&r));
}

TEST(CborReader, WalksDefiniteAndIndefiniteContainersAlike) {
    for (const Bytes &in : {Bytes{0x82, 0x01, 0x02}, Bytes{0x9f, 0x01, 0x02, 0xff}}) {
        prov_cbor_reader r;
        prov_cbor_item item;
        prov_cbor_container c;
        bool more = false;
        prov_cbor_reader_init(&r, in.data(), in.size());
        ASSERT_EQ(prov_cbor_read(&r, &item), PROV_CODEC_OK);
        prov_cbor_container_begin(&c, &item);
        std::vector<std::uint64_t> values;
        while (prov_cbor_container_next(&r, &c, &more) == PROV_CODEC_OK && more) {
            ASSERT_EQ(prov_cbor_read(&r, &item), PROV_CODEC_OK);
            values.push_back(item.value);
        }
        EXPECT_EQ(values, (std::vector<std::uint64_t>{1, 2}));
        EXPECT_TRUE(prov_cbor_reader_at_end(&r));
    }
}

namespace {

struct BadInput {
    const char *name;
    Bytes bytes;
    prov_codec_status expected;
};

void PrintTo(const BadInput &c, std::ostream *os) {
    *os << c.name;
}

class CborReaderRejects : public ::testing::TestWithParam<BadInput> {};

} // namespace

TEST_P(CborReaderRejects, MalformedInputWithTheRightStatus) {
    const BadInput &c = GetParam();
    EXPECT_EQ(prov_cbor_validate(c.bytes.data(), c.bytes.size()), c.expected)
        << prov_codec_status_name(prov_cbor_validate(c.bytes.data(), c.bytes.size()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CborReaderRejects,
    ::testing::Values(
        BadInput{"empty", {}, PROV_CODEC_TRUNCATED},
        BadInput{"uint16_missing_byte", {0x19, 0x01}, PROV_CODEC_TRUNCATED},
        BadInput{"reserved_additional_info", {0x1c}, PROV_CODEC_MALFORMED},
        BadInput{"reserved_in_array", {0x81, 0x3e}, PROV_CODEC_MALFORMED},
        BadInput{"text_longer_than_input", {0x65, 'a', 'b'}, PROV_CODEC_TRUNCATED},
        BadInput{"huge_text_length",
                 {0x7b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
                 PROV_CODEC_TRUNCATED},
        BadInput{"huge_array_count",
                 {0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
                 PROV_CODEC_TRUNCATED},
        BadInput{"huge_map_count",
                 {0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
                 PROV_CODEC_TRUNCATED},
        BadInput{"array_missing_element", {0x82, 0x01}, PROV_CODEC_TRUNCATED},
        BadInput{"stray_break", {0xff}, PROV_CODEC_MALFORMED},
        BadInput{"break_in_definite_array", {0x82, 0x01, 0xff}, PROV_CODEC_MALFORMED},
        BadInput{"unterminated_indefinite_array", {0x9f, 0x01, 0x02}, PROV_CODEC_TRUNCATED},
        BadInput{"indefinite_map_with_odd_items", {0xbf, 0x01, 0xff}, PROV_CODEC_MALFORMED},
        BadInput{"indefinite_text", {0x7f, 0x61, 'a', 0xff}, PROV_CODEC_UNSUPPORTED},
        BadInput{"indefinite_integer", {0x1f}, PROV_CODEC_MALFORMED},
        BadInput{"one_byte_simple_below_32", {0xf8, 0x10}, PROV_CODEC_MALFORMED},
        BadInput{"tag_without_item", {0xc0}, PROV_CODEC_TRUNCATED},
        BadInput{"trailing_bytes", {0x01, 0x02}, PROV_CODEC_TRAILING}),
    [](const ::testing::TestParamInfo<BadInput> &p) { return std::string(p.param.name); });

TEST(CborReader, AcceptsNestingUpToTheLimitAndRejectsDeeper) {
    Bytes ok(PROV_CBOR_MAX_DEPTH, 0x81);
    ok.push_back(0x00);
    EXPECT_EQ(prov_cbor_validate(ok.data(), ok.size()), PROV_CODEC_OK);

    Bytes deep(PROV_CBOR_MAX_DEPTH + 1, 0x81);
    deep.push_back(0x00);
    EXPECT_EQ(prov_cbor_validate(deep.data(), deep.size()), PROV_CODEC_TOO_DEEP);

    Bytes veryDeep(100000, 0x9f); // would exhaust a recursive decoder's stack
    EXPECT_EQ(prov_cbor_validate(veryDeep.data(), veryDeep.size()), PROV_CODEC_TOO_DEEP);

    Bytes tags(PROV_CBOR_MAX_DEPTH + 1, 0xc6);
    tags.push_back(0x00);
    EXPECT_EQ(prov_cbor_validate(tags.data(), tags.size()), PROV_CODEC_TOO_DEEP);
}

TEST(CborReader, SkipsNestedItemsOfEveryKind) {
    // [{"a": [1, h'00'], 2: {_ "x": -3}}, 1(0), 1.5 (half), [_ ], true]
    const Bytes in{0x85, 0xa2, 0x61, 'a',  0x82, 0x01, 0x41, 0x00, 0x02, 0xbf, 0x61, 'x',
                   0x22, 0xff, 0xc1, 0x00, 0xf9, 0x3e, 0x00, 0x9f, 0xff, 0xf5, 0x07};
    prov_cbor_reader r;
    prov_cbor_reader_init(&r, in.data(), in.size());
    ASSERT_EQ(prov_cbor_skip(&r), PROV_CODEC_OK);
    EXPECT_EQ(r.pos, in.size() - 1); // stops right before the trailing 0x07
}

TEST(CborReader, LeavesThePositionUnchangedOnError) {
    const Bytes in{0x83, 0x01, 0x82, 0x02};
    prov_cbor_reader r;
    prov_cbor_reader_init(&r, in.data(), in.size());
    EXPECT_EQ(prov_cbor_skip(&r), PROV_CODEC_TRUNCATED);
    EXPECT_EQ(r.pos, 0u);
}
