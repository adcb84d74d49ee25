#pragma once

#include <QtGlobal>

namespace ps::device {

/// Line settings of a serial port; 115200 8N1 without flow control is the nRF91 default.
struct SerialSettings {
    qint32 baudRate = 115200;
    int dataBits = 8;
    enum class Parity { None, Even, Odd } parity = Parity::None;
    int stopBits = 1;
    bool hardwareFlowControl = false;
    friend bool operator==(const SerialSettings &, const SerialSettings &) = default;
};

} // namespace ps::device
