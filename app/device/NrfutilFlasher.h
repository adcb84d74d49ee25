#pragma once

#include "Flasher.h"

#include <QStringList>
#include <chrono>

namespace ps::device {

struct NrfutilOptions {
    /// The nrfutil executable: a path, or a name looked up in PATH. Tests point it at a
    /// stand-in script.
    QString program = QStringLiteral("nrfutil");
    QString serialNumber; ///< the J-Link / kit serial number (--serial-number)
    std::chrono::milliseconds timeout{300000};
};

/// Flashes a bundle with Nordic's nrfutil over the debug probe:
///   nrfutil device program --firmware <file> --serial-number <sn> --json
/// run as a QProcess. The bundle's application image (or, when it has one, first the modem
/// package, then the application) is written to a temporary file for it. nrfutil prints one
/// JSON object per line; task_begin, task_progress (progressPercentage) and task_end
/// (result, error message) are turned into stageChanged() and progress(); other lines and
/// lines that are not JSON are ignored. A failed task_end, a non-zero exit, a crash or the
/// timeout fail the flash with FlashError::ToolFailed and nrfutil's own message.
class NrfutilFlasher : public Flasher {
    Q_OBJECT
public:
    explicit NrfutilFlasher(NrfutilOptions options, QObject *parent = nullptr);

    /// Whether options.program can be run (found in PATH or an executable path).
    [[nodiscard]] static bool isAvailable(const QString &program = QStringLiteral("nrfutil"));

    QCoro::Task<std::expected<FlashOutcome, FlashError>>
    flash(ps::bundle::FirmwareBundle bundle) override;

    /// One program run for one file (exposed for tests).
    QCoro::Task<std::expected<void, FlashError>> program(QString file, qint64 size);

    /// Lines nrfutil printed that were not JSON, for the log.
    [[nodiscard]] QStringList ignoredLines() const { return m_ignored; }

private:
    /// Handles one stdout line; returns a failure message for a failed task_end.
    std::optional<QString> handleLine(const QByteArray &line, qint64 size);

    NrfutilOptions m_options;
    QStringList m_ignored;
};

} // namespace ps::device
