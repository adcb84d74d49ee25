#pragma once

#include <QString>

namespace ps::gui {

/// Which clock the time axis of a timeline stands for. TimelineEngine puts every event on one
/// axis of milliseconds: host wall-clock time since the epoch when the capture or the port gave
/// one, else device uptime laid end to end across boots. The view only changes how it writes
/// those milliseconds.
enum class TimelineClock : quint8 {
    DeviceTime, ///< no host clock: device uptime, boots laid end to end ("0:01:05.250")
    HostUtc,    ///< host stamps from a file, shown as written (the engine reads them as UTC)
    HostLocal,  ///< a live port: host time of arrival, shown in local time
    TimeOfDay,  ///< host stamps without a date (`[10:15:03.123] `)
};

/// A duration for people: "850 ms", "4.87 s", "27.8 s", "1 min 12 s", "1 h 02 min", "3 d 04 h".
QString formatTimelineDuration(qint64 ms);

/// Device uptime as "H:MM:SS.mmm" (hours may exceed 24), from microseconds.
QString formatUptime(qint64 microseconds);

/// A moment on the axis written for `clock` with millisecond precision: "2026-11-26 10:15:03.123"
/// (host clocks with a date), "10:15:03.123" (time of day), "0:00:04.870" (device time).
QString formatAxisTime(qint64 ms, TimelineClock clock);

/// Milliseconds east of UTC that `clock` adds at `ms` (local time's offset for HostLocal, else 0),
/// so ticks fall on whole local minutes and hours.
qint64 clockOffsetMs(qint64 ms, TimelineClock clock);

/// A tick label for a step of `stepMs`: only as precise as the step needs ("10:15", "10:15:03",
/// "10:15:03.250"; "0:01:05" on device time; "2026-11-26" for steps of a day or more).
QString formatTickLabel(qint64 ms, qint64 stepMs, TimelineClock clock);

/// What the axis shows, for its caption: "device time (uptime, boots laid end to end)",
/// "UTC, as in the log", "local time", "time of day".
QString clockCaption(TimelineClock clock);

} // namespace ps::gui
