#include "AddPortDialog.h"

#include "ui_AddPortDialog.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QPushButton>

namespace ps::gui {

AddPortDialog::AddPortDialog(QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::AddPortDialog>()) {
    m_ui->setupUi(this);
    connect(m_ui->pathEdit, &QLineEdit::textChanged, this, &AddPortDialog::validate);
    connect(m_ui->browseButton, &QPushButton::clicked, this, [this] {
        const QString chosen =
            QFileDialog::getOpenFileName(this, tr("Serial Device"), QStringLiteral("/dev"),
                                         QString(), nullptr, QFileDialog::DontResolveSymlinks);
        if (!chosen.isEmpty())
            setPath(chosen);
    });
    validate();
}

AddPortDialog::~AddPortDialog() = default;

std::optional<QString> AddPortDialog::ask(QWidget *parent) {
    AddPortDialog dialog(parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.path();
}

QString AddPortDialog::path() const {
    return m_ui->pathEdit->text().trimmed();
}

void AddPortDialog::setPath(const QString &path) {
    m_ui->pathEdit->setText(path);
}

QString AddPortDialog::problemWith(const QString &path) {
    if (path.isEmpty())
        return tr("Enter the full path of the device, e.g. /dev/pts/3.");
    const QFileInfo info(path);
    if (info.isRelative())
        return tr("Enter a full path starting with /.");
    if (!info.exists())
        return tr("%1 does not exist. Is the virtual device running?").arg(path);
    if (info.isDir())
        return tr("%1 is a folder, not a device.").arg(path);
    return {};
}

void AddPortDialog::validate() {
    const QString problem = problemWith(path());
    // An empty field is not an error yet; only say something once there is text.
    m_ui->errorLabel->setText(path().isEmpty() ? QString() : problem);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace ps::gui
