// The provisioning command and response lists: exact wire shape, round trips, limits, and the
// query strings the client puts on its requests.
#include "MessageBuilders.h"

#include <array>
#include <gtest/gtest.h>
#include <provclient/messages.h>
#include <string>

using namespace ps::fwtest;

namespace {

std::vector<Cmd> sampleCommands() {
    return {
        Cmd::at("8f3e7c5a-0d51-4c5e-9a0e-4c3b2a1f0e9d.1", "%KEYGEN", "16842753,2,0", {}),
        Cmd::at("c2", "%CMNG", "0,16842753,0,\"-----BEGIN CERTIFICATE-----\nMIIB\n\"", {513, 519}),
        Cmd::configure("c3", {{"nrf_cloud/host", "coap.nrfcloud.com"}, {"empty", ""}}),
        Cmd::finished("c4"),
    };
}

std::vector<Rsp> sampleResponses() {
    return {
        Rsp::at("c1", "%KEYGEN: \"MIIB.abc\""),
        Rsp::error("c2", 518, "+CME ERROR: 518"),
        Rsp::error("c3", 0, ""),
        Rsp::configAck("c4"),
        Rsp::finishedAck("c5"),
    };
}

} // namespace

TEST(CommandList, EncodesAsAnArrayOfFlatPerCommandArrays) {
    // [["1", 0, "%X", "p", [7]], ["2", 1, {"k": "v"}], ["3", 2]]
    const Bytes expected{0x83, // outer array of 3
                         0x85, 0x61, '1', 0x00, 0x62, '%',  'X', 0x61, 'p', 0x81, 0x07, // AT
                         0x83, 0x61, '2', 0x01, 0xa1, 0x61, 'k', 0x61, 'v',             // config
                         0x82, 0x61, '3', 0x02};                                        // finished
    EXPECT_EQ(encodeCommands({Cmd::at("1", "%X", "p", {7}), Cmd::configure("2", {{"k", "v"}}),
                              Cmd::finished("3")}),
              expected);
}

TEST(ResponseList, EncodesAsAnArrayOfFlatPerResponseArrays) {
    // [["1", 99, 518, "e"], ["2", 100, "o"], ["3", 101], ["4", 102]]
    const Bytes expected{0x84,                                                    // outer
                         0x84, 0x61, '1', 0x18, 99,  0x19, 0x02, 0x06, 0x61, 'e', // error
                         0x83, 0x61, '2', 0x18, 100, 0x61, 'o',                   // AT output
                         0x82, 0x61, '3', 0x18, 101,                              // config ack
                         0x82, 0x61, '4', 0x18, 102};                             // finished ack
    EXPECT_EQ(encodeResponses({Rsp::error("1", 518, "e"), Rsp::at("2", "o"), Rsp::configAck("3"),
                               Rsp::finishedAck("4")}),
              expected);
}

TEST(CommandList, SurvivesARoundTrip) {
    const std::vector<Cmd> cmds = sampleCommands();
    Bytes wire;
    ASSERT_EQ(encodeCommands(cmds, wire), PROV_CODEC_OK);
    std::vector<Cmd> decoded;
    ASSERT_EQ(decodeCommands(wire, decoded), PROV_CODEC_OK);
    EXPECT_EQ(decoded, cmds);
}

TEST(ResponseList, SurvivesARoundTrip) {
    const std::vector<Rsp> rsps = sampleResponses();
    Bytes wire;
    ASSERT_EQ(encodeResponses(rsps, wire), PROV_CODEC_OK);
    std::vector<Rsp> decoded;
    ASSERT_EQ(decodeResponses(wire, decoded), PROV_CODEC_OK);
    EXPECT_EQ(decoded, rsps);
}

TEST(CommandList, ZeroCommandsAreAnEmptyPayload) {
    Bytes wire{0x01};
    EXPECT_EQ(encodeCommands({}, wire), PROV_CODEC_OK);
    EXPECT_TRUE(wire.empty());

    std::vector<Cmd> decoded{Cmd::finished("x")};
    EXPECT_EQ(decodeCommands(Bytes{}, decoded), PROV_CODEC_OK);
    EXPECT_TRUE(decoded.empty());
    EXPECT_EQ(decodeCommands(Bytes{0x80}, decoded), PROV_CODEC_OK); // [] is accepted too
    EXPECT_TRUE(decoded.empty());
}

