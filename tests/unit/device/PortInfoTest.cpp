#include "device/PortInfo.h"

#include "DeviceTestSupport.h"

#include <gtest/gtest.h>

using ps::device::arrangePorts;
using ps::device::boardNameFor;
using ps::device::PortInfo;

namespace {

constexpr quint16 Nordic = 0x1915;
constexpr quint16 Segger = 0x1366;
constexpr quint16 Ftdi = 0x0403;

struct BoardCase {
    quint16 vendorId;
    const char *serialNumber;
    const char *board;
};

class BoardNameFor : public ::testing::TestWithParam<BoardCase> {};

TEST_P(BoardNameFor, NamesTheKitFromVendorAndSerialPrefix) {
    const BoardCase &c = GetParam();
    EXPECT_EQ(boardNameFor(c.vendorId, QString::fromUtf8(c.serialNumber)),
              QString::fromUtf8(c.board));
}

INSTANTIATE_TEST_SUITE_P(Kits, BoardNameFor,
                         ::testing::Values(BoardCase{Segger, "000960012345", "nRF9160 DK"},
                                           BoardCase{Segger, "001050912345", "nRF9161 DK"},
                                           BoardCase{Segger, "001051234567", "nRF9151 DK"},
                                           BoardCase{Nordic, "THINGY91X_8A1B2C3D", "Thingy:91 X"},
                                           BoardCase{Nordic, "thingy91x_8a1b2c3d", "Thingy:91 X"},
                                           BoardCase{Segger, "000683123456", "SEGGER J-Link"},
                                           BoardCase{Segger, "000960123456", "SEGGER J-Link"},
                                           BoardCase{Segger, "", "SEGGER J-Link"},
                                           BoardCase{Nordic, "E1A2B3C4D5E6", "Nordic device"},
                                           BoardCase{Nordic, "", "Nordic device"},
                                           BoardCase{Ftdi, "001051234567", ""},
                                           BoardCase{0, "THINGY91X_1", ""}, BoardCase{0, "", ""}));

PortInfo port(const QString &name, quint16 vendor = 0, const QString &serial = {}) {
    PortInfo info;
    info.portName = name;
    info.systemLocation = QStringLiteral("/dev/") + name;
    info.vendorId = vendor;
    info.serialNumber = serial;
    return info;
}

QStringList names(const QList<PortInfo> &ports) {
    QStringList out;
    for (const PortInfo &p : ports)
        out.append(p.portName);
    return out;
}

TEST(PortInfo, IsIdentifiedBySerialNumberAndInterfaceOrdinal) {
    PortInfo dk = port(QStringLiteral("ttyACM0"), Segger, QStringLiteral("001051234567"));
    dk.interfaceOrdinal = 1;
    EXPECT_EQ(dk.identity(), QStringLiteral("001051234567/1"));
}

TEST(PortInfo, IsIdentifiedByItsLocationWithoutSerialNumber) {
    EXPECT_EQ(port(QStringLiteral("ttyS0")).identity(), QStringLiteral("/dev/ttyS0"));
}

TEST(ArrangePorts, ListsNordicAndSeggerDevicesFirstThenByNaturalName) {
    const QList<PortInfo> arranged = arrangePorts({
        port(QStringLiteral("ttyS0")),
        port(QStringLiteral("ttyACM10"), Segger, QStringLiteral("000960011111")),
        port(QStringLiteral("ttyUSB0"), Ftdi, QStringLiteral("FT123")),
        port(QStringLiteral("ttyACM2"), Nordic, QStringLiteral("THINGY91X_1")),
        port(QStringLiteral("ttyS10")),
        port(QStringLiteral("ttyS2")),
    });
    EXPECT_EQ(names(arranged), QStringList({QStringLiteral("ttyACM2"), QStringLiteral("ttyACM10"),
                                            QStringLiteral("ttyS0"), QStringLiteral("ttyS2"),
                                            QStringLiteral("ttyS10"), QStringLiteral("ttyUSB0")}));
    EXPECT_TRUE(arranged[0].isNordic);
    EXPECT_EQ(arranged[0].boardName, QStringLiteral("Thingy:91 X"));
    EXPECT_EQ(arranged[1].boardName, QStringLiteral("nRF9160 DK"));
    EXPECT_FALSE(arranged[2].isNordic);
}

TEST(ArrangePorts, NumbersThePortsOfOneKitInNameOrder) {
    const QString serial = QStringLiteral("001051234567");
    const QList<PortInfo> arranged = arrangePorts({
        port(QStringLiteral("ttyACM5"), Segger, serial),
        port(QStringLiteral("ttyACM4"), Segger, serial),
        port(QStringLiteral("ttyACM9"), Segger, QStringLiteral("000960999999")),
    });
    ASSERT_EQ(arranged.size(), 3);
    EXPECT_EQ(arranged[0].portName, QStringLiteral("ttyACM4"));
    EXPECT_EQ(arranged[0].identity(), serial + QStringLiteral("/0"));
    EXPECT_EQ(arranged[1].identity(), serial + QStringLiteral("/1"));
    EXPECT_EQ(arranged[2].identity(), QStringLiteral("000960999999/0"));
}

TEST(ArrangePorts, KeepsABoardNameGivenByTheCaller) {
    PortInfo virtualDevice = port(QStringLiteral("pts/3"));
    virtualDevice.boardName = QStringLiteral("Virtual nRF9151");
    EXPECT_EQ(arrangePorts({virtualDevice}).front().boardName, QStringLiteral("Virtual nRF9151"));
}

} // namespace
