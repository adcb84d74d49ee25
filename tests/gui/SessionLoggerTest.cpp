#include "gui/SessionLogger.h"

#include "GuiTestSupport.h"
#include "gui/ConsoleModel.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace ps::gui;

namespace {

QStringList logFiles(const QString &dir) {
    return QDir(dir).entryList({QStringLiteral("*.log")}, QDir::Files, QDir::Name);
}

QString readAll(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

} // namespace

TEST(SessionLogger, WritesEachLineWithItsHostDateAndTime) {
    QTemporaryDir dir;
    SessionLogger logger(dir.path(), QStringLiteral("/dev/ttyACM0"), {});
    ASSERT_TRUE(logger.open()) << qPrintable(logger.errorString());
    logger.writeLine(1'700'000'000'123,
                     QStringLiteral("[00:00:05.268,859] <inf> cloud: Connected"));
    logger.writeNotice(1'700'000'001'000, QStringLiteral("Reconnected to /dev/ttyACM0"));
    logger.close();

    const QStringList files = logFiles(dir.path());
    ASSERT_EQ(files.size(), 1);
    EXPECT_TRUE(QRegularExpression(QStringLiteral("^ttyACM0_\\d{8}-\\d{6}_001\\.log$"))
                    .match(files.front())
                    .hasMatch())
        << qPrintable(files.front());
    const QStringList lines =
        readAll(dir.filePath(files.front())).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 2);
    EXPECT_EQ(lines[0], ConsoleModel::timestampText(1'700'000'000'123, true) +
                            QStringLiteral(" [00:00:05.268,859] <inf> cloud: Connected"));
    EXPECT_EQ(lines[1], ConsoleModel::timestampText(1'700'000'001'000, true) +
                            QStringLiteral(" --- Reconnected to /dev/ttyACM0 ---"));
}

TEST(SessionLogger, StartsANewFileAtTheSizeLimitAndKeepsOnlyTheNewest) {
    QTemporaryDir dir;
    // Files of earlier sessions, older than anything written now.
    for (int i = 0; i < 3; ++i) {
        QFile old(dir.filePath(QStringLiteral("old_%1.log").arg(i)));
        ASSERT_TRUE(old.open(QIODevice::WriteOnly));
        old.write("earlier session\n");
        old.close();
        old.open(QIODevice::ReadWrite);
        old.setFileTime(QDateTime::currentDateTime().addDays(-1 - i),
                        QFileDevice::FileModificationTime);
    }
    SessionLogger logger(dir.path(), QStringLiteral("/dev/pts/4"), {2048, 4});
    ASSERT_TRUE(logger.open());
    const QString payload = QStringLiteral("x").repeated(60);
    for (int i = 0; i < 400; ++i)
        logger.writeLine(1'700'000'000'000 + i,
                         QStringLiteral("%1 %2").arg(i, 4, 10, QLatin1Char('0')).arg(payload));
    const QString current = logger.currentFilePath();
    logger.close();

    const QStringList files = logFiles(dir.path());
    EXPECT_EQ(files.size(), 4) << qPrintable(files.join(QLatin1Char(' ')));
    for (const QString &name : files) {
        EXPECT_TRUE(name.startsWith(QLatin1String("pts-4_"))) << "old sessions went first";
        EXPECT_LE(QFileInfo(dir.filePath(name)).size(), 2048);
    }
    EXPECT_TRUE(readAll(current).contains(QStringLiteral("0399 ")));
    EXPECT_EQ(QFileInfo(current).fileName(), files.back()) << "the newest part is the current file";
}

TEST(SessionLogger, SaysWhyWhenTheFolderCannotBeCreated) {
    QTemporaryDir dir;
    QFile blocker(dir.filePath(QStringLiteral("file")));
    ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    SessionLogger logger(dir.filePath(QStringLiteral("file/logs")), QStringLiteral("ttyACM0"), {});
    EXPECT_FALSE(logger.open());
    EXPECT_TRUE(logger.errorString().contains(QLatin1String("log folder")));
}

TEST(SessionLogger, LogsUnderTheApplicationDataFolder) {
    EXPECT_EQ(SessionLogger::defaultDirectory(),
              QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                  QStringLiteral("/logs"));
}
