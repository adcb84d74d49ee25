#pragma once

#include <QString>
#include <QStringView>
#include <limits>
#include <optional>

namespace ps::core {

/// The rows of the timeline. The device lanes are filled from log lines; CloudApi holds what the
/// station's REST client saw on the cloud side (claim, commands and their status).
enum class TimelineLane : quint8 { Device, Lte, Modem, Provisioning, Cloud, CloudApi };
inline constexpr int TimelineLaneCount = 6;

/// "device", "lte", "modem", "provisioning", "cloud", "cloudApi": the ids the rule table and the
/// JSON/CSV export use.
QString timelineLaneId(TimelineLane lane);
std::optional<TimelineLane> timelineLaneFromId(QStringView id);

enum class TimelineEventKind : quint8 {
    Point, ///< something that happened at one moment (a token printout, a credential write)
    Span,  ///< a state: it lasts until the next span state in the same lane (or a reboot)
};

/// How a provisioning run ended, as far as the log shows.
enum class ProvisioningOutcome : quint8 {
    None,       ///< no provisioning activity in the log
    InProgress, ///< an attempt started and has not ended yet
    Done,       ///< commands were processed and provisioning finished
    NoCommands, ///< the service had nothing for the device
    NotClaimed, ///< the service does not know the device: it must be claimed first
    Failed,     ///< any other failure; TimelineSummary::provisioningDetail says why
};

/// "none", "in-progress", "done", "no-commands", "not-claimed", "failed".
QString provisioningOutcomeId(ProvisioningOutcome outcome);
std::optional<ProvisioningOutcome> provisioningOutcomeFromId(QStringView id);

/// One event on the timeline. Plain data of fixed size so a model can hold millions of them in
/// contiguous vectors; texts live in the model (label pool) and the rule table (state table).
///
/// Times are milliseconds on one axis for the whole capture: host wall-clock time (ms since the
/// epoch, UTC) when the capture or the live port gave one, else device uptime laid end to end
/// across boots (flags tell which).
struct TimelineEvent {
    static constexpr qint64 OpenEnd = std::numeric_limits<qint64>::max();
    static constexpr qint64 NoUptime = std::numeric_limits<qint64>::min();
    static constexpr qint32 NoValue = std::numeric_limits<qint32>::min();

    enum Flag : quint8 {
        SpanFlag = 0x01,      ///< kind() == Span
        HostClock = 0x02,     ///< timeMs comes from a host clock (directly or via a host anchor)
        DeviceClock = 0x04,   ///< timeMs comes from the device uptime of this line
        TimeOfDayOnly = 0x08, ///< the host clock gave no date (e.g. `[10:15:03.123] `)
    };

    qint64 timeMs = 0;          ///< start on the time axis
    qint64 endMs = 0;           ///< spans: end (OpenEnd while open); points: == timeMs
    qint64 uptimeUs = NoUptime; ///< device uptime printed on the source line, if any
    quint32 sequence = 0;       ///< order of arrival over all lanes
    qint32 line = 0;            ///< 1-based source line, 0 for cloud-side events
    qint32 value = NoValue;     ///< a number the rule extracted (backoff seconds, EMM cause, mode)
    quint32 label = 0;          ///< index into TimelineModel's label pool
    quint32 segment = 0;        ///< boot segment (0 before the first reboot seen)
    quint16 state = 0;          ///< index into TimelineRules::states()
    TimelineLane lane = TimelineLane::Device;
    quint8 flags = 0;

    [[nodiscard]] TimelineEventKind kind() const {
        return (flags & SpanFlag) ? TimelineEventKind::Span : TimelineEventKind::Point;
    }
    [[nodiscard]] bool isSpan() const { return flags & SpanFlag; }
    [[nodiscard]] bool isOpen() const { return endMs == OpenEnd; }
    [[nodiscard]] bool hasUptime() const { return uptimeUs != NoUptime; }
    [[nodiscard]] bool hasValue() const { return value != NoValue; }
    [[nodiscard]] bool hasClock() const { return flags & (HostClock | DeviceClock); }
};

/// One boot of the device as seen in the capture.
struct TimelineSegment {
    quint32 index = 0;
    qint32 firstLine =
        0;              ///< line that started it (the banner, or the record whose uptime went back)
    qint64 startMs = 0; ///< boot moment on the time axis
    bool bootSeen =
        false; ///< started by a reboot the log shows (false for the segment the log starts in)
    QString firmware; ///< "<name> v<version>" from the booting banner
    QString sdkVersion;
    QString zephyrVersion;
};

/// What a person wants to know about a capture at a glance; kept up to date while lines arrive.
struct TimelineSummary {
    int boots = 0;        ///< boots seen (banners, or uptimes that went back)
    int lteUpCount = 0;   ///< LTE went up (registered or PDN up) from down or unknown
    int lteDownCount = 0; ///< LTE went down after being up (a reboot is counted in boots)
    /// Device uptime of the first LTE up. For a notification without uptime stamp (`+CEREG`,
    /// `+CGEV`) it is estimated: from its host time when the boot is anchored to a host clock,
    /// else the uptime of the last record before it. The same holds for the cloud connection.
    std::optional<qint64> firstLteUpUptimeUs;
    std::optional<qint64> firstLteUpTimeMs; ///< the same moment on the time axis
    std::optional<qint64> firstCloudConnectedUptimeUs;
    std::optional<qint64> firstCloudConnectedTimeMs;
    /// From the first boot in the log (or the first clocked line when no boot was seen) to the
    /// first cloud connection; unset when either moment has no clock.
    std::optional<qint64> timeToCloudMs;
    bool cloudConnected = false; ///< connected at the end of the log
    ProvisioningOutcome provisioning = ProvisioningOutcome::None;
    QString
        provisioningDetail; ///< label of the event that decided the outcome (the failure reason)
    int provisioningAttempts = 0;
    int backoffs = 0;
    qint64 backoffSeconds = 0; ///< sum of the announced backoff durations
    int droppedMessages = 0;   ///< sum of `--- <n> messages dropped ---`
    QString attestationToken;  ///< the last valid token the device printed
    QString firmware;          ///< firmware of the last boot banner
};

} // namespace ps::core
