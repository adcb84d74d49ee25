#include "LineAssembler.h"

#include "LogPattern.h"

#include <array>

namespace ps::core {

namespace {

constexpr char EscapeByte = '\x1b';
constexpr qsizetype MaxCsiLength = 64; // longer parameter lists are garbage; drop the sequence

// Bytes that go straight to the decoder: printable ASCII, TAB and every byte >= 0x80 (UTF-8).
constexpr std::array<bool, 256> plainBytes = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[c] = (c >= 0x20 && c != 0x7f) || c == '\t';
    return table;
}();

bool isUtf8Continuation(quint8 byte) {
    return (byte & 0xc0) == 0x80;
}

// Length of the sequence a lead byte starts; 1 for ASCII and for bytes that cannot start one
// (the decoder turns those into U+FFFD).
qsizetype utf8SequenceLength(quint8 lead) {
    if (lead >= 0xc2 && lead <= 0xdf)
        return 2;
    if (lead >= 0xe0 && lead <= 0xef)
        return 3;
    if (lead >= 0xf0 && lead <= 0xf4)
        return 4;
    return 1;
}

// Number of bytes at the end of `bytes` that start a multi-byte sequence without finishing it.
qsizetype incompleteTailSize(QByteArrayView bytes) {
    const qsizetype limit = std::min<qsizetype>(bytes.size(), 3);
    for (qsizetype back = 1; back <= limit; ++back) {
        const auto byte = quint8(bytes[bytes.size() - back]);
        if (isUtf8Continuation(byte))
            continue;
        return utf8SequenceLength(byte) > back ? back : 0;
    }
    return 0;
}

bool isDefaultStyle(const StyleSpan &style) {
    return style.foreground < 0 && style.background < 0 && !style.bold && !style.underline;
}

bool sameStyle(const StyleSpan &a, const StyleSpan &b) {
    return a.foreground == b.foreground && a.background == b.background && a.bold == b.bold &&
           a.underline == b.underline;
}

} // namespace

LineAssembler::LineAssembler() = default;

void LineAssembler::setMaxLineLength(qsizetype bytes) {
    m_maxLineLength = std::max<qsizetype>(bytes, 1);
}

void LineAssembler::setPrompt(const QString &prompt) {
    m_prompt = prompt;
}

QString LineAssembler::pendingText() const {
    return m_text;
}

void LineAssembler::reset() {
    m_decoder.resetState();
    m_raw.clear();
    m_text.clear();
    m_spans.clear();
    m_style = {};
    m_esc = Esc::None;
    m_csi.clear();
    m_csiOverlong = false;
    m_pendingUtf8.clear();
    m_lastWasCr = false;
    m_lastWasLf = false;
}

std::vector<Line> LineAssembler::feed(QByteArrayView bytes, qint64 hostTimeMs) {
    std::vector<Line> out;
    const char *const begin = bytes.data();
    const char *const end = begin + bytes.size();
    const char *p = begin;
    // Raw bytes of the current line in this chunk start at `segment`; they are copied into m_raw
    // in one piece when the line ends or the chunk does, not byte by byte.
    const char *segment = begin;
    auto rawSize = [&] { return m_raw.size() + (p - segment); };
    auto takeSegment = [&](const char *segmentEnd) {
        if (m_raw.isEmpty())
            m_raw = QByteArray(segment, segmentEnd - segment); // exact size, the usual case
        else
            m_raw.append(segment, segmentEnd - segment);
    };
    auto endLine = [&](bool truncated) {
        takeSegment(p);
        emitLine(out, hostTimeMs, truncated);
        segment = p;
    };

    while (p < end) {
        const auto c = static_cast<uchar>(*p);

        if (c == '\n' || c == '\r') {
            m_esc = Esc::None; // a line ending never belongs to a sequence: abandon it
            const bool pairs = c == '\n' ? m_lastWasCr : m_lastWasLf;
            if (pairs) {
                // Second half of CRLF or LFCR: the line already ended at the first half.
                m_lastWasCr = m_lastWasLf = false;
                ++p;
                segment = p;
                continue;
            }
            closePartialCharacter();
            endLine(false);
            ++p;
            segment = p;
            m_lastWasCr = c == '\r';
            m_lastWasLf = c == '\n';
            continue;
        }
        m_lastWasCr = m_lastWasLf = false;

        if (rawSize() >= m_maxLineLength)
            endLine(true);

        if (m_esc != Esc::None) {
            if (consumeEscapeByte(c)) {
                ++p;
                continue;
            }
            // Not part of the sequence: fall through and treat the byte as ordinary input.
        }

        if (c == static_cast<uchar>(EscapeByte)) {
            closePartialCharacter();
            m_esc = Esc::Escape;
            ++p;
            continue;
        }
        if (!plainBytes[c]) {
            closePartialCharacter(); // control characters (BEL, BS, NUL...) are dropped
            ++p;
            continue;
        }

        // A run of plain bytes, decoded in one call; capped so the line stays within the limit.
        const qsizetype room = m_maxLineLength - rawSize();
        const char *runEnd = p;
        const char *const limit = end - p > room ? p + room : end;
        while (runEnd < limit && plainBytes[static_cast<uchar>(*runEnd)])
            ++runEnd;
        appendDecoded(QByteArrayView(p, runEnd - p));
        p = runEnd;
    }
    if (segment < end)
        takeSegment(end);
    return out;
}

