#include "TimelinePanel.h"

#include "TimelineExporter.h"
#include "TimelineSession.h"
#include "TimelineSummaryStrip.h"
#include "TimelineView.h"
#include "gui/Icons.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace ps::gui {

namespace {

constexpr int MessageMs = 6000;

} // namespace

TimelinePanel::TimelinePanel(QWidget *parent)
    : QWidget(parent) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);

    m_toolBar = new QToolBar(this);
    m_toolBar->setIconSize(QSize(16, 16));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonIconOnly);
    setUpActions();
    auto *spacer = new QWidget(m_toolBar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_toolBar->addWidget(spacer);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(160);
    m_progress->setTextVisible(false);
    m_progress->setToolTip(tr("Reading the log"));
    m_progressAction = m_toolBar->addWidget(m_progress);
    m_progressAction->setVisible(false);
    m_source = new QLabel(this);
    m_source->setContentsMargins(6, 0, 4, 0);
    m_toolBar->addWidget(m_source);
    layout->addWidget(m_toolBar);

    m_summary = new TimelineSummaryStrip(this);
    layout->addWidget(m_summary);

    m_view = new TimelineView(this);
    layout->addWidget(m_view, 1);

    m_status = new QLabel(this);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setContentsMargins(6, 0, 6, 0);
    layout->addWidget(m_status);
    m_messageTimer = new QTimer(this);
    m_messageTimer->setSingleShot(true);
    m_messageTimer->setInterval(MessageMs);
    connect(m_messageTimer, &QTimer::timeout, this, [this] { m_status->setText(m_hoverText); });

    connect(m_view, &TimelineView::followChanged, m_follow, &QAction::setChecked);
    connect(m_view, &TimelineView::lineActivated, this, &TimelinePanel::onLineActivated);
    connect(m_view, &TimelineView::modelChanged, this, &TimelinePanel::onModelChanged);
    connect(m_view, &TimelineView::hoverChanged, this, [this](const QString &text) {
        m_hoverText = text;
        if (!m_messageTimer->isActive())
            m_status->setText(text);
    });
    setFocusProxy(m_view);
    setSession(nullptr);
}

TimelinePanel::~TimelinePanel() = default;

QAction *TimelinePanel::makeAction(const QString &text, const QString &tip,
                                   const QList<QKeySequence> &keys) {
    auto *action = new QAction(text, this);
    action->setShortcuts(keys);
    // Tooltips say the shortcut, so a person learns it by hovering.
    action->setToolTip(keys.isEmpty() ? tip
                                      : tip + QStringLiteral(" (") +
                                            keys.first().toString(QKeySequence::NativeText) +
                                            QLatin1Char(')'));
    action->setStatusTip(tip);
    addAction(action);
    return action;
}

