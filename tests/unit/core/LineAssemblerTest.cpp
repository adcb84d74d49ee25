#include "core/LineAssembler.h"

#include "TestData.h"

#include <QElapsedTimer>
#include <gtest/gtest.h>

using namespace ps::core;
using namespace Qt::StringLiterals;

namespace {

// Green bold prompt as the Zephyr shell prints it.
constexpr char Prompt[] = "\x1b[1;32muart:~$ \x1b[m";

std::vector<Line> feedAll(LineAssembler &assembler, QByteArrayView bytes, qint64 time = 0) {
    return assembler.feed(bytes, time);
}

void append(std::vector<Line> &to, std::vector<Line> &&from) {
    for (Line &line : from)
        to.push_back(std::move(line));
}

QStringList texts(const std::vector<Line> &lines) {
    QStringList out;
    for (const Line &line : lines)
        out.append(line.text);
    return out;
}

StyleSpan span(qsizetype start, qsizetype length, qint8 fg, qint8 bg = -1, bool bold = false,
               bool underline = false) {
    return StyleSpan{start, length, fg, bg, bold, underline};
}

// A sample that exercises every rule at once: a prompt erased by cursor escapes in front of a
// coloured log record with multi-byte characters, a BEL in typed text, LF CR and CR CR LF line
// ends, two-byte ESC sequences and other CSI sequences, and a prompt left pending at the end.
const QByteArray Sample =
    QByteArray(Prompt) +
    "\x1b[8D\x1b[J[00:00:05.268,859] \x1b[1;33m<wrn> cloud: T\xc3\xa9st \xe2\x82\xac "
    "\xf0\x9f\x93\xa1\x1b[0m\r\n" +
    Prompt + "at\x07 AT+CGSN\r\n" + "352404612345676\n\r" + "OK\r" + "\r\n" +
    "\x1b"
    "7plain\x1b[2Ktext\tend\x1b[?25l\r\n" +
    Prompt;

struct ExpectedLine {
    QString text;
    QByteArray raw;
    QList<StyleSpan> spans;
};

const QString WarningRecord = u"[00:00:05.268,859] <wrn> cloud: Tést € 📡"_s;

std::vector<ExpectedLine> sampleLines() {
    return {
        {WarningRecord,
         QByteArray(Prompt) +
             "\x1b[8D\x1b[J[00:00:05.268,859] \x1b[1;33m<wrn> cloud: T\xc3\xa9st \xe2\x82\xac "
             "\xf0\x9f\x93\xa1\x1b[0m",
         {span(19, WarningRecord.size() - 19, 3, -1, true)}},
        {u"uart:~$ at AT+CGSN"_s, QByteArray(Prompt) + "at\x07 AT+CGSN", {span(0, 8, 2, -1, true)}},
        {u"352404612345676"_s, "352404612345676", {}},
        {u"OK"_s, "OK", {}},
        {QString(), QByteArray(), {}},
        {u"plaintext\tend"_s,
         "\x1b"
         "7plain\x1b[2Ktext\tend\x1b[?25l",
         {}},
    };
}

void expectSampleLines(const std::vector<Line> &lines, const std::string &context) {
    const auto expected = sampleLines();
    ASSERT_EQ(lines.size(), expected.size()) << context;
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(lines[i].text, expected[i].text) << context << " line " << i;
        EXPECT_EQ(lines[i].raw, expected[i].raw) << context << " line " << i;
        EXPECT_EQ(lines[i].spans, expected[i].spans) << context << " line " << i;
        EXPECT_FALSE(lines[i].truncated) << context << " line " << i;
    }
}

} // namespace

TEST(LineAssembler, JoinsALineSplitAcrossTwoReads) {
    LineAssembler assembler;
    EXPECT_TRUE(assembler.feed("[00:00:01.000,000] <inf> cloud: Conn", 1).empty());
    const auto lines = assembler.feed("ected to Cloud\r\n", 2);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, u"[00:00:01.000,000] <inf> cloud: Connected to Cloud"_s);
    EXPECT_EQ(lines[0].raw, QByteArray("[00:00:01.000,000] <inf> cloud: Connected to Cloud"));
    EXPECT_EQ(lines[0].hostTimeMs, 2);
}

