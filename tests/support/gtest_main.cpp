// gtest main for non-GUI tests: a QCoreApplication exists before any test runs, so tests can
// use event loops, timers, QSignalSpy and QCoro::waitFor.
#include <QCoreApplication>
#include <gmock/gmock.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("ProvStationTest"));
    QCoreApplication::setApplicationName(QStringLiteral("provstation-test"));
    ::testing::InitGoogleMock(&argc, argv);
    return RUN_ALL_TESTS();
}
