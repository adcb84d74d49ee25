#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace ps::core {

/// A run of text that the device coloured with SGR escapes. Offsets are in UTF-16 code units
/// into Line::text. Colours are ANSI palette indices 0..15 (bright = 8..15), or -1 for default.
struct StyleSpan {
    qsizetype start = 0;
    qsizetype length = 0;
    qint8 foreground = -1;
    qint8 background = -1;
    bool bold = false;
    bool underline = false;

    friend bool operator==(const StyleSpan &, const StyleSpan &) = default;
};

/// One line as the device printed it, after decoding.
///
/// `raw` holds the bytes between line endings exactly as they arrived (escapes included) so a
/// capture can be saved byte for byte; `text` is what a person reads: UTF-8 decoded, ANSI CSI
/// sequences removed, other control characters dropped, and a shell prompt fragment that the
/// log backend left in front of a log record removed. `spans` carries the SGR colours of `text`
/// (only non-default runs are listed).
struct Line {
    qint64 hostTimeMs = 0; ///< host wall-clock time (ms since epoch) when the line was completed
    QByteArray raw;
    QString text;
    QList<StyleSpan> spans;
    bool truncated = false; ///< the line hit the maximum length and was cut there
};

} // namespace ps::core
