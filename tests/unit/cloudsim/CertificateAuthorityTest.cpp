#include "cloudsim/CertificateAuthority.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslError>
#include <QSslKey>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

using namespace ps::cloudsim;
using namespace Qt::StringLiterals;

namespace {

/// Whether `certificatePem`'s signature verifies with the public key of `issuerPem`.
bool signedBy(const QByteArray &certificatePem, const QByteArray &issuerPem) {
    auto load = [](const QByteArray &pem) {
        BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
        X509 *certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        return certificate;
    };
    X509 *certificate = load(certificatePem);
    X509 *issuer = load(issuerPem);
    const bool ok = certificate && issuer &&
                    X509_verify(certificate, X509_get0_pubkey(issuer)) == 1 &&
                    X509_check_issued(issuer, certificate) == X509_V_OK;
    X509_free(certificate);
    X509_free(issuer);
    return ok;
}

} // namespace

TEST(CertificateAuthority, MakesACaAndAServerCertificateForLoopback) {
    QTemporaryDir dir;
    auto material = CertificateAuthority::ensure(dir.path());
    ASSERT_TRUE(material.has_value()) << material.error().toStdString();
    EXPECT_TRUE(material->created);
    EXPECT_TRUE(QFile::exists(material->caCertificatePath));

    const QSslCertificate ca(material->caCertificatePem);
    const QSslCertificate server(material->serverCertificatePem);
    ASSERT_FALSE(ca.isNull());
    ASSERT_FALSE(server.isNull());
    EXPECT_EQ(server.issuerInfo(QSslCertificate::CommonName),
              ca.subjectInfo(QSslCertificate::CommonName));
    const auto names = server.subjectAlternativeNames();
    EXPECT_TRUE(names.values(QSsl::IpAddressEntry).contains(u"127.0.0.1"_s));
    EXPECT_TRUE(names.values(QSsl::DnsEntry).contains(u"localhost"_s));
    EXPECT_TRUE(signedBy(material->serverCertificatePem, material->caCertificatePem));
    EXPECT_TRUE(signedBy(material->caCertificatePem, material->caCertificatePem));
    EXPECT_FALSE(QSslKey(material->serverKeyPem, QSsl::Ec).isNull());
    EXPECT_EQ(QFile::permissions(dir.filePath(u"server-key.pem"_s)) &
                  (QFileDevice::ReadGroup | QFileDevice::ReadOther),
              QFileDevice::Permissions());
}

TEST(CertificateAuthority, ReusesWhatTheStateFolderHolds) {
    QTemporaryDir dir;
    auto first = CertificateAuthority::ensure(dir.path());
    auto second = CertificateAuthority::ensure(dir.path());
    ASSERT_TRUE(first && second);
    EXPECT_FALSE(second->created);
    EXPECT_EQ(second->caCertificatePem, first->caCertificatePem);
    EXPECT_EQ(second->serverCertificatePem, first->serverCertificatePem);
}

TEST(CertificateAuthority, RenewsAMissingServerCertificateWithTheSameCa) {
    QTemporaryDir dir;
    auto first = CertificateAuthority::ensure(dir.path());
    ASSERT_TRUE(first);
    ASSERT_TRUE(QFile::remove(first->serverCertificatePath));
    auto second = CertificateAuthority::ensure(dir.path());
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->created);
    EXPECT_EQ(second->caCertificatePem, first->caCertificatePem);
    EXPECT_NE(second->serverCertificatePem, first->serverCertificatePem);
    EXPECT_TRUE(signedBy(second->serverCertificatePem, second->caCertificatePem));
}

TEST(CertificateAuthority, ReplacesAnUnreadableCa) {
    QTemporaryDir dir;
    auto first = CertificateAuthority::ensure(dir.path());
    ASSERT_TRUE(first);
    QFile ca(first->caCertificatePath);
    ASSERT_TRUE(ca.open(QIODevice::WriteOnly));
    ca.write("garbage");
    ca.close();
    auto second = CertificateAuthority::ensure(dir.path());
    ASSERT_TRUE(second);
    EXPECT_NE(second->caCertificatePem, first->caCertificatePem);
    EXPECT_NE(second->serverCertificatePem, first->serverCertificatePem);
}
