#pragma once

#include "TimelineFormat.h"

#include <QString>
#include <vector>

namespace ps::gui {

/// The visible stretch of a timeline's time axis and how it maps to pixels: a start time and a
/// scale (milliseconds per pixel) over a plot `width()` pixels wide. x is measured from the
/// plot's left edge. Plain value, no widget: TimelineView keeps one, tests drive one directly.
///
///   TimelineViewport viewport;
///   viewport.setWidth(800);
///   viewport.setRange(0, 60'000);           // one minute across 800 px
///   viewport.zoomAt(2.0, 400);              // twice as close, the moment at x = 400 stays put
///   const double t = viewport.timeAt(123);  // and xForTime(t) == 123 again
class TimelineViewport {
public:
    /// Limits of the scale: 10 µs per pixel (closer says nothing with millisecond stamps) to a
    /// day per pixel (years of log across a screen).
    static constexpr double MinMsPerPixel = 0.01;
    static constexpr double MaxMsPerPixel = 86'400'000.0;

    [[nodiscard]] double width() const { return m_width; }
    /// A new plot width keeps the visible time range (the scale changes).
    void setWidth(double pixels);

    [[nodiscard]] double startMs() const { return m_startMs; }
    [[nodiscard]] double endMs() const { return m_startMs + m_width * m_msPerPixel; }
    [[nodiscard]] double msPerPixel() const { return m_msPerPixel; }
    [[nodiscard]] double visibleMs() const { return m_width * m_msPerPixel; }

    /// Shows [fromMs, toMs] across the width (the scale is clamped to its limits, keeping the
    /// middle of the range in the middle).
    void setRange(double fromMs, double toMs);
    /// Start time and scale as they are (scale clamped).
    void setStartAndScale(double startMs, double msPerPixel);
    /// Shows [fromMs, toMs] with a margin of `marginFraction` of the range on either side.
    void fit(double fromMs, double toMs, double marginFraction = 0.03);

    [[nodiscard]] double xForTime(double ms) const { return (ms - m_startMs) / m_msPerPixel; }
    [[nodiscard]] double timeAt(double x) const { return m_startMs + x * m_msPerPixel; }

    /// Zooms by `factor` (> 1 closer, < 1 farther) around the moment at `x`, which stays at x.
    void zoomAt(double factor, double x);
    /// Moves the content `dx` pixels to the right (the view looks further back in time).
    void panBy(double dx);
    /// Keeps the scale and puts `ms` at `x`.
    void placeAt(double ms, double x);

    friend bool operator==(const TimelineViewport &, const TimelineViewport &) = default;

private:
    double m_width = 1.0;
    double m_startMs = 0.0;
    double m_msPerPixel = 100.0;
};

/// One mark on the time axis.
struct TimelineTick {
    double timeMs = 0;
    QString label;
};

/// Ticks for the visible range, on round steps of the clock (1, 2, 5 ... ms, 1, 2, 5, 10, 15,
/// 30 s, minutes, hours, days; local ticks fall on whole local minutes and hours) at least
/// `minSpacingPx` apart, so labels of that width never overlap. Bounded by width / spacing.
std::vector<TimelineTick> timelineTicks(const TimelineViewport &viewport, TimelineClock clock,
                                        double minSpacingPx);
/// The step timelineTicks() chooses.
qint64 timelineTickStep(double msPerPixel, double minSpacingPx);

} // namespace ps::gui
