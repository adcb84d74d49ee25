#include "gui/ConsoleView.h"

#include "GuiTestSupport.h"
#include "gui/ThemeManager.h"

#include <QApplication>
#include <QClipboard>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <gtest/gtest.h>

using namespace ps::gui;
using ps::gui::test::linesFrom;
using ps::gui::test::zephyrLog;

namespace {

std::vector<ps::core::Line> numbered(int from, int count) {
    std::vector<ps::core::Line> lines;
    for (int i = from; i < from + count; ++i) {
        ps::core::Line line;
        line.text = QStringLiteral("line %1").arg(i);
        line.raw = line.text.toUtf8();
        line.hostTimeMs = 1'700'000'000'000 + i;
        lines.push_back(line);
    }
    return lines;
}

int pixelsNear(const QImage &image, const QRect &area, const QColor &colour) {
    int count = 0;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) < 12 &&
                std::abs(c.green() - colour.green()) < 12 &&
                std::abs(c.blue() - colour.blue()) < 12)
                ++count;
        }
    }
    return count;
}

class ConsoleViewTest : public ::testing::Test {
protected:
    void SetUp() override {
        view.resize(800, 400);
        view.setModel(&model);
        view.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
    }

    ConsoleModel model;
    ConsoleView view;
};

} // namespace

TEST_F(ConsoleViewTest, CoalescesRepaintsWhileLinesStreamIn) {
    const int refreshesBefore = view.refreshCount();
    const int paintsBefore = view.paintCount();
    int appends = 0;
    QTimer feeder;
    feeder.setInterval(1);
    QObject::connect(&feeder, &QTimer::timeout, &view, [&] {
        model.appendLines(numbered(appends * 20, 20));
        ++appends;
    });
    QElapsedTimer clock;
    clock.start();
    feeder.start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return appends >= 300; }, 30'000));
    feeder.stop();
    const qint64 elapsed = clock.elapsed();
    const int refreshes = view.refreshCount() - refreshesBefore;
    const int paints = view.paintCount() - paintsBefore;
    EXPECT_GE(refreshes, 1);
    EXPECT_LE(refreshes, elapsed / ConsoleView::RefreshIntervalMs + 2)
        << "at most one refresh per tick, whatever the number of appends";
    EXPECT_LT(paints, appends) << "no repaint per append";
    EXPECT_EQ(model.lineCount(), appends * 20);
}

TEST_F(ConsoleViewTest, FollowsTheNewestLineUntilScrolledUp) {
    model.appendLines(numbered(0, 1000));
    view.refreshNow();
    QScrollBar *bar = view.verticalScrollBar();
    EXPECT_TRUE(view.follows());
    EXPECT_EQ(bar->value(), bar->maximum());

    QSignalSpy followSpy(&view, &ConsoleView::followChanged);
    bar->setValue(100);
    EXPECT_FALSE(view.follows());
    ASSERT_EQ(followSpy.count(), 1);
    EXPECT_FALSE(followSpy.at(0).at(0).toBool());

    const quint64 top = model.visibleSeq(view.firstVisibleRow());
    model.appendLines(numbered(1000, 500));
    view.refreshNow();
    EXPECT_EQ(model.visibleSeq(view.firstVisibleRow()), top) << "paused: the view stays put";

    bar->setValue(bar->maximum());
    EXPECT_TRUE(view.follows()) << "back at the bottom: following again";
    model.appendLines(numbered(1500, 500));
    view.refreshNow();
    EXPECT_EQ(bar->value(), bar->maximum());
    EXPECT_EQ(model.visibleSeq(bar->value() + view.rowsPerPage() - 1), model.endSeq() - 1);
}

TEST_F(ConsoleViewTest, StaysOnItsLineWhileOldLinesAreEvicted) {
    model.setLimits(1000, 1LL << 30);
    model.appendLines(numbered(0, 1000));
    view.refreshNow();
    view.verticalScrollBar()->setValue(500);
    const quint64 top = model.visibleSeq(view.firstVisibleRow());
    model.appendLines(numbered(1000, 300));
    view.refreshNow();
    EXPECT_EQ(view.firstVisibleRow(), 200);
    EXPECT_EQ(model.visibleSeq(view.firstVisibleRow()), top);
}

