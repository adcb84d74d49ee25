#include "SimTestSupport.h"

#include "cloudsim/HttpsFrontend.h"
#include "core/Cbor.h"

#include <QDir>
#include <QRandomGenerator>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace Qt::StringLiterals;
using namespace ps::cloudsim;

namespace ps::simtest {

namespace {

QByteArray randomBytes(int count) {
    QByteArray bytes(count, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = char(QRandomGenerator::global()->bounded(256));
    return bytes;
}

QString randomImei() {
    QString digits = u"35266910"_s;
    for (int i = 0; i < 7; ++i)
        digits.append(QChar(u'0' + QRandomGenerator::global()->bounded(10)));
    return digits;
}

QString tokenFor(const TestDevice &device, EVP_PKEY *signingKey) {
    core::CborWriter part1;
    part1.appendTag(55799)
        .startArray(5)
        .appendUnsigned(1)
        .appendBytes(QUuid::fromString(device.uuid()).toRfc4122())
        .appendUnsigned(quint64(device.deviceType()))
        .appendBytes(device.firmwareUuid().toRfc4122())
        .appendBytes(randomBytes(16));

    core::CborWriter protectedHeader;
    protectedHeader.startMap(1).appendInteger(1).appendInteger(-7);

    core::CborWriter sigStructure;
    sigStructure.startArray(4)
        .appendText(u"Signature1")
        .appendBytes(protectedHeader.data())
        .appendBytes(QByteArray())
        .appendBytes(part1.data());

    core::CborWriter part2;
    part2.appendTag(18)
        .startArray(4)
        .appendBytes(protectedHeader.data())
        .startMap(1)
        .appendInteger(4)
        .appendBytes(QByteArray("\x21", 1))
        .appendNull()
        .appendBytes(signEs256(signingKey, sigStructure.data()));
    return base64Url(part1.data()) + u'.' + base64Url(part2.data());
}

} // namespace

QString base64Url(const QByteArray &bytes) {
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray signEs256(EVP_PKEY *key, const QByteArray &message) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    size_t size = 0;
    EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(context, nullptr, &size,
                   reinterpret_cast<const unsigned char *>(message.constData()),
                   size_t(message.size()));
    QByteArray der(qsizetype(size), Qt::Uninitialized);
    EVP_DigestSign(context, reinterpret_cast<unsigned char *>(der.data()), &size,
                   reinterpret_cast<const unsigned char *>(message.constData()),
                   size_t(message.size()));
    EVP_MD_CTX_free(context);
    der.resize(qsizetype(size));

    const auto *cursor = reinterpret_cast<const unsigned char *>(der.constData());
    ECDSA_SIG *signature = d2i_ECDSA_SIG(nullptr, &cursor, long(der.size()));
    QByteArray raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(signature), reinterpret_cast<unsigned char *>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(signature), reinterpret_cast<unsigned char *>(raw.data()) + 32,
                 32);
    ECDSA_SIG_free(signature);
    return raw;
}

TestDevice TestDevice::create(int deviceType) {
    TestDevice device;
    device.m_uuid = QUuid::createUuid();
    device.m_firmwareUuid = QUuid::createUuid();
    device.m_imei = randomImei();
    device.m_deviceType = deviceType;
    device.m_key = std::shared_ptr<EVP_PKEY>(EVP_EC_gen("P-256"), EVP_PKEY_free);
    return device;
}

QString TestDevice::uuid() const {
    return m_uuid.toString(QUuid::WithoutBraces).toLower();
}

QByteArray TestDevice::publicKeyPem() const {
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, m_key.get());
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, int(size));
    BIO_free(bio);
    return pem;
}

RegistryEntry TestDevice::registryEntry() const {
    return RegistryEntry{.uuid = uuid(),
                         .imei = m_imei,
                         .deviceType = m_deviceType,
                         .model = u"nRF9151-LACA"_s,
                         .modemFirmware = u"mfw_nrf91x1_2.0.2"_s,
                         .identityPublicKeyPem = publicKeyPem()};
}

QString TestDevice::attestationToken() const {
    return tokenFor(*this, m_key.get());
}

QString TestDevice::attestationTokenSignedBy(const TestDevice &signer) const {
    return tokenFor(*this, signer.m_key.get());
}

RunningSim::RunningSim(const std::function<void(CloudSimOptions &)> &tune)
    : m_dir(std::make_unique<QTemporaryDir>()) {
    start(m_dir->path(), tune);
}

RunningSim::RunningSim(const QString &stateDir,
                       const std::function<void(CloudSimOptions &)> &tune) {
    start(stateDir, tune);
}

void RunningSim::start(const QString &stateDir,
                       const std::function<void(CloudSimOptions &)> &tune) {
    CloudSimOptions options;
    options.stateDir = stateDir;
    options.apiKeys = {primaryKey(), otherKey()};
    if (tune)
        tune(options);
    m_sim = std::make_unique<CloudSim>(options);
    if (auto started = m_sim->start(); !started)
        m_error = started.error();
}

QString RunningSim::stateDir() const {
    return m_sim->options().stateDir;
}

QString RunningSim::primaryOwner() {
    return HttpsFrontend::ownerIdForKey(primaryKey());
}

QString RunningSim::otherOwner() {
    return HttpsFrontend::ownerIdForKey(otherKey());
}

TestDevice RunningSim::registerDevice(int deviceType) {
    TestDevice device = TestDevice::create(deviceType);
    DeviceRegistry::append(m_sim->options().effectiveRegistryPath(), device.registryEntry());
    return device;
}

int RunningSim::provisionDevice(const QString &deviceId) {
    int answered = 0;
    QString after;
    for (;;) {
        const QList<DeviceCommand> commands = model().commandsForDevice(deviceId, after);
        if (commands.isEmpty())
            return answered;
        for (const DeviceCommand &command : commands) {
            DeviceResponse response;
            response.correlationId = command.correlationId;
            if (command.type == DeviceCommand::Type::Finished) {
                response.type = DeviceResponse::Type::FinishedAck;
            } else {
                response.type = DeviceResponse::Type::AtOutput;
                response.output = u"%KEYGEN: \""_s + base64Url(randomBytes(91)) + u'.' +
                                  base64Url(randomBytes(40)) + u'"';
            }
            model().recordResponse(deviceId, response);
            after = command.correlationId;
            ++answered;
        }
    }
}

} // namespace ps::simtest