TEST(ResponseList, NeedsAtLeastOneEntry) {
    Bytes wire;
    EXPECT_EQ(encodeResponses({}, wire), PROV_CODEC_BAD_SHAPE);
    std::vector<Rsp> decoded;
    EXPECT_EQ(decodeResponses(Bytes{0x80}, decoded), PROV_CODEC_BAD_SHAPE);
    EXPECT_EQ(decodeResponses(Bytes{}, decoded), PROV_CODEC_TRUNCATED);
}

TEST(CommandList, DecodesIndefiniteLengthArraysAndMaps) {
    // [_ [_ "1", 0, "%X", "p", [_ 7]], ["2", 1, {_ "k": "v"}]]
    const Bytes wire{0x9f, 0x9f, 0x61, '1', 0x00, 0x62, '%',  'X', 0x61, 'p', 0x9f, 0x07, 0xff,
                     0xff, 0x83, 0x61, '2', 0x01, 0xbf, 0x61, 'k', 0x61, 'v', 0xff, 0xff};
    std::vector<Cmd> decoded;
    ASSERT_EQ(decodeCommands(wire, decoded), PROV_CODEC_OK);
    EXPECT_EQ(decoded,
              (std::vector<Cmd>{Cmd::at("1", "%X", "p", {7}), Cmd::configure("2", {{"k", "v"}})}));
}

TEST(CommandList, EncoderReportsTheSizeItNeeds) {
    const std::vector<Cmd> cmds = sampleCommands();
    const Bytes full = encodeCommands(cmds);
    std::vector<prov_command> c;
    for (const Cmd &cmd : cmds) {
        c.push_back(cmd.toC());
    }
    std::array<std::uint8_t, 16> small{};
    std::size_t len = 0;
    EXPECT_EQ(prov_encode_command_list(c.data(), c.size(), small.data(), small.size(), &len),
              PROV_CODEC_NO_SPACE);
    EXPECT_EQ(len, full.size());
}

namespace {

struct LimitCase {
    const char *name;
    std::vector<Cmd> commands;
    prov_codec_status expected;
};

void PrintTo(const LimitCase &c, std::ostream *os) {
    *os << c.name;
}

std::vector<Cmd> manyFinished(std::size_t n) {
    std::vector<Cmd> cmds;
    for (std::size_t i = 0; i < n; ++i) {
        cmds.push_back(Cmd::finished("c" + std::to_string(i)));
    }
    return cmds;
}

std::vector<std::pair<std::string, std::string>> manyPairs(std::size_t n) {
    std::vector<std::pair<std::string, std::string>> kv;
    for (std::size_t i = 0; i < n; ++i) {
        kv.emplace_back("k" + std::to_string(i), "v");
    }
    return kv;
}

// Encodes without validation, so the decoder's own checks are exercised: each command as an
// array written field by field.
Bytes rawCommands(const std::vector<Cmd> &cmds) {
    std::array<std::uint8_t, 4096> buf{};
    prov_cbor_writer w;
    prov_cbor_writer_init(&w, buf.data(), buf.size());
    prov_cbor_write_array(&w, cmds.size());
    for (const Cmd &c : cmds) {
        const std::uint64_t n = c.type == PROV_COMMAND_AT       ? 5
                                : c.type == PROV_COMMAND_CONFIG ? 3
                                                                : 2;
        prov_cbor_write_array(&w, n);
        prov_cbor_write_text(&w, c.corr.data(), c.corr.size());
        prov_cbor_write_uint(&w, static_cast<std::uint64_t>(c.type));
        if (c.type == PROV_COMMAND_AT) {
            prov_cbor_write_text(&w, c.setCommand.data(), c.setCommand.size());
            prov_cbor_write_text(&w, c.parameters.data(), c.parameters.size());
            prov_cbor_write_array(&w, c.ignoredCme.size());
            for (std::uint32_t cme : c.ignoredCme) {
                prov_cbor_write_uint(&w, cme);
            }
        } else if (c.type == PROV_COMMAND_CONFIG) {
            prov_cbor_write_map(&w, c.config.size());
            for (const auto &[k, v] : c.config) {
                prov_cbor_write_text(&w, k.data(), k.size());
                prov_cbor_write_text(&w, v.data(), v.size());
            }
        }
    }
    EXPECT_TRUE(prov_cbor_writer_ok(&w));
    return Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(w.len));
}

