#pragma once

#include <QByteArray>
#include <QString>
#include <expected>

class QSettings;

namespace ps::gui {

/// The engineer PIN as the settings keep it: a random salt and the PBKDF2-HMAC-SHA256 of the
/// PIN with that salt (QPasswordDigestor). The PIN itself is never stored or logged.
///
///     PinHash pin = PinHash::load(store);
///     if (!pin.isSet())  pin = PinHash::make(entered);   // first entry sets it
///     else if (!pin.matches(entered)) ...                 // wrong PIN: say so
struct PinHash {
    static constexpr int DefaultIterations = 120'000;
    static constexpr int KeyLength = 32;
    static constexpr int MinLength = 4;
    static constexpr int MaxLength = 12;

    QByteArray salt; ///< 16 random bytes
    QByteArray hash; ///< KeyLength bytes
    int iterations = DefaultIterations;

    [[nodiscard]] bool isSet() const { return !salt.isEmpty() && hash.size() == KeyLength; }
    /// A new salt and the hash of `pin` (check it with validate() first).
    static PinHash make(const QString &pin, int iterations = DefaultIterations);
    /// Whether `pin` is the PIN this hash was made from (constant-time comparison).
    [[nodiscard]] bool matches(const QString &pin) const;
    /// Why `pin` cannot be a PIN: 4 to 12 digits.
    static std::expected<void, QString> validate(const QString &pin);

    /// Group "station": pinSalt, pinHash (base64), pinIterations.
    static PinHash load(QSettings &store);
    void save(QSettings &store) const;

    friend bool operator==(const PinHash &, const PinHash &) = default;
};

} // namespace ps::gui
