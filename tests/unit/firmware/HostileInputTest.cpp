// The decoders must survive whatever a server (or an attacker in its place) sends: every
// truncation of valid messages, every single-byte corruption, and random bytes from a fixed seed.
// A decode either fails or yields entries whose strings lie inside the input and that encode
// back to a list that decodes to the same entries.
#include "MessageBuilders.h"

#include <gtest/gtest.h>
#include <provclient/cbor.h>
#include <provclient/messages.h>
#include <random>

using namespace ps::fwtest;

namespace {

Bytes validCommandList() {
    return encodeCommands({
        Cmd::at("8f3e7c5a-0d51-4c5e-9a0e-4c3b2a1f0e9d.1", "%KEYGEN", "16842753,2,0", {519}),
        Cmd::at("2", "%CMNG", "0,16842753,0,\"-----BEGIN CERTIFICATE-----\n\"", {}),
        Cmd::configure("3", {{"key", "value"}, {"k2", ""}}),
        Cmd::finished("4"),
    });
}

Bytes validResponseList() {
    return encodeResponses({
        Rsp::at("1", "%KEYGEN: \"MIIBCjCBsAIBADA.eyJhbGciOiJFUzI1NiJ9\""),
        Rsp::error("2", 518, "+CME ERROR: 518"),
        Rsp::configAck("3"),
        Rsp::finishedAck("4"),
    });
}

bool inside(const Bytes &buf, prov_str s) {
    if (s.len == 0) {
        return true;
    }
    const char *begin = reinterpret_cast<const char *>(buf.data());
    return s.ptr >= begin && s.len <= buf.size() &&
           s.ptr <= begin + static_cast<std::ptrdiff_t>(buf.size() - s.len);
}

// Decodes as commands; when that succeeds, checks views and the re-encoding round trip.
void checkCommands(const Bytes &in) {
    prov_command_list list{};
    if (prov_decode_command_list(in.data(), in.size(), &list) != PROV_CODEC_OK) {
        EXPECT_EQ(list.count, 0u);
        return;
    }
    ASSERT_LE(list.count, static_cast<std::size_t>(PROV_MAX_COMMANDS));
    std::vector<Cmd> cmds;
    for (std::size_t i = 0; i < list.count; ++i) {
        const prov_command &c = list.items[i];
        ASSERT_TRUE(inside(in, c.corr_id));
        ASSERT_TRUE(inside(in, c.set_command));
        ASSERT_TRUE(inside(in, c.parameters));
        ASSERT_LE(c.ignored_cme_count, static_cast<std::size_t>(PROV_MAX_IGNORED_CME));
        ASSERT_LE(c.config_count, static_cast<std::size_t>(PROV_MAX_CONFIG_PAIRS));
        for (std::size_t k = 0; k < c.config_count; ++k) {
            ASSERT_TRUE(inside(in, c.config[k].key));
            ASSERT_TRUE(inside(in, c.config[k].value));
        }
        cmds.push_back(Cmd::fromC(c));
    }
    Bytes again;
    ASSERT_EQ(encodeCommands(cmds, again), PROV_CODEC_OK);
    std::vector<Cmd> decoded;
    ASSERT_EQ(decodeCommands(again, decoded), PROV_CODEC_OK);
    EXPECT_EQ(decoded, cmds);
}

void checkResponses(const Bytes &in) {
    prov_response_list list{};
    if (prov_decode_response_list(in.data(), in.size(), &list) != PROV_CODEC_OK) {
        EXPECT_EQ(list.count, 0u);
        return;
    }
    ASSERT_GE(list.count, 1u);
    ASSERT_LE(list.count, static_cast<std::size_t>(PROV_MAX_RESPONSES));
    std::vector<Rsp> rsps;
    for (std::size_t i = 0; i < list.count; ++i) {
        ASSERT_TRUE(inside(in, list.items[i].corr_id));
        ASSERT_TRUE(inside(in, list.items[i].message));
        rsps.push_back(Rsp::fromC(list.items[i]));
    }
    Bytes again;
    ASSERT_EQ(encodeResponses(rsps, again), PROV_CODEC_OK);
    EXPECT_EQ(decodeResponses(again), rsps);
}

// The message decoders accept a subset of well-formed CBOR, so whatever they accept the generic
// validator must accept too. The input is copied to a buffer of exactly its size, so a
// sanitizer build catches any read past the end.
void checkGeneric(const Bytes &in) {
    const Bytes exact(in);
    const prov_codec_status generic = prov_cbor_validate(exact.data(), exact.size());
    prov_command_list commands{};
    prov_response_list responses{};
    if (!exact.empty() &&
        prov_decode_command_list(exact.data(), exact.size(), &commands) == PROV_CODEC_OK) {
        EXPECT_EQ(generic, PROV_CODEC_OK);
    }
    if (prov_decode_response_list(exact.data(), exact.size(), &responses) == PROV_CODEC_OK) {
        EXPECT_EQ(generic, PROV_CODEC_OK);
    }
}

} // namespace

