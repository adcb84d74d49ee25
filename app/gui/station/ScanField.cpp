#include "ScanField.h"

#include <optional>

namespace ps::gui {

using namespace Qt::StringLiterals;

ScanField::ScanField(QWidget *parent)
    : QLineEdit(parent) {
    setObjectName(u"scanField"_s);
    setPlaceholderText(tr("Scan the device's label (IMEI)"));
    setClearButtonEnabled(true);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() > 0 ? big.pointSizeF() * 1.4 : 14);
    setFont(big);
    connect(this, &QLineEdit::returnPressed, this, &ScanField::onReturn);
}

std::optional<QString> ScanField::imeiFrom(const QString &text) {
    QString digits;
    for (const QChar c : text) {
        if (c == u' ' || c == u'-')
            continue;
        if (c < u'0' || c > u'9')
            return std::nullopt;
        digits.append(c);
    }
    if (digits.size() != 15)
        return std::nullopt;
    return digits;
}

void ScanField::onReturn() {
    const QString text = this->text().trimmed();
    clear();
    if (text.isEmpty())
        return;
    if (const auto imei = imeiFrom(text))
        Q_EMIT scanned(*imei);
    else
        Q_EMIT rejected(text);
}

} // namespace ps::gui
