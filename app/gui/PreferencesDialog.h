#pragma once

#include "Settings.h"

#include <QDialog>
#include <memory>
#include <optional>

namespace Ui {
class PreferencesDialog;
}

namespace ps::gui {

/// Edits the console, history and session-log parts of Settings. Returns the edited copy; the
/// caller applies and saves it.
class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    PreferencesDialog(const Settings &current, const QString &logFolder, QWidget *parent = nullptr);
    ~PreferencesDialog() override;

    static std::optional<Settings> ask(QWidget *parent, const Settings &current,
                                       const QString &logFolder);
    /// `current` with the form's values applied.
    [[nodiscard]] Settings settings() const;

private:
    std::unique_ptr<Ui::PreferencesDialog> m_ui;
    Settings m_base;
};

} // namespace ps::gui
