// Console bytes as they come off a serial port: LineAssembler (in chunks of any size), LogParser
// and the timeline engine with the built-in rules, then the timeline exports.
//
// Input: byte 0 picks the chunk sizes (seed) and whether to export; byte 1 the maximum line
// length; the rest is the console stream.
#include "FuzzSupport.h"
#include "core/LineAssembler.h"
#include "core/LogParser.h"
#include "core/timeline/HostTimestamp.h"
#include "core/timeline/TimelineEngine.h"
#include "core/timeline/TimelineExport.h"

#include <QTextStream>

using namespace ps::core;

namespace {

void checkLine(const Line &line) {
    for (const StyleSpan &span : line.spans) {
        ps::fuzz::check(span.start >= 0 && span.length >= 0 &&
                            span.start + span.length <= line.text.size(),
                        "style span inside the line's text");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ps::fuzz::Input input(data, size);
    const quint8 mode = input.byte();
    const quint8 maxLine = input.byte();
    const QByteArrayView stream = input.rest();

    static const std::shared_ptr<const TimelineRules> rules = TimelineRules::builtin();
    LineAssembler assembler;
    // 0 keeps the default; otherwise short limits so that truncation is reached often.
    if (maxLine != 0)
        assembler.setMaxLineLength(qsizetype(maxLine) * 4);
    if (mode & 0x80)
        assembler.setPrompt(QString());
    LogParser parser;
    TimelineEngine engine(rules);

    ps::fuzz::ChunkSizes chunks(mode & 0x3f);
    qint64 hostMs = 1'700'000'000'000;
    auto handle = [&](const std::vector<Line> &lines) {
        for (const Line &line : lines) {
            checkLine(line);
            parser.parse(line);
            (void)parseHostTimestamp(line.text);
            engine.addLine(line);
        }
    };
    for (qsizetype pos = 0; pos < stream.size();) {
        const qsizetype n = std::min(chunks.next(64), stream.size() - pos);
        handle(assembler.feed(stream.sliced(pos, n), hostMs));
        (void)assembler.pendingText();
        pos += n;
        hostMs += 7;
    }
    handle(assembler.flush(hostMs));

    if (mode & 0x40) {
        QString json;
        QTextStream jsonOut(&json);
        TimelineExport::writeJson(jsonOut, engine.model(), engine.summary());
        QString csv;
        QTextStream csvOut(&csv);
        TimelineExport::writeCsv(csvOut, engine.model());
    }
    return 0;
}
