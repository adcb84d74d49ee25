#include "gui/CommandHistory.h"

#include "GuiTestSupport.h"
#include "gui/Settings.h"

#include <QSettings>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace ps::gui;

TEST(CommandHistory, KeepsTheNewestEntriesUpToItsLimit) {
    CommandHistory history(3);
    for (const char *command : {"a", "b", "c", "d", "e"})
        history.add(QString::fromLatin1(command));
    EXPECT_EQ(history.entries(),
              (QStringList{QStringLiteral("c"), QStringLiteral("d"), QStringLiteral("e")}));
    history.setLimit(2);
    EXPECT_EQ(history.entries(), (QStringList{QStringLiteral("d"), QStringLiteral("e")}));
}

TEST(CommandHistory, StoresARepeatedCommandOnceAndIgnoresBlankLines) {
    CommandHistory history;
    history.add(QStringLiteral("help"));
    history.add(QStringLiteral("help"));
    history.add(QStringLiteral("   "));
    history.add(QString());
    history.add(QStringLiteral("at AT+CGSN"));
    history.add(QStringLiteral("help"));
    EXPECT_EQ(history.entries(), (QStringList{QStringLiteral("help"), QStringLiteral("at AT+CGSN"),
                                              QStringLiteral("help")}));
}

TEST(CommandHistory, WalksBackAndForwardAndRestoresTheDraft) {
    CommandHistory history(10, {QStringLiteral("one"), QStringLiteral("two")});
    EXPECT_EQ(history.previous(QStringLiteral("dra")), QStringLiteral("two"));
    EXPECT_EQ(history.previous(QStringLiteral("two")), QStringLiteral("one"));
    EXPECT_EQ(history.previous(QStringLiteral("one")), std::nullopt) << "stops at the oldest";
    EXPECT_EQ(history.next(), QStringLiteral("two"));
    EXPECT_EQ(history.next(), QStringLiteral("dra")) << "the line as typed comes back";
    EXPECT_EQ(history.next(), std::nullopt);
}

TEST(CommandHistory, SurvivesSavingAndLoadingTheSettings) {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("settings.ini"));
    CommandHistory history(4);
    for (const char *command :
         {"help", "at AT+CGSN", "att_cloud provision", "kernel reboot cold", "at events_enable"})
        history.add(QString::fromLatin1(command));
    {
        Settings settings;
        settings.command.historyLimit = history.limit();
        settings.command.history = history.entries();
        QSettings store(file, QSettings::IniFormat);
        settings.save(store);
    }
    QSettings store(file, QSettings::IniFormat);
    const Settings loaded = Settings::load(store);
    CommandHistory restored(loaded.command.historyLimit, loaded.command.history);
    EXPECT_EQ(restored.entries(), history.entries());
    EXPECT_EQ(restored.entries().size(), 4);
    EXPECT_EQ(restored.previous({}), QStringLiteral("at events_enable"));
}
