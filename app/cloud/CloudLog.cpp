#include "CloudLog.h"

namespace ps::cloud {

Q_LOGGING_CATEGORY(lcCloud, "provstation.cloud", QtInfoMsg)

} // namespace ps::cloud
