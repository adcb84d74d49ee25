#pragma once

#include <QList>
#include <QString>

namespace ps::device {

/// A serial port as the port list shows it, with the board recognised from USB ids and the
/// serial-number prefixes of PROTOCOL §1.
struct PortInfo {
    QString portName;        ///< "ttyACM0"
    QString systemLocation;  ///< "/dev/ttyACM0"
    QString description;
    QString manufacturer;
    QString serialNumber;
    quint16 vendorId = 0;    ///< 0 when not USB
    quint16 productId = 0;
    QString boardName;       ///< "nRF9151 DK", "Thingy:91 X", "SEGGER J-Link", "Nordic device", or empty
    bool isNordic = false;   ///< a Nordic or SEGGER device (listed first)

    /// Stable identity of the physical device (serial number, else location), used to reopen the
    /// same device after it re-enumerates under another name.
    [[nodiscard]] QString identity() const;
    friend bool operator==(const PortInfo &, const PortInfo &) = default;
};

/// Scans the system's serial ports now (blocking: call it off the GUI thread), Nordic and SEGGER
/// devices first. PortWatcher calls this once a second on a worker thread.
QList<PortInfo> availablePorts();

/// Board name from USB vendor id and serial number, or empty when not a known kit.
QString boardNameFor(quint16 vendorId, const QString &serialNumber);

} // namespace ps::device
