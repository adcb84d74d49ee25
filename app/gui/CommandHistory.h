#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace ps::gui {

/// The commands a person sent, for Up/Down recall in the command line.
///
/// Bounded (oldest dropped first); a command equal to the newest one is stored once; blank
/// commands are not stored. Navigation works like a shell: previous() walks back from the
/// newest entry, next() walks forward and finally returns the text the person had typed before
/// navigating (the "draft"). entries() is what Settings stores.
class CommandHistory {
public:
    explicit CommandHistory(int limit = 500, QStringList entries = {});

    void add(const QString &command);
    [[nodiscard]] const QStringList &entries() const { return m_entries; }
    [[nodiscard]] int limit() const { return m_limit; }
    void setLimit(int limit);

    /// The entry before the current one; `draft` is the line as typed, kept for next().
    /// nullopt at the oldest entry (the line then stays as it is).
    [[nodiscard]] std::optional<QString> previous(const QString &draft);
    [[nodiscard]] std::optional<QString> next();
    /// Ends navigation (after sending, or when the person edits the line).
    void resetNavigation();

private:
    void trim();

    QStringList m_entries;
    int m_limit;
    qsizetype m_position = -1; // -1: not navigating; else index into m_entries
    QString m_draft;
};

} // namespace ps::gui
