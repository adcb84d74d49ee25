#pragma once

// Printers so that failed expectations show device values in words.

#include "device/DeviceError.h"
#include "device/PortInfo.h"

#include <QString>
#include <expected>
#include <ostream>

namespace ps::device {

inline void PrintTo(const DeviceError &error, std::ostream *os) {
    *os << "DeviceError{kind " << int(error.kind) << ", code " << error.code << ", \""
        << error.message.toStdString() << "\", response \"" << error.response.toStdString()
        << "\"}";
}

inline void PrintTo(const PortInfo &port, std::ostream *os) {
    *os << "PortInfo{" << port.systemLocation.toStdString() << ", serial "
        << port.serialNumber.toStdString() << ", board \"" << port.boardName.toStdString() << "\"}";
}

} // namespace ps::device

QT_BEGIN_NAMESPACE
inline void PrintTo(const QString &text, std::ostream *os) {
    *os << '"' << text.toStdString() << '"';
}
QT_END_NAMESPACE

/// "error: <message>" for an unexpected failure, for `ASSERT_TRUE(result) << why(result)`.
template<typename T> std::string why(const std::expected<T, ps::device::DeviceError> &result) {
    return result ? std::string("ok") : "error: " + result.error().message.toStdString();
}
