#include "GuiTestSupport.h"
#include "gui/AddPortDialog.h"
#include "gui/LineSettingsDialog.h"
#include "gui/PreferencesDialog.h"
#include "gui/ProblemLog.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace ps::gui;
using ps::device::SerialSettings;

TEST(LineSettingsDialog, WritesLineSettingsTheWayPeopleDo) {
    EXPECT_EQ(lineSettingsText(SerialSettings{}), QStringLiteral("115200 8N1"));
    EXPECT_EQ(lineSettingsText({9600, 7, SerialSettings::Parity::Even, 2, true}),
              QStringLiteral("9600 7E2, RTS/CTS"));
}

TEST(LineSettingsDialog, ReturnsWhatTheFormShows) {
    const SerialSettings chosen{921600, 7, SerialSettings::Parity::Odd, 2, true};
    LineSettingsDialog dialog(chosen);
    EXPECT_EQ(dialog.settings(), chosen);
    dialog.setSettings({});
    EXPECT_EQ(dialog.settings(), SerialSettings{});
}

TEST(LineSettingsDialog, RefusesABaudRateThatIsNotANumber) {
    LineSettingsDialog dialog({});
    auto *baud = dialog.findChild<QComboBox *>(QStringLiteral("baudCombo"));
    ASSERT_NE(baud, nullptr);
    baud->setEditText(QStringLiteral("fast"));
    EXPECT_FALSE(dialog.settings());
    baud->setEditText(QStringLiteral("250000"));
    ASSERT_TRUE(dialog.settings());
    EXPECT_EQ(dialog.settings()->baudRate, 250000);
}

TEST(AddPortDialog, AcceptsOnlyAPathThatExists) {
    QTemporaryDir dir;
    EXPECT_FALSE(AddPortDialog::problemWith(QString()).isEmpty());
    EXPECT_FALSE(AddPortDialog::problemWith(QStringLiteral("pts/3")).isEmpty()) << "relative";
    EXPECT_TRUE(AddPortDialog::problemWith(dir.filePath(QStringLiteral("gone")))
                    .contains(QLatin1String("does not exist")));
    EXPECT_TRUE(AddPortDialog::problemWith(dir.path()).contains(QLatin1String("folder")));
    EXPECT_TRUE(AddPortDialog::problemWith(QStringLiteral("/dev/null")).isEmpty());
}

TEST(PreferencesDialog, ReturnsTheEditedSettingsAndKeepsTheRest) {
    Settings current;
    current.manualPorts = {QStringLiteral("/dev/pts/3")};
    PreferencesDialog dialog(current, QStringLiteral("/tmp/logs"));
    EXPECT_EQ(dialog.settings(), current) << "unchanged form, unchanged settings";
    dialog.findChild<QSpinBox *>(QStringLiteral("maxLinesSpin"))->setValue(5000);
    dialog.findChild<QSpinBox *>(QStringLiteral("keepSpin"))->setValue(3);
    const Settings edited = dialog.settings();
    EXPECT_EQ(edited.console.maxLines, 5000);
    EXPECT_EQ(edited.sessionLog.keepFiles, 3);
    EXPECT_EQ(edited.manualPorts, current.manualPorts);
}

struct AdviceCase {
    const char *name;
    const char *message;
    const char *advice; // a word the advice must contain; empty: no advice
    friend void PrintTo(const AdviceCase &c, std::ostream *os) { *os << c.name; }
};

class ProblemAdvice : public ::testing::TestWithParam<AdviceCase> {};

TEST_P(ProblemAdvice, SaysWhatToDoNext) {
    const QString advice = adviceFor(QString::fromLatin1(GetParam().message));
    if (qstrlen(GetParam().advice) == 0)
        EXPECT_TRUE(advice.isEmpty()) << qPrintable(advice);
    else
        EXPECT_TRUE(advice.contains(QLatin1String(GetParam().advice))) << qPrintable(advice);
}

INSTANTIATE_TEST_SUITE_P(
    Messages, ProblemAdvice,
    ::testing::Values(AdviceCase{"PermissionDenied", "Permission denied", "dialout"},
                      AdviceCase{"Busy", "Device or resource busy", "Another program"},
                      AdviceCase{"Missing", "No such file or directory", "unplugged"},
                      AdviceCase{"AlreadyAdvised", "Permission denied: add yourself to dialout",
                                 ""},
                      AdviceCase{"Unknown", "Something odd", ""}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(ProblemLog, KeepsProblemsBoundedAndAnnouncesEach) {
    ProblemLog log;
    log.setLimit(3);
    QSignalSpy reported(&log, &ProblemLog::reported);
    for (int i = 0; i < 5; ++i)
        log.report(QStringLiteral("/dev/ttyACM0"), QStringLiteral("Permission denied %1").arg(i));
    EXPECT_EQ(reported.count(), 5);
    ASSERT_EQ(log.problems().size(), 3);
    EXPECT_EQ(log.problems().constFirst().message, QStringLiteral("Permission denied 2"));
    EXPECT_TRUE(log.problems().constLast().summary().contains(QLatin1String("dialout")));
    EXPECT_GT(log.problems().constLast().timeMs, 0);
}
