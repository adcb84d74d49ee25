#pragma once

#include <QString>

namespace ps::device {

/// Why a command to the device did not give the expected answer.
struct DeviceError {
    enum class Kind {
        NotConnected,   ///< no transport open
        Timeout,        ///< no final line within the command's timeout
        Disconnected,   ///< the device went away while the command was in flight
        AtError,        ///< the modem answered ERROR
        CmeError,       ///< the modem answered +CME ERROR: <code>
        TransportError, ///< `Sending AT command failed with error code <n>`
        ShellError,     ///< the shell rejected the command (unknown command, usage error)
        BadResponse,    ///< an answer arrived but could not be understood
        Cancelled,
    };
    Kind kind = Kind::BadResponse;
    int code = 0;       ///< CME error code, or the transport's error code
    QString message;    ///< in words, with what to do next
    QString response;   ///< the raw response lines, for the log
};

/// "not found", "not allowed while the modem is active (set CFUN=4 first)", ... for PROTOCOL §3.
QString cmeErrorText(int code);

} // namespace ps::device
