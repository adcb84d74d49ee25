#pragma once

#include "PortInfo.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>
#include <chrono>
#include <functional>
#include <optional>

namespace ps::device {

/// Watches the serial ports for hot-plug: lists them about once a second on a worker thread
/// (QSerialPortInfo can block for a while on some systems, so never on the GUI thread) and
/// reports only changes.
///
/// Use: create, connect portsChanged/portAdded/portRemoved, call start(). ports() holds the latest
/// list, Nordic and SEGGER devices first (arrangePorts()). Pseudo-terminals (virtual devices,
/// test peers) are not listed by the system; add them with setExtraPorts(), and they are listed
/// for as long as their path exists.
///
/// For automatic reconnection pass resolver() to DeviceLink::setPortResolver(): it finds a
/// device again by PortInfo::identity() after it re-enumerated under another name.
class PortWatcher : public QObject {
    Q_OBJECT
public:
    /// Produces a port list; runs on a worker thread, so it must not touch QObjects.
    using Lister = std::function<QList<PortInfo>()>;
    using Resolver = std::function<std::optional<PortInfo>(const PortInfo &device)>;

    /// Lists the system's ports (ps::device::availablePorts()).
    explicit PortWatcher(QObject *parent = nullptr);
    /// Lists with `lister` instead (tests, or a platform-specific source).
    explicit PortWatcher(Lister lister, QObject *parent = nullptr);
    ~PortWatcher() override;

    /// Scans at once, then every `interval`.
    void start(std::chrono::milliseconds interval = std::chrono::seconds(1));
    void stop();
    [[nodiscard]] bool isRunning() const;
    /// Scans now (unless a scan is already running); the result arrives through the signals.
    void refresh();

    /// The latest list, extra ports included; empty before the first scan finished.
    [[nodiscard]] QList<PortInfo> ports() const { return m_ports; }
    /// The port in the latest list whose identity() is `identity`.
    [[nodiscard]] std::optional<PortInfo> find(const QString &identity) const;

    /// Ports the system does not list (pty slave paths of virtual devices). Each is shown while
    /// its systemLocation exists. A change is reported at the next scan, which starts at once.
    void setExtraPorts(const QList<PortInfo> &ports);
    [[nodiscard]] QList<PortInfo> extraPorts() const { return m_extraPorts; }

    /// Finds a device again in the latest list by its identity (for DeviceLink::setPortResolver).
    /// Safe to keep after the watcher is gone: it then finds nothing.
    [[nodiscard]] Resolver resolver() const;

Q_SIGNALS:
    /// The list changed (any port added, removed or described differently).
    void portsChanged(const QList<ps::device::PortInfo> &ports);
    void portAdded(const ps::device::PortInfo &port);
    void portRemoved(const ps::device::PortInfo &port);
    /// A scan finished, changed or not (lets a caller wait for "the list is current").
    void scanned();

private:
    void applyScan(QList<PortInfo> ports);

    Lister m_lister;
    QTimer m_timer;
    QFutureWatcher<QList<PortInfo>> m_scan;
    bool m_rescanWanted = false;
    QList<PortInfo> m_ports;
    QList<PortInfo> m_extraPorts;
};

} // namespace ps::device
