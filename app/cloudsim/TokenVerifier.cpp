#include "TokenVerifier.h"

#include "core/AttestationToken.h"
#include "core/Cbor.h"

#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace Qt::StringLiterals;

namespace ps::cloudsim {

namespace {

template<auto Free> struct Deleter {
    template<typename T> void operator()(T *pointer) const { Free(pointer); }
};

constexpr quint64 CoseSign1Tag = 18;

void freeOpenSslBuffer(unsigned char *buffer) {
    OPENSSL_free(buffer);
}

} // namespace

std::expected<void, QString> verifyEs256(QByteArrayView publicKeyPem, QByteArrayView message,
                                         QByteArrayView signature) {
    if (signature.size() != 64)
        return std::unexpected(
            u"an ES256 signature has 64 bytes, this one %1"_s.arg(signature.size()));
    std::unique_ptr<BIO, Deleter<BIO_free>> bio(
        BIO_new_mem_buf(publicKeyPem.data(), int(publicKeyPem.size())));
    std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>> key(
        PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
        ERR_clear_error();
        return std::unexpected(u"the registered public key cannot be read"_s);
    }

    // OpenSSL wants the DER form of the signature, COSE sends r and s back to back.
    std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>> ecdsa(ECDSA_SIG_new());
    BIGNUM *r = BN_bin2bn(reinterpret_cast<const unsigned char *>(signature.data()), 32, nullptr);
    BIGNUM *s =
        BN_bin2bn(reinterpret_cast<const unsigned char *>(signature.data()) + 32, 32, nullptr);
    if (!ecdsa || !r || !s || ECDSA_SIG_set0(ecdsa.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return std::unexpected(u"out of memory"_s);
    }
    unsigned char *der = nullptr;
    const int derSize = i2d_ECDSA_SIG(ecdsa.get(), &der);
    if (derSize <= 0)
        return std::unexpected(u"cannot encode the signature"_s);
    std::unique_ptr<unsigned char, Deleter<freeOpenSslBuffer>> derOwner(der);

    std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>> context(EVP_MD_CTX_new());
    const bool ok =
        context &&
        EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
        EVP_DigestVerify(context.get(), der, size_t(derSize),
                         reinterpret_cast<const unsigned char *>(message.data()),
                         size_t(message.size())) == 1;
    ERR_clear_error();
    if (!ok)
        return std::unexpected(u"the signature does not verify with the device's identity key"_s);
    return {};
}

QByteArray TokenVerifier::signatureInput(QByteArrayView protectedHeader, QByteArrayView payload) {
    core::CborWriter writer;
    writer.startArray(4)
        .appendText(u"Signature1")
        .appendBytes(protectedHeader)
        .appendBytes(QByteArrayView())
        .appendBytes(payload);
    return writer.take();
}

std::expected<void, QString> TokenVerifier::verify(const core::AttestationToken &token,
                                                   QByteArrayView publicKeyPem) {
    const qsizetype dot = token.text.indexOf(u'.');
    if (dot < 0)
        return std::unexpected(u"the token has no part 2"_s);
    const auto decoded = QByteArray::fromBase64Encoding(
        token.text.mid(dot + 1).toLatin1(),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::unexpected(u"part 2 is not base64url"_s);
    auto cose = core::CborReader::decode(decoded.decoded);
    if (!cose || cose->type != core::CborValue::Type::Tag || cose->number != CoseSign1Tag ||
        cose->items.size() != 1 || cose->items.front().type != core::CborValue::Type::Array ||
        cose->items.front().items.size() != 4)
        return std::unexpected(u"part 2 is not a COSE_Sign1 structure"_s);
    const core::CborValue &protectedHeader = cose->items.front().items.front();
    if (protectedHeader.type != core::CborValue::Type::ByteString)
        return std::unexpected(u"part 2's protected header is not a byte string"_s);
    return verifyEs256(publicKeyPem, signatureInput(protectedHeader.bytes, token.part1Cbor),
                       token.signature);
}

} // namespace ps::cloudsim
