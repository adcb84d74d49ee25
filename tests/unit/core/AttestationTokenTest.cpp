#include "core/AttestationToken.h"

#include "TestData.h"
#include "core/Cbor.h"

#include <functional>
#include <gtest/gtest.h>

using namespace ps::core;
using namespace Qt::StringLiterals;

namespace {

QByteArray sampleNonce() {
    QByteArray nonce;
    for (char c = 0x10; c < 0x20; ++c)
        nonce.append(c);
    return nonce;
}

QByteArray sampleSignature(qsizetype size = 64) {
    QByteArray signature;
    for (qsizetype i = 0; i < size; ++i)
        signature.append(char((i * 7 + 3) & 0xff));
    return signature;
}

// The fields of tests/data/tokens/valid.txt, which was made independently of this code.
AttestationToken sampleToken() {
    AttestationToken token;
    token.messageType = 1;
    token.deviceUuid = QUuid::fromString(u"4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12");
    token.deviceType = 6;
    token.modemFirmwareUuid = QUuid::fromString(u"25c95751-efa4-40d4-8b4a-1dcaab81fac9");
    token.nonce = sampleNonce();
    token.coseAlgorithm = -7;
    token.coseKeyId = QByteArray("\x21", 1);
    token.signature = sampleSignature();
    return token;
}

QString validText() {
    return QString::fromLatin1(ps::core::test::readTestData(u"tokens/valid.txt"_s).trimmed());
}

QString tokenFrom(const QByteArray &part1, const QByteArray &part2) {
    return AttestationToken::base64Url(part1) + u'.' + AttestationToken::base64Url(part2);
}

// Part 1 with the five items written by `items`, so each case can spoil one of them.
QByteArray part1With(const std::function<void(CborWriter &)> &items, quint64 count = 5) {
    CborWriter writer;
    writer.appendTag(55799).startArray(count);
    items(writer);
    return writer.take();
}

QByteArray part2With(const std::function<void(CborWriter &)> &items, quint64 count = 4,
                     quint64 tag = 18) {
    CborWriter writer;
    writer.appendTag(tag).startArray(count);
    items(writer);
    return writer.take();
}

void protectedEs256(CborWriter &w) {
    w.appendBytes(QByteArray::fromHex("a10126"));
}

void unprotectedKid(CborWriter &w) {
    w.startMap(1).appendInteger(4).appendBytes(QByteArray("\x21", 1));
}

QByteArray validPart1() {
    return sampleToken().encodePart1();
}

QByteArray validPart2() {
    return sampleToken().encodePart2();
}

struct MalformedToken {
    const char *name;
    std::function<QString()> make;
    const char *error; // part of the expected message
};

class MalformedTokens : public ::testing::TestWithParam<MalformedToken> {};

} // namespace

TEST(AttestationToken, DecodesTheSampleToken) {
    const auto token = AttestationToken::parse(validText());
    ASSERT_TRUE(token.has_value()) << token.error().message.toStdString();
    EXPECT_EQ(token->text, validText());
    EXPECT_EQ(token->messageType, 1);
    EXPECT_EQ(AttestationToken::uuidText(token->deviceUuid),
              u"4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12"_s);
    EXPECT_EQ(token->deviceType, 6);
    EXPECT_EQ(token->deviceTypeName(), u"nRF9151 LACA"_s);
    EXPECT_EQ(AttestationToken::uuidText(token->modemFirmwareUuid),
              u"25c95751-efa4-40d4-8b4a-1dcaab81fac9"_s);
    EXPECT_EQ(token->nonce, sampleNonce());
    EXPECT_EQ(token->coseAlgorithm, -7);
    EXPECT_EQ(token->coseKeyId, QByteArray("\x21", 1));
    EXPECT_EQ(token->signature, sampleSignature());
    EXPECT_TRUE(token->part1Cbor.startsWith(QByteArray::fromHex("d9d9f7850150")));
}

TEST(AttestationToken, EncodesTheSameTextAsTheSample) {
    EXPECT_EQ(sampleToken().encode(), validText());
}

TEST(AttestationToken, RoundTripsEveryDeviceType) {
    for (int type = 1; type <= 8; ++type) {
        AttestationToken original = sampleToken();
        original.deviceType = type;
        original.nonce = QByteArray(16, char(type));
        const auto parsed = AttestationToken::parse(original.encode());
        ASSERT_TRUE(parsed.has_value()) << parsed.error().message.toStdString();
        EXPECT_EQ(parsed->deviceType, type);
        EXPECT_EQ(parsed->nonce, original.nonce);
        EXPECT_EQ(parsed->text, original.encode());
    }
}

