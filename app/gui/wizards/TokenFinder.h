#pragma once

#include "core/AttestationToken.h"

#include <QList>
#include <QStringView>
#include <optional>

namespace ps::gui {

/// The attestation tokens in a saved device log or a pasted text, oldest first: whatever the
/// firmware printed (ATT v1.5's BEGIN/END block, v1.4's separate warning lines, older
/// firmware's bare token line) or an `AT%ATTESTTOKEN` answer. ANSI colours and log prefixes
/// are ignored; every candidate is checked by decoding it (PROTOCOL §4), so a JWT or other
/// dotted text is never taken for a token.
QList<ps::core::AttestationToken> tokensIn(QStringView text);
/// The newest token in `text` (the device prints a fresh one per provisioning attempt).
std::optional<ps::core::AttestationToken> lastTokenIn(QStringView text);

} // namespace ps::gui
