#include "gui/Settings.h"

#include "GuiTestSupport.h"

#include <QSettings>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace ps::gui;

TEST(Settings, DefaultsTo115200EightNOneWithCrLfAndAHundredThousandLines) {
    const Settings settings;
    EXPECT_EQ(settings.serial.baudRate, 115200);
    EXPECT_EQ(settings.serial.dataBits, 8);
    EXPECT_EQ(settings.serial.parity, ps::device::SerialSettings::Parity::None);
    EXPECT_EQ(settings.serial.stopBits, 1);
    EXPECT_FALSE(settings.serial.hardwareFlowControl);
    EXPECT_EQ(settings.command.lineEnding, LineEnding::CrLf);
    EXPECT_EQ(settings.console.maxLines, 100'000);
    EXPECT_EQ(lineEndingBytes(LineEnding::CrLf), QByteArrayLiteral("\r\n"));
    EXPECT_EQ(lineEndingBytes(LineEnding::None), QByteArray());
}

TEST(Settings, ComeBackAsTheyWereSaved) {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("settings.ini"));
    Settings saved;
    saved.console.maxLines = 5000;
    saved.console.maxMegabytes = 32;
    saved.console.showTimestamps = false;
    saved.console.fontPointSize = 11;
    saved.command.lineEnding = LineEnding::Lf;
    saved.command.hexMode = true;
    saved.command.historyLimit = 50;
    saved.command.history = {QStringLiteral("help")};
    saved.sessionLog = {false, 2 * 1024 * 1024, 7};
    saved.serial = {921600, 7, ps::device::SerialSettings::Parity::Even, 2, true};
    saved.theme = Theme::Dark;
    saved.manualPorts = {QStringLiteral("/dev/pts/7")};
    saved.windowGeometry = QByteArrayLiteral("geometry");
    saved.windowState = QByteArrayLiteral("state");
    {
        QSettings store(file, QSettings::IniFormat);
        saved.save(store);
    }
    QSettings store(file, QSettings::IniFormat);
    EXPECT_EQ(Settings::load(store), saved);
}

TEST(Settings, ClampAValueEditedOutOfRangeInsteadOfTrustingIt) {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("settings.ini"));
    {
        QSettings store(file, QSettings::IniFormat);
        store.setValue(QStringLiteral("console/maxLines"), -5);
        store.setValue(QStringLiteral("console/maxMegabytes"), 999999);
        store.setValue(QStringLiteral("command/lineEnding"), QStringLiteral("sideways"));
        store.setValue(QStringLiteral("serial/baudRate"), 12345);
        store.setValue(QStringLiteral("serial/dataBits"), 3);
        store.setValue(QStringLiteral("window/theme"), QStringLiteral("purple"));
        store.setValue(QStringLiteral("command/historyLimit"), 2);
        store.setValue(QStringLiteral("command/history"),
                       QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
    }
    QSettings store(file, QSettings::IniFormat);
    const Settings loaded = Settings::load(store);
    EXPECT_EQ(loaded.console.maxLines, 100);
    EXPECT_EQ(loaded.console.maxMegabytes, 4096);
    EXPECT_EQ(loaded.command.lineEnding, LineEnding::CrLf);
    EXPECT_EQ(loaded.serial.baudRate, 115200);
    EXPECT_EQ(loaded.serial.dataBits, 5);
    EXPECT_EQ(loaded.theme, Theme::System);
    EXPECT_EQ(loaded.command.history, (QStringList{QStringLiteral("b"), QStringLiteral("c")}));
}