std::vector<Line> LineAssembler::flush(qint64 hostTimeMs) {
    std::vector<Line> out;
    closePartialCharacter();
    m_esc = Esc::None;
    m_csi.clear();
    m_lastWasCr = m_lastWasLf = false;
    if (!m_raw.isEmpty() || !m_text.isEmpty())
        emitLine(out, hostTimeMs, false);
    return out;
}

bool LineAssembler::consumeEscapeByte(uchar c) {
    switch (m_esc) {
    case Esc::None:
        return false;
    case Esc::Escape:
        if (c == '[') {
            m_esc = Esc::Csi;
            m_csi.clear();
            m_csiOverlong = false;
            return true;
        }
        if (c == ']') {
            m_esc = Esc::Osc;
            return true;
        }
        if (c >= 0x20 && c <= 0x2f) {
            m_esc = Esc::EscapeIntermediate;
            return true;
        }
        if (c >= 0x30 && c <= 0x7e) {
            m_esc = Esc::None; // two-byte sequence (ESC 7, ESC c, ...): dropped
            return true;
        }
        m_esc = Esc::None;
        return false;
    case Esc::EscapeIntermediate:
        if (c >= 0x20 && c <= 0x2f)
            return true;
        m_esc = Esc::None;
        return c >= 0x30 && c <= 0x7e;
    case Esc::Csi:
        if (c >= 0x20 && c <= 0x3f) { // parameter and intermediate bytes
            if (m_csi.size() < MaxCsiLength)
                m_csi.append(char(c));
            else
                m_csiOverlong = true;
            return true;
        }
        if (c >= 0x40 && c <= 0x7e) { // final byte
            m_esc = Esc::None;
            if (c == 'm' && !m_csiOverlong)
                applySgr();
            return true;
        }
        m_esc = Esc::None; // malformed: the byte is ordinary input again
        return false;
    case Esc::Osc:
        if (c == 0x07) {
            m_esc = Esc::None;
            return true;
        }
        if (c == static_cast<uchar>(EscapeByte))
            m_esc = Esc::OscEscape;
        return true;
    case Esc::OscEscape:
        if (c == '\\') {
            m_esc = Esc::None;
            return true;
        }
        m_esc = Esc::Escape; // an ESC that did not terminate the OSC starts a new sequence
        return consumeEscapeByte(c);
    }
    return false;
}

void LineAssembler::applySgr() {
    // Parameters are decimal numbers separated by ';' (an empty one means 0). Sequences with
    // private markers (<=>?) or intermediates are not SGR and are ignored.
    for (const char ch : std::as_const(m_csi)) {
        if (!((ch >= '0' && ch <= '9') || ch == ';'))
            return;
    }
    std::array<int, 16> params{};
    qsizetype count = 0;
    int value = 0;
    for (qsizetype i = 0; i <= m_csi.size(); ++i) {
        if (i == m_csi.size() || m_csi[i] == ';') {
            if (count < qsizetype(params.size()))
                params[count++] = value;
            value = 0;
        } else {
            value = std::min(value * 10 + (m_csi[i] - '0'), 100000);
        }
    }
    for (qsizetype i = 0; i < count; ++i) {
        const int code = params[i];
        if (code == 0) {
            m_style = {};
        } else if (code == 1) {
            m_style.bold = true;
        } else if (code == 4) {
            m_style.underline = true;
        } else if (code == 22) {
            m_style.bold = false;
        } else if (code == 24) {
            m_style.underline = false;
        } else if (code >= 30 && code <= 37) {
            m_style.foreground = qint8(code - 30);
        } else if (code == 39) {
            m_style.foreground = -1;
        } else if (code >= 40 && code <= 47) {
            m_style.background = qint8(code - 40);
        } else if (code == 49) {
            m_style.background = -1;
        } else if (code >= 90 && code <= 97) {
            m_style.foreground = qint8(code - 90 + 8);
        } else if (code >= 100 && code <= 107) {
            m_style.background = qint8(code - 100 + 8);
        } else if (code == 38 || code == 48) {
            // Extended colours (5;n or 2;r;g;b) are outside the 16-colour palette: skip their
            // arguments so they are not read as attributes of their own.
            if (i + 1 < count && params[i + 1] == 5)
                i += 2;
            else if (i + 1 < count && params[i + 1] == 2)
                i += 4;
        }
    }
}

