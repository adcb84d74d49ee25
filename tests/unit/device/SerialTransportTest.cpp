#include "device/SerialTransport.h"

#include "DeviceTestSupport.h"
#include "PtyPeer.h"

#include <QSignalSpy>
#include <QTest>
#include <gtest/gtest.h>

using ps::device::SerialTransport;
using ps::test::PtyPeer;

namespace {

constexpr int Deadline = 5000;

TEST(SerialTransport, CarriesBytesBothWaysThroughAPseudoTerminal) {
    PtyPeer device;
    ASSERT_TRUE(device.open());
    SerialTransport transport(device.linkPath());
    QSignalSpy received(&transport, &SerialTransport::bytesReceived);
    QSignalSpy opened(&transport, &SerialTransport::opened);
    ASSERT_TRUE(transport.open()) << transport.errorString().toStdString();
    EXPECT_TRUE(transport.isOpen());
    EXPECT_EQ(opened.count(), 1);

    device.send(QByteArrayLiteral("hello from the device\r\n"));
    QByteArray bytes;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            for (; !received.isEmpty(); received.removeFirst())
                bytes += received.first().first().toByteArray();
            return bytes.contains("hello from the device\r\n");
        },
        Deadline));

    ASSERT_TRUE(transport.write(QByteArrayLiteral("kernel uptime\r\n")));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return device.commands().contains(QStringLiteral("kernel uptime")); }, Deadline));
}

TEST(SerialTransport, SaysWhatToDoWhenThePortDoesNotExist) {
    SerialTransport transport(QStringLiteral("/dev/ttyProvStationMissing7"));
    EXPECT_FALSE(transport.open());
    EXPECT_FALSE(transport.isOpen());
    EXPECT_TRUE(transport.errorString().contains(QStringLiteral("does not exist: check the cable")))
        << transport.errorString().toStdString();
    EXPECT_FALSE(transport.write(QByteArrayLiteral("x")));
}

TEST(SerialTransport, SaysThePortIsBusyWhenAnotherProgramHasItOpen) {
    PtyPeer device;
    ASSERT_TRUE(device.open());
    SerialTransport first(device.slavePath());
    ASSERT_TRUE(first.open()) << first.errorString().toStdString();
    SerialTransport second(device.slavePath());
    EXPECT_FALSE(second.open());
    EXPECT_TRUE(second.errorString().startsWith(QStringLiteral("Port busy: another program has")))
        << second.errorString().toStdString();
}

TEST(SerialTransport, ReportsTheDeviceLostWhenTheCableIsPulled) {
    PtyPeer device;
    ASSERT_TRUE(device.open());
    SerialTransport transport(device.linkPath());
    ASSERT_TRUE(transport.open()) << transport.errorString().toStdString();
    QSignalSpy lost(&transport, &SerialTransport::lost);

    device.close();
    ASSERT_TRUE(lost.wait(Deadline));
    EXPECT_EQ(lost.count(), 1);
    EXPECT_FALSE(transport.isOpen());
    EXPECT_TRUE(lost.first().first().toString().contains(QStringLiteral("device removed")));
    EXPECT_FALSE(transport.write(QByteArrayLiteral("x")));

    // Plugged back in at the same link: the same transport opens again.
    ASSERT_TRUE(device.reopen());
    EXPECT_TRUE(transport.open()) << transport.errorString().toStdString();
}

TEST(SerialTransport, ClosingItselfIsNotALoss) {
    PtyPeer device;
    ASSERT_TRUE(device.open());
    SerialTransport transport(device.linkPath());
    ASSERT_TRUE(transport.open());
    QSignalSpy lost(&transport, &SerialTransport::lost);
    QSignalSpy closed(&transport, &SerialTransport::closed);
    transport.close();
    EXPECT_EQ(closed.count(), 1);
    EXPECT_EQ(lost.count(), 0);
    EXPECT_FALSE(transport.isOpen());
}

struct OpenErrorCase {
    QSerialPort::SerialPortError error;
    bool accessible;
    const char *mustStartWith;
};

class OpenErrorText : public ::testing::TestWithParam<OpenErrorCase> {};

TEST_P(OpenErrorText, TellsTheUserWhatToDo) {
    const OpenErrorCase &c = GetParam();
    const QString text = SerialTransport::openErrorText(
        c.error, QStringLiteral("/dev/ttyACM0"), QStringLiteral("system says no"), c.accessible);
    EXPECT_TRUE(text.startsWith(QString::fromUtf8(c.mustStartWith))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("/dev/ttyACM0"))) << text.toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, OpenErrorText,
    ::testing::Values(
        OpenErrorCase{QSerialPort::PermissionError, false,
                      "Permission denied on /dev/ttyACM0: add yourself to the dialout group"},
        OpenErrorCase{QSerialPort::PermissionError, true,
                      "Port busy: another program has /dev/ttyACM0 open"},
        OpenErrorCase{QSerialPort::DeviceNotFoundError, false,
                      "/dev/ttyACM0 does not exist: check the cable"},
        OpenErrorCase{QSerialPort::UnsupportedOperationError, true,
                      "/dev/ttyACM0 does not accept these line settings"},
        OpenErrorCase{QSerialPort::UnknownError, true,
                      "Cannot open /dev/ttyACM0: system says no"}));

} // namespace
