#include "cloudsim/TokenVerifier.h"

#include "SimTestSupport.h"
#include "core/AttestationToken.h"

#include <gtest/gtest.h>

using namespace ps::cloudsim;
using namespace ps::simtest;
using namespace Qt::StringLiterals;

TEST(TokenVerifier, AcceptsATokenSignedWithTheDevicesIdentityKey) {
    const TestDevice device = TestDevice::create();
    auto token = ps::core::AttestationToken::parse(device.attestationToken());
    ASSERT_TRUE(token.has_value()) << token.error().message.toStdString();
    EXPECT_EQ(ps::core::AttestationToken::uuidText(token->deviceUuid), device.uuid());
    auto verified = TokenVerifier::verify(*token, device.publicKeyPem());
    EXPECT_TRUE(verified.has_value()) << verified.error().toStdString();
}

TEST(TokenVerifier, RefusesATokenSignedWithAnotherKey) {
    const TestDevice device = TestDevice::create();
    const TestDevice impostor = TestDevice::create();
    auto token = ps::core::AttestationToken::parse(device.attestationTokenSignedBy(impostor));
    ASSERT_TRUE(token.has_value());
    auto verified = TokenVerifier::verify(*token, device.publicKeyPem());
    ASSERT_FALSE(verified.has_value());
    EXPECT_TRUE(verified.error().contains(u"does not verify"_s));
}

TEST(TokenVerifier, RefusesATokenWhosePart1WasChanged) {
    const TestDevice device = TestDevice::create();
    const TestDevice other = TestDevice::create();
    // Part 1 of another token (another nonce and UUID) with this token's signature.
    const QString tampered = other.attestationToken().section(u'.', 0, 0) + u'.' +
                             device.attestationToken().section(u'.', 1, 1);
    auto token = ps::core::AttestationToken::parse(tampered);
    ASSERT_TRUE(token.has_value());
    EXPECT_FALSE(TokenVerifier::verify(*token, device.publicKeyPem()).has_value());
    EXPECT_FALSE(TokenVerifier::verify(*token, other.publicKeyPem()).has_value());
}

TEST(TokenVerifier, ReportsAnUnreadablePublicKey) {
    const TestDevice device = TestDevice::create();
    auto token = ps::core::AttestationToken::parse(device.attestationToken());
    ASSERT_TRUE(token.has_value());
    auto verified = TokenVerifier::verify(*token, "-----BEGIN PUBLIC KEY-----\nAAAA\n");
    ASSERT_FALSE(verified.has_value());
    EXPECT_TRUE(verified.error().contains(u"cannot be read"_s));
}

TEST(TokenVerifier, SignatureInputIsTheCoseSigStructure) {
    // ["Signature1", h'a10126', h'', h'0102'] in CBOR.
    EXPECT_EQ(
        TokenVerifier::signatureInput(QByteArray::fromHex("a10126"), QByteArray::fromHex("0102"))
            .toHex(),
        QByteArray("846a5369676e61747572653143a101264042"
                   "0102"));
}