TEST(HostileInput, EveryTruncationOfAValidCommandListIsRejected) {
    const Bytes full = validCommandList();
    ASSERT_GT(full.size(), 40u);
    // Length 0 is not a truncation but the "no commands" payload, so it starts at 1.
    for (std::size_t len = 1; len < full.size(); ++len) {
        const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
        prov_command_list list{};
        EXPECT_NE(prov_decode_command_list(cut.data(), cut.size(), &list), PROV_CODEC_OK)
            << "prefix of " << len << " bytes";
        EXPECT_EQ(list.count, 0u);
        EXPECT_NE(prov_cbor_validate(cut.data(), cut.size()), PROV_CODEC_OK);
    }
}

TEST(HostileInput, EveryTruncationOfAValidResponseListIsRejected) {
    const Bytes full = validResponseList();
    for (std::size_t len = 0; len < full.size(); ++len) {
        const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
        prov_response_list list{};
        EXPECT_NE(prov_decode_response_list(cut.data(), cut.size(), &list), PROV_CODEC_OK)
            << "prefix of " << len << " bytes";
        EXPECT_EQ(list.count, 0u);
    }
}

TEST(HostileInput, EverySingleByteCorruptionIsSurvived) {
    const std::uint8_t replacements[] = {0x00, 0x17, 0x18, 0x1b, 0x1f, 0x20, 0x3f, 0x5b,
                                         0x7b, 0x7f, 0x80, 0x9b, 0x9f, 0xa0, 0xbb, 0xbf,
                                         0xc0, 0xdb, 0xf8, 0xf9, 0xfb, 0xff};
    for (const Bytes &valid : {validCommandList(), validResponseList()}) {
        for (std::size_t i = 0; i < valid.size(); ++i) {
            for (std::uint8_t b : replacements) {
                Bytes corrupt = valid;
                corrupt[i] = b;
                checkCommands(corrupt);
                checkResponses(corrupt);
                checkGeneric(corrupt);
            }
            for (unsigned bit = 0; bit < 8; ++bit) {
                Bytes corrupt = valid;
                corrupt[i] = static_cast<std::uint8_t>(corrupt[i] ^ (1u << bit));
                checkCommands(corrupt);
                checkResponses(corrupt);
            }
        }
    }
}

TEST(HostileInput, RandomBytesFromAFixedSeedAreSurvived) {
    std::mt19937 rng(20240917u);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> length(0, 64);
    std::size_t decodedSomething = 0;
    for (int n = 0; n < 200000; ++n) {
        Bytes in(static_cast<std::size_t>(length(rng)));
        for (std::uint8_t &b : in) {
            b = static_cast<std::uint8_t>(byte(rng));
        }
        // Steer half of the inputs into the list decoders' deeper paths.
        if (!in.empty() && (n & 1) != 0) {
            in[0] = static_cast<std::uint8_t>(0x81 + (n % 3));
            if (in.size() > 1) {
                in[1] = static_cast<std::uint8_t>(0x82 + (n % 4));
            }
        }
        prov_command_list list{};
        if (prov_decode_command_list(in.data(), in.size(), &list) == PROV_CODEC_OK) {
            ++decodedSomething;
        }
        checkCommands(in);
        checkResponses(in);
        checkGeneric(in);
        if (::testing::Test::HasFatalFailure()) {
            FAIL() << "at input " << n;
        }
    }
    EXPECT_GT(decodedSomething, 0u); // at least the empty payloads decode
}

TEST(HostileInput, RandomMutationsOfValidMessagesAreSurvived) {
    std::mt19937 rng(7u);
    const Bytes seeds[] = {validCommandList(), validResponseList()};
    for (int n = 0; n < 50000; ++n) {
        Bytes in = seeds[n % 2];
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits && !in.empty(); ++e) {
            const std::size_t at = rng() % in.size();
            switch (rng() % 3) {
            case 0:
                in[at] = static_cast<std::uint8_t>(rng());
                break;
            case 1:
                in.erase(in.begin() + static_cast<std::ptrdiff_t>(at));
                break;
            default:
                in.insert(in.begin() + static_cast<std::ptrdiff_t>(at),
                          static_cast<std::uint8_t>(rng()));
                break;
            }
        }
        checkCommands(in);
        checkResponses(in);
        if (::testing::Test::HasFatalFailure()) {
            FAIL() << "at mutation " << n;
        }
    }
}
