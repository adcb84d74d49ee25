#pragma once

#include <QLoggingCategory>

namespace ps::station {

/// The station module's logging category, "provstation.station": flow transitions, journal and
/// audit store problems. Never logs the API key or an attestation token.
Q_DECLARE_LOGGING_CATEGORY(lcStation)

} // namespace ps::station
