#include "FlowSummaryView.h"

#include "FlowIcons.h"
#include "FlowStepList.h"
#include "FlowTracker.h"
#include "gui/Icons.h"
#include "gui/history/HistoryModel.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QUrl>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::station::Verdict;

namespace {
constexpr int IconSize = 32;
}

FlowSummaryView::FlowSummaryView(QWidget *parent)
    : QWidget(parent)
    , m_verdictIcon(new QLabel(this))
    , m_verdict(new QLabel(this))
    , m_reason(new QLabel(this))
    , m_deviceId(new QLineEdit(this))
    , m_copy(new QPushButton(tr("C&opy"), this))
    , m_portal(new QLabel(this))
    , m_export(new QPushButton(tr("&Export Report…"), this))
    , m_exportStatus(new QLabel(this))
    , m_steps(new FlowStepList(this)) {
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    m_verdictIcon->setFixedSize(IconSize, IconSize);
    QFont big = m_verdict->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_verdict->setFont(big);
    auto *top = new QHBoxLayout;
    top->addWidget(m_verdictIcon);
    top->addWidget(m_verdict, 1);
    grid->addLayout(top, 0, 0, 1, 3);
    m_reason->setWordWrap(true);
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(m_reason, 1, 0, 1, 3);

    auto *idLabel = new QLabel(tr("&Device id"), this);
    idLabel->setBuddy(m_deviceId);
    m_deviceId->setReadOnly(true);
    m_deviceId->setToolTip(tr("The device's id in nRF Cloud (its UUID)"));
    m_copy->setIcon(icon(IconId::Copy));
    m_copy->setToolTip(tr("Copy the device id to the clipboard"));
    grid->addWidget(idLabel, 2, 0);
    grid->addWidget(m_deviceId, 2, 1);
    grid->addWidget(m_copy, 2, 2);
    m_portal->setOpenExternalLinks(true);
    m_portal->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_portal->setWordWrap(true);
    grid->addWidget(m_portal, 3, 1, 1, 2);
    m_export->setIcon(flowIcon(FlowIcon::Export));
    m_export->setToolTip(tr("Save this attempt's record (device, steps, cloud answers) as JSON"));
    grid->addWidget(m_export, 4, 1, Qt::AlignLeft);
    m_exportStatus->setWordWrap(true);
    grid->addWidget(m_exportStatus, 4, 2);
    m_steps->setShowProgressLines(false);
    m_steps->setFocusPolicy(Qt::NoFocus);
    grid->addWidget(m_steps, 5, 0, 1, 3);
    grid->setRowStretch(5, 1);
    grid->setColumnStretch(1, 1);

    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_deviceId->text());
        m_exportStatus->setText(tr("Device id copied."));
    });
    connect(m_export, &QPushButton::clicked, this, &FlowSummaryView::askExport);
    refresh();
}

void FlowSummaryView::setTracker(FlowTracker *tracker) {
    if (m_tracker)
        disconnect(m_tracker, nullptr, this, nullptr);
    m_tracker = tracker;
    m_steps->setTracker(tracker);
    if (tracker)
        connect(tracker, &FlowTracker::changed, this, &FlowSummaryView::refresh);
    refresh();
}

QUrl FlowSummaryView::portalUrl(const QString &deviceId) {
    return QUrl(u"https://nrfcloud.com/#/devices/"_s + deviceId);
}

QString FlowSummaryView::verdictText() const {
    return m_verdict->text();
}

QString FlowSummaryView::deviceId() const {
    return m_deviceId->text();
}

void FlowSummaryView::refresh() {
    ps::station::Flow *flow = m_tracker ? m_tracker->flow() : nullptr;
    const bool finished = m_tracker && m_tracker->isFinished();
    const Verdict verdict = finished ? m_tracker->verdict() : Verdict::None;
    m_verdictIcon->setPixmap(flowIcon(verdictIcon(verdict)).pixmap(IconSize, IconSize));
    const QString kind = flow ? HistoryModel::flowName(flow->kind()) : QString();
    switch (verdict) {
    case Verdict::Succeeded:
        m_verdict->setText(tr("%1 succeeded").arg(kind));
        break;
    case Verdict::Failed:
        m_verdict->setText(tr("%1 failed").arg(kind));
        break;
    case Verdict::Cancelled:
        m_verdict->setText(tr("%1 cancelled").arg(kind));
        break;
    case Verdict::None:
        m_verdict->setText(tr("Still running…"));
        break;
    }
    QString reason;
    if (finished && flow && flow->error()) {
        reason = flow->error()->message;
        if (!flow->error()->hint.isEmpty())
            reason += u"\n"_s + flow->error()->hint;
    } else if (verdict == Verdict::Succeeded) {
        reason = tr("The attempt is recorded in the history (View > History).");
    }
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
    const QString id = flow ? flow->device().deviceId : QString();
    m_deviceId->setText(id);
    m_copy->setEnabled(!id.isEmpty());
    m_portal->setText(id.isEmpty()
                          ? QString()
                          : tr("<a href=\"%1\">Open the device in the nRF Cloud portal</a>")
                                .arg(portalUrl(id).toString().toHtmlEscaped()));
    m_export->setEnabled(finished);
}

QByteArray FlowSummaryView::reportJson() const {
    if (!m_tracker || !m_tracker->flow() || !m_tracker->isFinished())
        return {};
    return QJsonDocument(m_tracker->flow()->auditRecord().toJson()).toJson(QJsonDocument::Indented);
}

std::expected<void, QString> FlowSummaryView::exportReport(const QString &path) const {
    const QByteArray json = reportJson();
    if (json.isEmpty())
        return std::unexpected(tr("The attempt has not finished yet."));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit())
        return std::unexpected(tr("Cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

void FlowSummaryView::askExport() {
    ps::station::Flow *flow = m_tracker ? m_tracker->flow() : nullptr;
    if (!flow)
        return;
    const QString id = flow->device().deviceId;
    const QString suggested = QDir::home().filePath(
        u"%1-%2-%3.json"_s.arg(flow->kind(), id.isEmpty() ? u"device"_s : id.left(8),
                               QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s)));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Report"), suggested,
                                                      tr("JSON files (*.json)"));
    if (path.isEmpty())
        return;
    if (auto written = exportReport(path); !written)
        m_exportStatus->setText(written.error());
    else
        m_exportStatus->setText(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
}

} // namespace ps::gui
