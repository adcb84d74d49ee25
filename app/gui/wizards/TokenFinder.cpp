#include "TokenFinder.h"

#include <QRegularExpression>

namespace ps::gui {

QList<ps::core::AttestationToken> tokensIn(QStringView text) {
    static const QRegularExpression ansi(QStringLiteral("\\x1b\\[[0-9;?]*[ -/]*[@-~]"));
    // Two base64url parts (each under 128 characters, PROTOCOL §4) joined by one dot and not
    // part of a longer dotted run (a JWT has three parts).
    static const QRegularExpression candidate(
        QStringLiteral("(?<![A-Za-z0-9_\\-.])([A-Za-z0-9_\\-]{16,200}\\.[A-Za-z0-9_\\-]{16,200})"
                       "(?![A-Za-z0-9_\\-]|\\.[A-Za-z0-9_\\-])"));
    QString clean = text.toString();
    clean.remove(ansi);
    QList<ps::core::AttestationToken> tokens;
    for (auto it = candidate.globalMatch(clean); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        if (auto token = ps::core::AttestationToken::parse(match.capturedView(1)))
            tokens.append(*token);
    }
    return tokens;
}

std::optional<ps::core::AttestationToken> lastTokenIn(QStringView text) {
    const QList<ps::core::AttestationToken> tokens = tokensIn(text);
    if (tokens.isEmpty())
        return std::nullopt;
    return tokens.constLast();
}

} // namespace ps::gui