TEST(AttestationToken, AcceptsTheModemResponseLineQuotesAndWhiteSpace) {
    const QString text = validText();
    const QStringList forms = {
        QString::fromLatin1(ps::core::test::readTestData(u"tokens/attesttoken-response.txt"_s)),
        u"%ATTESTTOKEN: \""_s + text + u'"',
        u"%ATTESTTOKEN:\""_s + text + u"\"\r\n"_s,
        u"\""_s + text + u'"',
        u"'"_s + text + u'\'',
        u"  \t"_s + text + u"\r\n"_s,
        u"\" "_s + text + u" \""_s,
    };
    for (const QString &form : forms) {
        const auto token = AttestationToken::parse(form);
        ASSERT_TRUE(token.has_value())
            << form.toStdString() << ": " << token.error().message.toStdString();
        EXPECT_EQ(token->text, text) << form.toStdString();
    }
}

TEST(AttestationToken, AcceptsCorrectPaddingAndSendsTheTokenWithoutIt) {
    const QString text = validText();
    const qsizetype dot = text.indexOf(u'.');
    QString part2 = text.sliced(dot + 1);
    while (part2.size() % 4 != 0)
        part2 += u'=';
    ASSERT_NE(part2, text.sliced(dot + 1)); // the sample part 2 really needs padding
    const auto token = AttestationToken::parse(QString(text.first(dot) + u'.' + part2));
    ASSERT_TRUE(token.has_value()) << token.error().message.toStdString();
    EXPECT_EQ(token->text, text);
}

TEST(AttestationToken, StartsLikeEveryDeviceIdentityToken) {
    EXPECT_TRUE(validText().startsWith(u"2dn3hQFQ"));
}

