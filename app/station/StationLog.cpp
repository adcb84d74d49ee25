#include "StationLog.h"

namespace ps::station {

Q_LOGGING_CATEGORY(lcStation, "provstation.station")

} // namespace ps::station
