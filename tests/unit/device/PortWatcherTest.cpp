#include "device/PortWatcher.h"

#include "DeviceTestSupport.h"
#include "PtyPeer.h"

#include <QMutex>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <gtest/gtest.h>
#include <memory>

using ps::device::PortInfo;
using ps::device::PortWatcher;
using namespace std::chrono_literals;

namespace {

constexpr int Deadline = 5000; // ms; scans run every 20 ms in these tests

// A stand-in for the system's port list that a test changes while the watcher runs. Shared with
// the scan tasks, which may still run on a worker thread when the test ends.
struct FakeSystem {
    QMutex mutex;
    QList<PortInfo> ports;
    QThread *scannedOn = nullptr;

    void set(QList<PortInfo> next) {
        QMutexLocker lock(&mutex);
        ports = std::move(next);
    }
    static PortWatcher::Lister listerFor(const std::shared_ptr<FakeSystem> &system) {
        return [system] {
            QMutexLocker lock(&system->mutex);
            system->scannedOn = QThread::currentThread();
            return system->ports;
        };
    }
};

PortInfo usbPort(const QString &name, quint16 vendor, const QString &serial) {
    PortInfo info;
    info.portName = name;
    info.systemLocation = QStringLiteral("/dev/") + name;
    info.vendorId = vendor;
    info.serialNumber = serial;
    return info;
}

TEST(PortWatcher, ReportsAddedAndRemovedPortsOnlyWhenTheListChanges) {
    auto system = std::make_shared<FakeSystem>();
    const PortInfo dk = usbPort(QStringLiteral("ttyACM0"), 0x1366, QStringLiteral("001051234567"));
    const PortInfo ftdi = usbPort(QStringLiteral("ttyUSB0"), 0x0403, QStringLiteral("FT1"));
    system->set({ftdi});

    PortWatcher watcher(FakeSystem::listerFor(system));
    QSignalSpy changed(&watcher, &PortWatcher::portsChanged);
    QSignalSpy added(&watcher, &PortWatcher::portAdded);
    QSignalSpy removed(&watcher, &PortWatcher::portRemoved);
    QSignalSpy scanned(&watcher, &PortWatcher::scanned);
    watcher.start(20ms);

    ASSERT_TRUE(QTest::qWaitFor([&] { return changed.count() == 1; }, Deadline));
    EXPECT_EQ(added.count(), 1);

    // Several scans of an unchanged list stay quiet.
    const qsizetype scansSoFar = scanned.count();
    ASSERT_TRUE(QTest::qWaitFor([&] { return scanned.count() >= scansSoFar + 4; }, Deadline));
    EXPECT_EQ(changed.count(), 1);

    system->set({ftdi, dk});
    ASSERT_TRUE(QTest::qWaitFor([&] { return changed.count() == 2; }, Deadline));
    ASSERT_EQ(added.count(), 2);
    EXPECT_EQ(added.last().first().value<PortInfo>().systemLocation, dk.systemLocation);
    // Nordic kits first, board recognised.
    ASSERT_EQ(watcher.ports().size(), 2);
    EXPECT_EQ(watcher.ports().first().boardName, QStringLiteral("nRF9151 DK"));
    EXPECT_EQ(changed.last().first().value<QList<PortInfo>>(), watcher.ports());

    system->set({dk});
    ASSERT_TRUE(QTest::qWaitFor([&] { return removed.count() == 1; }, Deadline));
    EXPECT_EQ(removed.first().first().value<PortInfo>().systemLocation, ftdi.systemLocation);
    EXPECT_EQ(changed.count(), 3);
}

TEST(PortWatcher, ListsPortsOnAWorkerThread) {
    auto system = std::make_shared<FakeSystem>();
    PortWatcher watcher(FakeSystem::listerFor(system));
    QSignalSpy scanned(&watcher, &PortWatcher::scanned);
    watcher.refresh();
    ASSERT_TRUE(scanned.wait(Deadline));
    QMutexLocker lock(&system->mutex);
    ASSERT_NE(system->scannedOn, nullptr);
    EXPECT_NE(system->scannedOn, QThread::currentThread());
}

TEST(PortWatcher, ListsAnExtraPortWhileItsPathExists) {
    ps::test::PtyPeer device;
    ASSERT_TRUE(device.open());
    PortInfo virtualPort;
    virtualPort.portName = QStringLiteral("ttyVirtual0");
    virtualPort.systemLocation = device.linkPath();
    virtualPort.boardName = QStringLiteral("Virtual nRF9151");

    PortWatcher watcher(FakeSystem::listerFor(std::make_shared<FakeSystem>()));
    QSignalSpy added(&watcher, &PortWatcher::portAdded);
    QSignalSpy removed(&watcher, &PortWatcher::portRemoved);
    watcher.start(20ms);
    watcher.setExtraPorts({virtualPort});

    ASSERT_TRUE(QTest::qWaitFor([&] { return added.count() == 1; }, Deadline));
    EXPECT_EQ(watcher.ports(), QList<PortInfo>({virtualPort}));

    device.close(); // the virtual device goes away: its link now points nowhere
    ASSERT_TRUE(QTest::qWaitFor([&] { return removed.count() == 1; }, Deadline));
    EXPECT_TRUE(watcher.ports().isEmpty());

    ASSERT_TRUE(device.reopen());
    ASSERT_TRUE(QTest::qWaitFor([&] { return added.count() == 2; }, Deadline));
}

TEST(PortWatcher, ResolverFindsADeviceThatCameBackUnderAnotherName) {
    auto system = std::make_shared<FakeSystem>();
    const QString serial = QStringLiteral("THINGY91X_ABC");
    system->set({usbPort(QStringLiteral("ttyACM0"), 0x1915, serial)});
    auto watcher = std::make_unique<PortWatcher>(FakeSystem::listerFor(system));
    QSignalSpy changed(watcher.get(), &PortWatcher::portsChanged);
    watcher->start(20ms);
    ASSERT_TRUE(changed.wait(Deadline));
    const PortInfo device = watcher->ports().first();
    const PortWatcher::Resolver resolve = watcher->resolver();
    ASSERT_TRUE(resolve(device));
    EXPECT_EQ(resolve(device)->systemLocation, QStringLiteral("/dev/ttyACM0"));

    system->set({}); // unplugged
    ASSERT_TRUE(QTest::qWaitFor([&] { return !resolve(device); }, Deadline));

    system->set({usbPort(QStringLiteral("ttyACM3"), 0x1915, serial),
                 usbPort(QStringLiteral("ttyACM1"), 0x1915, QStringLiteral("THINGY91X_OTHER"))});
    ASSERT_TRUE(QTest::qWaitFor([&] { return resolve(device).has_value(); }, Deadline));
    EXPECT_EQ(resolve(device)->systemLocation, QStringLiteral("/dev/ttyACM3"));

    watcher.reset();
    EXPECT_FALSE(resolve(device)) << "a resolver outliving its watcher finds nothing";
}

} // namespace
