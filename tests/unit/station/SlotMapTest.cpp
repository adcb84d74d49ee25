// SlotMap: which port belongs to which slot, kept in a JSON file across restarts.
#include "station/SlotMap.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using ps::device::PortInfo;
using ps::station::Slot;
using ps::station::SlotMap;

namespace {

PortInfo usbPort(const QString &name, const QString &serial, int ordinal = 0) {
    PortInfo port;
    port.portName = name;
    port.systemLocation = u"/dev/"_s + name;
    port.serialNumber = serial;
    port.interfaceOrdinal = ordinal;
    port.vendorId = 0x1366;
    return port;
}

PortInfo pathPort(const QString &path) {
    PortInfo port;
    port.systemLocation = path;
    port.portName = path.section(u'/', -1);
    return port;
}

} // namespace

TEST(SlotMap, RecognisesADeviceBySerialNumberUnderAnyPortName) {
    const Slot slot =
        Slot::forPort(u"A"_s, usbPort(u"ttyACM0"_s, u"001051234567"_s), Slot::Match::SerialNumber);
    EXPECT_TRUE(slot.matches(usbPort(u"ttyACM4"_s, u"001051234567"_s)));
    EXPECT_FALSE(slot.matches(usbPort(u"ttyACM0"_s, u"001059999999"_s)));
    EXPECT_FALSE(slot.matches(usbPort(u"ttyACM1"_s, u"001051234567"_s, 1)))
        << "the second CDC port of the same kit is another slot";
}

TEST(SlotMap, RecognisesWhateverDeviceIsAtALocation) {
    const Slot slot = Slot::forPort(u"B"_s, usbPort(u"ttyACM2"_s, u"111"_s), Slot::Match::Location);
    EXPECT_TRUE(slot.matches(usbPort(u"ttyACM2"_s, u"222"_s)));
    EXPECT_FALSE(slot.matches(usbPort(u"ttyACM3"_s, u"111"_s)));
}

TEST(SlotMap, RecognisesAVirtualDeviceByItsPath) {
    const Slot slot = Slot::forPath(u"C"_s, u"/tmp/devs/./ttyDEV-c"_s, u"left"_s);
    EXPECT_TRUE(slot.matches(pathPort(u"/tmp/devs/ttyDEV-c"_s)));
    EXPECT_FALSE(slot.matches(pathPort(u"/tmp/devs/ttyDEV-d"_s)));
    EXPECT_EQ(slot.displayName(), u"left"_s);
}

TEST(SlotMap, SavesAndLoadsTheSameSlots) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    SlotMap map(dir.filePath(u"bench/slots.json"_s));
    ASSERT_TRUE(map.assign(Slot::forPort(u"A"_s, usbPort(u"ttyACM0"_s, u"001051234567"_s, 1),
                                         Slot::Match::SerialNumber)));
    ASSERT_TRUE(map.assign(Slot::forPath(u"B"_s, u"/tmp/ttyDEV-b"_s, u"right"_s)));
    ASSERT_TRUE(map.save()) << "the folder is created";

    SlotMap loaded(map.filePath());
    ASSERT_TRUE(loaded.load());
    EXPECT_EQ(loaded, map);
    ASSERT_EQ(loaded.slots().size(), 2);
    EXPECT_EQ(loaded.slots().at(0).interfaceOrdinal, 1);
    EXPECT_EQ(loaded.slot(u"B"_s)->label, u"right"_s);
    EXPECT_EQ(loaded.slotFor(usbPort(u"ttyACM7"_s, u"001051234567"_s, 1))->id, u"A"_s);
}

TEST(SlotMap, AMissingFileIsAnEmptyMap) {
    QTemporaryDir dir;
    SlotMap map(dir.filePath(u"none.json"_s));
    ASSERT_TRUE(map.load());
    EXPECT_TRUE(map.isEmpty());
}

struct DamagedFile {
    const char *name;
    QByteArray content;
    const char *reasonContains;
};

/// gtest names the case instead of dumping its bytes.
void PrintTo(const DamagedFile &file, std::ostream *out) {
    *out << file.name;
}

class SlotMapDamagedFile : public testing::TestWithParam<DamagedFile> {};

TEST_P(SlotMapDamagedFile, IsRefusedAndLeavesTheMapAsItWas) {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"slots.json"_s);
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(GetParam().content);
    file.close();

    SlotMap map(path);
    ASSERT_TRUE(map.assign(Slot::forPath(u"kept"_s, u"/tmp/x"_s)));
    const auto loaded = map.load();
    ASSERT_FALSE(loaded);
    EXPECT_TRUE(loaded.error().contains(QString::fromLatin1(GetParam().reasonContains)))
        << loaded.error().toStdString();
    ASSERT_EQ(map.size(), 1);
    EXPECT_EQ(map.slots().first().id, u"kept"_s);
}