TEST(LineAssembler, DecodesTheSampleInOneRead) {
    LineAssembler assembler;
    expectSampleLines(feedAll(assembler, Sample), "one read");
    EXPECT_EQ(assembler.pendingText(), u"uart:~$ "_s);
}

TEST(LineAssembler, GivesTheSameLinesWhateverTwoPlacesTheStreamIsCutAt) {
    // Every escape, UTF-8 sequence and line-end pair of the sample gets split somewhere.
    for (qsizetype first = 0; first <= Sample.size(); ++first) {
        for (qsizetype second = first; second <= Sample.size(); ++second) {
            LineAssembler assembler;
            std::vector<Line> lines;
            append(lines, assembler.feed(QByteArrayView(Sample).first(first), 0));
            append(lines, assembler.feed(QByteArrayView(Sample).sliced(first, second - first), 0));
            append(lines, assembler.feed(QByteArrayView(Sample).sliced(second), 0));
            expectSampleLines(lines,
                              "cut at " + std::to_string(first) + " and " + std::to_string(second));
            ASSERT_EQ(assembler.pendingText(), u"uart:~$ "_s);
            if (HasFailure())
                return;
        }
    }
}

TEST(LineAssembler, GivesTheSameLinesWhenFedOneByteAtATime) {
    LineAssembler assembler;
    std::vector<Line> lines;
    for (const char byte : Sample)
        append(lines, assembler.feed(QByteArrayView(&byte, 1), 0));
    expectSampleLines(lines, "byte by byte");
}

TEST(LineAssembler, GivesTheSameLinesForACaptureWhereverItIsSplit) {
    const QByteArray capture = ps::core::test::readTestData(u"logs/att-v1.5-boot-claim.log"_s);
    ASSERT_FALSE(capture.isEmpty());
    LineAssembler whole;
    const auto reference = whole.feed(capture, 0);
    ASSERT_GT(reference.size(), 20u);
    for (qsizetype cut = 0; cut <= capture.size(); ++cut) {
        LineAssembler assembler;
        auto lines = assembler.feed(QByteArrayView(capture).first(cut), 0);
        append(lines, assembler.feed(QByteArrayView(capture).sliced(cut), 0));
        ASSERT_EQ(lines.size(), reference.size()) << "cut at " << cut;
        for (size_t i = 0; i < lines.size(); ++i) {
            ASSERT_EQ(lines[i].text, reference[i].text) << "cut at " << cut << " line " << i;
            ASSERT_EQ(lines[i].raw, reference[i].raw) << "cut at " << cut << " line " << i;
            ASSERT_EQ(lines[i].spans, reference[i].spans) << "cut at " << cut << " line " << i;
        }
        ASSERT_EQ(assembler.pendingText(), whole.pendingText());
    }
}

struct LineEndCase {
    const char *name;
    std::vector<QByteArray> reads;
    QStringList lines;
};

class LineEnds : public ::testing::TestWithParam<LineEndCase> {};

TEST_P(LineEnds, EndOneLineEach) {
    const LineEndCase &c = GetParam();
    LineAssembler assembler;
    std::vector<Line> lines;
    for (const QByteArray &read : c.reads)
        append(lines, assembler.feed(read, 0));
    EXPECT_EQ(texts(lines), c.lines);
}

