#include "PortInfo.h"

#include <QHash>
#include <QSerialPortInfo>
#include <algorithm>

namespace ps::device {

namespace {

constexpr quint16 NordicVendorId = 0x1915;
constexpr quint16 SeggerVendorId = 0x1366;

struct SerialPrefix {
    QLatin1StringView prefix;
    QLatin1StringView board;
};

// USB serial-number prefixes of Nordic kits (PROTOCOL §1). The DKs enumerate through their
// on-board J-Link (SEGGER vendor id); the Thingy:91 X through its Nordic USB bridge.
constexpr SerialPrefix KnownBoards[] = {
    {QLatin1StringView("0009600"), QLatin1StringView("nRF9160 DK")},
    {QLatin1StringView("0010509"), QLatin1StringView("nRF9161 DK")},
    {QLatin1StringView("0010512"), QLatin1StringView("nRF9151 DK")},
    {QLatin1StringView("THINGY91X"), QLatin1StringView("Thingy:91 X")},
};

// "ttyACM10" -> {"ttyACM", 10}; names without a trailing number get -1.
std::pair<QStringView, qint64> splitTrailingNumber(QStringView name) {
    qsizetype digits = 0;
    while (digits < name.size() && digits < 18 && name[name.size() - 1 - digits].isDigit())
        ++digits;
    if (digits == 0)
        return {name, -1};
    return {name.first(name.size() - digits), name.last(digits).toLongLong()};
}

bool naturalLess(const QString &a, const QString &b) {
    const auto [stemA, numberA] = splitTrailingNumber(a);
    const auto [stemB, numberB] = splitTrailingNumber(b);
    if (const int byStem = stemA.compare(stemB, Qt::CaseInsensitive); byStem != 0)
        return byStem < 0;
    if (numberA != numberB)
        return numberA < numberB;
    return a < b;
}

QString nameOf(const PortInfo &port) {
    return port.systemLocation.isEmpty() ? port.portName : port.systemLocation;
}

PortInfo fromSerialPortInfo(const QSerialPortInfo &info) {
    PortInfo port;
    port.portName = info.portName();
    port.systemLocation = info.systemLocation();
    port.description = info.description();
    port.manufacturer = info.manufacturer();
    port.serialNumber = info.serialNumber();
    port.vendorId = info.hasVendorIdentifier() ? info.vendorIdentifier() : 0;
    port.productId = info.hasProductIdentifier() ? info.productIdentifier() : 0;
    return port;
}

} // namespace

QString PortInfo::identity() const {
    if (serialNumber.isEmpty())
        return systemLocation.isEmpty() ? portName : systemLocation;
    return serialNumber + u'/' + QString::number(interfaceOrdinal);
}

bool isNordicVendor(quint16 vendorId) {
    return vendorId == NordicVendorId || vendorId == SeggerVendorId;
}

QString boardNameFor(quint16 vendorId, const QString &serialNumber) {
    if (!isNordicVendor(vendorId))
        return {};
    for (const SerialPrefix &known : KnownBoards) {
        if (serialNumber.startsWith(known.prefix, Qt::CaseInsensitive))
            return known.board;
    }
    return vendorId == SeggerVendorId ? QStringLiteral("SEGGER J-Link")
                                      : QStringLiteral("Nordic device");
}

QList<PortInfo> arrangePorts(QList<PortInfo> ports) {
    for (PortInfo &port : ports) {
        port.isNordic = isNordicVendor(port.vendorId);
        if (port.boardName.isEmpty())
            port.boardName = boardNameFor(port.vendorId, port.serialNumber);
    }
    std::ranges::stable_sort(ports, [](const PortInfo &a, const PortInfo &b) {
        if (a.isNordic != b.isNordic)
            return a.isNordic;
        return naturalLess(nameOf(a), nameOf(b));
    });
    // Ports of one kit share the serial number; their order by name survives re-enumeration.
    QHash<QString, int> seen;
    for (PortInfo &port : ports) {
        if (!port.serialNumber.isEmpty())
            port.interfaceOrdinal = seen[port.serialNumber]++;
    }
    return ports;
}

QList<PortInfo> availablePorts() {
    QList<PortInfo> ports;
    const QList<QSerialPortInfo> infos = QSerialPortInfo::availablePorts();
    ports.reserve(infos.size());
    for (const QSerialPortInfo &info : infos)
        ports.append(fromSerialPortInfo(info));
    return arrangePorts(std::move(ports));
}

} // namespace ps::device
