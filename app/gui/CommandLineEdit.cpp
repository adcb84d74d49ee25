#include "CommandLineEdit.h"

#include "CommandCompletions.h"
#include "CommandHistory.h"

#include <QCompleter>
#include <QKeyEvent>
#include <QStringListModel>
#include <QTimer>

namespace ps::gui {

CommandLineEdit::CommandLineEdit(QWidget *parent)
    : QLineEdit(parent) {
    m_commands = new QStringListModel(commandCompletions(), this);
    m_completer = new QCompleter(m_commands, this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setFilterMode(Qt::MatchStartsWith);
    m_completer->setModelSorting(QCompleter::CaseInsensitivelySortedModel);
    m_completer->setMaxVisibleItems(12);
    setCompleter(m_completer);
    setClearButtonEnabled(true);

    // Return in the completion popup picks the completion; it must not also send the line.
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, [this] {
        m_justCompleted = true;
        QTimer::singleShot(0, this, [this] { m_justCompleted = false; });
    });
    connect(this, &QLineEdit::textEdited, this, [this] {
        if (m_history && !m_recalling)
            m_history->resetNavigation();
    });
}

void CommandLineEdit::setHistory(CommandHistory *history) {
    m_history = history;
}

void CommandLineEdit::setCompletionEnabled(bool enabled) {
    m_commands->setStringList(enabled ? commandCompletions() : QStringList());
}

void CommandLineEdit::keyPressEvent(QKeyEvent *event) {
    // The completion popup takes Up/Down itself while it is open; these keys reach us only when
    // it is closed.
    switch (event->key()) {
    case Qt::Key_Up:
        if (m_history) {
            recall(m_history->previous(text()));
            return;
        }
        break;
    case Qt::Key_Down:
        if (m_history) {
            recall(m_history->next());
            return;
        }
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_justCompleted) {
            m_justCompleted = false;
            return;
        }
        Q_EMIT submitted(text());
        return;
    default:
        break;
    }
    QLineEdit::keyPressEvent(event);
}

void CommandLineEdit::recall(const std::optional<QString> &entry) {
    if (!entry)
        return;
    m_recalling = true;
    setText(*entry);
    end(false);
    m_recalling = false;
}

} // namespace ps::gui
