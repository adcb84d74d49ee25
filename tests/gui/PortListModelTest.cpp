#include "gui/PortListModel.h"

#include "GuiTestSupport.h"

#include <QFont>
#include <QIcon>
#include <QSignalSpy>
#include <gtest/gtest.h>

using namespace ps::gui;
using ps::device::PortInfo;

namespace {

PortInfo port(const char *location, const char *board = "", bool nordic = false,
              const char *serial = "") {
    PortInfo info;
    info.systemLocation = QString::fromLatin1(location);
    info.portName = PortListModel::shortName(info.systemLocation);
    info.boardName = QString::fromLatin1(board);
    info.isNordic = nordic;
    info.serialNumber = QString::fromLatin1(serial);
    return info;
}

} // namespace

TEST(PortListModel, NamesNordicBoardsFirstAndKeepsOtherPortsListed) {
    PortListModel model;
    model.setPorts({port("/dev/ttyACM0", "nRF9151 DK", true, "001051234567"), port("/dev/ttyUSB0"),
                    port("/dev/pts/3")});
    ASSERT_EQ(model.rowCount(), 3);
    EXPECT_EQ(model.index(0).data().toString(), QStringLiteral("nRF9151 DK — ttyACM0"));
    EXPECT_EQ(model.index(1).data().toString(), QStringLiteral("ttyUSB0"));
    EXPECT_EQ(model.index(2).data().toString(), QStringLiteral("pts/3"));
    EXPECT_TRUE(model.index(0).data(PortListModel::IsNordicRole).toBool());
    EXPECT_TRUE(
        model.index(0).data(Qt::ToolTipRole).toString().contains(QLatin1String("001051234567")));
    EXPECT_FALSE(model.index(0).data(Qt::DecorationRole).value<QIcon>().isNull());
    EXPECT_EQ(model.rowOf(QStringLiteral("/dev/pts/3")), 2);
    EXPECT_EQ(model.rowOf(QStringLiteral("/dev/pts/9")), -1);
}

TEST(PortListModel, ShowsOpenPortsInBold) {
    PortListModel model;
    model.setPorts({port("/dev/ttyACM0"), port("/dev/ttyACM1")});
    model.setOpenPorts({QStringLiteral("/dev/ttyACM1")});
    EXPECT_FALSE(model.index(0).data(Qt::FontRole).value<QFont>().bold());
    EXPECT_TRUE(model.index(1).data(Qt::FontRole).value<QFont>().bold());
    EXPECT_TRUE(model.index(1).data(PortListModel::IsOpenRole).toBool());
}

TEST(PortListModel, UpdatesRowsInPlaceWhenOnlyDescriptionsChange) {
    PortListModel model;
    model.setPorts({port("/dev/ttyACM0"), port("/dev/ttyACM1")});
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setPorts({port("/dev/ttyACM0", "Thingy:91 X", true), port("/dev/ttyACM1")});
    EXPECT_EQ(reset.count(), 0) << "the selection survives";
    EXPECT_EQ(changed.count(), 1);
    model.setPorts({port("/dev/ttyACM1")});
    EXPECT_EQ(reset.count(), 1);
}

TEST(PortListModel, ShortensDevicePaths) {
    EXPECT_EQ(PortListModel::shortName(QStringLiteral("/dev/ttyACM0")), QStringLiteral("ttyACM0"));
    EXPECT_EQ(PortListModel::shortName(QStringLiteral("/dev/pts/12")), QStringLiteral("pts/12"));
    EXPECT_EQ(PortListModel::shortName(QStringLiteral("/tmp/ttyDEV-a")),
              QStringLiteral("ttyDEV-a"));
}
