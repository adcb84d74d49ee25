// gtest main for widget tests: a QApplication exists before any test runs, on the offscreen
// platform unless QT_QPA_PLATFORM says otherwise; the settings and data folders are redirected to a
// temporary place so a test never touches the user's own files.
#include <QApplication>
#include <QStandardPaths>
#include <gmock/gmock.h>

int main(int argc, char **argv) {
    QStandardPaths::setTestModeEnabled(true);
    // ctest's test discovery runs the binary without the tests' environment; without a display
    // QApplication would abort there. Offscreen unless the caller chose a platform.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("ProvStationTest"));
    QCoreApplication::setApplicationName(QStringLiteral("provstation-test"));
    ::testing::InitGoogleMock(&argc, argv);
    return RUN_ALL_TESTS();
}
