#include "LineSettingsDialog.h"

#include "ui_LineSettingsDialog.h"

#include <tuple>

namespace ps::gui {

using ps::device::SerialSettings;

QString lineSettingsText(const SerialSettings &settings) {
    const QChar parity = settings.parity == SerialSettings::Parity::Even  ? QLatin1Char('E')
                         : settings.parity == SerialSettings::Parity::Odd ? QLatin1Char('O')
                                                                          : QLatin1Char('N');
    QString text = QStringLiteral("%1 %2%3%4")
                       .arg(settings.baudRate)
                       .arg(settings.dataBits)
                       .arg(parity)
                       .arg(settings.stopBits);
    if (settings.hardwareFlowControl)
        text += QStringLiteral(", RTS/CTS");
    return text;
}

LineSettingsDialog::LineSettingsDialog(const SerialSettings &current, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::LineSettingsDialog>()) {
    m_ui->setupUi(this);
    setSettings(current);
    connect(m_ui->defaultsButton, &QPushButton::clicked, this,
            [this] { setSettings(SerialSettings{}); });
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, [this] {
        if (settings())
            accept();
    });
    connect(m_ui->baudCombo, &QComboBox::editTextChanged, this,
            [this] { std::ignore = settings(); });
}

LineSettingsDialog::~LineSettingsDialog() = default;

std::optional<SerialSettings> LineSettingsDialog::ask(QWidget *parent,
                                                      const SerialSettings &current) {
    LineSettingsDialog dialog(current, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.settings();
}

void LineSettingsDialog::setSettings(const SerialSettings &settings) {
    m_ui->baudCombo->setEditText(QString::number(settings.baudRate));
    const int baudIndex = m_ui->baudCombo->findText(QString::number(settings.baudRate));
    if (baudIndex >= 0)
        m_ui->baudCombo->setCurrentIndex(baudIndex);
    m_ui->dataBitsCombo->setCurrentIndex(std::clamp(settings.dataBits, 5, 8) - 5);
    m_ui->parityCombo->setCurrentIndex(int(settings.parity));
    m_ui->stopBitsCombo->setCurrentIndex(settings.stopBits == 2 ? 1 : 0);
    m_ui->flowCombo->setCurrentIndex(settings.hardwareFlowControl ? 1 : 0);
}

std::optional<SerialSettings> LineSettingsDialog::settings() const {
    bool ok = false;
    const int baud = m_ui->baudCombo->currentText().trimmed().toInt(&ok);
    if (!ok || baud < 50 || baud > 12'000'000) {
        m_ui->errorLabel->setText(tr("The baud rate must be a number between 50 and 12000000."));
        return std::nullopt;
    }
    m_ui->errorLabel->clear();
    SerialSettings result;
    result.baudRate = baud;
    result.dataBits = m_ui->dataBitsCombo->currentIndex() + 5;
    result.parity = SerialSettings::Parity(m_ui->parityCombo->currentIndex());
    result.stopBits = m_ui->stopBitsCombo->currentIndex() == 1 ? 2 : 1;
    result.hardwareFlowControl = m_ui->flowCombo->currentIndex() == 1;
    return result;
}

} // namespace ps::gui
