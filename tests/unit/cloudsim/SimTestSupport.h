#pragma once

// Helpers for tests that talk to the nRF Cloud stand-in: made-up devices with real identity
// keys and signed attestation tokens, and a stand-in running in-process on a temporary folder.

#include "cloudsim/CloudSim.h"
#include "cloudsim/DeviceRegistry.h"

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>
#include <QUuid>
#include <functional>
#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace ps::simtest {

using cloudsim::CloudModel;
using cloudsim::CloudSim;
using cloudsim::CloudSimOptions;
using cloudsim::RegistryEntry;

/// A made-up nRF91: P-256 identity key, UUID, IMEI. Makes attestation tokens in the modem's
/// format (PROTOCOL §4), signed as COSE_Sign1 ES256 over ["Signature1", protected, h'', part 1].
/// The encoding is written out here, independently of the stand-in's verifier.
class TestDevice {
public:
    static TestDevice create(int deviceType = 6);

    [[nodiscard]] QString uuid() const; ///< lower-case 8-4-4-4-12
    [[nodiscard]] const QString &imei() const { return m_imei; }
    [[nodiscard]] int deviceType() const { return m_deviceType; }
    [[nodiscard]] QUuid firmwareUuid() const { return m_firmwareUuid; }
    [[nodiscard]] QByteArray publicKeyPem() const;
    [[nodiscard]] RegistryEntry registryEntry() const;

    /// `<part1>.<part2>` signed with this device's identity key, with a fresh nonce.
    [[nodiscard]] QString attestationToken() const;
    /// A token naming this device but signed with `signer`'s key.
    [[nodiscard]] QString attestationTokenSignedBy(const TestDevice &signer) const;

private:
    QUuid m_uuid;
    QUuid m_firmwareUuid;
    QString m_imei;
    int m_deviceType = 6;
    std::shared_ptr<EVP_PKEY> m_key;
};

/// Base64url without padding.
QString base64Url(const QByteArray &bytes);

/// An ES256 signature (r||s, 64 bytes) of `message` with `key`.
QByteArray signEs256(EVP_PKEY *key, const QByteArray &message);

/// A stand-in running in this process on a fresh temporary state folder, with two accounts:
/// PrimaryKey and OtherKey.
class RunningSim {
public:
    static constexpr auto PrimaryKey = "ps-test-key-7d41c9e2a0";
    static constexpr auto OtherKey = "ps-test-key-other-5b8e31";

    /// `tune` may change the options before the stand-in starts; start problems fail the test
    /// through isRunning() and startError().
    explicit RunningSim(const std::function<void(CloudSimOptions &)> &tune = {});
    /// A second stand-in on the same state folder (the first must be gone): restart tests.
    explicit RunningSim(const QString &stateDir,
                        const std::function<void(CloudSimOptions &)> &tune = {});

    [[nodiscard]] bool isRunning() const { return m_error.isEmpty(); }
    [[nodiscard]] const QString &startError() const { return m_error; }
    CloudSim &sim() { return *m_sim; }
    CloudModel &model() { return m_sim->model(); }
    [[nodiscard]] QString stateDir() const;
    static QString primaryKey() { return QString::fromLatin1(PrimaryKey); }
    static QString otherKey() { return QString::fromLatin1(OtherKey); }
    static QString primaryOwner();
    static QString otherOwner();

    /// Makes a device and writes it into the stand-in's registry.
    TestDevice registerDevice(int deviceType = 6);

    /// Plays the device's part of on-device provisioning: takes every queued command and
    /// answers it as the modem would (a %KEYGEN public key, the finished acknowledgement), so
    /// the device lands in device management. Returns how many commands were answered.
    int provisionDevice(const QString &deviceId);

private:
    void start(const QString &stateDir, const std::function<void(CloudSimOptions &)> &tune);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<CloudSim> m_sim;
    QString m_error;
};

} // namespace ps::simtest
