#include "PreferencesDialog.h"

#include "ui_PreferencesDialog.h"

#include <QDir>

namespace ps::gui {

namespace {
constexpr qint64 MiB = 1024 * 1024;
}

PreferencesDialog::PreferencesDialog(const Settings &current, const QString &logFolder,
                                     QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::PreferencesDialog>())
    , m_base(current) {
    m_ui->setupUi(this);
    m_ui->maxLinesSpin->setValue(current.console.maxLines);
    m_ui->maxMemorySpin->setValue(current.console.maxMegabytes);
    m_ui->fontSizeSpin->setValue(current.console.fontPointSize);
    m_ui->historySpin->setValue(current.command.historyLimit);
    m_ui->logGroup->setChecked(current.sessionLog.enabled);
    m_ui->logFolderLabel->setText(QDir::toNativeSeparators(logFolder));
    m_ui->logSizeSpin->setValue(int(std::max<qint64>(1, current.sessionLog.maxFileBytes / MiB)));
    m_ui->keepSpin->setValue(current.sessionLog.keepFiles);
}

PreferencesDialog::~PreferencesDialog() = default;

std::optional<Settings> PreferencesDialog::ask(QWidget *parent, const Settings &current,
                                               const QString &logFolder) {
    PreferencesDialog dialog(current, logFolder, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.settings();
}

Settings PreferencesDialog::settings() const {
    Settings s = m_base;
    s.console.maxLines = m_ui->maxLinesSpin->value();
    s.console.maxMegabytes = m_ui->maxMemorySpin->value();
    s.console.fontPointSize = m_ui->fontSizeSpin->value();
    s.command.historyLimit = m_ui->historySpin->value();
    s.sessionLog.enabled = m_ui->logGroup->isChecked();
    s.sessionLog.maxFileBytes = qint64(m_ui->logSizeSpin->value()) * MiB;
    s.sessionLog.keepFiles = m_ui->keepSpin->value();
    return s;
}

} // namespace ps::gui
