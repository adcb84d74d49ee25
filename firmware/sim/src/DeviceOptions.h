#pragma once

#include "Modem.h"
#include "ZephyrLog.h"
#include "mcumgr/McubootImage.h"

#include <QString>
#include <QStringList>
#include <expected>
#include <optional>

namespace ps::devsim {

/// Command-line options of provstation-devsim (see helpText()).
struct DeviceOptions {
    QString stateDir; ///< empty: a temporary folder, removed at exit
    QString linkPath;
    QString registryFile;
    ps::mcumgr::ImageVersion attVersion{1, 5, 0, 0};
    QString model = QStringLiteral("nRF9151-LACA");
    double speed = 1.0;
    LteSettings lte;
    double garbageRate = 0.0;
    /// `--seed N`: the stray-byte generator's seed, so that a --garbage run can be replayed byte
    /// for byte; unset: a random seed (announced on stdout as `GARBAGE <rate> seed <n>`).
    std::optional<quint32> seed;
    bool bootloader = false;
    bool bootOnOpen = false;
    /// `--dfu-wait MS`: after every reset MCUboot listens this many device milliseconds for an
    /// SMP command before it boots slot 0 (MCUboot's CONFIG_BOOT_SERIAL_WAIT_FOR_DFU); 0: off.
    int dfuWaitMs = 0;
    /// `--baud N`: the UART carries N/10 bytes per device second each way (8N1); 0: pty speed.
    int baud = 0;
    QString caFile;
    QString cloud; ///< `--cloud HOST:PORT`: provisioning service and nRF Cloud CoAP; empty: none
    LogLevel logLevel = LogLevel::Debug;
    int replugDelayMs = 500;
    bool helpRequested = false;
};

std::expected<DeviceOptions, QString> parseDeviceOptions(const QStringList &arguments);
QString helpText();

} // namespace ps::devsim
