#pragma once

#include <QLoggingCategory>

namespace ps::cloudsim {

/// The stand-in's logging category, "provstation.cloudsim".
Q_DECLARE_LOGGING_CATEGORY(lcCloudSim)

} // namespace ps::cloudsim
