#include "gui/ConsoleModel.h"

#include "GuiTestSupport.h"

#include <QBuffer>
#include <QSignalSpy>
#include <gtest/gtest.h>

using namespace ps::gui;
using ps::gui::test::lineFrom;
using ps::gui::test::linesFrom;
using ps::gui::test::zephyrLog;

namespace {

std::vector<ps::core::Line> numberedLines(int count, int width = 40) {
    std::vector<ps::core::Line> lines;
    lines.reserve(size_t(count));
    for (int i = 0; i < count; ++i) {
        ps::core::Line line;
        line.text = QStringLiteral("line %1 ").arg(i).leftJustified(width, QLatin1Char('.'));
        line.raw = line.text.toUtf8();
        line.hostTimeMs = 1'700'000'000'000 + i;
        lines.push_back(line);
    }
    return lines;
}

QStringList visibleTexts(const ConsoleModel &model) {
    QStringList texts;
    for (qsizetype row = 0; row < model.visibleCount(); ++row)
        texts.append(model.visibleLine(row).text);
    return texts;
}

// A boot as a device prints it: banner, logs at each level from two modules, shell output.
QByteArray sampleSession() {
    return QByteArrayLiteral("*** Booting Asset Tracker Template v1.5.0 - abc123 ***\r\n") +
           zephyrLog("inf", "main", "Asset Tracker Template started") +
           zephyrLog("err", "network", "No SIM card detected!") +
           zephyrLog("wrn", "cloud", "Connection attempt failed, backoff time: 60 seconds") +
           zephyrLog("dbg", "cloud", "state_running_entry: entering") +
           QByteArrayLiteral(
               "uart:~$ help\r\nAvailable commands:\r\n  at  : Execute an AT command\r\n");
}

} // namespace

TEST(ConsoleModel, KeepsAtMostMaxLinesAndEvictsTheOldestFirst) {
    ConsoleModel model;
    model.setLimits(1000, 1LL << 30);
    for (int batch = 0; batch < 5; ++batch) {
        auto lines = numberedLines(700);
        for (auto &line : lines)
            line.text.prepend(QString::number(batch) + QLatin1Char(':'));
        model.appendLines(lines);
    }
    EXPECT_EQ(model.lineCount(), 1000);
    EXPECT_EQ(model.visibleCount(), 1000);
    EXPECT_EQ(model.firstSeq(), 3500u - 1000u);
    EXPECT_TRUE(model.visibleLine(999).text.startsWith(QLatin1String("4:line 699")));
    EXPECT_TRUE(model.visibleLine(0).text.startsWith(QLatin1String("3:line 400")));
}