INSTANTIATE_TEST_SUITE_P(
    LineAssembler, LineEnds,
    ::testing::Values(
        LineEndCase{"Crlf", {"a\r\nb\r\n"}, {u"a"_s, u"b"_s}},
        LineEndCase{"CrlfSplitAcrossReads", {"a\r", "\nb\r", "\n"}, {u"a"_s, u"b"_s}},
        LineEndCase{"LfCrContinuation", {"a\n\rb\n\r"}, {u"a"_s, u"b"_s}},
        LineEndCase{"LfCrSplitAcrossReads", {"a\n", "\rb\n", "\r"}, {u"a"_s, u"b"_s}},
        LineEndCase{"BareCr", {"a\rb\r"}, {u"a"_s, u"b"_s}},
        LineEndCase{"BareLf", {"a\nb\n"}, {u"a"_s, u"b"_s}},
        LineEndCase{"EmptyLineBetweenCrlfs", {"a\r\n\r\nb\r\n"}, {u"a"_s, QString(), u"b"_s}},
        LineEndCase{"CrCrLfIsTwoLines", {"a\r\r\n"}, {u"a"_s, QString()}},
        LineEndCase{"CrlfThenLfCr", {"a\r\n\n\r"}, {u"a"_s, QString()}},
        LineEndCase{
            "LineEndAbandonsAnUnfinishedEscape", {"a\x1b[1", "\r\nb\r\n"}, {u"a"_s, u"b"_s}}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(LineAssembler, DropsControlCharactersButKeepsThemInRaw) {
    LineAssembler assembler;
    const QByteArray bytes("a\x07"
                           "b\x08"
                           "c\x00"
                           "d\x7f"
                           "e\tf\r\n",
                           13);
    const auto lines = assembler.feed(bytes, 0);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, u"abcde\tf"_s);
    EXPECT_EQ(lines[0].raw, bytes.chopped(2));
}

struct Utf8Case {
    const char *name;
    std::vector<QByteArray> reads;
    QStringList lines;
};

class Utf8 : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(Utf8, DecodesStatefully) {
    const Utf8Case &c = GetParam();
    LineAssembler assembler;
    std::vector<Line> lines;
    for (const QByteArray &read : c.reads)
        append(lines, assembler.feed(read, 0));
    EXPECT_EQ(texts(lines), c.lines);
}

INSTANTIATE_TEST_SUITE_P(
    LineAssembler, Utf8,
    ::testing::Values(
        Utf8Case{"EuroSignSplitAcrossReads", {"\xe2", "\x82", "\xac\r\n"}, {u"€"_s}},
        Utf8Case{"FourByteCharacterSplit", {"x\xf0\x9f", "\x93\xa1y\r\n"}, {u"x📡y"_s}},
        Utf8Case{"InvalidByteBecomesReplacement",
                 {"a\xff"
                  "b\r\n"},
                 {u"a\uFFFDb"_s}},
        Utf8Case{"LoneContinuationByte", {"\x80z\r\n"}, {u"\uFFFDz"_s}},
        Utf8Case{"SequenceCutByLineEnd", {"a\xe2\x82\r\nb\r\n"}, {u"a\uFFFD"_s, u"b"_s}},
        Utf8Case{"SequenceCutByEscape", {"a\xe2\x82\x1b[0mb\r\n"}, {u"a\uFFFDb"_s}},
        Utf8Case{"SequenceCutByControlCharacter",
                 {"a\xe2\x07"
                  "b\r\n"},
                 {u"a\uFFFDb"_s}},
        Utf8Case{"OverlongEncodingIsInvalid", {"\xc0\xaf\r\n"}, {u"\uFFFD\uFFFD"_s}}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(LineAssembler, KeepsTheStyleOfAReplacementCharacterWhereTheSequenceWasCut) {
    LineAssembler assembler;
    const auto lines = assembler.feed("\x1b[31ma\xe2\x82\x1b[0mb\r\n", 0);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, u"a\uFFFDb"_s);
    EXPECT_EQ(lines[0].spans, QList<StyleSpan>{span(0, 2, 1)});
}

TEST(LineAssembler, SurvivesGarbageBytesAndRecovers) {
    LineAssembler assembler;
    QByteArray garbage;
    for (int i = 0; i < 4096; ++i)
        garbage.append(char((i * 131 + 17) & 0xff));
    std::vector<Line> lines = assembler.feed(garbage, 0);
    // Whatever state the garbage left behind, a line end and a fresh line come out clean.
    append(lines, assembler.feed("\r\n[00:00:01.000,000] <inf> main: ok\r\n", 0));
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back().text, u"[00:00:01.000,000] <inf> main: ok"_s);
    for (const Line &line : lines) {
        EXPECT_FALSE(line.text.contains(u'\x1b'));
        EXPECT_FALSE(line.text.contains(u'\r'));
        EXPECT_FALSE(line.text.contains(u'\n'));
    }
}

TEST(LineAssembler, CutsAOneMegabyteLineIntoBoundedPieces) {
    LineAssembler assembler;
    QByteArray big(1024 * 1024, 'x');
    for (qsizetype i = 0; i < big.size(); i += 97)
        big[i] = char('a' + (i / 97) % 26);
    std::vector<Line> lines;
    for (qsizetype offset = 0; offset < big.size(); offset += 4000)
        append(lines, assembler.feed(QByteArrayView(big).sliced(
                                         offset, std::min<qsizetype>(4000, big.size() - offset)),
                                     0));
    append(lines, assembler.feed("\r\n", 0));

    const qsizetype max = LineAssembler::DefaultMaxLineLength;
    ASSERT_EQ(lines.size(), size_t(big.size() / max));
    QString joined;
    for (size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i].raw.size(), max);
        EXPECT_EQ(lines[i].truncated, i + 1 < lines.size()) << "line " << i;
        joined += lines[i].text;
    }
    EXPECT_EQ(joined, QString::fromLatin1(big));
}

