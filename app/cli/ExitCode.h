#pragma once

namespace ps::cli {

/// Exit statuses of provstation-cli; scripts depend on them, so they never change meaning.
enum ExitCode : int {
    Success = 0,
    CommandFailed = 1,     ///< the device or cloud answered with an error (ERROR, CME, 4xx)
    UsageError = 2,        ///< bad arguments or malformed input (e.g. a token that does not decode)
    DeviceUnreachable = 3, ///< the port could not be opened, or the device did not answer in time
};

} // namespace ps::cli
