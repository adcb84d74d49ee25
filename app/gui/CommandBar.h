#pragma once

#include "Settings.h"

#include <QWidget>
#include <memory>

namespace Ui {
class CommandBar;
}

namespace ps::gui {

class CommandHistory;
class CommandLineEdit;

/// The row under a console where commands are typed: the command line, the line ending, hex
/// mode and Send. It turns what was typed into bytes (sendRequested) and reports input it cannot
/// send inline, under the line, instead of in a dialog.
class CommandBar : public QWidget {
    Q_OBJECT
public:
    explicit CommandBar(QWidget *parent = nullptr);
    ~CommandBar() override;

    void setHistory(CommandHistory *history);
    void setLineEnding(LineEnding ending);
    [[nodiscard]] LineEnding lineEnding() const;
    void setHexMode(bool hex);
    [[nodiscard]] bool hexMode() const;
    /// Whether Send is possible (a port is open); typing stays possible either way.
    void setSendEnabled(bool enabled);

    [[nodiscard]] CommandLineEdit *commandEdit() const;
    /// The inline error shown under the line; empty when there is none.
    [[nodiscard]] QString errorText() const;

    /// Sends what is typed, as Return does.
    void submit();

Q_SIGNALS:
    /// `bytes` go to the device as they are; `command` is the line as typed (for the history).
    void sendRequested(const QByteArray &bytes, const QString &command);
    /// The line ending or hex mode changed (the window remembers them).
    void optionsChanged();

private:
    void validate();
    void showError(const QString &message);

    std::unique_ptr<Ui::CommandBar> m_ui;
    bool m_sendEnabled = true;
};

} // namespace ps::gui