INSTANTIATE_TEST_SUITE_P(
    Files, SlotMapDamagedFile,
    testing::Values(
        DamagedFile{"NotJson", "{\"format\": ", "not valid JSON"},
        DamagedFile{"OtherFormat", R"({"format": "something-else", "formatVersion": 1})",
                    "not a slot map"},
        DamagedFile{"NewerVersion",
                    R"({"format": "provstation-slot-map", "formatVersion": 9, "slots": []})",
                    "version 9"},
        DamagedFile{"UnknownMatch",
                    R"({"format": "provstation-slot-map", "formatVersion": 1,
                        "slots": [{"id": "A", "match": "bluetooth"}]})",
                    "unknown match"},
        DamagedFile{"SlotTwice",
                    R"({"format": "provstation-slot-map", "formatVersion": 1, "slots": [
                        {"id": "A", "match": "path", "location": "/tmp/a"},
                        {"id": "A", "match": "path", "location": "/tmp/b"}]})",
                    "listed twice"},
        DamagedFile{"SerialWithoutNumber",
                    R"({"format": "provstation-slot-map", "formatVersion": 1,
                        "slots": [{"id": "A", "match": "serialNumber"}]})",
                    "no serial number"}),
    [](const testing::TestParamInfo<DamagedFile> &param) { return std::string(param.param.name); });

TEST(SlotMap, RefusesTwoSlotsForOnePort) {
    SlotMap map;
    ASSERT_TRUE(map.assign(Slot::forPath(u"A"_s, u"/tmp/ttyDEV-a"_s)));
    const auto second = map.assign(Slot::forPath(u"B"_s, u"/tmp/ttyDEV-a"_s));
    ASSERT_FALSE(second);
    EXPECT_TRUE(second.error().contains(u"slot A"_s)) << second.error().toStdString();
    EXPECT_FALSE(map.assign(Slot::forPath(u" "_s, u"/tmp/ttyDEV-c"_s)));
    EXPECT_EQ(map.size(), 1);
}

TEST(SlotMap, ReassigningAnIdReplacesItsPortAndUnassignRemovesIt) {
    SlotMap map;
    ASSERT_TRUE(map.assign(Slot::forPath(u"A"_s, u"/tmp/one"_s)));
    ASSERT_TRUE(map.assign(Slot::forPath(u"A"_s, u"/tmp/two"_s)));
    ASSERT_EQ(map.size(), 1);
    EXPECT_EQ(map.slot(u"A"_s)->location, u"/tmp/two"_s);
    EXPECT_TRUE(map.unassign(u"A"_s));
    EXPECT_FALSE(map.unassign(u"A"_s));
    EXPECT_TRUE(map.isEmpty());
}

TEST(SlotMap, ParsesTheCommandLineSlots) {
    const auto map = SlotMap::parseSlotsArgument(
        u"A=/dev/ttyACM0, B=serial:001051234567#1,C=location:/dev/serial/by-path/usb-0:1.2,/tmp/p"_s);
    ASSERT_TRUE(map) << map.error().toStdString();
    ASSERT_EQ(map->size(), 4);
    EXPECT_EQ(map->slot(u"A"_s)->match, Slot::Match::Path);
    EXPECT_EQ(map->slot(u"A"_s)->location, u"/dev/ttyACM0"_s);
    EXPECT_EQ(map->slot(u"B"_s)->match, Slot::Match::SerialNumber);
    EXPECT_EQ(map->slot(u"B"_s)->serialNumber, u"001051234567"_s);
    EXPECT_EQ(map->slot(u"B"_s)->interfaceOrdinal, 1);
    EXPECT_EQ(map->slot(u"C"_s)->match, Slot::Match::Location);
    EXPECT_EQ(map->slot(u"4"_s)->location, u"/tmp/p"_s) << "an entry without id is numbered";
}

TEST(SlotMap, RefusesBadCommandLineSlots) {
    EXPECT_FALSE(SlotMap::parseSlotsArgument(u""_s));
    EXPECT_FALSE(SlotMap::parseSlotsArgument(u"A="_s));
    EXPECT_FALSE(SlotMap::parseSlotsArgument(u"A=/tmp/a,A=/tmp/b"_s));
    EXPECT_FALSE(SlotMap::parseSlotsArgument(u"A=/tmp/a,B=/tmp/a"_s));
}