class CommandLimits : public ::testing::TestWithParam<LimitCase> {};

} // namespace

TEST_P(CommandLimits, AreEnforcedByEncoderAndDecoderAlike) {
    const LimitCase &c = GetParam();
    Bytes wire;
    EXPECT_EQ(encodeCommands(c.commands, wire), c.expected) << "encode";
    std::vector<Cmd> decoded;
    EXPECT_EQ(decodeCommands(rawCommands(c.commands), decoded), c.expected) << "decode";
    EXPECT_TRUE(decoded.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CommandLimits,
    ::testing::Values(
        LimitCase{"twenty_one_commands", manyFinished(PROV_MAX_COMMANDS + 1), PROV_CODEC_TOO_MANY},
        LimitCase{"seven_ignored_cme_errors",
                  {Cmd::at("1", "%X", "", {1, 2, 3, 4, 5, 6, 7})},
                  PROV_CODEC_TOO_MANY},
        LimitCase{"eleven_config_pairs",
                  {Cmd::configure("1", manyPairs(PROV_MAX_CONFIG_PAIRS + 1))},
                  PROV_CODEC_TOO_MANY},
        LimitCase{"empty_correlation_id", {Cmd::finished("")}, PROV_CODEC_BAD_TEXT},
        LimitCase{"long_correlation_id",
                  {Cmd::finished(std::string(PROV_CORR_ID_MAX_LEN + 1, 'a'))},
                  PROV_CODEC_BAD_TEXT},
        LimitCase{"space_in_correlation_id", {Cmd::finished("a b")}, PROV_CODEC_BAD_TEXT},
        LimitCase{"empty_set_command", {Cmd::at("1", "", "x")}, PROV_CODEC_BAD_TEXT},
        LimitCase{"set_command_with_space", {Cmd::at("1", "%KEY GEN", "x")}, PROV_CODEC_BAD_TEXT},
        LimitCase{
            "nul_in_parameters", {Cmd::at("1", "%X", std::string("a\0b", 3))}, PROV_CODEC_BAD_TEXT},
        LimitCase{"empty_config_key", {Cmd::configure("1", {{"", "v"}})}, PROV_CODEC_BAD_TEXT},
        LimitCase{"nul_in_config_value",
                  {Cmd::configure("1", {{"k", std::string("\0", 1)}})},
                  PROV_CODEC_BAD_TEXT}),
    [](const ::testing::TestParamInfo<LimitCase> &p) { return std::string(p.param.name); });

TEST(CommandList, AcceptsExactlyTheLimits) {
    std::vector<Cmd> cmds = manyFinished(PROV_MAX_COMMANDS - 2);
    cmds.push_back(Cmd::at(std::string(PROV_CORR_ID_MAX_LEN, 'x'),
                           std::string(PROV_SET_COMMAND_MAX_LEN, 'K'), "", {1, 2, 3, 4, 5, 6}));
    cmds.push_back(Cmd::configure("cfg", manyPairs(PROV_MAX_CONFIG_PAIRS)));
    Bytes wire;
    ASSERT_EQ(encodeCommands(cmds, wire), PROV_CODEC_OK);
    std::vector<Cmd> decoded;
    ASSERT_EQ(decodeCommands(wire, decoded), PROV_CODEC_OK);
    EXPECT_EQ(decoded, cmds);
}

namespace {

struct ShapeCase {
    const char *name;
    Bytes bytes;
    prov_codec_status expected;
};

void PrintTo(const ShapeCase &c, std::ostream *os) {
    *os << c.name;
}

class CommandShapes : public ::testing::TestWithParam<ShapeCase> {};

} // namespace

TEST_P(CommandShapes, ThatDoNotMatchTheSchemaAreRejected) {
    std::vector<Cmd> decoded;
    EXPECT_EQ(decodeCommands(GetParam().bytes, decoded), GetParam().expected);
    EXPECT_TRUE(decoded.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CommandShapes,
    ::testing::Values(
        ShapeCase{"not_an_array", {0xa0}, PROV_CODEC_BAD_SHAPE},
        ShapeCase{"entry_not_an_array", {0x81, 0x02}, PROV_CODEC_BAD_SHAPE},
        ShapeCase{"numeric_correlation_id", {0x81, 0x82, 0x01, 0x02}, PROV_CODEC_BAD_SHAPE},
        ShapeCase{"unknown_type", {0x81, 0x82, 0x61, '1', 0x03}, PROV_CODEC_UNKNOWN_TYPE},
        ShapeCase{"negative_type", {0x81, 0x82, 0x61, '1', 0x20}, PROV_CODEC_BAD_SHAPE},
        ShapeCase{
            "finished_with_extra_field", {0x81, 0x83, 0x61, '1', 0x02, 0x00}, PROV_CODEC_BAD_SHAPE},
        ShapeCase{"at_without_cme_list",
                  {0x81, 0x84, 0x61, '1', 0x00, 0x61, 'X', 0x60},
                  PROV_CODEC_BAD_SHAPE},
        ShapeCase{
            "cme_too_large",
            {0x81, 0x85, 0x61, '1', 0x00, 0x61, 'X', 0x60, 0x81, 0x1b, 0, 0, 0, 1, 0, 0, 0, 0},
            PROV_CODEC_BAD_SHAPE},
        ShapeCase{"config_value_not_text",
                  {0x81, 0x83, 0x61, '1', 0x01, 0xa1, 0x61, 'k', 0x01},
                  PROV_CODEC_BAD_SHAPE},
        ShapeCase{"trailing_bytes", {0x81, 0x82, 0x61, '1', 0x02, 0x00}, PROV_CODEC_TRAILING},
        ShapeCase{"two_top_level_lists", {0x80, 0x80}, PROV_CODEC_TRAILING}),
    [](const ::testing::TestParamInfo<ShapeCase> &p) { return std::string(p.param.name); });

TEST(ResponseList, RejectsUnknownTypesAndWrongShapes) {
    std::vector<Rsp> decoded;
    EXPECT_EQ(decodeResponses(Bytes{0x81, 0x82, 0x61, '1', 0x18, 103}, decoded),
              PROV_CODEC_UNKNOWN_TYPE);
    EXPECT_EQ(decodeResponses(Bytes{0x81, 0x83, 0x61, '1', 0x18, 99, 0x00}, decoded),
              PROV_CODEC_BAD_SHAPE); // error without message
    EXPECT_EQ(decodeResponses(Bytes{0x81, 0x83, 0x61, '1', 0x18, 101, 0x60}, decoded),
              PROV_CODEC_BAD_SHAPE); // config ack with a message
}

TEST(ResponseStream, BuildsTheSameBytesAsTheListEncoder) {
    const std::vector<Rsp> rsps = sampleResponses();
    std::array<std::uint8_t, 512> buf{};
    prov_response_stream s;
    ASSERT_EQ(prov_response_stream_begin(&s, buf.data(), buf.size()), PROV_CODEC_OK);
    for (const Rsp &r : rsps) {
        const prov_response c = r.toC();
        ASSERT_EQ(prov_response_stream_add(&s, &c), PROV_CODEC_OK);
    }
    std::size_t len = 0;
    ASSERT_EQ(prov_response_stream_finish(&s, &len), PROV_CODEC_OK);
    EXPECT_EQ(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len)),
              encodeResponses(rsps));
}

