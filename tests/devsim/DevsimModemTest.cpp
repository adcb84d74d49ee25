// The emulated modem of the real provstation-devsim, driven through the shell's `at` command.
#include "CryptoCheck.h"
#include "DevsimHarness.h"
#include "core/AttestationToken.h"
#include "core/Cbor.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <gtest/gtest.h>

using namespace ps::devsim::test;
using ps::core::CborReader;
using ps::core::CborValue;
using ps::core::CborWriter;

namespace {

// A self-signed test CA; its content only matters as bytes to store.
const QByteArray TestPem = "-----BEGIN CERTIFICATE-----\\x0aMIIBszCCAVmgAwIBAgIUTEST\\x0a"
                           "-----END CERTIFICATE-----";
const QByteArray TestPemStored = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTEST\n"
                                 "-----END CERTIFICATE-----";

class DevsimModem : public testing::Test {
protected:
    void startDevice(QStringList extra = {}) {
        QStringList arguments{QStringLiteral("--state"),       box.state(),
                              QStringLiteral("--registry"),    box.registry(),
                              QStringLiteral("--speed"),       QStringLiteral("100"),
                              QStringLiteral("--boot-on-open")};
        process = std::make_unique<DevsimProcess>(arguments + extra);
        ASSERT_TRUE(process->start());
        ASSERT_TRUE(terminal.open(process->ptyPath()));
        ASSERT_TRUE(terminal.waitForPrompt());
        // ATT turns LTE on during boot; wait for that before changing the functional mode.
        ASSERT_GE(terminal.waitFor("state_disconnected_searching_entry"), 0);
    }

    void stopDevice() {
        terminal.close();
        EXPECT_EQ(process->stop(), 0);
    }

    // The response lines of `at <command>` (the final OK included).
    QList<QByteArray> at(const QByteArray &command) {
        const bool quote = command.contains(' ') || command.contains('"');
        const auto response = terminal.command("at " + (quote ? '\'' + command + '\'' : command));
        EXPECT_TRUE(response) << command.toStdString();
        return response ? responseLines(*response) : QList<QByteArray>{};
    }

    QByteArray quotedValue(const QList<QByteArray> &lines, const QByteArray &prefix) {
        for (const QByteArray &line : lines) {
            if (line.startsWith(prefix)) {
                const qsizetype open = line.indexOf('"');
                return line.mid(open + 1, line.lastIndexOf('"') - open - 1);
            }
        }
        return {};
    }

