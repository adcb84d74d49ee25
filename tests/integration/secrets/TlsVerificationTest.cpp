// TLS verification cannot be turned off: whatever a settings file says, whatever the process's
// default TLS configuration is, and whatever the command line is given, a server whose
// certificate is not trusted is refused with a clear error. (RestClient's own tests cover the
// error itself against an in-process stand-in; these cover the ways one might try to get
// around it, against the real provstation-cloudsim process.)
#include "SecretWorld.h"
#include "StationWorld.h"
#include "cli/ExitCode.h"
#include "cloud/CloudSettings.h"
#include "cloud/RestClient.h"

#include <QRegularExpression>
#include <QSettings>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using namespace Qt::StringLiterals;
using namespace ps::cloud;
using namespace ps::secrets::test;
using ps::station::test::CloudSimProcess;

namespace {

constexpr auto Key = "tls-test-key-3f0a";

/// The stand-in alone, with one account.
class StandIn {
public:
    StandIn()
        : m_process(m_dir.filePath(u"cloudsim"_s), m_dir.filePath(u"registry.jsonl"_s),
                    QStringList{QString::fromLatin1(Key)}) {
        m_ready = m_dir.isValid() && m_process.start();
    }
    [[nodiscard]] bool isReady() const { return m_ready; }
    [[nodiscard]] QString output() const { return m_process.output(); }
    [[nodiscard]] CloudSimProcess &process() { return m_process; }
    [[nodiscard]] QString path(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
    CloudSimProcess m_process;
    bool m_ready = false;
};

std::expected<RestResponse, ApiError> listDevices(const CloudSettings &settings) {
    RestClient client(settings);
    client.setApiKey(QString::fromLatin1(Key));
    return QCoro::waitFor(client.send(RestRequest::get(Service::Main, u"devices"_s)));
}

void expectRefusedAsUntrusted(const std::expected<RestResponse, ApiError> &reply) {
    ASSERT_FALSE(reply.has_value()) << "an untrusted server was talked to";
    EXPECT_EQ(reply.error().kind, ApiError::Kind::Tls) << reply.error().toString().toStdString();
    EXPECT_FALSE(reply.error().retryable);
    EXPECT_TRUE(reply.error().hint.startsWith(u"The server's certificate is not trusted"_s))
        << reply.error().hint.toStdString();
}

/// Keys a settings file might carry in the hope of skipping verification.
struct SwitchCase {
    const char *name;
    const char *key;
    const char *value;
};

class TlsSettingsSwitch : public testing::TestWithParam<SwitchCase> {};

} // namespace

TEST(TlsVerification, TheStandInIsReachedWhenItsCaIsTrusted) {
    StandIn standIn;
    ASSERT_TRUE(standIn.isReady()) << standIn.output().toStdString();
    const auto reply = listDevices(standIn.process().settings());
    ASSERT_TRUE(reply.has_value()) << reply.error().toString().toStdString();
    EXPECT_EQ(reply->httpStatus, 200);
}

TEST(TlsVerification, AServerWhoseCertificateIsNotTrustedIsRefusedWithAClearError) {
    StandIn standIn;
    ASSERT_TRUE(standIn.isReady()) << standIn.output().toStdString();
    CloudSettings settings = standIn.process().settings();
    settings.extraCaFile.clear();
    expectRefusedAsUntrusted(listDevices(settings));
}

TEST_P(TlsSettingsSwitch, InASettingsFileIsIgnoredAndTheServerStillRefused) {
    StandIn standIn;
    ASSERT_TRUE(standIn.isReady()) << standIn.output().toStdString();
    const CloudSettings reachable = standIn.process().settings();
    QSettings file(standIn.path(u"provstation.ini"_s), QSettings::IniFormat);
    file.setValue(u"cloud/provisioningBaseUrl"_s, reachable.provisioningBaseUrl.toString());
    file.setValue(u"cloud/mainBaseUrl"_s, reachable.mainBaseUrl.toString());
    file.setValue(QString::fromLatin1(GetParam().key), QString::fromLatin1(GetParam().value));
    file.sync();

    const CloudSettings loaded = CloudSettings::load(file);
    CloudSettings expected;
    expected.provisioningBaseUrl = reachable.provisioningBaseUrl;
    expected.mainBaseUrl = reachable.mainBaseUrl;
    EXPECT_EQ(loaded, expected) << "the switch changed the loaded settings";
    expectRefusedAsUntrusted(listDevices(loaded));
}

INSTANTIATE_TEST_SUITE_P(
    TlsVerification, TlsSettingsSwitch,
    testing::Values(SwitchCase{"verifyPeer", "cloud/verifyPeer", "false"},
                    SwitchCase{"ignoreSslErrors", "cloud/ignoreSslErrors", "true"},
                    SwitchCase{"insecure", "cloud/insecure", "true"},
                    SwitchCase{"tlsVerify", "cloud/tlsVerify", "off"},
                    SwitchCase{"peerVerifyMode", "cloud/peerVerifyMode", "VerifyNone"}),
    [](const testing::TestParamInfo<SwitchCase> &which) { return std::string(which.param.name); });

TEST(TlsVerification, TheSavedCloudSettingsHoldNothingAboutVerification) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QSettings file(dir.filePath(u"saved.ini"_s), QSettings::IniFormat);
    CloudSettings settings;
    settings.extraCaFile = u"/etc/provstation/stand-in-ca.pem"_s;
    settings.save(file);
    file.sync();
    const QStringList keys = file.allKeys();
    ASSERT_FALSE(keys.isEmpty());
    static const QRegularExpression switchLike(u"verif|insecure|ignore|ssl|tls|peer|trust"_s,
                                               QRegularExpression::CaseInsensitiveOption);
    for (const QString &key : keys)
        EXPECT_FALSE(switchLike.match(key).hasMatch()) << key.toStdString();
    // Every field round-trips, so no field was left out of this check.
    EXPECT_EQ(CloudSettings::load(file), settings);
}