TEST_F(ConsoleViewTest, SelectsWithTheMouseAndCopies) {
    view.setShowTimestamps(false);
    model.appendLines(linesFrom("first line\r\nsecond line\r\n", 1'700'000'000'000));
    view.refreshNow();
    const quint64 first = model.visibleSeq(0);
    const QPoint from = view.pointOf({first, 6});
    const QPoint to = view.pointOf({first + 1, 6});
    QTest::mousePress(view.viewport(), Qt::LeftButton, {}, from);
    QTest::mouseMove(view.viewport(), to);
    QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, to);
    ASSERT_TRUE(view.hasSelection());
    EXPECT_EQ(view.selectedText(), QStringLiteral("line\nsecond"));

    view.copy(false);
    EXPECT_EQ(QApplication::clipboard()->text(), QStringLiteral("line\nsecond"));
    view.copy(true);
    EXPECT_EQ(QApplication::clipboard()->text(),
              ConsoleModel::timestampText(1'700'000'000'000) + QStringLiteral(" line\n") +
                  ConsoleModel::timestampText(1'700'000'000'000) + QStringLiteral(" second"));
}

TEST_F(ConsoleViewTest, SelectsAWordOnDoubleClick) {
    model.appendLines(linesFrom(zephyrLog("inf", "cloud", "Connected to Cloud")));
    view.refreshNow();
    const quint64 seq = model.visibleSeq(0);
    const qsizetype column = model.visibleLine(0).text.indexOf(QLatin1String("Cloud")) + 2;
    QTest::mouseDClick(view.viewport(), Qt::LeftButton, {}, view.pointOf({seq, column}));
    EXPECT_EQ(view.selectedText(), QStringLiteral("Cloud"));
}

TEST_F(ConsoleViewTest, FindsAMatchScrollsToItAndPausesFollow) {
    model.appendLines(numbered(0, 10));
    model.appendLines(linesFrom("the needle is here\r\n"));
    model.appendLines(numbered(10, 2000));
    view.refreshNow();
    ASSERT_TRUE(view.follows());
    view.setSearch(QStringLiteral("NEEDLE"), Qt::CaseInsensitive);
    const auto match = view.findNext();
    ASSERT_TRUE(match);
    EXPECT_EQ(match->seq, 10u);
    EXPECT_EQ(match->start, 4);
    EXPECT_FALSE(view.follows());
    const qsizetype row = model.rowForSeq(match->seq);
    EXPECT_GE(row, view.firstVisibleRow());
    EXPECT_LT(row, view.firstVisibleRow() + view.rowsPerPage());

    view.setSearch(QStringLiteral("NEEDLE"), Qt::CaseSensitive);
    EXPECT_FALSE(view.findNext());
}

TEST_F(ConsoleViewTest, ShowsThePendingLineAsTheLastRow) {
    model.appendLines(numbered(0, 3));
    model.setPendingText(QStringLiteral("uart:~$ "));
    view.refreshNow();
    const ConsolePosition last = view.positionAt(
        QPoint(view.viewport()->width() - 2, 3 * view.lineHeight() + view.lineHeight() / 2));
    EXPECT_EQ(last.seq, model.endSeq());
    EXPECT_EQ(last.column, 8);
}

TEST_F(ConsoleViewTest, PaintsTheDevicesColoursAndLevelColours) {
    view.setShowTimestamps(false);
    model.appendLines(linesFrom(zephyrLog("err", "network", "No SIM card detected!") +
                                QByteArrayLiteral("uart:~$ plain shell output\r\n")));
    view.refreshNow();
    const QImage image = view.viewport()->grab().toImage();
    const ConsolePalette &palette = view.consolePalette();
    const int h = view.lineHeight();
    const QRect firstRow(0, 0, image.width() - 1, h - 1);
    const QRect secondRow(0, h, image.width() - 1, h - 1);
    EXPECT_GT(pixelsNear(image, firstRow, palette.ansi[1]), 10) << "the device's red";
    EXPECT_EQ(pixelsNear(image, secondRow, palette.ansi[1]), 0);
    EXPECT_GT(pixelsNear(image, secondRow, palette.foreground), 10);
}

TEST_F(ConsoleViewTest, FollowsALightOrDarkPalette) {
    view.setPalette(ThemeManager::darkPalette());
    EXPECT_TRUE(view.consolePalette().dark);
    view.setPalette(ThemeManager::lightPalette());
    EXPECT_FALSE(view.consolePalette().dark);
}

TEST_F(ConsoleViewTest, HandsTypedTextOnToTheCommandLine) {
    QSignalSpy typed(&view, &ConsoleView::textTyped);
    view.setFocus();
    QTest::keyClicks(&view, QStringLiteral("he"));
    ASSERT_EQ(typed.count(), 2);
    EXPECT_EQ(typed.at(0).at(0).toString(), QStringLiteral("h"));
}
