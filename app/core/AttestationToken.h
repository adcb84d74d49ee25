#pragma once

#include <QByteArray>
#include <QString>
#include <QUuid>
#include <expected>

namespace ps::core {

/// Why a token was refused; `message` says precisely what is wrong, in words for a person
/// (e.g. "part 1: expected the CBOR self-describe tag 55799 (d9 d9 f7), found 'a1 02'").
struct TokenError {
    QString message;
};

/// The modem's attestation token (PROTOCOL §4), decoded and checked.
struct AttestationToken {
    QString text;        ///< "<part1>.<part2>", what the claim request sends as claimToken
    int messageType = 0; ///< 1 = device identity
    QUuid deviceUuid;
    int deviceType = 0; ///< 1..6, see deviceTypeName()
    QUuid modemFirmwareUuid;
    QByteArray nonce;      ///< 16 bytes
    int coseAlgorithm = 0; ///< from the protected header, -7 = ES256
    QByteArray coseKeyId;  ///< unprotected header label 4
    QByteArray signature;  ///< 64 bytes
    QByteArray part1Cbor;  ///< decoded bytes of part 1 (what the signature covers, wrapped)

    /// Accepts `<p1>.<p2>`, optionally quoted, optionally with the `%ATTESTTOKEN: ` prefix.
    static std::expected<AttestationToken, TokenError> parse(QStringView token);

    /// Builds the token text from the fields (the inverse of parse(); `text` and `part1Cbor`
    /// are ignored). For tests and for stand-ins that mint tokens. Fields are written as they
    /// are, so a caller can also produce malformed tokens (e.g. a 63-byte signature).
    [[nodiscard]] QString encode() const;
    /// The two parts of a token as CBOR, before base64url.
    [[nodiscard]] QByteArray encodePart1() const;
    [[nodiscard]] QByteArray encodePart2() const;
    /// base64url without padding, as the modem prints it.
    static QString base64Url(QByteArrayView bytes);

    /// "nRF9160 SIAA" ... "nRF9151 LACA", or "unknown (<n>)".
    static QString deviceTypeName(int deviceType);
    [[nodiscard]] QString deviceTypeName() const { return deviceTypeName(deviceType); }
    /// Lower-case 8-4-4-4-12 without braces.
    static QString uuidText(const QUuid &uuid);
};

} // namespace ps::core
