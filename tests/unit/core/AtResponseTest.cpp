#include "core/AtResponse.h"

#include "TestData.h"

#include <gtest/gtest.h>

using namespace ps::core;
using namespace Qt::StringLiterals;
using FinalKind = AtFinalLine::Kind;

namespace {

struct FinalCase {
    const char *name;
    QString line;
    std::optional<AtFinalLine> expected;
};

class FinalLines : public ::testing::TestWithParam<FinalCase> {};

} // namespace

TEST_P(FinalLines, AreClassified) {
    EXPECT_EQ(AtResponse::finalLine(GetParam().line), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    AtResponse, FinalLines,
    ::testing::Values(
        FinalCase{"Ok", u"OK"_s, AtFinalLine{FinalKind::Ok, 0}},
        FinalCase{"OkWithWhiteSpace", u" OK \r"_s, AtFinalLine{FinalKind::Ok, 0}},
        FinalCase{"Error", u"ERROR"_s, AtFinalLine{FinalKind::Error, 0}},
        FinalCase{"CmeError", u"+CME ERROR: 518"_s, AtFinalLine{FinalKind::CmeError, 518}},
        FinalCase{"CmeErrorWithoutSpace", u"+CME ERROR:513"_s,
                  AtFinalLine{FinalKind::CmeError, 513}},
        FinalCase{"TransportFailure", u"Sending AT command failed with error code -116"_s,
                  AtFinalLine{FinalKind::TransportFailure, -116}},
        FinalCase{"OkInsideTextIsNotFinal", u"OK then"_s, std::nullopt},
        FinalCase{"CmeErrorWithoutCode", u"+CME ERROR: x"_s, std::nullopt},
        FinalCase{"ResponseLine", u"+CFUN: 1"_s, std::nullopt},
        FinalCase{"Empty", QString(), std::nullopt}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(AtResponse, ReadsTheImeiInBothForms) {
    EXPECT_EQ(AtResponse::imei(u"352404612345676"), u"352404612345676"_s);
    EXPECT_EQ(AtResponse::imei(u"+CGSN: \"490154203237518\"\r"), u"490154203237518"_s);
    EXPECT_EQ(AtResponse::imei(u" 490154203237518 "), u"490154203237518"_s);
}

TEST(AtResponse, RefusesMalformedImeis) {
    const QStringList bad = {u"35240461234567"_s,
                             u"3524046123456760"_s,
                             u"35240461234567a"_s,
                             u"+CGSN: 352404612345676x"_s,
                             u"OK"_s,
                             QString()};
    for (const QString &line : bad) {
        const auto imei = AtResponse::imei(line);
        ASSERT_FALSE(imei.has_value()) << line.toStdString();
        EXPECT_TRUE(imei.error().message.contains(u"15-digit IMEI"_s))
            << imei.error().message.toStdString();
    }
    const auto wrongCheck = AtResponse::imei(u"352404612345677");
    ASSERT_FALSE(wrongCheck.has_value());
    EXPECT_EQ(wrongCheck.error().message, u"IMEI 352404612345677 has a wrong check digit"_s);
}

TEST(AtResponse, ChecksTheImeiCheckDigitWithLuhn) {
    // The check digit that makes each prefix valid is the only one accepted.
    const QStringList prefixes = {u"35240461234567"_s, u"49015420323751"_s, u"00000000000000"_s,
                                  u"99999999999999"_s};
    for (const QString &prefix : prefixes) {
        int valid = 0;
        for (char digit = '0'; digit <= '9'; ++digit)
            valid += AtResponse::isValidImei(QString(prefix + QLatin1Char(digit))) ? 1 : 0;
        EXPECT_EQ(valid, 1) << prefix.toStdString();
    }
    EXPECT_TRUE(AtResponse::isValidImei(u"490154203237518"));
    EXPECT_FALSE(AtResponse::isValidImei(u"490154203237517"));
}

TEST(AtResponse, ReadsTheDeviceAndModemFirmwareUuids) {
    const auto device =
        AtResponse::deviceUuid(u"%DEVICEUUID: 4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12");
    ASSERT_TRUE(device.has_value()) << device.error().message.toStdString();
    EXPECT_EQ(*device, QUuid::fromString(u"4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12"));
    const auto quoted =
        AtResponse::deviceUuid(u"%DEVICEUUID: \"4A2F6C1E-93B7-4D05-8E21-7C3FA9B04D12\"");
    ASSERT_TRUE(quoted.has_value());
    EXPECT_EQ(*quoted, *device);
    const auto modem =
        AtResponse::modemFirmwareUuid(u"%XMODEMUUID: 25c95751-efa4-40d4-8b4a-1dcaab81fac9");
    ASSERT_TRUE(modem.has_value());
    EXPECT_EQ(*modem, QUuid::fromString(u"25c95751-efa4-40d4-8b4a-1dcaab81fac9"));
}

TEST(AtResponse, RefusesMalformedUuids) {
    EXPECT_TRUE(AtResponse::deviceUuid(u"%DEVICEUUID: 4a2f6c1e-93b7-4d05-8e21")
                    .error()
                    .message.contains(u"not a UUID"_s));
    EXPECT_TRUE(AtResponse::deviceUuid(u"%DEVICEUUID: {4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12}")
                    .error()
                    .message.contains(u"not a UUID"_s));
    EXPECT_TRUE(AtResponse::deviceUuid(u"%XMODEMUUID: 25c95751-efa4-40d4-8b4a-1dcaab81fac9")
                    .error()
                    .message.contains(u"expected '%DEVICEUUID: <uuid>'"_s));
    EXPECT_FALSE(AtResponse::modemFirmwareUuid(u"%XMODEMUUID: zzc95751-efa4-40d4-8b4a-1dcaab81fac9")
                     .has_value());
}

TEST(AtResponse, ReadsTheFunctionalMode) {
    EXPECT_EQ(AtResponse::functionalMode(u"+CFUN: 4"), 4);
    EXPECT_EQ(AtResponse::functionalMode(u"+CFUN: 44"), 44);
    EXPECT_FALSE(AtResponse::functionalMode(u"+CFUN: x").has_value());
    EXPECT_FALSE(AtResponse::functionalMode(u"+CFUN:").has_value());
    EXPECT_FALSE(AtResponse::functionalMode(u"OK").has_value());
    EXPECT_EQ(AtResponse::functionalModeName(4), u"offline"_s);
    EXPECT_EQ(AtResponse::functionalModeName(44), u"offline, SIM on"_s);
    EXPECT_EQ(AtResponse::functionalModeName(3), u"mode 3"_s);
}

TEST(AtResponse, ReadsCredentialListLines) {
    const QString sha = u"2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD1"_s;
    EXPECT_EQ(AtResponse::credential(QString(u"%CMNG: 16842753,0,\""_s + sha + u'"')),
              (CmngEntry{16842753, 0, sha}));
    EXPECT_EQ(AtResponse::credential(u"%CMNG: 189298,0"), (CmngEntry{189298, 0, QString()}));
    EXPECT_EQ(AtResponse::credential(u"%CMNG: 4294967295, 2 ,\"\""),
              (CmngEntry{4294967295u, 2, {}}));

    const QStringList bad = {u"%CMNG: 16842753"_s,    u"%CMNG: a,0"_s,  u"%CMNG: \"1\",0"_s,
                             u"%CMNG: 1,0,\"abc"_s,   u"%CMNG: -1,0"_s, u"%CMNG: 4294967296,0"_s,
                             u"%CMNG: 1,0,\"x\",4"_s, u"+CFUN: 1"_s};
    for (const QString &line : bad)
        EXPECT_FALSE(AtResponse::credential(line).has_value()) << line.toStdString();
    const auto shortSha = AtResponse::credential(u"%CMNG: 1,0,\"ABCD\"");
    ASSERT_FALSE(shortSha.has_value());
    EXPECT_TRUE(shortSha.error().message.contains(u"not 64 hex digits"_s));
    EXPECT_EQ(AtResponse::credentialTypeName(0), u"root CA"_s);
    EXPECT_EQ(AtResponse::credentialTypeName(6), u"device identity public key"_s);
    EXPECT_EQ(AtResponse::credentialTypeName(7), u"type 7"_s);
}

TEST(AtResponse, ReadsTheAttestationTokenLine) {
    const QString line =
        QString::fromLatin1(ps::core::test::readTestData(u"tokens/attesttoken-response.txt"_s));
    const QString token =
        QString::fromLatin1(ps::core::test::readTestData(u"tokens/valid.txt"_s).trimmed());
    EXPECT_EQ(AtResponse::attestationToken(line), token);
    EXPECT_FALSE(AtResponse::attestationToken(u"%ATTESTTOKEN: \"\"").has_value());
    EXPECT_FALSE(AtResponse::attestationToken(u"%ATTESTTOKEN: \"abc").has_value());
    EXPECT_FALSE(AtResponse::attestationToken(u"OK").has_value());
}

TEST(AtResponse, ReadsGenericValues) {
    EXPECT_EQ(AtResponse::value(u"%KEYGEN: \"MIIB.ABC\"", u"%KEYGEN:"), u"MIIB.ABC"_s);
    EXPECT_EQ(AtResponse::value(u"%JWT: \"a.b.c\"", u"%JWT:"), u"a.b.c"_s);
    EXPECT_EQ(AtResponse::value(u"+CGMR: mfw_nrf91x1_2.0.2", u"+CGMR:"), u"mfw_nrf91x1_2.0.2"_s);
    EXPECT_FALSE(AtResponse::value(u"%KEYGEN: \"a\"b\"", u"%KEYGEN:").has_value());
}

namespace {

struct CeregCase {
    const char *name;
    QString line;
    CeregStatus expected;
};

CeregStatus cereg(int stat, QString tac = {}, QString ci = {}, std::optional<int> act = {},
                  std::optional<int> causeType = {}, std::optional<int> reject = {},
                  QString active = {}, QString tau = {}, std::optional<int> mode = {}) {
    CeregStatus s;
    s.mode = mode;
    s.stat = stat;
    s.tac = std::move(tac);
    s.cellId = std::move(ci);
    s.accessTechnology = act;
    s.causeType = causeType;
    s.rejectCause = reject;
    s.activeTime = std::move(active);
    s.periodicTau = std::move(tau);
    return s;
}

class Cereg : public ::testing::TestWithParam<CeregCase> {};

} // namespace

TEST_P(Cereg, IsReadIntoItsFields) {
    const auto status = AtResponse::cereg(GetParam().line);
    ASSERT_TRUE(status.has_value()) << status.error().message.toStdString();
    EXPECT_EQ(*status, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    AtResponse, Cereg,
    ::testing::Values(CeregCase{"StatOnly", u"+CEREG: 2"_s, cereg(2)},
                      CeregCase{"Registered", u"+CEREG: 1,\"0A2D\",\"0120F1AB\",7"_s,
                                cereg(1, u"0A2D"_s, u"0120F1AB"_s, 7)},
                      CeregCase{"Rejected", u"+CEREG: 3,\"0A2D\",\"0120F1AB\",9,0,15"_s,
                                cereg(3, u"0A2D"_s, u"0120F1AB"_s, 9, 0, 15)},
                      CeregCase{"WithPsmTimers",
                                u"+CEREG: 5,\"0A2D\",\"0120F1AB\",7,,,\"00100001\",\"00000110\""_s,
                                cereg(5, u"0A2D"_s, u"0120F1AB"_s, 7, {}, {}, u"00100001"_s,
                                      u"00000110"_s)},
                      CeregCase{"EventHandlerPrefix", u"AT event handler: +CEREG: 90"_s, cereg(90)},
                      CeregCase{"ReadResponseWithMode", u"+CEREG: 5,1,\"0A2D\",\"0120F1AB\",7"_s,
                                cereg(1, u"0A2D"_s, u"0120F1AB"_s, 7, {}, {}, {}, {}, 5)},
                      CeregCase{"ReadResponseNotRegistered", u"+CEREG: 5,4"_s,
                                cereg(4, {}, {}, {}, {}, {}, {}, {}, 5)}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(AtResponse, RefusesMalformedCeregLines) {
    const QStringList bad = {u"+CEREG:"_s,          u"+CEREG: x"_s,
                             u"+CEREG: \"1\""_s,    u"+CEREG: 1,\"ZZZZ\",\"0120F1AB\",7"_s,
                             u"+CEREG: 1,\"0A2D"_s, u"+CGEV: ME DETACH"_s};
    for (const QString &line : bad)
        EXPECT_FALSE(AtResponse::cereg(line).has_value()) << line.toStdString();
}

TEST(AtResponse, NamesRegistrationStates) {
    EXPECT_EQ(CeregStatus::statName(1), u"registered, home network"_s);
    EXPECT_EQ(CeregStatus::statName(90), u"SIM failure"_s);
    EXPECT_EQ(CeregStatus::statName(7), u"status 7"_s);
    EXPECT_TRUE(cereg(5).isRegistered());
    EXPECT_FALSE(cereg(2).isRegistered());
}

TEST(AtResponse, ReadsPacketDomainEvents) {
    using K = CgevEvent::Kind;
    const std::vector<std::tuple<QString, K, bool, std::optional<int>>> cases = {
        {u"+CGEV: ME PDN ACT 0"_s, K::PdnActivated, false, 0},
        {u"+CGEV: ME PDN ACT 1,2"_s, K::PdnActivated, false, 1},
        {u"+CGEV: ME PDN DEACT 0"_s, K::PdnDeactivated, false, 0},
        {u"AT event handler: +CGEV: NW PDN DEACT 0"_s, K::PdnDeactivated, true, 0},
        {u"+CGEV: ME DETACH"_s, K::Detached, false, std::nullopt},
        {u"+CGEV: NW DETACH"_s, K::Detached, true, std::nullopt},
        {u"+CGEV: IPV6 0"_s, K::Ipv6LinkUp, false, 0},
        {u"+CGEV: IPV6 FAIL 0"_s, K::Ipv6LinkDown, false, 0},
        {u"+CGEV: ME CLASS B"_s, K::Other, false, std::nullopt},
    };
    for (const auto &[line, kind, byNetwork, cid] : cases) {
        const auto event = AtResponse::cgev(line);
        ASSERT_TRUE(event.has_value()) << line.toStdString();
        EXPECT_EQ(event->kind, kind) << line.toStdString();
        EXPECT_EQ(event->byNetwork, byNetwork) << line.toStdString();
        EXPECT_EQ(event->cid, cid) << line.toStdString();
        EXPECT_EQ(event->text, line.sliced(line.indexOf(u"+CGEV: ") + 7));
    }
    EXPECT_FALSE(AtResponse::cgev(u"+CGEV:").has_value());
    EXPECT_FALSE(AtResponse::cgev(u"+CEREG: 1").has_value());
}

TEST(AtResponse, ExplainsCmeErrors) {
    EXPECT_EQ(AtResponse::cmeErrorText(518), u"not allowed while the modem is active"_s);
    EXPECT_EQ(AtResponse::cmeErrorText(513), u"not found"_s);
    EXPECT_EQ(AtResponse::cmeErrorText(999), u"CME error 999"_s);
}
