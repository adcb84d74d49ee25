#pragma once

#include <QLoggingCategory>

namespace ps::cloud {

/// The cloud module's logging category, "provstation.cloud". Lines name the method, the path
/// and the outcome; request headers (the API key) are never logged.
Q_DECLARE_LOGGING_CATEGORY(lcCloud)

} // namespace ps::cloud