TEST_P(MalformedTokens, IsRefusedWithAPreciseReason) {
    const auto token = AttestationToken::parse(GetParam().make());
    ASSERT_FALSE(token.has_value());
    EXPECT_TRUE(token.error().message.contains(QString::fromUtf8(GetParam().error)))
        << "message: " << token.error().message.toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    AttestationToken, MalformedTokens,
    ::testing::Values(
        MalformedToken{"Empty", []() -> QString { return u"  "_s; }, "the token is empty"},
        MalformedToken{"EmptyQuotes", []() -> QString { return u"%ATTESTTOKEN: \"\""_s; },
                       "the token is empty"},
        MalformedToken{"UnmatchedQuote", []() -> QString { return u"\""_s + validText(); },
                       "unmatched quote"},
        MalformedToken{"NoDot",
                       []() -> QString { return AttestationToken::base64Url(validPart1()); },
                       "there is no '.'"},
        MalformedToken{"TwoDots", []() -> QString { return validText() + u".AAAA"_s; },
                       "found 2 dots"},
        MalformedToken{
            "EmptyPart1",
            []() -> QString { return u"."_s + AttestationToken::base64Url(validPart2()); },
            "part 1 is empty"},
        MalformedToken{"EmptyPart2",
                       []() -> QString { return AttestationToken::base64Url(validPart1()) + u'.'; },
                       "part 2 is empty"},
        MalformedToken{"StandardBase64Alphabet",
                       []() -> QString {
                           return QString::fromLatin1(
                               ps::core::test::readTestData(u"tokens/invalid-standard-base64.txt"_s)
                                   .trimmed());
                       },
                       "part 1 is not base64url: character '/' at position 24 (standard base64"},
        MalformedToken{"ForeignCharacter",
                       []() -> QString {
                           return u"2dn3h\u00e9QF."_s + AttestationToken::base64Url(validPart2());
                       },
                       "part 1 is not base64url: character '\xc3\xa9' at position 6"},
        MalformedToken{"ControlCharacter",
                       []() -> QString {
                           return u"2dn3\u0001hQF."_s + AttestationToken::base64Url(validPart2());
                       },
                       "character U+0001 at position 5"},
        MalformedToken{
            "PaddingInTheMiddle",
            []() -> QString { return u"2dn3=QFQ."_s + AttestationToken::base64Url(validPart2()); },
            "(padding inside the text)"},
        MalformedToken{"WrongPadding",
                       []() -> QString {
                           return AttestationToken::base64Url(validPart1()) + u"==."_s +
                                  AttestationToken::base64Url(validPart2());
                       },
                       "part 1: wrong padding (2 '=' on a part of 78 characters)"},
        MalformedToken{"ImpossibleLength",
                       []() -> QString {
                           return AttestationToken::base64Url(validPart1()) + u"A."_s +
                                  AttestationToken::base64Url(validPart2());
                       },
                       "part 1: 77 characters is not a possible base64url length"},
        MalformedToken{"NonCanonicalLastCharacter",
                       []() -> QString {
                           QString text = validText();
                           text.back() = u'x'; // the sample ends in 'w': 2 spare bits, now set
                           return text;
                       },
                       "part 2 is not canonical base64url"},
        MalformedToken{"PartLongerThan127Characters",
                       []() -> QString {
                           AttestationToken fields = sampleToken();
                           fields.signature = sampleSignature(100);
                           return fields.encode();
                       },
                       "part 2 is 151 characters long; a token part is shorter than 128"},
        MalformedToken{
            "NoSelfDescribeTag",
            []() -> QString {
                return QString::fromLatin1(
                    ps::core::test::readTestData(u"tokens/invalid-no-self-describe-tag.txt"_s)
                        .trimmed());
            },
            "part 1: expected the CBOR self-describe tag 55799 (d9 d9 f7), found '85 01 50 ...'"},
        MalformedToken{
            "NotAnArrayOfFive",
            []() -> QString {
                return tokenFrom(
                    part1With(
                        [](CborWriter &w) {
                            w.appendInteger(1).appendInteger(2).appendInteger(3).appendInteger(4);
                        },
                        4),
                    validPart2());
            },
            "part 1: expected an array of 5 items after the self-describe tag, found an array of 4 "
            "items"},
        MalformedToken{"MapInsteadOfArray",
                       []() -> QString {
                           CborWriter w;
                           w.appendTag(55799).startMap(0);
                           return tokenFrom(w.data(), validPart2());
                       },
                       "found a map of 0 entries"},
        MalformedToken{"UnknownMessageType",
                       []() -> QString {
                           AttestationToken fields = sampleToken();
                           fields.messageType = 2;
                           return fields.encode();
                       },
                       "part 1: unknown message type 2"},
        MalformedToken{"MessageTypeAsText",
                       []() -> QString {
                           return tokenFrom(part1With([](CborWriter &w) {
                                                const AttestationToken fields = sampleToken();
                                                w.appendText(u"1")
                                                    .appendBytes(fields.deviceUuid.toRfc4122())
                                                    .appendInteger(6)
                                                    .appendBytes(
                                                        fields.modemFirmwareUuid.toRfc4122())
                                                    .appendBytes(fields.nonce);
                                            }),
                                            validPart2());
                       },
                       "the message type must be a small unsigned integer, found a text string of "
                       "1 character"},
        MalformedToken{"ShortDeviceUuid",
                       []() -> QString {
                           return tokenFrom(
                               part1With([](CborWriter &w) {
                                   const AttestationToken fields = sampleToken();
                                   w.appendInteger(1)
                                       .appendBytes(fields.deviceUuid.toRfc4122().chopped(1))
                                       .appendInteger(6)
                                       .appendBytes(fields.modemFirmwareUuid.toRfc4122())
                                       .appendBytes(fields.nonce);
                               }),
                               validPart2());
                       },
                       "the device UUID must be a 16-byte string, found a byte string of 15 bytes"},
        MalformedToken{"NegativeDeviceType",
                       []() -> QString {
                           AttestationToken fields = sampleToken();
                           fields.deviceType = -1;
                           return fields.encode();
                       },
                       "the device type must be a small unsigned integer, found the integer -1"},
        MalformedToken{"FirmwareUuidAsText",
                       []() -> QString {
                           return tokenFrom(part1With([](CborWriter &w) {
                                                const AttestationToken fields = sampleToken();
                                                w.appendInteger(1)
                                                    .appendBytes(fields.deviceUuid.toRfc4122())
                                                    .appendInteger(6)
                                                    .appendText(u"25c95751")
                                                    .appendBytes(fields.nonce);
                                            }),
                                            validPart2());
                       },
                       "the modem firmware UUID must be a 16-byte string, found a text string"},
        MalformedToken{"ShortNonce",
                       []() -> QString {
                           AttestationToken fields = sampleToken();
                           fields.nonce = QByteArray(8, 'n');
                           return fields.encode();
                       },
                       "the nonce must be a 16-byte string, found a byte string of 8 bytes"},
        MalformedToken{
            "Part1TrailingByte",
            []() -> QString { return tokenFrom(validPart1() + QByteArray(1, '\0'), validPart2()); },
            "part 1: 1 unexpected byte after the CBOR item"},
        MalformedToken{"Part1Truncated",
                       []() -> QString { return tokenFrom(validPart1().chopped(3), validPart2()); },
                       "part 1: invalid CBOR at byte 40"},
        MalformedToken{
            "NotCoseSign1",
            []() -> QString {
                return tokenFrom(validPart1(), part2With([](CborWriter &) {}, 0, 17));
            },
            "part 2: expected a COSE_Sign1 structure (CBOR tag 18, byte d2), found 'd1 80'"},
        MalformedToken{"CoseArrayOfThree",
                       []() -> QString {
                           return tokenFrom(validPart1(), part2With(
                                                              [](CborWriter &w) {
                                                                  protectedEs256(w);
                                                                  unprotectedKid(w);
                                                                  w.appendNull();
                                                              },
                                                              3));
                       },
                       "part 2: COSE_Sign1 must be an array of 4 items, found an array of 3 items"},
        MalformedToken{"ProtectedHeaderNotBytes",
                       []() -> QString {
                           return tokenFrom(validPart1(), part2With([](CborWriter &w) {
                                                w.startMap(1).appendInteger(1).appendInteger(-7);
                                                unprotectedKid(w);
                                                w.appendNull().appendBytes(sampleSignature());
                                            }));
                       },
                       "the protected header must be a byte string, found a map of 1 entry"},
        MalformedToken{"ProtectedHeaderOtherAlgorithm",
                       []() -> QString {
                           AttestationToken fields = sampleToken();
                           fields.coseAlgorithm = -35;
                           return fields.encode();
                       },
                       "the protected header must be {1: -7} (ES256), found a map of 1 entry with "
                       "algorithm -35"},
        MalformedToken{"ProtectedHeaderNotCbor",
                       []() -> QString {
                           return tokenFrom(validPart1(), part2With([](CborWriter &w) {
                                                w.appendBytes(QByteArray::fromHex("a101"));
                                                unprotectedKid(w);
                                                w.appendNull().appendBytes(sampleSignature());
                                            }));
                       },
                       "the protected header is not valid CBOR"},
        MalformedToken{"UnprotectedHeaderNotAMap",
                       []() -> QString {
                           return tokenFrom(validPart1(), part2With([](CborWriter &w) {
                                                protectedEs256(w);
                                                w.startArray(0).appendNull().appendBytes(
                                                    sampleSignature());
                                            }));
                       },
                       "the unprotected header must be a map, found an array of 0 items"},
        MalformedToken{
            "KeyIdNotBytes",
            []() -> QString {
                return tokenFrom(
                    validPart1(), part2With([](CborWriter &w) {
                        protectedEs256(w);
                        w.startMap(1).appendInteger(4).appendInteger(33).appendNull().appendBytes(
                            sampleSignature());
                    }));
            },
            "the key id (unprotected header label 4) must be a byte string, found the integer 33"},
        MalformedToken{"AttachedPayload",
                       []() -> QString {
                           return tokenFrom(validPart1(), part2With([](CborWriter &w) {
                                                protectedEs256(w);
                                                unprotectedKid(w);
                                                w.appendBytes("x").appendBytes(sampleSignature());
                                            }));
                       },
                       "the COSE payload must be null (detached), found a byte string of 1 byte"},
        MalformedToken{
            "ShortSignature",
            []() -> QString {
                return QString::fromLatin1(
                    ps::core::test::readTestData(u"tokens/invalid-short-signature.txt"_s)
                        .trimmed());
            },
            "the signature must be a 64-byte string (ES256), found a byte string of 63 bytes"},
        MalformedToken{
            "SignatureAsText",
            []() -> QString {
                return tokenFrom(validPart1(), part2With([](CborWriter &w) {
                                     protectedEs256(w);
                                     unprotectedKid(w);
                                     w.appendNull().appendText(u"sig");
                                 }));
            },
            "the signature must be a 64-byte string (ES256), found a text string of 3 characters"},
        MalformedToken{
            "Part2TrailingBytes",
            []() -> QString { return tokenFrom(validPart1(), validPart2() + QByteArray(2, '\0')); },
            "part 2: 2 unexpected bytes after the COSE_Sign1 structure"},
        MalformedToken{
            "MissingDotFile",
            []() -> QString {
                return QString::fromLatin1(
                    ps::core::test::readTestData(u"tokens/invalid-missing-dot.txt"_s).trimmed());
            },
            "there is no '.'"}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(AttestationToken, AcceptsAMissingKeyId) {
    AttestationToken fields = sampleToken();
    fields.coseKeyId.clear();
    const auto parsed = AttestationToken::parse(fields.encode());
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message.toStdString();
    EXPECT_TRUE(parsed->coseKeyId.isEmpty());
}

TEST(AttestationToken, NamesDeviceTypes) {
    const QStringList names = {u"nRF9160 SIAA"_s, u"nRF9160 SIBA"_s, u"nRF9160 SICA"_s,
                               u"nRF9161 LACA"_s, u"nRF9131 LACA"_s, u"nRF9151 LACA"_s};
    for (int i = 0; i < names.size(); ++i)
        EXPECT_EQ(AttestationToken::deviceTypeName(i + 1), names[i]);
    EXPECT_EQ(AttestationToken::deviceTypeName(0), u"unknown (0)"_s);
    EXPECT_EQ(AttestationToken::deviceTypeName(7), u"unknown (7)"_s);
}

TEST(AttestationToken, WritesUuidsInLowerCaseWithoutBraces) {
    EXPECT_EQ(
        AttestationToken::uuidText(QUuid::fromString(u"{4A2F6C1E-93B7-4D05-8E21-7C3FA9B04D12}")),
        u"4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12"_s);
}