TEST(ConsoleModel, StaysWithinItsByteBudgetAndCountsRealisticSizes) {
    ConsoleModel model;
    constexpr qint64 budget = 256 * 1024;
    model.setLimits(1'000'000, budget);
    qint64 payload = 0;
    for (int i = 0; i < 50; ++i) {
        const auto lines = numberedLines(200, 400);
        for (const auto &line : lines)
            payload += line.text.size() * 2 + line.raw.size();
        model.appendLines(lines);
        EXPECT_LE(model.approximateBytes(), budget);
    }
    // 10 000 lines of 400 characters do not fit: the count was cut by the byte budget.
    EXPECT_LT(model.lineCount(), 10'000);
    EXPECT_GT(model.lineCount(), 100);
    // The estimate is at least the text and raw bytes the stored lines hold.
    qint64 held = 0;
    for (qsizetype row = 0; row < model.visibleCount(); ++row)
        held += model.visibleLine(row).text.size() * 2 + model.visibleLine(row).raw.size();
    EXPECT_GE(model.approximateBytes(), held);
    EXPECT_GT(payload, budget * 10);
}

TEST(ConsoleModel, ForgetsTheBytesOfEvictedAndClearedLines) {
    ConsoleModel model;
    model.setLimits(100, 1LL << 30);
    model.appendLines(numberedLines(100));
    const qint64 full = model.approximateBytes();
    model.appendLines(numberedLines(100));
    EXPECT_EQ(model.approximateBytes(), full);
    model.clear();
    EXPECT_EQ(model.approximateBytes(), 0);
    EXPECT_EQ(model.lineCount(), 0);
    EXPECT_EQ(model.endSeq(), 200u) << "sequence numbers keep growing across a clear";
}

TEST(ConsoleModel, TakesLevelAndModuleFromTheLogParser) {
    ConsoleModel model;
    model.appendLines(linesFrom(sampleSession()));
    ASSERT_EQ(model.lineCount(), 8);
    EXPECT_EQ(model.visibleLine(5).text, QStringLiteral("uart:~$ help"));
    EXPECT_EQ(model.visibleLine(0).levelClass(), LevelClass::Other); // banner
    EXPECT_EQ(model.visibleLine(1).levelClass(), LevelClass::Info);
    EXPECT_EQ(model.moduleName(model.visibleLine(1).moduleId), QStringLiteral("main"));
    EXPECT_EQ(model.visibleLine(2).levelClass(), LevelClass::Error);
    EXPECT_EQ(model.moduleName(model.visibleLine(2).moduleId), QStringLiteral("network"));
    EXPECT_EQ(model.visibleLine(3).levelClass(), LevelClass::Warning);
    EXPECT_EQ(model.visibleLine(4).levelClass(), LevelClass::Debug);
    EXPECT_EQ(model.visibleLine(6).levelClass(), LevelClass::Other); // shell output
    EXPECT_EQ(model.modules(), (QStringList{QStringLiteral("cloud"), QStringLiteral("main"),
                                            QStringLiteral("network")}));
}

struct LevelFilterCase {
    const char *name;
    // ctest shows the parameter in the test's name: the case name is enough.
    friend void PrintTo(const LevelFilterCase &c, std::ostream *os) { *os << c.name; }
    LevelClass hidden;
    std::vector<std::string> remaining; // level tag or first word of each visible line
};

class ConsoleModelLevelFilter : public ::testing::TestWithParam<LevelFilterCase> {};

TEST_P(ConsoleModelLevelFilter, HidesOneLevelAndKeepsTheRest) {
    ConsoleModel model;
    model.appendLines(linesFrom(sampleSession()));
    ConsoleFilter filter;
    filter.setShown(GetParam().hidden, false);
    model.setFilter(filter);
    // A log line is named by its level tag, any other line by its first word.
    QStringList tags;
    for (const QString &text : visibleTexts(model)) {
        const qsizetype level = text.indexOf(QLatin1String("] <"));
        tags.append(level >= 0 ? text.mid(level + 2, 5) : text.section(QLatin1Char(' '), 0, 0));
    }
    QStringList expected;
    for (const std::string &tag : GetParam().remaining)
        expected.append(QString::fromStdString(tag));
    EXPECT_EQ(tags, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Levels, ConsoleModelLevelFilter,
    ::testing::Values(
        LevelFilterCase{"Errors",
                        LevelClass::Error,
                        {"***", "<inf>", "<wrn>", "<dbg>", "uart:~$", "Available", ""}},
        LevelFilterCase{"Warnings",
                        LevelClass::Warning,
                        {"***", "<inf>", "<err>", "<dbg>", "uart:~$", "Available", ""}},
        LevelFilterCase{"Info",
                        LevelClass::Info,
                        {"***", "<err>", "<wrn>", "<dbg>", "uart:~$", "Available", ""}},
        LevelFilterCase{"Debug",
                        LevelClass::Debug,
                        {"***", "<inf>", "<err>", "<wrn>", "uart:~$", "Available", ""}},
        LevelFilterCase{"Other", LevelClass::Other, {"<inf>", "<err>", "<wrn>", "<dbg>"}}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(ConsoleModel, ShowsShellOutputByDefault) {
    ConsoleModel model;
    model.appendLines(linesFrom(sampleSession()));
    EXPECT_TRUE(model.filter().showOther);
    EXPECT_TRUE(visibleTexts(model).contains(QStringLiteral("Available commands:")));
}

TEST(ConsoleModel, HidesTheLinesOfHiddenModulesOnly) {
    ConsoleModel model;
    model.appendLines(linesFrom(sampleSession()));
    ConsoleFilter filter;
    filter.hiddenModules = {QStringLiteral("cloud")};
    model.setFilter(filter);
    EXPECT_EQ(model.visibleCount(), 6);
    for (const QString &text : visibleTexts(model))
        EXPECT_FALSE(text.contains(QLatin1String("cloud:"))) << qPrintable(text);
    // A module seen after the filter was set is hidden as it arrives.
    model.appendLines(linesFrom(zephyrLog("inf", "cloud", "Connected to Cloud")));
    EXPECT_EQ(model.visibleCount(), 6);
    EXPECT_EQ(model.lineCount(), 9);
}

TEST(ConsoleModel, NeverFiltersOutNotices) {
    ConsoleModel model;
    ConsoleFilter filter;
    filter.showOther = false;
    filter.showInfo = false;
    model.setFilter(filter);
    model.appendNotice(QStringLiteral("Reconnected to /dev/ttyACM0"), 1'700'000'000'000);
    model.appendLines(linesFrom(QByteArrayLiteral("uart:~$ help\r\n")));
    ASSERT_EQ(model.visibleCount(), 1);
    EXPECT_EQ(model.visibleLine(0).origin, ConsoleLine::Origin::Notice);
}

TEST(ConsoleModel, EmitsOneChangePerAppendCallNotPerLine) {
    ConsoleModel model;
    QSignalSpy changed(&model, &ConsoleModel::contentsChanged);
    model.appendLines(numberedLines(5000));
    EXPECT_EQ(changed.count(), 1);
}

TEST(ConsoleModel, StoresColourSpansCompactlyAndWithinTheText) {
    ConsoleModel model;
    model.appendLine(lineFrom(zephyrLog("err", "network", "No SIM card detected!")));
    const ConsoleLine &line = model.visibleLine(0);
    ASSERT_FALSE(line.spans.empty());
    const ConsoleSpan &red = line.spans.front();
    EXPECT_EQ(red.foreground, 1);
    EXPECT_TRUE(red.flags & ConsoleSpan::Bold);
    EXPECT_EQ(line.text.mid(red.start, 5), QStringLiteral("<err>"));
    for (const ConsoleSpan &span : line.spans)
        EXPECT_LE(qsizetype(span.start + span.length), line.text.size());
    EXPECT_EQ(sizeof(ConsoleSpan), 12u);
}

TEST(ConsoleModel, FindsForwardAndWrapsAround) {
    ConsoleModel model;
    model.appendLines(linesFrom("alpha one\r\nbeta\r\nalpha two\r\ngamma\r\n"));
    const quint64 first = model.visibleSeq(0);
    auto match = model.find(QStringLiteral("alpha"), {first, 0}, false, Qt::CaseSensitive);
    ASSERT_TRUE(match);
    EXPECT_EQ(match->seq, first);
    match = model.find(QStringLiteral("alpha"), {match->seq, match->start + 1}, false,
                       Qt::CaseSensitive);
    ASSERT_TRUE(match);
    EXPECT_EQ(match->seq, first + 2);
    match = model.find(QStringLiteral("alpha"), {match->seq, match->start + 1}, false,
                       Qt::CaseSensitive);
    ASSERT_TRUE(match);
    EXPECT_EQ(match->seq, first) << "wraps to the top";
}

TEST(ConsoleModel, FindsBackwardAndWrapsAround) {
    ConsoleModel model;
    model.appendLines(linesFrom("x alpha\r\nbeta\r\nalpha alpha\r\n"));
    const quint64 first = model.visibleSeq(0);
    auto match = model.find(QStringLiteral("alpha"), {first + 2, 6}, true, Qt::CaseSensitive);
    ASSERT_TRUE(match);
    EXPECT_EQ(*match, (ConsoleMatch{first + 2, 0, 5}));
    match =
        model.find(QStringLiteral("alpha"), {match->seq, match->start}, true, Qt::CaseSensitive);
    ASSERT_TRUE(match);
    EXPECT_EQ(*match, (ConsoleMatch{first, 2, 5}));
    match =
        model.find(QStringLiteral("alpha"), {match->seq, match->start}, true, Qt::CaseSensitive);
    ASSERT_TRUE(match);
    EXPECT_EQ(*match, (ConsoleMatch{first + 2, 6, 5})) << "wraps to the last match";
}

TEST(ConsoleModel, FindHonoursCaseAndSkipsFilteredLines) {
    ConsoleModel model;
    model.appendLines(linesFrom(zephyrLog("dbg", "cloud", "Token ready") +
                                QByteArrayLiteral("uart:~$ token in shell output\r\n")));
    const quint64 first = model.visibleSeq(0);
    auto match = model.find(QStringLiteral("Token"), {first, 0}, false, Qt::CaseSensitive);
    ASSERT_TRUE(match);
    EXPECT_EQ(match->seq, first);
    match = model.find(QStringLiteral("TOKEN"), {first, 0}, false, Qt::CaseSensitive);
    EXPECT_FALSE(match);
    match = model.find(QStringLiteral("TOKEN"), {first, 0}, false, Qt::CaseInsensitive);
    ASSERT_TRUE(match);

    ConsoleFilter filter;
    filter.showDebug = false;
    model.setFilter(filter);
    match = model.find(QStringLiteral("Token"), {first, 0}, false, Qt::CaseSensitive);
    EXPECT_FALSE(match) << "the debug line is filtered out";
    match = model.find(QStringLiteral("token"), {first, 0}, false, Qt::CaseSensitive);
    ASSERT_TRUE(match);
    EXPECT_EQ(match->seq, first + 1);
}

TEST(ConsoleModel, GivesTheTextBetweenTwoPositionsWithOrWithoutTimestamps) {
    ConsoleModel model;
    model.appendLines(linesFrom("first line\r\nsecond line\r\nthird\r\n", 1'700'000'000'123));
    model.setPendingText(QStringLiteral("uart:~$ "));
    const quint64 first = model.visibleSeq(0);
    EXPECT_EQ(model.text({first, 6}, {first + 1, 6}, false), QStringLiteral("line\nsecond"));
    EXPECT_EQ(model.text({first + 2, 0}, {model.endSeq(), 4}, false),
              QStringLiteral("third\nuart"));
    const QString stamped = model.text({first, 0}, {first, 5}, true);
    EXPECT_EQ(stamped, ConsoleModel::timestampText(1'700'000'000'123) + QStringLiteral(" first"));
    EXPECT_EQ(model.text({first + 1, 6}, {first, 6}, false), QStringLiteral("line\nsecond"))
        << "positions may come in either order";
}

TEST(ConsoleModel, SavesRawDeviceBytesOrTheShownLinesWithTimestamps) {
    ConsoleModel model;
    const QByteArray log = zephyrLog("err", "network", "No SIM card detected!");
    model.appendLines(linesFrom(log + QByteArrayLiteral("uart:~$ plain\r\n"), 1'700'000'000'000));
    model.appendNotice(QStringLiteral("Reconnected"), 1'700'000'000'500);

    QBuffer raw;
    raw.open(QIODevice::WriteOnly);
    ASSERT_TRUE(model.save(raw, ConsoleModel::SaveFormat::Raw));
    EXPECT_EQ(raw.data(), log.chopped(2) + QByteArrayLiteral("\nuart:~$ plain\n"))
        << "escapes kept, notices left out";

    ConsoleFilter filter;
    filter.showOther = false;
    model.setFilter(filter);
    QBuffer shown;
    shown.open(QIODevice::WriteOnly);
    ASSERT_TRUE(model.save(shown, ConsoleModel::SaveFormat::AsShown));
    const QStringList lines =
        QString::fromUtf8(shown.data()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 2);
    EXPECT_TRUE(lines[0].startsWith(ConsoleModel::timestampText(1'700'000'000'000, true)));
    EXPECT_TRUE(lines[0].endsWith(QLatin1String("<err> network: No SIM card detected!")));
    EXPECT_TRUE(lines[1].endsWith(QLatin1String("Reconnected")));
}
