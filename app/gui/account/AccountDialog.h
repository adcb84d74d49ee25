#pragma once

#include "CloudAccount.h"

#include <QDialog>
#include <memory>
#include <optional>

namespace Ui {
class AccountDialog;
}

namespace ps::gui {

/// Edits the account: the two API base URLs, the extra trusted CA file, where the key is kept,
/// and a new key. The key in use is never shown; the dialog only says where it comes from.
/// "Check" makes a cheap authenticated call with the values in the form and says in words what
/// happened. Returns the change; the caller applies it (CloudAccount::apply()).
class AccountDialog : public QDialog {
    Q_OBJECT
public:
    AccountDialog(CloudAccount &account, QWidget *parent = nullptr);
    ~AccountDialog() override;

    static std::optional<AccountChange> ask(QWidget *parent, CloudAccount &account);

    /// The form's values.
    [[nodiscard]] AccountChange change() const;
    /// Runs the check with the form's values (the Check button).
    void startCheck();
    [[nodiscard]] bool isChecking() const { return m_checking; }
    /// What the last check said (for tests and screen readers alike).
    [[nodiscard]] QString checkText() const;

Q_SIGNALS:
    void checkFinished(const ps::gui::AccountCheck &check);

private:
    void validate();
    void updateKeyTexts();
    QCoro::Task<> runCheck();

    std::unique_ptr<Ui::AccountDialog> m_ui;
    CloudAccount &m_account;
    bool m_checking = false;
    int m_checkGeneration = 0;
};

} // namespace ps::gui
