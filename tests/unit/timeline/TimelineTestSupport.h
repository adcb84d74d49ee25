#pragma once

#include "core/LineAssembler.h"
#include "core/timeline/TimelineEngine.h"

#include <QFile>
#include <QStringList>
#include <gtest/gtest.h>
#include <ostream>

// Readable gtest failure output for Qt strings.
inline void PrintTo(const QString &text, std::ostream *os) {
    *os << '"' << text.toStdString() << '"';
}

namespace ps::core::test {

/// Bytes of a file under tests/data; fails the calling test when it cannot be read.
inline QByteArray readTestData(const QString &relativePath) {
    QFile file(QStringLiteral(PROVSTATION_TEST_DATA_DIR "/") + relativePath);
    if (!file.open(QIODevice::ReadOnly)) {
        ADD_FAILURE() << "cannot read test data " << file.fileName().toStdString();
        return {};
    }
    return file.readAll();
}

/// Feeds a capture the way the CLI and the serial port do: through a LineAssembler, in reads of
/// `chunk` bytes (so lines and escapes cross read boundaries).
inline void feedBytes(TimelineEngine &engine, QByteArrayView bytes, qsizetype chunk = 4096,
                      qint64 hostTimeMs = 0) {
    LineAssembler assembler;
    for (qsizetype at = 0; at < bytes.size(); at += chunk) {
        for (const Line &line :
             assembler.feed(bytes.sliced(at, std::min(chunk, bytes.size() - at)), hostTimeMs)) {
            engine.addLine(line);
        }
    }
    for (const Line &line : assembler.flush(hostTimeMs))
        engine.addLine(line);
}

/// Lines given as plain text (no escapes), one per list entry.
inline void feedLines(TimelineEngine &engine, const QStringList &lines, qint64 hostTimeMs = 0) {
    for (const QString &line : lines)
        engine.addLine(line, hostTimeMs);
}

/// "lane/state@line" for every event, in arrival order; what tests compare and print.
inline QStringList eventKeys(const TimelineModel &model) {
    QStringList keys;
    model.forEachInOrder([&](const TimelineEvent &event) {
        keys.append(timelineLaneId(event.lane) + u'/' + model.stateInfo(event).id + u'@' +
                    QString::number(event.line));
    });
    return keys;
}

/// The first event of `lane` in `state`, or null.
inline const TimelineEvent *findEvent(const TimelineModel &model, TimelineLane lane,
                                      QStringView state, qint32 line = -1) {
    const TimelineEvent *found = nullptr;
    model.forEachInOrder([&](const TimelineEvent &event) {
        if (!found && event.lane == lane && model.stateInfo(event).id == state &&
            (line < 0 || event.line == line)) {
            found = &event;
        }
    });
    return found;
}

} // namespace ps::core::test
