#pragma once

#include <QStringView>
#include <array>
#include <vector>

namespace ps::core {

/// Finds many keywords in a text in one pass (an Aho-Corasick automaton compiled to a table).
///
/// The timeline checks every line against every rule; instead of searching each rule's text in
/// turn, each rule contributes one keyword (its anchor) and a line is scanned once, whatever
/// the number of rules (at most 32767 automaton states: some 1500 keywords of 20 characters).
/// Matching folds ASCII case; other characters only match themselves
/// through the "other" symbol, so keywords should be ASCII (rule anchors are).
///
///   KeywordMatcher m;
///   m.add(u"backoff time:", 7);
///   m.build();
///   m.find(text, [&](quint32 id) { candidates.set(id); });
class KeywordMatcher {
public:
    /// Adds a keyword reported as `id`. Call build() after the last add().
    void add(QStringView keyword, quint32 id);
    /// Compiles the keywords; false (and an empty matcher) when they need too many states.
    bool build();
    void clear();

    [[nodiscard]] bool isEmpty() const { return m_keywords.empty(); }
    [[nodiscard]] qsizetype stateCount() const { return qsizetype(m_outBegin.size()) - 1; }

    /// Calls onMatch(id) for every keyword occurrence in `text` (an id can be reported more
    /// than once).
    template<typename OnMatch> void find(QStringView text, OnMatch &&onMatch) const {
        if (m_width == 0)
            return;
        const quint16 *const next = m_next.data();
        quint32 state = 0;
        for (const QChar ch : text) {
            const char16_t c = ch.unicode();
            const quint32 symbol = c < 128 ? m_symbol[c] : 0;
            const quint16 entry = next[state * m_width + symbol];
            state = entry & StateMask;
            if (entry & HasOutput) [[unlikely]] {
                for (quint32 i = m_outBegin[state]; i < m_outBegin[state + 1]; ++i)
                    onMatch(m_out[i]);
            }
        }
    }

private:
    struct Keyword {
        std::vector<quint8> chars; // folded ASCII, 0 for anything else
        quint32 id = 0;
    };
    static char16_t fold(char16_t c) { return (c >= u'A' && c <= u'Z') ? char16_t(c + 32) : c; }
    // A transition holds the next state and, in its top bit, whether a keyword ends there, so
    // the scan touches nothing else on the common path.
    static constexpr quint16 HasOutput = 0x8000;
    static constexpr quint16 StateMask = 0x7fff;

    std::vector<Keyword> m_keywords;
    std::array<quint8, 128> m_symbol{}; // ASCII (folded) -> symbol; 0 = any other character
    quint32 m_width = 0;                // symbols per state row
    std::vector<quint16> m_next;        // state * m_width + symbol -> next state | HasOutput
    std::vector<quint32> m_outBegin;    // per state, range into m_out (size states + 1)
    std::vector<quint32> m_out;         // keyword ids ending in each state
};

} // namespace ps::core
