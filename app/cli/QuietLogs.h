#pragma once

#include <QLoggingCategory>

namespace ps::cli {

/// While a command runs without --verbose, the modules' own log lines (categories
/// "provstation.*") stay quiet: the command prints what happens itself. Debug and info lines
/// are always silenced; which warnings are depends on the command:
///
///     const QuietLogs quiet(!verbose, QuietLogs::Warnings::CloudOnly);
///
/// One at a time (the filter is process-wide); the previous filter is back when it goes.
class QuietLogs {
public:
    enum class Warnings {
        CloudOnly, ///< a flow: cloud warnings go (a 404 the flow expects is no warning to a
                   ///< person), the rest stay, as the flow does not report them
        All,       ///< the station: every slot's events are printed, warnings included
    };

    QuietLogs(bool enable, Warnings warnings);
    ~QuietLogs();
    QuietLogs(const QuietLogs &) = delete;
    QuietLogs &operator=(const QuietLogs &) = delete;

private:
    static void filter(QLoggingCategory *category);

    bool m_enabled;
    static inline QLoggingCategory::CategoryFilter s_previous = nullptr;
    static inline Warnings s_warnings = Warnings::CloudOnly;
};

} // namespace ps::cli
