#pragma once

#include <QList>
#include <QString>

namespace ps::device {

/// A serial port as the port list shows it, with the board recognised from USB ids and the
/// serial-number prefixes of PROTOCOL §1.
struct PortInfo {
    QString portName;       ///< "ttyACM0"
    QString systemLocation; ///< "/dev/ttyACM0"
    QString description;
    QString manufacturer;
    QString serialNumber;
    quint16 vendorId = 0; ///< 0 when not USB
    quint16 productId = 0;
    QString boardName; ///< "nRF9151 DK", "Thingy:91 X", "SEGGER J-Link", "Nordic device", or empty
    bool isNordic = false; ///< a Nordic or SEGGER device (listed first)
    /// Position among the ports that share this USB serial number, in name order: a DK shows
    /// several CDC ports with one serial number, and this tells them apart across re-enumeration.
    int interfaceOrdinal = 0;

    /// Stable identity of the physical device (serial number and interfaceOrdinal, else the
    /// location), used to reopen the same device after it re-enumerates under another name.
    [[nodiscard]] QString identity() const;
    friend bool operator==(const PortInfo &, const PortInfo &) = default;
};

/// Scans the system's serial ports now (blocking: call it off the GUI thread), Nordic and SEGGER
/// devices first. PortWatcher calls this once a second on a worker thread.
QList<PortInfo> availablePorts();

/// Board name from USB vendor id and serial number, or empty when not a known kit.
QString boardNameFor(quint16 vendorId, const QString &serialNumber);

/// True for the Nordic (0x1915) and SEGGER J-Link (0x1366) USB vendor ids.
bool isNordicVendor(quint16 vendorId);

/// Puts a port list in the order the UI shows it: Nordic and SEGGER devices first, then the
/// others, each by name with numbers compared as numbers (ttyACM2 before ttyACM10); numbers the
/// ports that share a serial number (interfaceOrdinal) and fills boardName and isNordic.
QList<PortInfo> arrangePorts(QList<PortInfo> ports);

} // namespace ps::device
