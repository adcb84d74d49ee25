#include "TimelineTestSupport.h"

#include "core/LineAssembler.h"
#include "gui/ConsoleModel.h"
#include "gui/timeline/TimelineSession.h"

#include <QFile>
#include <cstdlib>

namespace ps::gui::test {

using ps::core::TimelineEvent;
using ps::core::TimelineLane;

QString timelineLog(const QString &name) {
    return QStringLiteral(PROVSTATION_TEST_DATA "/logs/timeline/") + name;
}

std::vector<ps::core::Line> linesOfFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        std::abort(); // test data is part of the tree: a missing file is a broken checkout
    ps::core::LineAssembler assembler;
    std::vector<ps::core::Line> lines = assembler.feed(file.readAll(), 0);
    for (auto &line : assembler.flush(0))
        lines.push_back(std::move(line));
    return lines;
}

void feedFile(TimelineSession &session, const QString &path, ConsoleModel *console) {
    const auto lines = linesOfFile(path);
    session.addLines(lines, console ? std::optional<quint64>(console->endSeq()) : std::nullopt);
    if (console)
        console->appendLines(lines);
}

EventMaker::EventMaker()
    : m_rules(ps::core::TimelineRules::builtin()) {}

TimelineEvent EventMaker::span(TimelineLane lane, const char *state, qint64 startMs,
                               qint32 line) const {
    TimelineEvent event;
    event.lane = lane;
    event.state = *m_rules->stateIndex(lane, QString::fromLatin1(state));
    event.timeMs = startMs;
    event.endMs = TimelineEvent::OpenEnd;
    event.flags = TimelineEvent::SpanFlag | TimelineEvent::DeviceClock;
    event.line = line;
    return event;
}

TimelineEvent EventMaker::point(TimelineLane lane, const char *state, qint64 atMs,
                                qint32 line) const {
    TimelineEvent event;
    event.lane = lane;
    event.state = *m_rules->stateIndex(lane, QString::fromLatin1(state));
    event.timeMs = atMs;
    event.endMs = atMs;
    event.flags = TimelineEvent::DeviceClock;
    event.line = line;
    return event;
}

} // namespace ps::gui::test
