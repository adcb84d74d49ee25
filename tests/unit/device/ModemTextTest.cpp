#include "DeviceTestSupport.h"
#include "device/ModemClient.h"

#include <gtest/gtest.h>

using ps::device::cmeErrorText;
using ps::device::ModemClient;

namespace {

struct Quoting {
    const char *atCommand;
    const char *shellCommand;
};

class ShellCommandFor : public ::testing::TestWithParam<Quoting> {};

TEST_P(ShellCommandFor, QuotesOnlyWhatTheShellWouldSplit) {
    const Quoting &c = GetParam();
    EXPECT_EQ(ModemClient::shellCommandFor(QString::fromUtf8(c.atCommand)),
              QString::fromUtf8(c.shellCommand));
}

INSTANTIATE_TEST_SUITE_P(
    Commands, ShellCommandFor,
    ::testing::Values(Quoting{"AT+CGSN", "at AT+CGSN"}, Quoting{"AT+CFUN=4", "at AT+CFUN=4"},
                      Quoting{"AT%CMNG=1,16842753", "at AT%CMNG=1,16842753"},
                      Quoting{"AT%JWT=0,300,\"sub\",\"aud\"", "at 'AT%JWT=0,300,\"sub\",\"aud\"'"},
                      Quoting{"AT%KEYGEN=16842753,2,0,\"O=Nordic Semiconductor\"",
                              "at 'AT%KEYGEN=16842753,2,0,\"O=Nordic Semiconductor\"'"},
                      Quoting{"AT+CGDCONT=0,\"IP\", \"apn\"", "at 'AT+CGDCONT=0,\"IP\", \"apn\"'"},
                      Quoting{"AT+X='a'", "at 'AT+X=\\'a\\''"}));

struct CmeCase {
    int code;
    const char *mustSay;
};

class CmeErrorText : public ::testing::TestWithParam<CmeCase> {};

TEST_P(CmeErrorText, SaysWhatWentWrongAndWhatToDo) {
    const CmeCase &c = GetParam();
    const QString text = cmeErrorText(c.code);
    EXPECT_TRUE(text.contains(QString::fromUtf8(c.mustSay))) << text.toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    Codes, CmeErrorText,
    ::testing::Values(CmeCase{513, "not found"}, CmeCase{514, "no access"},
                      CmeCase{515, "memory full"},
                      CmeCase{518, "not allowed while the modem is online: set it offline with "
                                   "AT+CFUN=4 first"},
                      CmeCase{519, "already exists"}, CmeCase{523, "key generation failed"},
                      CmeCase{528, "power-off warning"}, CmeCase{999, "modem error 999"},
                      CmeCase{-1, "modem error -1"}));

TEST(CmeErrorText, GivesEveryKnownCodeItsOwnText) {
    const QList<int> codes = {513, 514, 515, 518, 519, 523, 528};
    QStringList texts;
    for (int code : codes)
        texts.append(cmeErrorText(code));
    texts.removeDuplicates();
    EXPECT_EQ(texts.size(), codes.size());
}

} // namespace
