#pragma once

#include "core/Line.h"
#include "core/timeline/TimelineModel.h"

#include <QString>
#include <memory>
#include <vector>

namespace ps::gui {
class ConsoleModel;
class TimelineSession;
} // namespace ps::gui

namespace ps::gui::test {

/// tests/data/logs/timeline/<name>.
QString timelineLog(const QString &name);

/// The lines LineAssembler makes of a whole file, without host times (as a file is read).
std::vector<ps::core::Line> linesOfFile(const QString &path);

/// Feeds a file to a session (and a console), as TimelineLogLoader does, but at once.
void feedFile(TimelineSession &session, const QString &path, ConsoleModel *console = nullptr);

/// Builds events for a TimelineModel by lane and state id of the built-in rule table.
class EventMaker {
public:
    EventMaker();
    [[nodiscard]] const std::shared_ptr<const ps::core::TimelineRules> &rules() const {
        return m_rules;
    }
    /// A span from `startMs` (it lasts until the lane's next span).
    [[nodiscard]] ps::core::TimelineEvent span(ps::core::TimelineLane lane, const char *state,
                                               qint64 startMs, qint32 line = 0) const;
    [[nodiscard]] ps::core::TimelineEvent point(ps::core::TimelineLane lane, const char *state,
                                                qint64 atMs, qint32 line = 0) const;

private:
    std::shared_ptr<const ps::core::TimelineRules> m_rules;
};

} // namespace ps::gui::test
