#include "PortWatcher.h"

#include "DeviceLogging.h"

#include <QFileInfo>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace ps::device {

namespace {

// Runs on the worker thread: the lister, plus the extra ports whose path still exists.
QList<PortInfo> scanPorts(const PortWatcher::Lister &lister, const QList<PortInfo> &extras) {
    QList<PortInfo> ports = lister();
    for (const PortInfo &extra : extras) {
        const bool listed = std::ranges::any_of(ports, [&](const PortInfo &port) {
            return port.systemLocation == extra.systemLocation;
        });
        if (!listed && QFileInfo::exists(extra.systemLocation))
            ports.append(extra);
    }
    return arrangePorts(std::move(ports));
}

bool containsLocation(const QList<PortInfo> &ports, const PortInfo &wanted) {
    return std::ranges::any_of(
        ports, [&](const PortInfo &port) { return port.systemLocation == wanted.systemLocation; });
}

} // namespace

PortWatcher::PortWatcher(QObject *parent)
    : PortWatcher(Lister(&ps::device::availablePorts), parent) {}

PortWatcher::PortWatcher(Lister lister, QObject *parent)
    : QObject(parent)
    , m_lister(std::move(lister)) {
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &PortWatcher::refresh);
    connect(&m_scan, &QFutureWatcher<QList<PortInfo>>::finished, this, [this] {
        applyScan(m_scan.result());
        if (std::exchange(m_rescanWanted, false))
            refresh();
    });
}

PortWatcher::~PortWatcher() {
    // A scan still running finishes on its own thread; its result is simply dropped.
    m_scan.disconnect(this);
}

void PortWatcher::start(std::chrono::milliseconds interval) {
    m_timer.start(interval);
    refresh();
}

void PortWatcher::stop() {
    m_timer.stop();
}

bool PortWatcher::isRunning() const {
    return m_timer.isActive();
}

void PortWatcher::refresh() {
    if (m_scan.isRunning()) {
        // Extra ports may have changed since that scan started: look again right after it.
        m_rescanWanted = true;
        return;
    }
    m_scan.setFuture(QtConcurrent::run(scanPorts, m_lister, m_extraPorts));
}

std::optional<PortInfo> PortWatcher::find(const QString &identity) const {
    for (const PortInfo &port : m_ports) {
        if (port.identity() == identity)
            return port;
    }
    return std::nullopt;
}

void PortWatcher::setExtraPorts(const QList<PortInfo> &ports) {
    if (ports == m_extraPorts)
        return;
    m_extraPorts = ports;
    refresh();
}

PortWatcher::Resolver PortWatcher::resolver() const {
    QPointer<const PortWatcher> watcher(this);
    return [watcher](const PortInfo &device) -> std::optional<PortInfo> {
        if (!watcher)
            return std::nullopt;
        return watcher->find(device.identity());
    };
}

void PortWatcher::applyScan(QList<PortInfo> ports) {
    if (ports == m_ports) {
        Q_EMIT scanned();
        return;
    }
    const QList<PortInfo> previous = std::exchange(m_ports, std::move(ports));
    qCDebug(lcPorts) << "ports changed:" << m_ports.size() << "listed";
    for (const PortInfo &port : previous) {
        if (!containsLocation(m_ports, port))
            Q_EMIT portRemoved(port);
    }
    for (const PortInfo &port : m_ports) {
        if (!containsLocation(previous, port))
            Q_EMIT portAdded(port);
    }
    Q_EMIT portsChanged(m_ports);
    Q_EMIT scanned();
}

} // namespace ps::device
