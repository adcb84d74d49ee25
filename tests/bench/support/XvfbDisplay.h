#pragma once

#include <string>
#include <sys/types.h>

namespace ps::bench {

/// The X display a GUI benchmark draws on, so its figures include real painting (the xcb
/// platform, not offscreen).
///
/// Call ensure() at the top of main(), before the QApplication exists and before any thread
/// starts:
///  - QT_QPA_PLATFORM set to something other than xcb: left alone (the caller chose, e.g.
///    offscreen; the figures then say nothing about painting to a screen);
///  - DISPLAY set: that display, with QT_QPA_PLATFORM=xcb;
///  - neither: a private Xvfb (`Xvfb -displayfd`, a free display number, 1920x1080x24) that
///    lives as long as this object; DISPLAY and QT_QPA_PLATFORM=xcb point at it.
class XvfbDisplay {
public:
    XvfbDisplay() = default;
    ~XvfbDisplay();
    XvfbDisplay(const XvfbDisplay &) = delete;
    XvfbDisplay &operator=(const XvfbDisplay &) = delete;

    /// False (with why()) when no display could be had.
    bool ensure();
    [[nodiscard]] const std::string &why() const { return m_why; }
    /// What the benchmark draws on, for its log: ":3 (own Xvfb)", ":0", "offscreen".
    [[nodiscard]] const std::string &description() const { return m_description; }

private:
    bool startXvfb();

    pid_t m_pid = -1;
    std::string m_why;
    std::string m_description;
};

} // namespace ps::bench