TEST(ResponseStream, LeavesTheStreamIntactWhenAnEntryDoesNotFit) {
    std::array<std::uint8_t, 16> buf{};
    prov_response_stream s;
    ASSERT_EQ(prov_response_stream_begin(&s, buf.data(), buf.size()), PROV_CODEC_OK);
    const Rsp small = Rsp::finishedAck("1");
    const Rsp large = Rsp::at("2", std::string(64, 'x'));
    const prov_response ack = small.toC(); // views into small and large
    const prov_response big = large.toC();
    ASSERT_EQ(prov_response_stream_add(&s, &ack), PROV_CODEC_OK);
    EXPECT_EQ(prov_response_stream_add(&s, &big), PROV_CODEC_NO_SPACE);
    std::size_t len = 0;
    ASSERT_EQ(prov_response_stream_finish(&s, &len), PROV_CODEC_OK);
    EXPECT_EQ(decodeResponses(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len))),
              (std::vector<Rsp>{Rsp::finishedAck("1")}));
}

TEST(CorrelationId, FollowsTheOneRule) {
    EXPECT_TRUE(prov_corr_id_is_valid(view("8f3e7c5a-0d51-4c5e-9a0e-4c3b2a1f0e9d.1715000000")));
    EXPECT_TRUE(prov_corr_id_is_valid(view("1")));
    EXPECT_TRUE(prov_corr_id_is_valid(view("a&b=c?")));
    EXPECT_FALSE(prov_corr_id_is_valid(view("")));
    EXPECT_FALSE(prov_corr_id_is_valid(view("a\tb")));
    EXPECT_FALSE(prov_corr_id_is_valid(view("\xc3\xa9")));
    EXPECT_FALSE(prov_corr_id_is_valid(view(std::string(PROV_CORR_ID_MAX_LEN + 1, '1'))));
}

