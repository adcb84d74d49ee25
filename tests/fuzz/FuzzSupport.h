#pragma once

// Helpers shared by the libFuzzer targets: a failed invariant aborts so that libFuzzer keeps the
// input as a crash, with a message saying which invariant broke.
#include <QByteArrayView>
#include <cstdio>
#include <cstdlib>

namespace ps::fuzz {

[[noreturn]] inline void fail(const char *what) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
}

inline void check(bool ok, const char *what) {
    if (!ok)
        fail(what);
}

// Reads the input front to back: small numbers for the harness's choices, then the rest.
class Input {
public:
    Input(const uint8_t *data, size_t size)
        : m_data(reinterpret_cast<const char *>(data))
        , m_size(qsizetype(size)) {}

    [[nodiscard]] bool atEnd() const { return m_pos >= m_size; }
    [[nodiscard]] qsizetype remaining() const { return m_size - m_pos; }

    // One byte, 0 when the input is exhausted.
    quint8 byte() { return atEnd() ? 0 : quint8(m_data[m_pos++]); }

    // Up to n bytes from the current position.
    QByteArrayView take(qsizetype n) {
        const qsizetype count = std::min(n, remaining());
        QByteArrayView view(m_data + m_pos, count);
        m_pos += count;
        return view;
    }

    QByteArrayView rest() { return take(remaining()); }

private:
    const char *m_data;
    qsizetype m_size;
    qsizetype m_pos = 0;
};

// A small deterministic generator for chunk sizes, seeded from the input so that every input
// replays the same way.
class ChunkSizes {
public:
    explicit ChunkSizes(quint32 seed)
        : m_state(seed * 2654435761u + 1) {}
    qsizetype next(qsizetype maxSize) {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 17;
        m_state ^= m_state << 5;
        return 1 + qsizetype(m_state % quint32(maxSize));
    }

private:
    quint32 m_state;
};

} // namespace ps::fuzz