void LineAssembler::appendDecoded(QByteArrayView plain) {
    if (!m_pendingUtf8.isEmpty()) {
        // Complete the sequence the previous read cut short, or give up on it.
        const qsizetype needed = utf8SequenceLength(quint8(m_pendingUtf8.front()));
        qsizetype taken = 0;
        while (m_pendingUtf8.size() < needed && taken < plain.size() &&
               isUtf8Continuation(quint8(plain[taken]))) {
            m_pendingUtf8.append(plain[taken]);
            ++taken;
        }
        plain = plain.sliced(taken);
        if (m_pendingUtf8.size() == needed) {
            const QByteArray sequence = std::exchange(m_pendingUtf8, {});
            decodeComplete(sequence);
        } else if (!plain.isEmpty()) {
            closePartialCharacter();
        } else {
            return; // still incomplete: wait for the next read
        }
    }
    const qsizetype tail = incompleteTailSize(plain);
    if (tail > 0) {
        m_pendingUtf8 = plain.last(tail).toByteArray();
        plain.chop(tail);
    }
    decodeComplete(plain);
}

void LineAssembler::decodeComplete(QByteArrayView bytes) {
    if (bytes.isEmpty())
        return;
    const qsizetype oldSize = m_text.size();
    const qsizetype needed = oldSize + m_decoder.requiredSpace(bytes.size());
    if (m_text.capacity() < needed)
        m_text.reserve(std::max(needed, 2 * m_text.capacity()));
    m_text.resize(needed);
    QChar *const last = m_decoder.appendToBuffer(m_text.data() + oldSize, bytes);
    m_text.resize(last - m_text.constData());
    noteAppended(oldSize);
}

void LineAssembler::closePartialCharacter() {
    // A multi-byte character cut short by a control byte, an escape or a line end is invalid:
    // it becomes one U+FFFD, in the style it was printed with.
    if (m_pendingUtf8.isEmpty())
        return;
    m_pendingUtf8.clear();
    const qsizetype oldSize = m_text.size();
    m_text.append(QChar::ReplacementCharacter);
    noteAppended(oldSize);
}

void LineAssembler::noteAppended(qsizetype oldSize) {
    const qsizetype added = m_text.size() - oldSize;
    if (added <= 0 || isDefaultStyle(m_style))
        return;
    if (!m_spans.isEmpty()) {
        StyleSpan &last = m_spans.last();
        if (last.start + last.length == oldSize && sameStyle(last, m_style)) {
            last.length += added;
            return;
        }
    }
    StyleSpan span = m_style;
    span.start = oldSize;
    span.length = added;
    m_spans.append(span);
}

void LineAssembler::emitLine(std::vector<Line> &out, qint64 hostTimeMs, bool truncated) {
    Line line;
    line.hostTimeMs = hostTimeMs;
    line.raw = std::move(m_raw);
    m_raw.clear();
    // m_text is a scratch buffer that keeps its capacity from line to line; each Line gets an
    // exact-size copy of what remains after the prompt.
    const qsizetype cut = promptLength();
    line.text = QStringView(m_text).sliced(cut).toString();
    m_text.resize(0);
    line.truncated = truncated;
    if (cut == 0) {
        line.spans = std::move(m_spans);
    } else {
        for (StyleSpan span : std::as_const(m_spans)) {
            const qsizetype spanEnd = span.start + span.length;
            if (spanEnd <= cut)
                continue;
            span.start = std::max(span.start, cut) - cut;
            span.length = spanEnd - cut - span.start;
            line.spans.append(span);
        }
    }
    m_spans.clear();
    out.push_back(std::move(line));
}

qsizetype LineAssembler::promptLength() const {
    const QStringView text = m_text;
    const QStringView prompt = QStringView(m_prompt).trimmed();
    if (text.isEmpty() || prompt.isEmpty())
        return 0;
    // Cheap rejection first: most lines are log records or output that starts with something
    // other than a piece of the prompt.
    if (text.front() == u'[' && prompt.front() != u'[')
        return 0;
    const auto head = findLogRecordHead(text, 1);
    if (!head)
        return 0;
    const QStringView prefix = text.first(head->start);
    bool isPrompt = prefix.startsWith(prompt) || prompt.startsWith(prefix.trimmed());
    // A tail of the prompt ("~$ ", ":~$ ") followed by typed text, for example when the line
    // began in the middle of the prompt.
    const qsizetype minFragment = std::min<qsizetype>(2, prompt.size());
    for (qsizetype n = prompt.size() - 1; !isPrompt && n >= minFragment; --n)
        isPrompt = prefix.startsWith(prompt.last(n));
    if (!isPrompt || prefix.trimmed().isEmpty())
        return 0;
    return head->start;
}

} // namespace ps::core
