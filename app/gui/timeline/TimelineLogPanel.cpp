#include "TimelineLogPanel.h"

#include "TimelineLogLoader.h"
#include "TimelineSession.h"
#include "gui/ConsoleModel.h"
#include "gui/ConsoleView.h"
#include "gui/Icons.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace ps::gui {

TimelineLogPanel::TimelineLogPanel(const Settings &settings, QWidget *parent)
    : QWidget(parent) {
    m_session = new TimelineSession(TimelineSession::Kind::File, this);
    m_model = new ConsoleModel(this);
    m_model->setLimits(settings.console.maxLines,
                       qint64(settings.console.maxMegabytes) * 1024 * 1024);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    auto *row = new QHBoxLayout;
    row->setSpacing(6);
    auto *icon = new QLabel(this);
    icon->setPixmap(ps::gui::icon(IconId::OpenLog).pixmap(QSize(16, 16), devicePixelRatioF()));
    m_title = new QLabel(this);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(240);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_cancel = new QToolButton(this);
    m_cancel->setIcon(ps::gui::icon(IconId::Close));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_cancel->setAutoRaise(true);
    m_cancel->setToolTip(tr("Stop reading the log; the timeline keeps what was read (Esc)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancel->hide();
    row->addWidget(icon);
    row->addWidget(m_title, 1);
    row->addWidget(m_progress);
    row->addWidget(m_cancel);
    layout->addLayout(row);

    m_view = new ConsoleView(this);
    m_view->setModel(m_model);
    // A file has no arrival times; stamps the file has are part of its lines.
    m_view->setShowTimestamps(false);
    m_view->setConsoleFontSize(settings.console.fontPointSize);
    m_view->setFollow(false);
    layout->addWidget(m_view, 1);
    m_session->setConsole(m_view);
    setFocusProxy(m_view);

    m_loader = new TimelineLogLoader(m_session, m_model, this);
    connect(m_loader, &TimelineLogLoader::progress, this, &TimelineLogPanel::onProgress);
    connect(m_loader, &TimelineLogLoader::finished, this, &TimelineLogPanel::onFinished);
    connect(m_cancel, &QToolButton::clicked, m_loader, &TimelineLogLoader::cancel);
}

TimelineLogPanel::~TimelineLogPanel() {
    // The loader feeds the session and the model: stop it before either goes.
    m_loader->disconnect(this);
    if (m_loader->isRunning())
        m_loader->cancel();
}

std::expected<void, QString> TimelineLogPanel::open(const QString &path) {
    m_path = QFileInfo(path).absoluteFilePath();
    m_title->setText(tr("Reading %1…").arg(QDir::toNativeSeparators(m_path)));
    setToolTip(QDir::toNativeSeparators(m_path));
    if (auto started = m_loader->start(m_path); !started) {
        m_title->setText(started.error());
        return started;
    }
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    Q_EMIT statusChanged();
    return {};
}

void TimelineLogPanel::cancel() {
    m_loader->cancel();
}

bool TimelineLogPanel::isLoading() const {
    return m_loader->isRunning();
}

QString TimelineLogPanel::statusText() const {
    const QString name = QDir::toNativeSeparators(m_path);
    if (isLoading())
        return tr("Reading %1… %2 %").arg(name).arg(m_progress->value() / 10);
    return tr("Log · %1 · %2").arg(name, m_result);
}

void TimelineLogPanel::onProgress(qint64 done, qint64 total) {
    m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
    m_progress->setFormat(
        tr("%1 of %2").arg(QLocale().formattedDataSize(done), QLocale().formattedDataSize(total)));
    Q_EMIT statusChanged();
}

void TimelineLogPanel::onFinished(bool ok, const QString &message) {
    m_progress->hide();
    m_cancel->hide();
    const qint32 lines = m_session->engine().lineCount();
    m_result = tr("%n line(s)", nullptr, lines) + QStringLiteral(" · ") +
               tr("%n timeline event(s)", nullptr, int(m_session->model().eventCount()));
    if (!ok)
        m_result += QStringLiteral(" · ") + message;
    m_title->setText(QDir::toNativeSeparators(m_path) + QStringLiteral(" · ") + m_result);
    // The console is bounded like any other; the timeline is not.
    if (m_model->firstSeq() > 0) {
        m_model->appendNotice(tr("--- The console keeps the last %1 of %2 lines (Preferences › "
                                 "Console); the timeline covers all of them. ---")
                                  .arg(m_model->lineCount())
                                  .arg(lines),
                              QDateTime::currentMSecsSinceEpoch());
    }
    Q_EMIT finished(ok, message);
    Q_EMIT statusChanged();
}

} // namespace ps::gui