TEST(TlsVerification, AProcessWideDefaultThatSkipsVerificationIsNotInherited) {
    StandIn standIn;
    ASSERT_TRUE(standIn.isReady()) << standIn.output().toStdString();
    const QSslConfiguration before = QSslConfiguration::defaultConfiguration();
    QSslConfiguration lax = before;
    lax.setPeerVerifyMode(QSslSocket::VerifyNone);
    QSslConfiguration::setDefaultConfiguration(lax);
    CloudSettings settings = standIn.process().settings();
    settings.extraCaFile.clear();
    const auto reply = listDevices(settings);
    QSslConfiguration::setDefaultConfiguration(before);
    expectRefusedAsUntrusted(reply);
}

TEST(TlsVerification, TheCommandLineHasNoOptionToSkipVerification) {
    const QString cli = QStringLiteral(PROVSTATION_CLI_EXECUTABLE);
    const ProgramRun help = runProgram(cli, {u"claim"_s, u"--help"_s},
                                       QProcessEnvironment::systemEnvironment(), 30'000);
    ASSERT_TRUE(help.finished) << help.text();
    EXPECT_TRUE(help.out.contains("--cloud-ca") || help.err.contains("--cloud-ca")) << help.text();
    static const QRegularExpression switchLike(u"insecure|no-verify|skip-verify|ignore-ssl"_s,
                                               QRegularExpression::CaseInsensitiveOption);
    EXPECT_FALSE(switchLike.match(QString::fromUtf8(help.out + help.err)).hasMatch())
        << help.text();
    for (const QString &option :
         {u"--insecure"_s, u"--no-verify"_s, u"-k"_s, u"--ignore-ssl-errors"_s}) {
        const ProgramRun run = runProgram(cli, {u"claim"_s, option, u"--port"_s, u"/dev/null"_s},
                                          QProcessEnvironment::systemEnvironment(), 30'000);
        EXPECT_EQ(run.status, ps::cli::UsageError) << option.toStdString() << '\n' << run.text();
    }
}

TEST(TlsVerification, TheCommandLineRefusesAnUntrustedServerWithAClearError) {
    ps::station::test::StationWorld world;
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    world.closeLink();
    QTemporaryDir records;
    ASSERT_TRUE(records.isValid());
    const ProgramRun run = runProgram(QStringLiteral(PROVSTATION_CLI_EXECUTABLE),
                                      {u"claim"_s, u"--port"_s, world.port(), u"--api-key-file"_s,
                                       world.keyFile(ps::station::test::StationWorld::PrimaryKey),
                                       u"--provisioning-url"_s, world.cloudSim().provisioningUrl(),
                                       u"--api-url"_s, world.cloudSim().apiUrl(), u"--audit-db"_s,
                                       records.filePath(u"audit.sqlite"_s)},
                                      QProcessEnvironment::systemEnvironment(), 150'000);
    EXPECT_EQ(run.status, ps::cli::CommandFailed) << run.text();
    EXPECT_TRUE(run.err.contains("certificate is not trusted")) << run.text();
}