TEST(LineAssembler, ALineOfExactlyTheMaximumLengthIsNotTruncated) {
    LineAssembler assembler;
    assembler.setMaxLineLength(8);
    const auto lines = assembler.feed("12345678\r\n123456789\r\n", 0);
    ASSERT_EQ(texts(lines), (QStringList{u"12345678"_s, u"12345678"_s, u"9"_s}));
    EXPECT_FALSE(lines[0].truncated);
    EXPECT_TRUE(lines[1].truncated);
    EXPECT_FALSE(lines[2].truncated);
}

TEST(LineAssembler, CountsEscapeBytesTowardsTheMaximumLength) {
    LineAssembler assembler;
    assembler.setMaxLineLength(6);
    const auto lines = assembler.feed("\x1b[31mabcd\r\n", 0);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].raw, QByteArray("\x1b[31ma"));
    EXPECT_TRUE(lines[0].truncated);
    EXPECT_EQ(lines[1].text, u"bcd"_s);
    EXPECT_EQ(lines[1].spans, QList<StyleSpan>{span(0, 3, 1)}); // the colour carries over
}

TEST(LineAssembler, KeepsAMultiByteCharacterWholeWhenTheCutFallsInsideIt) {
    LineAssembler assembler;
    assembler.setMaxLineLength(4);
    const auto lines = assembler.feed("abc\xe2\x82\xac"
                                      "d\r\n",
                                      0);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].text + lines[1].text, u"abc€d"_s);
    EXPECT_TRUE(lines[0].truncated);
    EXPECT_EQ(lines[0].raw + lines[1].raw, QByteArray("abc\xe2\x82\xac"
                                                      "d"));
}

struct PromptCase {
    const char *name;
    QByteArray bytes;
    QString text;
};

class PromptRemoval : public ::testing::TestWithParam<PromptCase> {};

