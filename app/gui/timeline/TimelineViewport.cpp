#include "TimelineViewport.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace ps::gui {

void TimelineViewport::setWidth(double pixels) {
    pixels = std::max(1.0, pixels);
    const double visible = visibleMs();
    m_width = pixels;
    m_msPerPixel = std::clamp(visible / m_width, MinMsPerPixel, MaxMsPerPixel);
}

void TimelineViewport::setRange(double fromMs, double toMs) {
    if (toMs < fromMs)
        std::swap(fromMs, toMs);
    const double middle = (fromMs + toMs) / 2.0;
    m_msPerPixel = std::clamp((toMs - fromMs) / m_width, MinMsPerPixel, MaxMsPerPixel);
    m_startMs = middle - m_width * m_msPerPixel / 2.0;
}

void TimelineViewport::setStartAndScale(double startMs, double msPerPixel) {
    m_startMs = startMs;
    m_msPerPixel = std::clamp(msPerPixel, MinMsPerPixel, MaxMsPerPixel);
}

void TimelineViewport::fit(double fromMs, double toMs, double marginFraction) {
    if (toMs < fromMs)
        std::swap(fromMs, toMs);
    // A single moment (or nothing) still gets a readable range around it.
    const double range = std::max(toMs - fromMs, 1000.0);
    const double margin = range * std::max(0.0, marginFraction);
    const double middle = (fromMs + toMs) / 2.0;
    setRange(middle - range / 2.0 - margin, middle + range / 2.0 + margin);
}

void TimelineViewport::zoomAt(double factor, double x) {
    if (!(factor > 0.0))
        return;
    const double anchor = timeAt(x);
    m_msPerPixel = std::clamp(m_msPerPixel / factor, MinMsPerPixel, MaxMsPerPixel);
    m_startMs = anchor - x * m_msPerPixel;
}

void TimelineViewport::panBy(double dx) {
    m_startMs -= dx * m_msPerPixel;
}

void TimelineViewport::placeAt(double ms, double x) {
    m_startMs = ms - x * m_msPerPixel;
}

qint64 timelineTickStep(double msPerPixel, double minSpacingPx) {
    static constexpr std::array<qint64, 36> steps = {1,
                                                     2,
                                                     5,
                                                     10,
                                                     20,
                                                     50,
                                                     100,
                                                     200,
                                                     500,
                                                     1'000,
                                                     2'000,
                                                     5'000,
                                                     10'000,
                                                     15'000,
                                                     30'000,
                                                     60'000,
                                                     120'000,
                                                     300'000,
                                                     600'000,
                                                     900'000,
                                                     1'800'000,
                                                     3'600'000,
                                                     7'200'000,
                                                     10'800'000,
                                                     21'600'000,
                                                     43'200'000,
                                                     86'400'000,
                                                     172'800'000,
                                                     604'800'000,
                                                     1'209'600'000,
                                                     2'419'200'000,
                                                     4'838'400'000,
                                                     9'676'800'000,
                                                     19'353'600'000,
                                                     38'707'200'000,
                                                     77'414'400'000};
    const double wanted = msPerPixel * std::max(1.0, minSpacingPx);
    for (const qint64 step : steps) {
        if (double(step) >= wanted)
            return step;
    }
    return steps.back();
}

std::vector<TimelineTick> timelineTicks(const TimelineViewport &viewport, TimelineClock clock,
                                        double minSpacingPx) {
    std::vector<TimelineTick> ticks;
    const qint64 step = timelineTickStep(viewport.msPerPixel(), minSpacingPx);
    const double from = viewport.startMs();
    const double to = viewport.endMs();
    // Round in the clock's own time (local time for a live port), then back to the axis.
    const qint64 offset = clockOffsetMs(qint64(from), clock);
    const auto local = qint64(std::floor((from + double(offset)) / double(step))) * step;
    for (qint64 t = local - offset; double(t) <= to; t += step) {
        if (double(t) < from)
            continue;
        ticks.push_back({double(t), formatTickLabel(t, step, clock)});
        if (ticks.size() > 10'000)
            break; // cannot happen with a sane spacing; keeps a broken caller bounded
    }
    return ticks;
}

} // namespace ps::gui
