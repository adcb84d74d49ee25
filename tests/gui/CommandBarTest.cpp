#include "gui/CommandBar.h"

#include "GuiTestSupport.h"
#include "gui/CommandCompletions.h"
#include "gui/CommandHistory.h"
#include "gui/CommandLineEdit.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QSignalSpy>
#include <QTest>
#include <gtest/gtest.h>

using namespace ps::gui;

namespace {

struct Sent {
    QByteArray bytes;
    QString command;
};

std::vector<Sent> sentBy(QSignalSpy &spy) {
    std::vector<Sent> out;
    for (const auto &args : spy)
        out.push_back({args.at(0).toByteArray(), args.at(1).toString()});
    return out;
}

} // namespace

struct EndingCase {
    const char *name;
    // ctest shows the parameter in the test's name: the case name is enough.
    friend void PrintTo(const EndingCase &c, std::ostream *os) { *os << c.name; }
    LineEnding ending;
    QByteArray suffix;
};

class CommandBarLineEnding : public ::testing::TestWithParam<EndingCase> {};

TEST_P(CommandBarLineEnding, AppendsTheChosenEndingToTheCommand) {
    CommandBar bar;
    bar.setLineEnding(GetParam().ending);
    EXPECT_EQ(bar.lineEnding(), GetParam().ending);
    QSignalSpy spy(&bar, &CommandBar::sendRequested);
    QTest::keyClicks(bar.commandEdit(), QStringLiteral("kernel reboot cold"));
    QTest::keyClick(bar.commandEdit(), Qt::Key_Return);
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(sentBy(spy).front().bytes,
              QByteArrayLiteral("kernel reboot cold") + GetParam().suffix);
    EXPECT_TRUE(bar.commandEdit()->text().isEmpty());
}

INSTANTIATE_TEST_SUITE_P(Endings, CommandBarLineEnding,
                         ::testing::Values(EndingCase{"CrLf", LineEnding::CrLf, "\r\n"},
                                           EndingCase{"Cr", LineEnding::Cr, "\r"},
                                           EndingCase{"Lf", LineEnding::Lf, "\n"},
                                           EndingCase{"None", LineEnding::None, ""}),
                         [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(CommandBar, SendsHexBytesAsTheyAreAndShowsBadInputInline) {
    CommandBar bar;
    bar.show();
    bar.setHexMode(true);
    QSignalSpy spy(&bar, &CommandBar::sendRequested);
    QTest::keyClicks(bar.commandEdit(), QStringLiteral("0d 0g"));
    EXPECT_TRUE(bar.errorText().contains(QLatin1String("position 5")))
        << "the error shows while typing";
    QTest::keyClick(bar.commandEdit(), Qt::Key_Return);
    EXPECT_EQ(spy.count(), 0);
    EXPECT_EQ(bar.commandEdit()->text(), QStringLiteral("0d 0g")) << "the input stays to be fixed";

    QTest::keyClick(bar.commandEdit(), Qt::Key_Backspace);
    QTest::keyClicks(bar.commandEdit(), QStringLiteral("a"));
    EXPECT_TRUE(bar.errorText().isEmpty());
    QTest::keyClick(bar.commandEdit(), Qt::Key_Return);
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(sentBy(spy).front().bytes, QByteArrayLiteral("\r\n")) << "no line ending in hex mode";
}

TEST(CommandBar, RefusesToSendWhileDisconnectedAndSaysWhatToDo) {
    CommandBar bar;
    bar.setSendEnabled(false);
    QSignalSpy spy(&bar, &CommandBar::sendRequested);
    QTest::keyClicks(bar.commandEdit(), QStringLiteral("help"));
    QTest::keyClick(bar.commandEdit(), Qt::Key_Return);
    EXPECT_EQ(spy.count(), 0);
    EXPECT_TRUE(bar.errorText().contains(QLatin1String("connect")));
}

TEST(CommandBar, RecallsEarlierCommandsWithUpAndDown) {
    CommandHistory history;
    CommandBar bar;
    bar.setHistory(&history);
    QSignalSpy spy(&bar, &CommandBar::sendRequested);
    for (const QString &command : {QStringLiteral("help"), QStringLiteral("at AT+CGMR")}) {
        bar.commandEdit()->setText(command);
        bar.submit();
    }
    ASSERT_EQ(spy.count(), 2);
    QTest::keyClicks(bar.commandEdit(), QStringLiteral("att"));
    QTest::keyClick(bar.commandEdit(), Qt::Key_Up);
    EXPECT_EQ(bar.commandEdit()->text(), QStringLiteral("at AT+CGMR"));
    QTest::keyClick(bar.commandEdit(), Qt::Key_Up);
    EXPECT_EQ(bar.commandEdit()->text(), QStringLiteral("help"));
    QTest::keyClick(bar.commandEdit(), Qt::Key_Down);
    QTest::keyClick(bar.commandEdit(), Qt::Key_Down);
    EXPECT_EQ(bar.commandEdit()->text(), QStringLiteral("att"));
}

TEST(CommandBar, CompletesKnownShellAndAtCommands) {
    const QStringList all = commandCompletions();
    for (const char *command :
         {"at events_enable", "att_cloud provision", "att_cloud_provision now",
          "att_cloud poll_shadow_delta", "att_network disconnect", "att_fota poll",
          "kernel reboot cold", "help", "at AT+CGSN", "at AT%ATTESTTOKEN", "at AT+CFUN=4"})
        EXPECT_TRUE(all.contains(QString::fromLatin1(command))) << command;

    CommandLineEdit edit;
    edit.show();
    QCompleter *completer = edit.commandCompleter();
    completer->setCompletionPrefix(QStringLiteral("at AT%D"));
    ASSERT_EQ(completer->completionCount(), 1);
    EXPECT_EQ(completer->currentCompletion(), QStringLiteral("at AT%DEVICEUUID"));
    completer->setCompletionPrefix(QStringLiteral("ATT_CLOUD P"));
    EXPECT_EQ(completer->completionCount(), 3) << "case does not matter";
}