void TimelinePanel::setUpActions() {
    m_openLog = makeAction(tr("&Open Log for Timeline…"),
                           tr("Open a saved log or support bundle and show its timeline"),
                           {QKeySequence(tr("Ctrl+O"))});
    m_openLog->setIcon(icon(IconId::OpenLog));
    m_zoomIn = makeAction(tr("Zoom &In"), tr("Show less time, in more detail"),
                          {QKeySequence(tr("Ctrl+=")), QKeySequence(tr("Ctrl++"))});
    m_zoomIn->setIcon(icon(IconId::ZoomIn));
    m_zoomOut = makeAction(tr("Zoom &Out"), tr("Show more time"), {QKeySequence(tr("Ctrl+-"))});
    m_zoomOut->setIcon(icon(IconId::ZoomOut));
    m_fit = makeAction(tr("&Fit Everything"), tr("Show the whole timeline"),
                       {QKeySequence(tr("Ctrl+0"))});
    m_fit->setIcon(icon(IconId::ZoomFit));
    m_follow =
        makeAction(tr("Follow &Live"), tr("Keep the newest events in view; panning stops it"),
                   {QKeySequence(tr("Ctrl+Shift+F"))});
    m_follow->setIcon(icon(IconId::Follow));
    m_follow->setCheckable(true);
    m_next = makeAction(tr("&Next Event"), tr("Select the next event on the timeline"),
                        {QKeySequence(tr("F7"))});
    m_next->setIcon(icon(IconId::FindNext));
    m_previous = makeAction(tr("&Previous Event"), tr("Select the previous event on the timeline"),
                            {QKeySequence(tr("Shift+F7"))});
    m_previous->setIcon(icon(IconId::FindPrevious));
    m_showLine = makeAction(tr("Show Line in &Console"),
                            tr("Scroll the console to the selected event's source line"),
                            {QKeySequence(tr("Ctrl+J"))});
    m_exportImage = makeAction(tr("Export Timeline &Image…"),
                               tr("Save the timeline as a PNG image or an SVG drawing"),
                               {QKeySequence(tr("Ctrl+Shift+I"))});
    m_exportImage->setIcon(icon(IconId::ExportImage));
    m_exportEvents = makeAction(tr("Export Timeline &Events…"),
                                tr("Save the timeline's events and summary as JSON or CSV"),
                                {QKeySequence(tr("Ctrl+Shift+E"))});
    m_exportEvents->setIcon(icon(IconId::Save));
    m_bundle = makeAction(tr("Save Support &Bundle…"),
                          tr("Save log, events, summary and device identity as one file to "
                             "send to support"),
                          {QKeySequence(tr("Ctrl+Shift+B"))});
    m_bundle->setIcon(icon(IconId::Bundle));

    for (QAction *action : {m_openLog, m_zoomIn, m_zoomOut, m_fit, m_follow})
        m_toolBar->addAction(action);
    m_toolBar->addSeparator();
    for (QAction *action : {m_previous, m_next})
        m_toolBar->addAction(action);
    m_toolBar->addSeparator();
    for (QAction *action : {m_exportImage, m_exportEvents, m_bundle})
        m_toolBar->addAction(action);

    connect(m_openLog, &QAction::triggered, this, &TimelinePanel::askOpenLog);
    connect(m_zoomIn, &QAction::triggered, this, [this] { m_view->zoomIn(); });
    connect(m_zoomOut, &QAction::triggered, this, [this] { m_view->zoomOut(); });
    connect(m_fit, &QAction::triggered, this, [this] { m_view->fitAll(); });
    connect(m_follow, &QAction::triggered, this, [this](bool on) { m_view->setFollow(on); });
    connect(m_next, &QAction::triggered, this, [this] {
        if (!m_view->selectNextEvent())
            showMessage(tr("No later event."));
    });
    connect(m_previous, &QAction::triggered, this, [this] {
        if (!m_view->selectPreviousEvent())
            showMessage(tr("No earlier event."));
    });
    connect(m_showLine, &QAction::triggered, this, [this] {
        if (!m_view->activateSelected())
            showMessage(tr("Select an event with a source line first: click it, or use F7."));
    });
    connect(m_exportImage, &QAction::triggered, this, &TimelinePanel::askExportImage);
    connect(m_exportEvents, &QAction::triggered, this, &TimelinePanel::askExportEvents);
    connect(m_bundle, &QAction::triggered, this, &TimelinePanel::askSaveBundle);
}

QList<QAction *> TimelinePanel::menuActions() const {
    return {m_zoomIn,   m_zoomOut,  m_fit,   m_follow,      nullptr,        m_next,
            m_previous, m_showLine, nullptr, m_exportImage, m_exportEvents, m_bundle};
}

void TimelinePanel::setSession(TimelineSession *session) {
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    if (session) {
        m_view->setModel(&session->model(), session->clock(), session->isLive());
        m_view->setSourceLineLookup(
            [guard = QPointer<TimelineSession>(session)](qint32 line) -> QString {
                return guard ? guard->sourceLine(line) : QString();
            });
        // The view holds a pointer into the session: let go before it is gone.
        connect(session, &QObject::destroyed, this, [this] {
            m_view->setModel(nullptr, TimelineClock::DeviceTime, false);
            m_view->setSourceLineLookup({});
            m_session = nullptr;
            onModelChanged();
        });
        connect(session, &TimelineSession::liveChanged, this, [this](bool live) {
            m_view->setLive(live);
            updateSource();
        });
        connect(session, &TimelineSession::nameChanged, this, &TimelinePanel::updateSource);
        connect(session, &TimelineSession::loadingChanged, this, [this](bool loading) {
            m_progressAction->setVisible(loading);
            updateSource();
        });
        connect(session, &TimelineSession::loadProgress, this, [this](qint64 done, qint64 total) {
            m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
        });
        connect(session, &TimelineSession::wasReset, this, [this] {
            if (m_session)
                m_view->setModel(&m_session->model(), m_session->clock(), m_session->isLive());
            onModelChanged();
        });
        m_progressAction->setVisible(session->isLoading());
        m_follow->setChecked(m_view->follows());
    } else {
        m_view->setModel(nullptr, TimelineClock::DeviceTime, false);
        m_view->setSourceLineLookup({});
        m_progressAction->setVisible(false);
    }
    m_hoverText.clear();
    m_status->setText({});
    onModelChanged();
}

QString TimelinePanel::statusText() const {
    return m_status->text();
}

void TimelinePanel::onModelChanged() {
    if (m_session) {
        m_summary->setTimeline(m_session->summary(), m_session->model());
        m_view->setClock(m_session->clock());
    } else {
        m_summary->clearTimeline();
    }
    updateSource();
    updateActions();
}

