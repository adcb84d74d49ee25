#include "DeviceStatesView.h"

#include "FlowIcons.h"
#include "station/StationFlow.h"

#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QTimer>

namespace ps::gui {

using ps::core::TimelineLane;
using ps::station::DeviceEvent;

namespace {

constexpr int IconSize = 16;
constexpr int MaxEvents = 200;
constexpr int CoalesceMs = 50;

FlowIcon iconFor(DeviceStatesView::Tone tone) {
    switch (tone) {
    case DeviceStatesView::Tone::Unknown:
        return FlowIcon::StepPending;
    case DeviceStatesView::Tone::Good:
        return FlowIcon::StepDone;
    case DeviceStatesView::Tone::Busy:
        return FlowIcon::StepRunning;
    case DeviceStatesView::Tone::Attention:
        return FlowIcon::StepWaiting;
    case DeviceStatesView::Tone::Bad:
        return FlowIcon::StepFailed;
    }
    return FlowIcon::StepPending;
}

bool isLteDown(const DeviceEvent &event) {
    return event.lane == TimelineLane::Lte &&
           (event.state == u"pdn-down" || event.state == u"detached" ||
            event.state == u"not-registered" || event.state == u"searching");
}

} // namespace

DeviceStatesView::DeviceStatesView(QWidget *parent)
    : QWidget(parent)
    , m_notice(new QLabel(this))
    , m_events(new QListWidget(this))
    , m_coalesce(new QTimer(this)) {
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    int row = 0;
    for (auto [lane, name] :
         {std::pair{&m_lte, tr("LTE")}, std::pair{&m_provisioning, tr("Provisioning")},
          std::pair{&m_cloud, tr("nRF Cloud")}}) {
        auto *label = new QLabel(name, this);
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
        lane->icon = new QLabel(this);
        lane->icon->setFixedSize(IconSize, IconSize);
        lane->text = new QLabel(this);
        lane->text->setWordWrap(true);
        grid->addWidget(lane->icon, row, 0);
        grid->addWidget(label, row, 1);
        grid->addWidget(lane->text, row, 2);
        ++row;
    }
    grid->setColumnStretch(2, 1);
    m_notice->setWordWrap(true);
    m_notice->setText(tr("While the device writes its new credentials its modem goes offline: "
                         "LTE drops and comes back. That is normal."));
    grid->addWidget(m_notice, row++, 0, 1, 3);
    m_events->setToolTip(tr("What the device said, newest last"));
    m_events->setUniformItemSizes(true);
    m_events->setFocusPolicy(Qt::NoFocus);
    grid->addWidget(m_events, row, 0, 1, 3);
    grid->setRowStretch(row, 1);

    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(CoalesceMs);
    connect(m_coalesce, &QTimer::timeout, this, &DeviceStatesView::repaintLanes);
    m_lte.value = tr("nothing seen yet");
    m_provisioning.value = tr("nothing seen yet");
    m_cloud.value = tr("nothing seen yet");
    repaintLanes();
}

void DeviceStatesView::setMonitor(ps::station::DeviceMonitor *monitor, qsizetype since) {
    if (m_monitor)
        disconnect(m_monitor, nullptr, this, nullptr);
    m_monitor = monitor;
    if (!monitor)
        return;
    for (qsizetype i = std::max<qsizetype>(0, since); i < monitor->mark(); ++i)
        onEvent(monitor->events()[size_t(i)]);
    connect(monitor, &ps::station::DeviceMonitor::eventAdded, this, &DeviceStatesView::onEvent);
}

QString DeviceStatesView::lteText() const {
    return m_lte.value;
}

QString DeviceStatesView::provisioningText() const {
    return m_provisioning.value;
}

QString DeviceStatesView::cloudText() const {
    return m_cloud.value;
}

DeviceStatesView::Tone DeviceStatesView::toneOf(const DeviceEvent &event) {
    const QString &s = event.state;
    switch (event.lane) {
    case TimelineLane::Lte:
        if (s == u"registered" || s == u"pdn-up" || s == u"psm")
            return Tone::Good;
        if (s == u"denied" || s == u"no-sim" || s == u"out-of-coverage")
            return Tone::Bad;
        return Tone::Attention;
    case TimelineLane::Provisioning:
        if (s == u"done" || s == u"no-commands")
            return Tone::Good;
        if (s == u"failed" || s == u"not-claimed")
            return Tone::Bad;
        if (s == u"retry" || s == u"token")
            return Tone::Attention;
        return Tone::Busy;
    case TimelineLane::Cloud:
        if (s == u"connected" || s == u"authorised" || s == u"cid-active")
            return Tone::Good;
        if (s == u"unauthorised" || s == u"refused" || s == u"backoff")
            return Tone::Attention;
        return Tone::Busy;
    default:
        return Tone::Unknown;
    }
}

void DeviceStatesView::onEvent(const DeviceEvent &event) {
    Lane *lane = event.lane == TimelineLane::Lte            ? &m_lte
                 : event.lane == TimelineLane::Provisioning ? &m_provisioning
                 : event.lane == TimelineLane::Cloud        ? &m_cloud
                                                            : nullptr;
    if (!lane)
        return;
    lane->tone = toneOf(event);
    lane->value = event.label.isEmpty() ? event.state : event.label;
    if (event.lane == TimelineLane::Provisioning)
        m_provisioningActive = lane->tone == Tone::Busy;
    if (event.lane == TimelineLane::Lte) {
        m_lteDropNow = isLteDown(event) && m_provisioningActive;
        if (m_lteDropNow) {
            m_lteDropSeen = true;
            lane->value = tr("%1 — normal while credentials are written").arg(lane->value);
            lane->tone = Tone::Busy;
        }
    }
    m_pendingEvents.append(ps::station::describeDeviceEvent(event));
    if (!m_coalesce->isActive())
        m_coalesce->start();
}

void DeviceStatesView::repaintLanes() {
    for (Lane *lane : {&m_lte, &m_provisioning, &m_cloud}) {
        lane->icon->setPixmap(flowIcon(iconFor(lane->tone)).pixmap(IconSize, IconSize));
        lane->text->setText(lane->value);
    }
    QFont font = m_notice->font();
    font.setBold(m_lteDropNow);
    m_notice->setFont(font);
    if (!m_pendingEvents.isEmpty()) {
        m_events->addItems(m_pendingEvents);
        m_pendingEvents.clear();
        while (m_events->count() > MaxEvents)
            delete m_events->takeItem(0);
        m_events->scrollToBottom();
    }
}

} // namespace ps::gui
