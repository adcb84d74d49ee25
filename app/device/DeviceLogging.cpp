#include "DeviceLogging.h"

namespace ps::device {

Q_LOGGING_CATEGORY(lcTransport, "provstation.device.transport", QtInfoMsg)
Q_LOGGING_CATEGORY(lcShell, "provstation.device.shell", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLink, "provstation.device.link", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPorts, "provstation.device.ports", QtInfoMsg)

} // namespace ps::device
