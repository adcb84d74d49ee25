#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace ps::gui {

/// What the reprovision flow's compare step found on both sides, and the differences spelled
/// out for a person.
struct CredentialComparison {
    quint32 secTag = 16842753;
    /// The credential types (%CMNG) the device holds on the sec tag; nullopt when the device
    /// was not asked (not at hand).
    std::optional<QList<int>> deviceTypes;
    bool claimed = false;   ///< claimed by this account
    bool onboarded = false; ///< listed in device management

    [[nodiscard]] bool deviceHasPrivateKey() const;
    /// One sentence per difference or finding, with what it means; never empty.
    [[nodiscard]] QStringList differences() const;
    /// "root CA, client certificate, client private key", or "nothing".
    [[nodiscard]] QString deviceText() const;
};

} // namespace ps::gui
