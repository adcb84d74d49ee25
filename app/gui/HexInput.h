#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>
#include <expected>

namespace ps::gui {

/// Where and why hex input was refused, for an inline error next to the command line.
struct HexInputError {
    qsizetype position = 0; ///< index of the offending character in the input
    QString message;
};

/// Parses what a person types in hex-send mode: bytes as pairs of hex digits, separated by
/// spaces, commas or nothing ("0d 0a", "0D0A", "0x0d,0x0a" all give CR LF). Rejects any other
/// character and an odd digit count, naming the position, so the person can fix it.
std::expected<QByteArray, HexInputError> parseHexInput(QStringView text);

/// "0d 0a" for CR LF; the inverse of parseHexInput, used to show what will be sent.
QString formatHex(const QByteArray &bytes);

} // namespace ps::gui
