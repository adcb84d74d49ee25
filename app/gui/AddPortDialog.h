#pragma once

#include <QDialog>
#include <memory>
#include <optional>

namespace Ui {
class AddPortDialog;
}

namespace ps::gui {

/// Asks for the path of a port the system does not list (a pty of a virtual device). Returns
/// the path; the caller adds it to the port list.
class AddPortDialog : public QDialog {
    Q_OBJECT
public:
    explicit AddPortDialog(QWidget *parent = nullptr);
    ~AddPortDialog() override;

    /// nullopt when cancelled.
    static std::optional<QString> ask(QWidget *parent);

    [[nodiscard]] QString path() const;
    void setPath(const QString &path);
    /// Why the path cannot be used, or empty when it can.
    static QString problemWith(const QString &path);

private:
    void validate();

    std::unique_ptr<Ui::AddPortDialog> m_ui;
};

} // namespace ps::gui
