#pragma once

#include <QByteArray>
#include <QString>
#include <expected>

namespace ps::cloudsim {

/// The stand-in's TLS identity: a private CA and a server certificate it signed.
///
/// Kept in the state folder and reused, so a client configured once with `ca.pem` keeps
/// trusting the stand-in across restarts. The server certificate names localhost, 127.0.0.1
/// and ::1, and is renewed when it is missing, unreadable, not issued by the CA or within a
/// week of expiry. Keys are ECDSA P-256 (the same curve the nRF91 modem uses), made with
/// OpenSSL. The CoAP/DTLS endpoint uses the same files.
struct TlsMaterial {
    QString caCertificatePath;     ///< <state>/ca.pem: give this to clients and devices
    QString serverCertificatePath; ///< <state>/server.pem
    QString serverKeyPath;         ///< <state>/server-key.pem (mode 0600)
    QByteArray caCertificatePem;
    QByteArray serverCertificatePem;
    QByteArray serverKeyPem;
    bool created = false; ///< false when everything was reused
};

class CertificateAuthority {
public:
    /// Loads the material from `stateDir`, creating what is missing or stale.
    static std::expected<TlsMaterial, QString> ensure(const QString &stateDir);
};

} // namespace ps::cloudsim
