#pragma once

#include <QLineEdit>
#include <optional>

class QCompleter;
class QStringListModel;

namespace ps::gui {

class CommandHistory;

/// The line where a person types shell commands: Up/Down recall the history (shared by every
/// console, see setHistory), a popup completes the known shell and AT commands, and Return
/// emits submitted(). Editing a recalled line ends the history walk, like a shell.
class CommandLineEdit : public QLineEdit {
    Q_OBJECT
public:
    explicit CommandLineEdit(QWidget *parent = nullptr);

    /// Not owned; must outlive this widget (the main window keeps the one shared history).
    void setHistory(CommandHistory *history);
    [[nodiscard]] CommandHistory *history() const { return m_history; }
    /// Completion on or off (off in hex mode, where it would only get in the way).
    void setCompletionEnabled(bool enabled);
    [[nodiscard]] QCompleter *commandCompleter() const { return m_completer; }

Q_SIGNALS:
    void submitted(const QString &text);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void recall(const std::optional<QString> &entry);

    CommandHistory *m_history = nullptr;
    QCompleter *m_completer = nullptr;
    QStringListModel *m_commands = nullptr;
    bool m_recalling = false;
    bool m_justCompleted = false;
};

} // namespace ps::gui