TEST_P(PromptRemoval, LeavesTheExpectedText) {
    LineAssembler assembler;
    const auto lines = assembler.feed(GetParam().bytes, 0);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    LineAssembler, PromptRemoval,
    ::testing::Values(
        PromptCase{"PromptErasedByCursorEscapes",
                   QByteArray(Prompt) + "\x1b[8D\x1b[J[00:00:05.268,859] \x1b[0m<inf> network: "
                                        "PDN connection activated\x1b[0m\r\n",
                   u"[00:00:05.268,859] <inf> network: PDN connection activated"_s},
        PromptCase{"PromptAndTypedText",
                   QByteArray(Prompt) + "at AT+CG\x1b[16D\x1b[J[00:00:06.002,117] \x1b[1;33m<wrn> "
                                        "cloud: failed\x1b[0m\r\n",
                   u"[00:00:06.002,117] <wrn> cloud: failed"_s},
        PromptCase{"PromptLinesUpAcrossRows",
                   QByteArray(Prompt) +
                       "at\x1b[1A\x1b[10D\x1b[J[123:00:00.000,001] <dbg> a: f: m\r\n",
                   u"[123:00:00.000,001] <dbg> a: f: m"_s},
        PromptCase{"PromptFragmentFollowedByTypedText",
                   "~$ kernel re[00:00:01.000,000] <err> main: x\r\n",
                   u"[00:00:01.000,000] <err> main: x"_s},
        PromptCase{"PromptStartOnly", "uart:[00:00:01.000,000] <inf> main: x\r\n",
                   u"[00:00:01.000,000] <inf> main: x"_s},
        PromptCase{"OtherPrefixStays", "AT event handler: [00:00:01.000,000] <inf> main: x\r\n",
                   u"AT event handler: [00:00:01.000,000] <inf> main: x"_s},
        PromptCase{"PromptWithoutRecordStays", "uart:~$ at AT+CGSN\r\n", u"uart:~$ at AT+CGSN"_s},
        PromptCase{"PromptBeforeSomethingThatIsNotARecordStays",
                   "uart:~$ echo [00:00:01.000,000] <xyz> no\r\n",
                   u"uart:~$ echo [00:00:01.000,000] <xyz> no"_s}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(LineAssembler, ShiftsSpansWhenThePromptIsRemoved) {
    LineAssembler assembler;
    const auto lines = assembler.feed(
        QByteArray(QByteArray(Prompt) +
                   "ab\x1b[4mcd[00:00:01.000,000] \x1b[1;31m<err> main: x\x1b[0m\r\n"),
        0);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, u"[00:00:01.000,000] <err> main: x"_s);
    // The underline that began in the typed text is clipped to the record, the prompt colour
    // is gone, and the error colour moved with the text.
    EXPECT_EQ(lines[0].spans, (QList<StyleSpan>{span(0, 19, -1, -1, false, true),
                                                span(19, 13, 1, -1, true, true)}));
}

TEST(LineAssembler, UsesAConfiguredPrompt) {
    LineAssembler assembler;
    assembler.setPrompt(u"mcuboot> "_s);
    EXPECT_EQ(assembler.prompt(), u"mcuboot> "_s);
    const auto lines = assembler.feed("mcuboot> [00:00:01.000,000] <inf> main: x\r\n"
                                      "uart:~$ [00:00:01.000,000] <inf> main: x\r\n",
                                      0);
    EXPECT_EQ(texts(lines), (QStringList{u"[00:00:01.000,000] <inf> main: x"_s,
                                         u"uart:~$ [00:00:01.000,000] <inf> main: x"_s}));
}

struct SgrCase {
    const char *name;
    QByteArray bytes;
    QString text;
    QList<StyleSpan> spans;
};

class Sgr : public ::testing::TestWithParam<SgrCase> {};

TEST_P(Sgr, BecomesStyleSpans) {
    LineAssembler assembler;
    const auto lines = assembler.feed(QByteArray(GetParam().bytes + "\r\n"), 0);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, GetParam().text);
    EXPECT_EQ(lines[0].spans, GetParam().spans);
}

