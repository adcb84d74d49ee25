// The API key goes nowhere: the claim and reprovision flows (in the station's own process and
// through provstation-cli) run against the real provstation-cloudsim and provstation-devsim with
// a distinctive key, logging at debug level; then every file the application wrote and
// everything it printed is searched for the key in every form it could take.
#include "SecretScan.h"
#include "SecretWorld.h"
#include "StationWorld.h"
#include "cli/ExitCode.h"
#include "cloud/ApiKeyStore.h"
#include "station/ClaimFlow.h"
#include "station/ReprovisionFlow.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace ps::secrets::test;
using namespace ps::station;
using namespace ps::station::test;

namespace {

/// The account's key: distinctive, and with characters that percent-encoding changes.
constexpr auto Key = "psk-Hyg1ene+Secret/Key_7c2e.d41~x";
/// A key the stand-in refuses: the error paths must not show it either.
constexpr auto WrongKey = "psk-Wr0ng+Guess/Key_0b9a.e17~y";

constexpr int FlowDeadline = 120'000;
constexpr int CliDeadline = 150'000;

QList<SecretForm> formsOfBothKeys() {
    QList<SecretForm> forms;
    for (const char *key : {Key, WrongKey}) {
        for (SecretForm form : secretForms(QByteArray(key))) {
            form.name =
                QString::fromLatin1(key == Key ? "the key, " : "the wrong key, ") + form.name;
            forms.append(form);
        }
    }
    return forms;
}

/// The audit database and the files SQLite keeps beside it (journal, WAL).
QList<Sighting> findInDatabase(const QString &path, const QList<SecretForm> &forms,
                               QByteArray *content) {
    QList<Sighting> sightings;
    for (const QString &suffix : {u""_s, u"-journal"_s, u"-wal"_s, u"-shm"_s}) {
        QFile file(path + suffix);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray data = file.readAll();
        content->append(data);
        sightings += findIn(path + suffix, data, forms);
    }
    return sightings;
}

WorldOptions withTheKeysAccount() {
    WorldOptions options;
    options.extraApiKeys = QStringList{QString::fromLatin1(Key)};
    return options;
}

FlowSetup setupFor(StationWorld &world, ps::cloud::RestClient &client) {
    FlowSetup setup;
    setup.firmware = world.firmware();
    setup.device = &world.link();
    setup.cloud = &client;
    setup.store = &world.store();
    setup.station = StationIdentity{u"hygiene-operator"_s, u"hygiene-station"_s, u"slot-1"_s};
    return setup;
}

ClaimOptions claimOptions() {
    ClaimOptions options;
    options.provisionTimeout = 60s;
    options.verifyTimeout = 30s;
    options.pollInterval = 200ms;
    options.retryDelay = 200ms;
    return options;
}

ReprovisionOptions reprovisionOptions() {
    ReprovisionOptions options;
    options.trigger = ReprovisionOptions::Trigger::Shell;
    options.followTimeout = 60s;
    options.verifyTimeout = 30s;
    options.pollInterval = 200ms;
    options.retryDelay = 200ms;
    return options;
}

/// A file holding `key`, outside the folders that are searched (the key has to be somewhere).
QString keyFileIn(const QString &folder, const char *key) {
    const QString name = QString::fromLatin1(QByteArray(key).toHex()) + u".key"_s;
    const QString path = QDir(folder).filePath(name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(QByteArray(key) + '\n');
    return path;
}

} // namespace

// The search finds what it looks for: a key hidden in each form is seen (so an empty result
// below means something).
TEST(SecretScan, SeesTheKeyInEveryFormItLooksFor) {
    const QByteArray key(Key);
    const QByteArray basic = QByteArray("user:") + key;
    const QByteArray urlSafe = QByteArray("x") + key + QByteArray("yz");
    const QList<QByteArray> hidden{
        QByteArray("Authorization: Bearer ") + key + QByteArray("\r\n"),
        QByteArray("Authorization: Basic ") + basic.toBase64() + QByteArray("\r\n"),
        QByteArray("token=") + urlSafe.toBase64(QByteArray::Base64UrlEncoding) + QByteArray("&"),
        QByteArray("GET /v1/devices?key=") + QUrl::toPercentEncoding(QString::fromLatin1(key)) +
            QByteArray(" HTTP/1.1"),
        QByteArray("{\"apiKey\":\"") + QByteArray(key).replace("/", "\\/") + QByteArray("\"}"),
        QByteArray("blob ") + key.toHex() + QByteArray(" end"),
    };
    const QList<SecretForm> forms = secretForms(key);
    for (const QByteArray &text : hidden)
        EXPECT_FALSE(findIn(u"sample"_s, text, forms).isEmpty()) << text.toStdString();
    const QString utf16 = u"key: "_s + QString::fromLatin1(key);
    EXPECT_FALSE(findIn(u"UTF-16"_s,
                        QByteArray(reinterpret_cast<const char *>(utf16.utf16()), utf16.size() * 2),
                        forms)
                     .isEmpty());
    EXPECT_TRUE(findIn(u"innocent"_s, "Authorization: Bearer <redacted>", forms).isEmpty());
}

TEST(SecretHygiene, TheClaimAndReprovisionFlowsLeaveTheKeyInNoFileAndNoOutput) {
    // The world first: the stand-in's state and the key files are not the application's, so
    // they stay outside the private home that is searched.
    StationWorld world(withTheKeysAccount());
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    PrivateHome home;
    ASSERT_TRUE(home.isValid());
    auto client = world.clientWithKey(QString::fromLatin1(Key));
    auto wrong = world.clientWithKey(QString::fromLatin1(WrongKey));

    std::optional<Verdict> refused;
    std::optional<Verdict> claimed;
    std::optional<Verdict> reprovisioned;
    QByteArray messages;
    OutputCapture output(home.path(u"captured"_s));
    ASSERT_TRUE(output.isCapturing());
    {
        const DebugLogging logging;
        {
            ClaimFlow flow(setupFor(world, *wrong), claimOptions());
            if (StationWorld::run(flow, FlowDeadline))
                refused = flow.verdict();
        }
        {
            ClaimFlow flow(setupFor(world, *client), claimOptions());
            if (StationWorld::run(flow, FlowDeadline))
                claimed = flow.verdict();
        }
        {
            ReprovisionFlow flow(setupFor(world, *client), reprovisionOptions());
            if (StationWorld::run(flow, FlowDeadline))
                reprovisioned = flow.verdict();
        }
        messages = logging.text();
    }
    output.stop();
    ASSERT_EQ(refused, Verdict::Failed) << "the wrong key's claim should fail";
    ASSERT_EQ(claimed, Verdict::Succeeded) << output.err().toStdString();
    ASSERT_EQ(reprovisioned, Verdict::Succeeded) << output.err().toStdString();
    world.store().close();

    const QList<SecretForm> forms = formsOfBothKeys();
    QStringList searched;
    QList<Sighting> sightings = findInTree(home.root(), forms, &searched);
    QByteArray audit;
    sightings += findInDatabase(world.auditPath(), forms, &audit);
    sightings += findIn(u"Qt messages"_s, messages, forms);
    EXPECT_TRUE(sightings.isEmpty()) << describe(sightings);

    // There was something to search: the debug log followed the cloud calls, the audit store
    // holds the three attempts (with the refusal), and stderr got the messages.
    EXPECT_TRUE(messages.contains("provstation.cloud debug:")) << messages.left(2000).toStdString();
    EXPECT_TRUE(audit.contains(world.deviceId().toUtf8()));
    EXPECT_TRUE(audit.contains("reprovision"));
    EXPECT_TRUE(searched.contains(home.path(u"captured/stderr.txt"_s)));
    EXPECT_TRUE(output.err().contains("provstation.") || output.err().contains("POST"))
        << output.err().left(2000).toStdString();
}

TEST(SecretHygiene, TheCommandLineClaimReprovisionAndAuditLeaveTheKeyInNoFileAndNoOutput) {
    // The world first: the stand-in's state and the key files are not the application's, so
    // they stay outside the private home that is searched.
    StationWorld world(withTheKeysAccount());
    ASSERT_TRUE(world.isReady()) << world.problem().toStdString();
    PrivateHome home;
    ASSERT_TRUE(home.isValid());
    world.closeLink(); // provstation-cli opens the port itself
    const QString cli = QStringLiteral(PROVSTATION_CLI_EXECUTABLE);
    const QString auditDb = home.path(u"home/records/audit.sqlite"_s);
    QDir().mkpath(home.path(u"home/records"_s));

    QProcessEnvironment environment = home.environment();
    environment.insert(u"QT_LOGGING_RULES"_s, u"*.debug=true"_s);
    environment.remove(u"PROVSTATION_API_KEY"_s);
    auto cloudOptions = [&](const QString &keyFile) -> QStringList {
        QStringList options{u"--cloud-ca"_s,
                            world.cloudSim().caFile(),
                            u"--provisioning-url"_s,
                            world.cloudSim().provisioningUrl(),
                            u"--api-url"_s,
                            world.cloudSim().apiUrl(),
                            u"--audit-db"_s,
                            auditDb,
                            u"--port"_s,
                            world.port(),
                            u"--verbose"_s};
        if (!keyFile.isEmpty())
            options += QStringList{u"--api-key-file"_s, keyFile};
        return options;
    };

    QList<std::pair<QString, ProgramRun>> runs;
    const ProgramRun refused =
        runProgram(cli, QStringList{u"claim"_s} + cloudOptions(keyFileIn(world.folder(), WrongKey)),
                   environment, CliDeadline);
    runs.append({u"claim with the wrong key"_s, refused});
    EXPECT_EQ(refused.status, ps::cli::CommandFailed) << refused.text();

    const ProgramRun claim =
        runProgram(cli,
                   QStringList{u"claim"_s, u"--json"_s, u"--provision-timeout"_s, u"60"_s} +
                       cloudOptions(keyFileIn(world.folder(), Key)),
                   environment, CliDeadline);
    runs.append({u"claim"_s, claim});
    ASSERT_EQ(claim.status, ps::cli::Success) << claim.text();

    // The key from the environment this time, as a headless station might give it.
    QProcessEnvironment withKey = environment;
    withKey.insert(QString::fromLatin1(ps::cloud::ApiKeyStore::EnvironmentVariable),
                   QString::fromLatin1(Key));
    const ProgramRun reprovision = runProgram(
        cli, QStringList{u"reprovision"_s, u"--json"_s} + cloudOptions({}), withKey, CliDeadline);
    runs.append({u"reprovision"_s, reprovision});
    ASSERT_EQ(reprovision.status, ps::cli::Success) << reprovision.text();

    const QString exports = home.path(u"home/exports"_s);
    QDir().mkpath(exports);
    const QList<QStringList> auditCommands{
        {u"audit"_s, u"list"_s, u"--json"_s},
        {u"audit"_s, u"export"_s, u"--csv"_s, u"--output"_s, exports + u"/audit.csv"_s},
        {u"audit"_s, u"export"_s, u"--json"_s, u"--output"_s, exports + u"/audit.json"_s},
        {u"audit"_s, u"verify"_s},
    };
    for (const QStringList &arguments : auditCommands) {
        const ProgramRun run = runProgram(cli, arguments + QStringList{u"--audit-db"_s, auditDb},
                                          withKey, CliDeadline);
        runs.append({arguments.join(u' '), run});
        EXPECT_EQ(run.status, ps::cli::Success) << run.text();
    }

    const QList<SecretForm> forms = formsOfBothKeys();
    QStringList searched;
    QList<Sighting> sightings = findInTree(home.root(), forms, &searched);
    for (const auto &[name, run] : std::as_const(runs)) {
        sightings += findIn(name + u" stdout"_s, run.out, forms);
        sightings += findIn(name + u" stderr"_s, run.err, forms);
    }
    EXPECT_TRUE(sightings.isEmpty()) << describe(sightings);

    // There was something to search: the records, both exports, and debug output of the cloud
    // calls.
    EXPECT_TRUE(searched.contains(auditDb));
    EXPECT_TRUE(searched.contains(exports + u"/audit.csv"_s));
    EXPECT_TRUE(searched.contains(exports + u"/audit.json"_s));
    QFile json(exports + u"/audit.json"_s);
    ASSERT_TRUE(json.open(QIODevice::ReadOnly));
    EXPECT_EQ(QJsonDocument::fromJson(json.readAll()).array().size(), 3);
    EXPECT_TRUE(claim.err.contains("provstation.cloud")) << claim.text();
}
