#include "FindBar.h"

#include "Icons.h"
#include "ui_FindBar.h"

#include <QKeyEvent>

namespace ps::gui {

FindBar::FindBar(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::FindBar>()) {
    m_ui->setupUi(this);
    m_ui->previousButton->setIcon(icon(IconId::FindPrevious));
    m_ui->nextButton->setIcon(icon(IconId::FindNext));
    m_ui->closeButton->setIcon(icon(IconId::Close));
    m_ui->findEdit->installEventFilter(this);

    const auto changed = [this] { Q_EMIT searchChanged(text(), caseSensitivity()); };
    connect(m_ui->findEdit, &QLineEdit::textChanged, this, changed);
    connect(m_ui->caseCheck, &QCheckBox::toggled, this, changed);
    connect(m_ui->nextButton, &QToolButton::clicked, this, &FindBar::findNextRequested);
    connect(m_ui->previousButton, &QToolButton::clicked, this, &FindBar::findPreviousRequested);
    connect(m_ui->closeButton, &QToolButton::clicked, this, &FindBar::closeRequested);
}

FindBar::~FindBar() = default;

QString FindBar::text() const {
    return m_ui->findEdit->text();
}

void FindBar::setText(const QString &text) {
    m_ui->findEdit->setText(text);
}

Qt::CaseSensitivity FindBar::caseSensitivity() const {
    return m_ui->caseCheck->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive;
}

void FindBar::setCaseSensitive(bool sensitive) {
    m_ui->caseCheck->setChecked(sensitive);
}

void FindBar::activate() {
    show();
    m_ui->findEdit->setFocus(Qt::ShortcutFocusReason);
    m_ui->findEdit->selectAll();
}

void FindBar::setResult(bool found) {
    m_ui->statusLabel->setText(found || text().isEmpty() ? QString() : tr("Not found"));
}

bool FindBar::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_ui->findEdit && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (key->modifiers() & Qt::ShiftModifier)
                Q_EMIT findPreviousRequested();
            else
                Q_EMIT findNextRequested();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            Q_EMIT closeRequested();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace ps::gui