INSTANTIATE_TEST_SUITE_P(
    LineAssembler, Sgr,
    ::testing::Values(
        SgrCase{
            "ErrorColour", "\x1b[1;31m<err>\x1b[0m ok", u"<err> ok"_s, {span(0, 5, 1, -1, true)}},
        SgrCase{"WarningColour", "\x1b[1;33m<wrn>\x1b[0m", u"<wrn>"_s, {span(0, 5, 3, -1, true)}},
        SgrCase{"DefaultIsNotListed", "\x1b[0mplain\x1b[m", u"plain"_s, {}},
        SgrCase{"AdjacentRunsOfOneStyleMerge",
                "\x1b[32mab\x1b[32mcd\x1b[1m\x1b[22mef",
                u"abcdef"_s,
                {span(0, 6, 2)}},
        SgrCase{"BrightForegroundAndBackground",
                "\x1b[91;104mx\x1b[97;100my",
                u"xy"_s,
                {span(0, 1, 9, 12), span(1, 1, 15, 8)}},
        SgrCase{"ResetsOfSingleAttributes",
                "\x1b[1;4;35;46ma\x1b[22mb\x1b[24mc\x1b[39md\x1b[49me",
                u"abcde"_s,
                {span(0, 1, 5, 6, true, true), span(1, 1, 5, 6, false, true), span(2, 1, 5, 6),
                 span(3, 1, -1, 6)}},
        SgrCase{"EmptyParameterMeansReset", "\x1b[31ma\x1b[;mb", u"ab"_s, {span(0, 1, 1)}},
        SgrCase{"ExtendedColourArgumentsAreNotAttributes",
                "\x1b[38;5;1ma\x1b[48;2;1;4;4mb",
                u"ab"_s,
                {}},
        SgrCase{"PrivateSequencesAreNotSgr", "\x1b[?1ma", u"a"_s, {}},
        SgrCase{"OtherCsiSequencesAreDropped", "a\x1b[2Kb\x1b[10;20Hc\x1b[Jd", u"abcd"_s, {}},
        SgrCase{"TwoByteEscapesAreDropped",
                "a\x1b"
                "7b\x1b"
                "8c\x1b(Bd",
                u"abcd"_s,
                {}},
        SgrCase{"OperatingSystemCommandsAreDropped",
                "a\x1b]0;title\x07"
                "b\x1b]2;t\x1b\\c",
                u"abc"_s,
                {}},
        SgrCase{"OverlongCsiIsDropped", "a\x1b[" + QByteArray(200, '1') + "mb", u"ab"_s, {}}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(LineAssembler, CarriesTheStyleIntoTheNextLine) {
    LineAssembler assembler;
    const auto lines = assembler.feed("\x1b[36mone\r\ntwo\x1b[0m\r\n", 0);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[1].spans, QList<StyleSpan>{span(0, 3, 6)});
}

TEST(LineAssembler, ShowsThePendingPromptAndFlushesItAsALine) {
    LineAssembler assembler;
    EXPECT_TRUE(assembler.feed(QByteArray(QByteArray(Prompt) + "at AT"), 5).empty());
    EXPECT_EQ(assembler.pendingText(), u"uart:~$ at AT"_s);
    const auto lines = assembler.flush(7);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, u"uart:~$ at AT"_s);
    EXPECT_EQ(lines[0].hostTimeMs, 7);
    EXPECT_EQ(assembler.pendingText(), QString());
    EXPECT_TRUE(assembler.flush(8).empty());
}

TEST(LineAssembler, FlushClosesACutCharacter) {
    LineAssembler assembler;
    EXPECT_TRUE(assembler.feed("a\xe2\x82", 0).empty());
    const auto lines = assembler.flush(0);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, u"a\uFFFD"_s);
}

TEST(LineAssembler, ResetForgetsThePartialLineAndState) {
    LineAssembler assembler;
    EXPECT_TRUE(assembler.feed("\x1b[31mpartial\xe2\x82\x1b[", 0).empty());
    assembler.reset();
    const auto lines = assembler.feed("1mnew\r\n", 0);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, u"1mnew"_s);
    EXPECT_TRUE(lines[0].spans.isEmpty());
}

TEST(LineAssembler, StampsLinesWithTheTimeOfTheReadThatCompletedThem) {
    LineAssembler assembler;
    EXPECT_TRUE(assembler.feed("a", 100).empty());
    const auto lines = assembler.feed("\r\nb\r\n", 250);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].hostTimeMs, 250);
    EXPECT_EQ(lines[1].hostTimeMs, 250);
}

TEST(LineAssembler, AssemblesManyShortLinesQuickly) {
    // A guard against accidental quadratic behaviour or per-byte allocations, with a bound loose
    // enough for a debug build on a busy machine (the target is > 1 M lines/s in release).
    QByteArray chunk;
    for (int i = 0; i < 1000; ++i)
        chunk += "[00:00:05.268,859] \x1b[0m<inf> network: PDN connection activated\x1b[0m\r\n";
    LineAssembler assembler;
    QElapsedTimer timer;
    timer.start();
    size_t count = 0;
    for (int i = 0; i < 200; ++i)
        count += assembler.feed(chunk, i).size();
    EXPECT_EQ(count, 200'000u);
    EXPECT_LT(timer.elapsed(), 10'000);
}
