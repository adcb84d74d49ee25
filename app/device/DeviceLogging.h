#pragma once

#include <QLoggingCategory>

namespace ps::device {

// One category per area of the device module; enable with
// QT_LOGGING_RULES="provstation.device.*=true".
Q_DECLARE_LOGGING_CATEGORY(lcTransport)
Q_DECLARE_LOGGING_CATEGORY(lcShell)
Q_DECLARE_LOGGING_CATEGORY(lcLink)
Q_DECLARE_LOGGING_CATEGORY(lcPorts)

} // namespace ps::device