void TimelinePanel::updateSource() {
    if (!m_session) {
        m_source->setText(tr("No timeline"));
        return;
    }
    QString state;
    if (m_session->isLoading())
        state = tr("reading…");
    else if (m_session->kind() == TimelineSession::Kind::File)
        state = tr("log file");
    else
        state = m_session->isLive() ? tr("live") : tr("port closed");
    m_source->setText(QStringLiteral("<b>%1</b> · %2 · %3")
                          .arg(m_session->name().toHtmlEscaped(), state,
                               tr("%n event(s)", nullptr, int(m_session->model().eventCount()))));
}

void TimelinePanel::updateActions() {
    const bool has = m_session != nullptr;
    for (QAction *action : {m_zoomIn, m_zoomOut, m_fit, m_follow, m_next, m_previous, m_showLine,
                            m_exportImage, m_exportEvents, m_bundle})
        action->setEnabled(has);
}

void TimelinePanel::showMessage(const QString &text) {
    m_status->setText(text);
    m_messageTimer->start();
    Q_EMIT message(text);
}

void TimelinePanel::onLineActivated(int line) {
    if (!m_session)
        return;
    if (const auto shown = m_session->revealLine(line); !shown) {
        showMessage(shown.error());
        return;
    }
    showMessage(tr("Line %1 is selected in the console.").arg(line));
    Q_EMIT lineShown(line);
}

std::expected<void, QString> TimelinePanel::exportImageTo(const QString &path) {
    if (!m_session)
        return std::unexpected(tr("There is no timeline to export."));
    return TimelineExporter::writeImage(path, *m_view, TimelineExporter::imageTitle(*m_session),
                                        TimelineExporter::imageSubtitle(*m_session));
}

std::expected<void, QString> TimelinePanel::exportEventsTo(const QString &path) {
    if (!m_session)
        return std::unexpected(tr("There is no timeline to export."));
    return TimelineExporter::writeEvents(path, *m_session);
}

std::expected<void, QString> TimelinePanel::saveBundleTo(const QString &path) {
    if (!m_session)
        return std::unexpected(tr("There is no timeline to bundle."));
    return TimelineExporter::writeSupportBundle(path, *m_session, *m_view);
}

QString TimelinePanel::suggestedPath(const QString &suffix) const {
    const QString directory = m_lastDirectory.isEmpty() ? QDir::homePath() : m_lastDirectory;
    const QString base =
        m_session ? TimelineExporter::suggestedBaseName(*m_session) : QStringLiteral("timeline");
    return QDir(directory).filePath(base + QLatin1Char('.') + suffix);
}

void TimelinePanel::askOpenLog() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Log for Timeline"),
        m_lastDirectory.isEmpty() ? QDir::homePath() : m_lastDirectory,
        tr("Logs and support bundles (*.log *.txt *.tar);;All files (*)"));
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    Q_EMIT openLogRequested(path);
}

void TimelinePanel::askExportImage() {
    const QString png = tr("PNG image (*.png)");
    const QString svg = tr("SVG drawing (*.svg)");
    QString filter = png;
    QString path = QFileDialog::getSaveFileName(this, tr("Export Timeline Image"),
                                                suggestedPath(QStringLiteral("png")),
                                                png + QStringLiteral(";;") + svg, &filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += filter == svg ? QStringLiteral(".svg") : QStringLiteral(".png");
    m_lastDirectory = QFileInfo(path).absolutePath();
    const auto written = exportImageTo(path);
    showMessage(written ? tr("Saved %1").arg(QDir::toNativeSeparators(path)) : written.error());
}

void TimelinePanel::askExportEvents() {
    const QString json = tr("JSON: summary and events (*.json)");
    const QString csv = tr("CSV: one row per event (*.csv)");
    QString filter = json;
    QString path = QFileDialog::getSaveFileName(this, tr("Export Timeline Events"),
                                                suggestedPath(QStringLiteral("json")),
                                                json + QStringLiteral(";;") + csv, &filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += filter == csv ? QStringLiteral(".csv") : QStringLiteral(".json");
    m_lastDirectory = QFileInfo(path).absolutePath();
    const auto written = exportEventsTo(path);
    showMessage(written ? tr("Saved %1").arg(QDir::toNativeSeparators(path)) : written.error());
}

void TimelinePanel::askSaveBundle() {
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save Support Bundle"), suggestedPath(QStringLiteral("tar")),
        tr("Support bundle: log, events, summary, device (*.tar)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".tar");
    m_lastDirectory = QFileInfo(path).absolutePath();
    const auto written = saveBundleTo(path);
    showMessage(written ? tr("Saved the support bundle %1").arg(QDir::toNativeSeparators(path))
                        : written.error());
}

} // namespace ps::gui
