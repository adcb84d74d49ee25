#include "KeywordMatcher.h"

#include <deque>

namespace ps::core {

void KeywordMatcher::clear() {
    m_keywords.clear();
    m_symbol.fill(0);
    m_width = 0;
    m_next.clear();
    m_outBegin.clear();
    m_out.clear();
}

void KeywordMatcher::add(QStringView keyword, quint32 id) {
    if (keyword.isEmpty())
        return;
    Keyword entry;
    entry.id = id;
    // Symbols are assigned in build(); keep the folded characters (0 for non-ASCII).
    entry.chars.reserve(keyword.size());
    for (const QChar ch : keyword) {
        const char16_t c = fold(ch.unicode());
        entry.chars.push_back(c < 128 ? quint8(c) : quint8(0));
    }
    m_keywords.push_back(std::move(entry));
}

bool KeywordMatcher::build() {
    m_symbol.fill(0);
    quint32 symbols = 1; // 0 is "any other character"
    for (const Keyword &keyword : m_keywords) {
        for (const quint8 c : keyword.chars) {
            if (c == 0 || m_symbol[c] != 0)
                continue; // a non-ASCII keyword character only matches "other"
            m_symbol[c] = quint8(symbols++);
            if (c >= 'a' && c <= 'z')
                m_symbol[c - 32] = m_symbol[c];
        }
    }
    m_width = symbols;

    // Trie with goto edges; -1 = no edge yet.
    std::vector<std::vector<qint32>> edges(1, std::vector<qint32>(m_width, -1));
    std::vector<std::vector<quint32>> outputs(1);
    for (const Keyword &keyword : m_keywords) {
        qint32 state = 0;
        for (const quint8 c : keyword.chars) {
            const quint8 symbol = m_symbol[c];
            if (edges[state][symbol] < 0) {
                edges[state][symbol] = qint32(edges.size());
                edges.emplace_back(m_width, -1);
                outputs.emplace_back();
            }
            state = edges[state][symbol];
        }
        outputs[state].push_back(keyword.id);
    }
    if (edges.size() > StateMask) {
        clear();
        return false;
    }

    // Breadth-first: failure links turn the trie into a complete transition table, and each
    // state inherits the outputs of its failure state.
    std::vector<qint32> failure(edges.size(), 0);
    std::deque<qint32> queue;
    for (quint32 symbol = 0; symbol < m_width; ++symbol) {
        const qint32 child = edges[0][symbol];
        if (child < 0) {
            edges[0][symbol] = 0;
        } else {
            failure[child] = 0;
            queue.push_back(child);
        }
    }
    while (!queue.empty()) {
        const qint32 state = queue.front();
        queue.pop_front();
        const auto &inherited = outputs[failure[state]];
        outputs[state].insert(outputs[state].end(), inherited.begin(), inherited.end());
        for (quint32 symbol = 0; symbol < m_width; ++symbol) {
            const qint32 child = edges[state][symbol];
            if (child < 0) {
                edges[state][symbol] = edges[failure[state]][symbol];
            } else {
                failure[child] = edges[failure[state]][symbol];
                queue.push_back(child);
            }
        }
    }

    m_next.assign(edges.size() * m_width, 0);
    for (size_t state = 0; state < edges.size(); ++state) {
        for (quint32 symbol = 0; symbol < m_width; ++symbol) {
            const auto target = size_t(edges[state][symbol]);
            m_next[state * m_width + symbol] =
                quint16(target | (outputs[target].empty() ? 0 : HasOutput));
        }
    }
    m_outBegin.assign(edges.size() + 1, 0);
    m_out.clear();
    for (size_t state = 0; state < edges.size(); ++state) {
        m_outBegin[state] = quint32(m_out.size());
        m_out.insert(m_out.end(), outputs[state].begin(), outputs[state].end());
    }
    m_outBegin[edges.size()] = quint32(m_out.size());
    return true;
}

} // namespace ps::core
