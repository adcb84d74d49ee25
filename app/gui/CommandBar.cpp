#include "CommandBar.h"

#include "CommandHistory.h"
#include "CommandLineEdit.h"
#include "HexInput.h"
#include "ui_CommandBar.h"

#include <algorithm>
#include <array>

namespace ps::gui {

namespace {

// The combo box rows, in the order of CommandBar.ui.
constexpr std::array comboOrder{LineEnding::CrLf, LineEnding::Cr, LineEnding::Lf, LineEnding::None};

} // namespace

CommandBar::CommandBar(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::CommandBar>()) {
    m_ui->setupUi(this);
    QPalette errorPalette = m_ui->errorLabel->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xd0, 0x30, 0x2a));
    m_ui->errorLabel->setPalette(errorPalette);

    connect(m_ui->commandEdit, &CommandLineEdit::submitted, this, &CommandBar::submit);
    connect(m_ui->sendButton, &QPushButton::clicked, this, &CommandBar::submit);
    connect(m_ui->commandEdit, &QLineEdit::textChanged, this, &CommandBar::validate);
    connect(m_ui->hexCheck, &QCheckBox::toggled, this, [this](bool hex) {
        m_ui->commandEdit->setCompletionEnabled(!hex);
        m_ui->lineEndingCombo->setEnabled(!hex);
        m_ui->commandEdit->setPlaceholderText(hex ? tr("bytes in hex, e.g. 0d 0a")
                                                  : tr("help, at AT+CGSN, att_cloud provision …"));
        validate();
        Q_EMIT optionsChanged();
    });
    connect(m_ui->lineEndingCombo, &QComboBox::currentIndexChanged, this,
            &CommandBar::optionsChanged);
}

CommandBar::~CommandBar() = default;

void CommandBar::setHistory(CommandHistory *history) {
    m_ui->commandEdit->setHistory(history);
}

void CommandBar::setLineEnding(LineEnding ending) {
    const auto it = std::ranges::find(comboOrder, ending);
    m_ui->lineEndingCombo->setCurrentIndex(int(it - comboOrder.begin()));
}

LineEnding CommandBar::lineEnding() const {
    const int index = m_ui->lineEndingCombo->currentIndex();
    return index >= 0 && index < int(comboOrder.size()) ? comboOrder[size_t(index)]
                                                        : LineEnding::CrLf;
}

void CommandBar::setHexMode(bool hex) {
    m_ui->hexCheck->setChecked(hex);
}

bool CommandBar::hexMode() const {
    return m_ui->hexCheck->isChecked();
}

void CommandBar::setSendEnabled(bool enabled) {
    m_sendEnabled = enabled;
    m_ui->sendButton->setEnabled(enabled);
}

CommandLineEdit *CommandBar::commandEdit() const {
    return m_ui->commandEdit;
}

QString CommandBar::errorText() const {
    return m_ui->errorLabel->text();
}

void CommandBar::submit() {
    const QString command = m_ui->commandEdit->text();
    if (!m_sendEnabled) {
        showError(tr("Not connected: connect the port first (Port > Connect)."));
        return;
    }
    QByteArray bytes;
    if (hexMode()) {
        const auto parsed = parseHexInput(command);
        if (!parsed) {
            showError(parsed.error().message);
            return;
        }
        bytes = *parsed;
    } else {
        bytes = command.toUtf8() + lineEndingBytes(lineEnding());
    }
    showError({});
    if (CommandHistory *history = m_ui->commandEdit->history())
        history->add(command);
    m_ui->commandEdit->clear();
    Q_EMIT sendRequested(bytes, command);
}

void CommandBar::validate() {
    const QString text = m_ui->commandEdit->text();
    if (!hexMode() || text.trimmed().isEmpty()) {
        showError({});
        return;
    }
    const auto parsed = parseHexInput(text);
    showError(parsed ? QString() : parsed.error().message);
}

void CommandBar::showError(const QString &message) {
    m_ui->errorLabel->setText(message);
    m_ui->errorLabel->setVisible(!message.isEmpty());
}

} // namespace ps::gui
