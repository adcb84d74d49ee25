#include "CommandHistory.h"

#include <algorithm>

namespace ps::gui {

CommandHistory::CommandHistory(int limit, QStringList entries)
    : m_entries(std::move(entries))
    , m_limit(std::max(1, limit)) {
    m_entries.removeIf([](const QString &entry) { return entry.trimmed().isEmpty(); });
    trim();
}

void CommandHistory::add(const QString &command) {
    resetNavigation();
    if (command.trimmed().isEmpty())
        return;
    if (!m_entries.isEmpty() && m_entries.constLast() == command)
        return;
    m_entries.append(command);
    trim();
}

void CommandHistory::setLimit(int limit) {
    m_limit = std::max(1, limit);
    trim();
    resetNavigation();
}

std::optional<QString> CommandHistory::previous(const QString &draft) {
    if (m_entries.isEmpty())
        return std::nullopt;
    if (m_position < 0) {
        m_draft = draft;
        m_position = m_entries.size();
    }
    if (m_position == 0)
        return std::nullopt;
    --m_position;
    return m_entries.at(m_position);
}

std::optional<QString> CommandHistory::next() {
    if (m_position < 0)
        return std::nullopt;
    ++m_position;
    if (m_position >= m_entries.size()) {
        const QString draft = m_draft;
        resetNavigation();
        return draft;
    }
    return m_entries.at(m_position);
}

void CommandHistory::resetNavigation() {
    m_position = -1;
    m_draft.clear();
}

void CommandHistory::trim() {
    if (m_entries.size() > m_limit)
        m_entries.remove(0, m_entries.size() - m_limit);
}

} // namespace ps::gui
