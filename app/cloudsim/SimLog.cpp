#include "SimLog.h"

namespace ps::cloudsim {

Q_LOGGING_CATEGORY(lcCloudSim, "provstation.cloudsim", QtInfoMsg)

} // namespace ps::cloudsim
