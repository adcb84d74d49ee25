#include "HexInput.h"

namespace ps::gui {

namespace {

int hexValue(QChar c) {
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

bool isSeparator(QChar c) {
    return c.isSpace() || c == QLatin1Char(',');
}

} // namespace

std::expected<QByteArray, HexInputError> parseHexInput(QStringView text) {
    QByteArray bytes;
    bytes.reserve(text.size() / 2);
    qsizetype i = 0;
    while (i < text.size()) {
        if (isSeparator(text[i])) {
            ++i;
            continue;
        }
        // One group: an optional 0x prefix and an even number of hex digits.
        const qsizetype groupStart = i;
        if (i + 1 < text.size() && text[i] == QLatin1Char('0') &&
            (text[i + 1] == QLatin1Char('x') || text[i + 1] == QLatin1Char('X'))) {
            i += 2;
        }
        const qsizetype digitsStart = i;
        while (i < text.size() && !isSeparator(text[i])) {
            if (hexValue(text[i]) < 0) {
                return std::unexpected(
                    HexInputError{i, QStringLiteral("'%1' at position %2 is not a hex digit")
                                         .arg(text[i])
                                         .arg(i + 1)});
            }
            ++i;
        }
        const qsizetype digits = i - digitsStart;
        if (digits == 0) {
            return std::unexpected(HexInputError{
                groupStart,
                QStringLiteral("'0x' at position %1 has no digits").arg(groupStart + 1)});
        }
        if (digits % 2 != 0) {
            return std::unexpected(HexInputError{
                groupStart, QStringLiteral("'%1' at position %2 has an odd number of hex digits; "
                                           "write each byte as two digits (0d, not d)")
                                .arg(text.mid(groupStart, i - groupStart).toString())
                                .arg(groupStart + 1)});
        }
        for (qsizetype d = digitsStart; d < i; d += 2)
            bytes.append(char(hexValue(text[d]) * 16 + hexValue(text[d + 1])));
    }
    if (bytes.isEmpty())
        return std::unexpected(HexInputError{0, QStringLiteral("no bytes to send")});
    return bytes;
}

QString formatHex(const QByteArray &bytes) {
    return QString::fromLatin1(bytes.toHex(' '));
}

} // namespace ps::gui
