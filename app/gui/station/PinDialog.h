#pragma once

#include "PinLock.h"

#include <QDialog>
#include <optional>

class QLabel;
class QLineEdit;
class QDialogButtonBox;

namespace ps::gui {

/// Asks for the engineer PIN. With no PIN set yet it asks for a new one twice and returns its
/// hash (the caller saves it); otherwise it checks the entry against `current` and says
/// "Wrong PIN" in the dialog, leaving it open for another try.
///
///     if (const auto pin = PinDialog::ask(this, m_pin)) { m_pin = *pin; save; unlock; }
class PinDialog : public QDialog {
    Q_OBJECT
public:
    PinDialog(PinHash current, QWidget *parent = nullptr);

    /// The PIN's hash when the entry was right (or the new PIN's hash); nullopt on Cancel.
    static std::optional<PinHash> ask(QWidget *parent, const PinHash &current);

    [[nodiscard]] bool isSettingPin() const { return !m_current.isSet(); }
    /// The hash to keep after the dialog was accepted.
    [[nodiscard]] const PinHash &pinHash() const { return m_result; }
    /// What the dialog says under the fields ("Wrong PIN. Try again.").
    [[nodiscard]] QString message() const;

    /// Checks what was typed; accepts the dialog when it is right (the OK button).
    void submit();

private:
    PinHash m_current;
    PinHash m_result;
    QLineEdit *m_pin = nullptr;
    QLineEdit *m_repeat = nullptr;
    QLabel *m_message = nullptr;
    int m_failures = 0;
};

} // namespace ps::gui
