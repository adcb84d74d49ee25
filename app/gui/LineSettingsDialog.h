#pragma once

#include "device/SerialSettings.h"

#include <QDialog>
#include <memory>
#include <optional>

namespace Ui {
class LineSettingsDialog;
}

namespace ps::gui {

/// "115200 8N1", "9600 7E2, RTS/CTS": line settings as people write them.
QString lineSettingsText(const ps::device::SerialSettings &settings);

/// Asks for serial line settings. Returns what was chosen; the caller applies it.
class LineSettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit LineSettingsDialog(const ps::device::SerialSettings &current,
                                QWidget *parent = nullptr);
    ~LineSettingsDialog() override;

    /// nullopt when cancelled.
    static std::optional<ps::device::SerialSettings> ask(QWidget *parent,
                                                         const ps::device::SerialSettings &current);

    void setSettings(const ps::device::SerialSettings &settings);
    /// What the form holds, or nullopt (with the reason shown) when the baud rate is invalid.
    [[nodiscard]] std::optional<ps::device::SerialSettings> settings() const;

private:
    std::unique_ptr<Ui::LineSettingsDialog> m_ui;
};

} // namespace ps::gui