TEST(QueryString, OfTheAuthenticationRequestCarriesModemAndClientVersion) {
    std::array<char, 128> buf{};
    const int n = prov_build_auth_path(buf.data(), buf.size(), "2.0.2", "1");
    const std::string expected = "p/auth-jwt?mver=2.0.2&cver=1";
    EXPECT_EQ(std::string(buf.data()), expected);
    EXPECT_EQ(n, static_cast<int>(expected.size()));
}

TEST(QueryString, OfTheCommandRequestPercentEncodesTheCorrelationId) {
    std::array<char, 256> buf{};
    prov_build_commands_path(buf.data(), buf.size(), view(""), 4096, 2048, 20);
    EXPECT_EQ(std::string(buf.data()), "p/cmd?after=&rxMaxSize=4096&txMaxSize=2048&limit=20");
    prov_build_commands_path(buf.data(), buf.size(), view("a&b=c/d.e~f"), 1, 2, 3);
    EXPECT_EQ(std::string(buf.data()),
              "p/cmd?after=a%26b%3Dc%2Fd.e~f&rxMaxSize=1&txMaxSize=2&limit=3");
}

TEST(QueryString, ReportsABufferThatIsTooSmall) {
    std::array<char, 20> buf{};
    EXPECT_EQ(prov_build_commands_path(buf.data(), buf.size(), view("abc"), 1, 2, 3), -1);
    EXPECT_EQ(prov_build_auth_path(buf.data(), 0, "1", "1"), -1);
}

namespace {

struct FirmwareCase {
    const char *firmware;
    const char *version;
};

void PrintTo(const FirmwareCase &c, std::ostream *os) {
    *os << c.firmware;
}

class ModemVersion : public ::testing::TestWithParam<FirmwareCase> {};

} // namespace

TEST_P(ModemVersion, IsTheThirdFieldOfTheFirmwareName) {
    std::array<char, 48> buf{};
    ASSERT_GT(prov_modem_version_from_firmware(buf.data(), buf.size(), GetParam().firmware), 0);
    EXPECT_EQ(std::string(buf.data()), GetParam().version);
}

INSTANTIATE_TEST_SUITE_P(Cases, ModemVersion,
                         ::testing::Values(FirmwareCase{"mfw_nrf91x1_2.0.2", "2.0.2"},
                                           FirmwareCase{"mfw_nrf9160_1.3.2-FOTA-TEST", "1.3.2"},
                                           FirmwareCase{"mfw_nrf91x1_2.0.1_rc1", "2.0.1"},
                                           FirmwareCase{"custom", "custom"},
                                           FirmwareCase{"a_b", "a_b"}));
