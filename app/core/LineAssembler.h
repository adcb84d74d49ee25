#pragma once

#include "Line.h"

#include <QByteArrayView>
#include <QStringDecoder>
#include <vector>

namespace ps::core {

/// Turns the byte stream of a serial port into lines.
///
/// Feed it every chunk the transport delivers; it returns the lines completed by that chunk.
/// - UTF-8 is decoded statefully, so a character split across two reads survives; invalid
///   bytes become U+FFFD.
/// - CR, LF and CRLF each end one line ("\r\n" counts once, also when split across reads);
///   "\n\r" (Zephyr's continuation separator) also counts once.
/// - ANSI CSI sequences (`ESC [ params intermediates final`) are removed from `text`; SGR
///   (`...m`) sequences become StyleSpans. Other ESC sequences (`ESC x`) are removed too,
///   also when split across reads. Control characters other than TAB are dropped.
/// - The shell prompt (`uart:~$ `, configurable) that precedes a log record on the same line is
///   removed (PROTOCOL §1): when a line contains a log record `[HH:MM:SS.mmm,uuu] <lvl>` after
///   a prompt fragment, everything before the record is dropped.
/// - A line longer than maxLineLength() bytes is emitted cut at that length with
///   `truncated = true`; the rest continues as the next line. Memory stays bounded.
///
/// pendingText() shows the incomplete tail (for example the prompt waiting for input), so a
/// console can display it before a line ending arrives.
class LineAssembler {
public:
    static constexpr qsizetype DefaultMaxLineLength = 16 * 1024;

    LineAssembler();

    std::vector<Line> feed(QByteArrayView bytes, qint64 hostTimeMs);
    /// Emits the incomplete tail as a line (for example when the port closes). Empty when none.
    std::vector<Line> flush(qint64 hostTimeMs);
    void reset();

    [[nodiscard]] QString pendingText() const;
    [[nodiscard]] qsizetype maxLineLength() const { return m_maxLineLength; }
    void setMaxLineLength(qsizetype bytes);
    void setPrompt(const QString &prompt);
    [[nodiscard]] QString prompt() const { return m_prompt; }

private:
    enum class Esc : quint8 {
        None,
        Escape,             // after ESC
        EscapeIntermediate, // ESC followed by intermediate bytes (0x20..0x2f), waiting for final
        Csi,                // after ESC [
        Osc,                // after ESC ]: operating system command, ends with BEL or ESC backslash
        OscEscape,          // ESC seen inside an OSC
    };

    // Consumes one byte of an escape sequence; returns false when the byte does not belong to the
    // sequence (the sequence is abandoned and the caller processes the byte as ordinary input).
    bool consumeEscapeByte(uchar c);
    void applySgr();
    void appendDecoded(QByteArrayView plain);
    void decodeComplete(QByteArrayView bytes);
    void closePartialCharacter();
    void noteAppended(qsizetype oldSize);
    void emitLine(std::vector<Line> &out, qint64 hostTimeMs, bool truncated);
    // Length of the prompt fragment in front of a log record in the current line, else 0.
    [[nodiscard]] qsizetype promptLength() const;

    // Only ever fed whole UTF-8 sequences: Qt 6.4's decoder drops the byte that follows a
    // sequence cut short across two calls, so the incomplete tail of a read is kept in
    // m_pendingUtf8 until the next read completes it (or something else cuts it short).
    QStringDecoder m_decoder{QStringDecoder::Utf8};
    QByteArray m_pendingUtf8; // incomplete UTF-8 sequence at the end of the last plain run
    QString m_prompt = QStringLiteral("uart:~$ ");
    qsizetype m_maxLineLength = DefaultMaxLineLength;
    QByteArray m_raw; // raw bytes of the current line that arrived in earlier chunks
    QString m_text;   // decoded visible text of the current line
    QList<StyleSpan> m_spans;
    StyleSpan m_style; // current SGR state (start/length unused)
    Esc m_esc = Esc::None;
    QByteArray m_csi; // parameter and intermediate bytes of the CSI sequence in progress
    bool m_csiOverlong = false;
    bool m_lastWasCr = false; // the previous byte was a CR that ended a line (a LF pairs with it)
    bool m_lastWasLf = false; // the previous byte was a LF that ended a line (a CR pairs with it)
};

} // namespace ps::core
