#include "PinDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace ps::gui {

using namespace Qt::StringLiterals;

PinDialog::PinDialog(PinHash current, QWidget *parent)
    : QDialog(parent)
    , m_current(std::move(current)) {
    setObjectName(u"pinDialog"_s);
    setWindowTitle(isSettingPin() ? tr("Set the Engineer PIN") : tr("Engineer Mode"));
    auto *intro = new QLabel(
        isSettingPin()
            ? tr("No engineer PIN is set on this station yet. Choose one (%1 to %2 digits); "
                 "engineers will need it to change the bundle, the key, the slots and the "
                 "settings.")
                  .arg(PinHash::MinLength)
                  .arg(PinHash::MaxLength)
            : tr("Enter the engineer PIN to change the station's set-up."),
        this);
    intro->setWordWrap(true);

    const auto makeField = [this](const QString &name) {
        auto *field = new QLineEdit(this);
        field->setObjectName(name);
        field->setEchoMode(QLineEdit::Password);
        field->setMaxLength(PinHash::MaxLength);
        field->setInputMethodHints(Qt::ImhDigitsOnly | Qt::ImhSensitiveData);
        field->setValidator(
            new QRegularExpressionValidator(QRegularExpression(u"[0-9]*"_s), field));
        return field;
    };
    m_pin = makeField(u"pinField"_s);
    auto *form = new QFormLayout;
    form->addRow(isSettingPin() ? tr("New &PIN:") : tr("&PIN:"), m_pin);
    if (isSettingPin()) {
        m_repeat = makeField(u"pinRepeatField"_s);
        form->addRow(tr("&Again:"), m_repeat);
    }
    m_message = new QLabel(this);
    m_message->setObjectName(u"pinMessage"_s);
    m_message->setWordWrap(true);
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_message->setPalette(palette);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(isSettingPin() ? tr("Set PIN") : tr("Unlock"));
    connect(buttons, &QDialogButtonBox::accepted, this, &PinDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    setMinimumWidth(380);
    m_pin->setFocus();
}

std::optional<PinHash> PinDialog::ask(QWidget *parent, const PinHash &current) {
    PinDialog dialog(current, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.pinHash();
}

QString PinDialog::message() const {
    return m_message->text();
}

void PinDialog::submit() {
    const QString pin = m_pin->text();
    if (isSettingPin()) {
        if (const auto valid = PinHash::validate(pin); !valid) {
            m_message->setText(valid.error());
            return;
        }
        if (m_repeat->text() != pin) {
            m_message->setText(tr("The two entries differ. Type the same PIN twice."));
            m_repeat->clear();
            m_repeat->setFocus();
            return;
        }
        m_result = PinHash::make(pin);
        accept();
        return;
    }
    if (!m_current.matches(pin)) {
        ++m_failures;
        m_message->setText(m_failures == 1
                               ? tr("Wrong PIN. Try again.")
                               : tr("Wrong PIN (%1 tries). Ask the station's engineer for the "
                                    "PIN.")
                                     .arg(m_failures));
        m_pin->clear();
        m_pin->setFocus();
        return;
    }
    m_result = m_current;
    accept();
}

} // namespace ps::gui
