// The wizards' pure parts: finding attestation tokens in saved logs, spelling out the
// differences between a device's credentials and the cloud's view, and how device events read.

#include "gui/wizards/ClaimPages.h"
#include "gui/wizards/ClaimWizard.h"
#include "gui/wizards/CredentialComparison.h"
#include "gui/wizards/DeviceStatesView.h"
#include "gui/wizards/FlowIcons.h"
#include "gui/wizards/TokenFinder.h"

#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <gtest/gtest.h>

namespace ps::gui {
namespace {

using namespace Qt::StringLiterals;

constexpr auto SampleUuid = "4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12";

QString readData(const QString &name) {
    QFile file(QStringLiteral(PROVSTATION_TEST_DATA) + u'/' + name);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << name.toStdString();
    return QString::fromUtf8(file.readAll());
}

struct LogCase {
    const char *file;
    int tokens;
};

class TokenFinderInLogs : public ::testing::TestWithParam<LogCase> {};

TEST_P(TokenFinderInLogs, FindsEveryTokenTheFirmwarePrinted) {
    const auto tokens = tokensIn(readData(QString::fromLatin1(GetParam().file)));
    ASSERT_EQ(tokens.size(), GetParam().tokens);
    for (const auto &token : tokens)
        EXPECT_EQ(ps::core::AttestationToken::uuidText(token.deviceUuid),
                  QString::fromLatin1(SampleUuid));
}

INSTANTIATE_TEST_SUITE_P(SavedLogs, TokenFinderInLogs,
                         ::testing::Values(LogCase{"logs/att-v1.5-boot-claim.log", 1},
                                           LogCase{"logs/att-legacy-token.log", 2},
                                           LogCase{"tokens/attesttoken-response.txt", 1},
                                           LogCase{"tokens/valid.txt", 1},
                                           LogCase{"logs/uptime-reboot.log", 0}));

TEST(TokenFinder, TakesTheNewestOfSeveralTokens) {
    const QString valid = readData(u"tokens/valid.txt"_s).trimmed();
    const QString text =
        u"first "_s + valid + u"\n[00:00:01.000,000] <wrn> cloud: "_s + valid + u"\n"_s;
    const auto token = lastTokenIn(text);
    ASSERT_TRUE(token.has_value());
    EXPECT_EQ(token->text, valid);
}

TEST(TokenFinder, IgnoresDottedTextThatIsNoToken) {
    const QString jwt = u"eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhYmNkZWZnaGlqIn0."
                        "c2lnbmF0dXJlc2lnbmF0dXJl"_s;
    const QString line = u"JWT: "_s + jwt;
    EXPECT_TRUE(tokensIn(line).isEmpty());
    for (const char *invalid :
         {"tokens/invalid-missing-dot.txt", "tokens/invalid-standard-base64.txt",
          "tokens/invalid-no-self-describe-tag.txt", "tokens/invalid-short-signature.txt"})
        EXPECT_TRUE(tokensIn(readData(QString::fromLatin1(invalid))).isEmpty()) << invalid;
    EXPECT_FALSE(lastTokenIn(u"nothing here"_s).has_value());
}

TEST(ClaimDevicePage, TakesTheNewestTokenFromASavedLogAndCanStartWithIt) {
    QTemporaryDir dir;
    HistorySettings history;
    history.database = dir.filePath(u"audit.sqlite"_s);
    ProvisioningContext context(AccountSettings{}, history);
    ClaimWizard wizard(&context, {});
    auto *page = qobject_cast<ClaimDevicePage *>(wizard.page(ClaimWizard::DevicePage));
    ASSERT_NE(page, nullptr);
    EXPECT_FALSE(page->isComplete());
    EXPECT_FALSE(page->takeTokenFromLog(QStringLiteral(PROVSTATION_TEST_DATA) +
                                        u"/logs/uptime-reboot.log"_s));
    EXPECT_TRUE(page->findChild<QLabel *>(u"tokenStatusLabel"_s)
                    ->text()
                    .contains(u"No attestation token"_s));
    ASSERT_TRUE(page->takeTokenFromLog(QStringLiteral(PROVSTATION_TEST_DATA) +
                                       u"/logs/att-legacy-token.log"_s));
    EXPECT_TRUE(page->isComplete());
    const QString status = page->findChild<QLabel *>(u"tokenStatusLabel"_s)->text();
    EXPECT_TRUE(status.contains(QString::fromLatin1(SampleUuid))) << status.toStdString();
    EXPECT_TRUE(status.contains(u"newest of 2"_s)) << status.toStdString();
    page->setToken(u"not a token"_s);
    EXPECT_FALSE(page->isComplete());
}

struct ComparisonCase {
    const char *name;
    std::optional<QList<int>> device;
    bool claimed;
    bool onboarded;
    const char *expected; ///< a phrase one of the sentences must hold
};

class CredentialDifferences : public ::testing::TestWithParam<ComparisonCase> {};

TEST_P(CredentialDifferences, AreSpelledOut) {
    CredentialComparison comparison;
    comparison.deviceTypes = GetParam().device;
    comparison.claimed = GetParam().claimed;
    comparison.onboarded = GetParam().onboarded;
    const QString text = comparison.differences().join(u'\n');
    EXPECT_TRUE(text.contains(QString::fromUtf8(GetParam().expected))) << text.toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CredentialDifferences,
    ::testing::Values(
        ComparisonCase{"provisioned", QList<int>{0, 2}, true, true, "Both sides look provisioned"},
        ComparisonCase{"keyLost", QList<int>{0}, true, true,
                       "no client private key on sec tag 16842753"},
        ComparisonCase{"keyLostListed", QList<int>{0}, true, true, "lost its key"},
        ComparisonCase{"empty", QList<int>{}, true, false, "no client private key"},
        ComparisonCase{"notListed", QList<int>{0, 2}, true, false, "nRF Cloud does not list it"},
        ComparisonCase{"notClaimed", QList<int>{0, 2}, false, false, "has not claimed the device"},
        ComparisonCase{"noDevice", std::nullopt, true, true, "one-sided"}),
    [](const ::testing::TestParamInfo<ComparisonCase> &caseInfo) {
        return std::string(caseInfo.param.name);
    });

TEST(CredentialComparison, NamesWhatTheDeviceHolds) {
    CredentialComparison comparison;
    EXPECT_EQ(comparison.deviceText(), u"not asked (the device is not at hand)"_s);
    comparison.deviceTypes = QList<int>{};
    EXPECT_EQ(comparison.deviceText(), u"nothing"_s);
    comparison.deviceTypes = QList<int>{0, 2};
    EXPECT_TRUE(comparison.deviceText().contains(u"private key"_s));
}

struct ToneCase {
    ps::core::TimelineLane lane;
    const char *state;
    DeviceStatesView::Tone tone;
};

class DeviceEventTone : public ::testing::TestWithParam<ToneCase> {};

TEST_P(DeviceEventTone, ShowsGoodBusyAttentionOrBad) {
    ps::station::DeviceEvent event;
    event.lane = GetParam().lane;
    event.state = QString::fromLatin1(GetParam().state);
    EXPECT_EQ(DeviceStatesView::toneOf(event), GetParam().tone);
}

using ps::core::TimelineLane;
using Tone = DeviceStatesView::Tone;
INSTANTIATE_TEST_SUITE_P(
    States, DeviceEventTone,
    ::testing::Values(ToneCase{TimelineLane::Lte, "pdn-up", Tone::Good},
                      ToneCase{TimelineLane::Lte, "pdn-down", Tone::Attention},
                      ToneCase{TimelineLane::Lte, "denied", Tone::Bad},
                      ToneCase{TimelineLane::Provisioning, "processing", Tone::Busy},
                      ToneCase{TimelineLane::Provisioning, "done", Tone::Good},
                      ToneCase{TimelineLane::Provisioning, "not-claimed", Tone::Bad},
                      ToneCase{TimelineLane::Cloud, "connected", Tone::Good},
                      ToneCase{TimelineLane::Cloud, "backoff", Tone::Attention}));

TEST(FlowIcons, EveryIconIsAnSvgInTheResources) {
    for (const FlowIcon id : allFlowIcons()) {
        EXPECT_FALSE(flowIcon(id).isNull()) << flowIconPath(id).toStdString();
        QFile file(flowIconPath(id));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << flowIconPath(id).toStdString();
        EXPECT_TRUE(file.readAll().contains("<svg"));
    }
}

} // namespace
} // namespace ps::gui
