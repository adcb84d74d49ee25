#pragma once

#include <QLineEdit>
#include <optional>

namespace ps::gui {

/// The label check's input: a barcode scanner (a keyboard to the computer) types the IMEI on
/// the device's label and Enter. Each Enter emits scanned() with what was typed (spaces and
/// dashes removed) and empties the field for the next label; only an entry of 15 digits counts,
/// anything else is refused with `rejected` (a misread, a wrong barcode).
class ScanField : public QLineEdit {
    Q_OBJECT
public:
    explicit ScanField(QWidget *parent = nullptr);

    /// The digits of `text` when it is an IMEI (15 digits after removing spaces and dashes).
    static std::optional<QString> imeiFrom(const QString &text);

Q_SIGNALS:
    void scanned(const QString &imei);
    void rejected(const QString &text);

private:
    void onReturn();
};

} // namespace ps::gui