    QJsonObject registryRecord() {
        QFile file(box.registry());
        EXPECT_TRUE(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        EXPECT_EQ(lines.size(), 1);
        return QJsonDocument::fromJson(lines.value(0)).object();
    }

    void waitForNetwork() { ASSERT_GE(terminal.waitFor("PDN connection activated"), 0); }

    DevsimSandbox box;
    std::unique_ptr<DevsimProcess> process;
    PtyTerminal terminal;
};

QByteArray sigStructure(const QByteArray &protectedHeader, const QByteArray &payload) {
    CborWriter writer;
    writer.startArray(4)
        .appendText(u"Signature1")
        .appendBytes(protectedHeader)
        .appendBytes({})
        .appendBytes(payload);
    return writer.take();
}

TEST_F(DevsimModem, AnswersItsIdentityCommands) {
    startDevice();
    EXPECT_EQ(at("AT+CGMM"), (QList<QByteArray>{"nRF9151-LACA", "OK"}));
    EXPECT_EQ(at("AT+CGMR"), (QList<QByteArray>{"mfw_nrf91x1_2.0.2", "OK"}));
    const QList<QByteArray> bare = at("AT+CGSN");
    ASSERT_EQ(bare.size(), 2);
    EXPECT_EQ(at("AT+CGSN=1"), (QList<QByteArray>{"+CGSN: \"" + bare.first() + '"', "OK"}));
    const QList<QByteArray> modemUuid = at("AT%XMODEMUUID");
    ASSERT_EQ(modemUuid.size(), 2);
    EXPECT_TRUE(
        QRegularExpression(QStringLiteral("^%XMODEMUUID: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                          "[0-9a-f]{4}-[0-9a-f]{12}$"))
            .match(QString::fromLatin1(modemUuid.first()))
            .hasMatch());
    EXPECT_EQ(at("AT+CFUN=9"), (QList<QByteArray>{"ERROR"}));
}

TEST_F(DevsimModem, KeepsItsIdentityAcrossRestarts) {
    startDevice();
    const QList<QByteArray> imei = at("AT+CGSN");
    const QList<QByteArray> uuid = at("AT%DEVICEUUID");
    ASSERT_EQ(imei.size(), 2);
    ASSERT_EQ(uuid.size(), 2);
    EXPECT_TRUE(
        process->waitForLine(QStringLiteral("DEVICE uuid=")).value_or(QString()).endsWith(u" new"));
    stopDevice();

    startDevice();
    EXPECT_EQ(at("AT+CGSN"), imei);
    EXPECT_EQ(at("AT%DEVICEUUID"), uuid);
    EXPECT_TRUE(process->waitForLine(QStringLiteral("DEVICE uuid="))
                    .value_or(QString())
                    .endsWith(u" existing"));
    const QJsonObject record = registryRecord(); // still one line: listed once
    EXPECT_EQ(record.value(u"imei").toString().toLatin1(), imei.first());
    EXPECT_EQ("%DEVICEUUID: " + record.value(u"uuid").toString().toLatin1(), uuid.first());
}

TEST_F(DevsimModem, SignsAttestationTokensWithTheIdentityKeyInTheRegistry) {
    startDevice();
    const QByteArray text = quotedValue(at("AT%ATTESTTOKEN"), "%ATTESTTOKEN: ");
    auto token = ps::core::AttestationToken::parse(QString::fromLatin1(text));
    ASSERT_TRUE(token) << token.error().message.toStdString();
    const QJsonObject record = registryRecord();
    EXPECT_EQ(ps::core::AttestationToken::uuidText(token->deviceUuid),
              record.value(u"uuid").toString());
    EXPECT_EQ(token->deviceType, 6);
    EXPECT_EQ(token->messageType, 1);
    EXPECT_EQ(token->coseAlgorithm, -7);
    EXPECT_EQ(token->coseKeyId, QByteArray("\x21"));
    EXPECT_EQ(token->nonce.size(), 16);

    const QByteArray part1 = base64UrlDecode(text.left(text.indexOf('.')));
    EXPECT_TRUE(part1.startsWith("\xd9\xd9\xf7\x85\x01\x50"));
    const QByteArray publicKey = record.value(u"identityPublicKey").toString().toLatin1();
    EXPECT_TRUE(
        verifyEs256WithPem(publicKey, sigStructure("\xa1\x01\x26", part1), token->signature));
    // A token signed over anything else does not verify.
    QByteArray other = part1;
    other[other.size() - 1] = char(other.at(other.size() - 1) ^ 1);
    EXPECT_FALSE(
        verifyEs256WithPem(publicKey, sigStructure("\xa1\x01\x26", other), token->signature));

    // Every token has a fresh nonce.
    const QByteArray second = quotedValue(at("AT%ATTESTTOKEN"), "%ATTESTTOKEN: ");
    EXPECT_NE(second, text);
}

TEST_F(DevsimModem, RefusesCredentialWritesWhileOnlineAndAcceptsThemOffline) {
    startDevice();
    waitForNetwork();
    const QByteArray write = "AT%CMNG=0,1234,0,\"" + TestPem + '"';
    EXPECT_EQ(at(write), (QList<QByteArray>{"+CME ERROR: 518"}));
    EXPECT_EQ(at("AT%CMNG=3,1234,0"), (QList<QByteArray>{"+CME ERROR: 518"}));

    EXPECT_EQ(at("AT+CFUN=4"), (QList<QByteArray>{"OK"}));
    EXPECT_EQ(at(write), (QList<QByteArray>{"OK"}));
    const QByteArray digest =
        QCryptographicHash::hash(TestPemStored, QCryptographicHash::Sha256).toHex().toUpper();
    EXPECT_EQ(at("AT%CMNG=1,1234"), (QList<QByteArray>{"%CMNG: 1234,0,\"" + digest + '"', "OK"}));
    EXPECT_EQ(at("AT%CMNG=3,1234,0"), (QList<QByteArray>{"OK"}));
    EXPECT_EQ(at("AT%CMNG=3,1234,0"), (QList<QByteArray>{"+CME ERROR: 513"}));
    EXPECT_EQ(at("AT%CMNG=0,4294967292,0,\"x\""), (QList<QByteArray>{"+CME ERROR: 514"}));
}

TEST_F(DevsimModem, KeepsCredentialsAcrossRestartsUntilAFactoryReset) {
    startDevice();
    EXPECT_EQ(at("AT+CFUN=4"), (QList<QByteArray>{"OK"}));
    EXPECT_EQ(at("AT%CMNG=0,77,4,\"identity\""), (QList<QByteArray>{"OK"}));
    stopDevice();
    startDevice();
    EXPECT_EQ(at("AT%CMNG=1,77").size(), 2);
    EXPECT_EQ(at("AT+CFUN=4"), (QList<QByteArray>{"OK"}));
    EXPECT_EQ(at("AT%XFACTORYRESET=0"), (QList<QByteArray>{"OK"}));
    EXPECT_EQ(at("AT%CMNG=1"), (QList<QByteArray>{"OK"}));
}

TEST_F(DevsimModem, GeneratesKeysWhoseCsrAndAttestationVerify) {
    startDevice();
    EXPECT_EQ(at("AT+CFUN=4"), (QList<QByteArray>{"OK"}));
    const QList<QByteArray> lines =
        at("AT%KEYGEN=16842753,2,0,\"O=Nordic Semiconductor,CN=device\",\"101000000\"");
    ASSERT_EQ(lines.size(), 2) << lines.join('|').toStdString();
    const QByteArray value = quotedValue(lines, "%KEYGEN: ");
    const QList<QByteArray> parts = value.split('.');
    ASSERT_EQ(parts.size(), 2);
    const QByteArray der = base64UrlDecode(parts.at(0));

    const auto csr = readCertificateRequest(der);
    ASSERT_TRUE(csr);
    EXPECT_TRUE(csr->signatureValid);
    EXPECT_EQ(csr->subject, QStringLiteral("/O=Nordic Semiconductor/CN=device"));
    EXPECT_TRUE(csr->keyUsage.contains(u"Digital Signature"));
    EXPECT_TRUE(csr->keyUsage.contains(u"Key Encipherment"));

    // The COSE part: the identity key attests the SHA-256 of the DER.
    auto cose = CborReader::decode(base64UrlDecode(parts.at(1)));
    ASSERT_TRUE(cose);
    ASSERT_EQ(cose->type, CborValue::Type::Tag);
    EXPECT_EQ(cose->number, 18u);
    const auto &items = cose->items.at(0).items;
    ASSERT_EQ(items.size(), 4u);
    const QByteArray protectedHeader = items.at(0).bytes;
    const QByteArray payload = items.at(2).bytes;
    auto claims = CborReader::decode(payload);
    ASSERT_TRUE(claims);
    ASSERT_EQ(claims->items.size(), 4u);
    EXPECT_EQ(claims->items.at(2).bytes, QCryptographicHash::hash(der, QCryptographicHash::Sha256));
    const QByteArray publicKey = registryRecord().value(u"identityPublicKey").toString().toLatin1();
    EXPECT_TRUE(
        verifyEs256WithPem(publicKey, sigStructure(protectedHeader, payload), items.at(3).bytes));

    // The key stays in the sec tag as a client private key; format 1 gives the public key.
    EXPECT_EQ(at("AT%CMNG=1,16842753,2").size(), 2);
    const QByteArray publicValue = quotedValue(at("AT%KEYGEN=16842753,2,1"), "%KEYGEN: ");
    EXPECT_EQ(base64UrlDecode(publicValue.split('.').at(0)).left(2), QByteArray("\x30\x59"));
}

TEST_F(DevsimModem, RefusesKeyGenerationWhileOnline) {
    startDevice();
    waitForNetwork();
    EXPECT_EQ(at("AT%KEYGEN=16842753,2,0"), (QList<QByteArray>{"+CME ERROR: 518"}));
}

TEST_F(DevsimModem, SignsJwtsWithTheIdentityKeyOrATagKey) {
    startDevice();
    waitForNetwork(); // the network sets the modem clock
    const QByteArray jwt = quotedValue(at("AT%JWT=0,300,\"subject-1\",\"audience-1\""), "%JWT: ");
    const QList<QByteArray> parts = jwt.split('.');
    ASSERT_EQ(parts.size(), 3);
    const QJsonObject header = QJsonDocument::fromJson(base64UrlDecode(parts.at(0))).object();
    const QJsonObject claims = QJsonDocument::fromJson(base64UrlDecode(parts.at(1))).object();
    EXPECT_EQ(header.value(u"alg").toString(), QStringLiteral("ES256"));
    const QJsonObject record = registryRecord();
    EXPECT_EQ(claims.value(u"iss").toString(), record.value(u"uuid").toString());
    EXPECT_EQ(claims.value(u"sub").toString(), QStringLiteral("subject-1"));
    EXPECT_EQ(claims.value(u"aud").toString(), QStringLiteral("audience-1"));
    EXPECT_EQ(claims.value(u"exp").toInteger() - claims.value(u"iat").toInteger(), 300);
    const QByteArray publicKey = record.value(u"identityPublicKey").toString().toLatin1();
    EXPECT_TRUE(verifyEs256WithPem(publicKey, parts.at(0) + '.' + parts.at(1),
                                   base64UrlDecode(parts.at(2))));

    // With a sec tag, the key %KEYGEN made there signs.
    EXPECT_EQ(at("AT+CFUN=4"), (QList<QByteArray>{"OK"}));
    const QByteArray keygen = quotedValue(at("AT%KEYGEN=42,2,1"), "%KEYGEN: ");
    const QByteArray tagPublicKey = base64UrlDecode(keygen.split('.').at(0));
    const QList<QByteArray> tagged =
        at("AT%JWT=0,0,\"s\",\"a\",42,2").first().split('"').value(1).split('.');
    ASSERT_EQ(tagged.size(), 3);
    EXPECT_TRUE(verifyEs256WithDer(tagPublicKey, tagged.at(0) + '.' + tagged.at(1),
                                   base64UrlDecode(tagged.at(2))));
    EXPECT_FALSE(verifyEs256WithPem(publicKey, tagged.at(0) + '.' + tagged.at(1),
                                    base64UrlDecode(tagged.at(2))));
    EXPECT_EQ(at("AT%JWT=0,0,\"s\",\"a\",43,2"), (QList<QByteArray>{"+CME ERROR: 513"}));
}

TEST_F(DevsimModem, InstallsTheProvisioningCaInSecTag189298) {
    const QString caPath = box.dir.filePath(QStringLiteral("ca.pem"));
    QFile ca(caPath);
    ASSERT_TRUE(ca.open(QIODevice::WriteOnly));
    ca.write(TestPemStored + '\n');
    ca.close();
    startDevice({QStringLiteral("--ca"), caPath});
    ASSERT_GE(terminal.waitFor("Network module started"), 0);
    const QByteArray digest =
        QCryptographicHash::hash(QByteArray(TestPemStored + '\n'), QCryptographicHash::Sha256)
            .toHex()
            .toUpper();
    EXPECT_EQ(at("AT%CMNG=1,189298"),
              (QList<QByteArray>{"%CMNG: 189298,0,\"" + digest + '"', "OK"}));
    stopDevice();
    startDevice({QStringLiteral("--ca"), caPath});
    EXPECT_GE(
        terminal.waitFor("<dbg> nrf_provisioning: cert_provision: Certificate already provisioned"),
        0);
}

} // namespace
