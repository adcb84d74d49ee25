#include "device/DeviceLink.h"

#include "DeviceTestSupport.h"
#include "PtyPeer.h"
#include "ScriptedModem.h"
#include "device/ModemClient.h"
#include "device/PortWatcher.h"
#include "device/ShellSession.h"
#include "device/Transport.h"

#include <QSignalSpy>
#include <QTest>
#include <gtest/gtest.h>

using ps::device::DeviceError;
using ps::device::DeviceLink;
using ps::device::PortInfo;
using ps::device::PortWatcher;
using ps::test::PtyPeer;
using ps::test::ScriptedModem;
using namespace std::chrono_literals;

namespace {

constexpr int Deadline = 5000;

// Collects what a DeviceLink announces, for assertions on order and wording.
struct LinkRecorder {
    explicit LinkRecorder(DeviceLink &link) {
        QObject::connect(&link, &DeviceLink::stateChanged, &context,
                         [this](DeviceLink::State s) { states.append(s); });
        QObject::connect(&link, &DeviceLink::notice, &context,
                         [this](const QString &n) { notices.append(n); });
        QObject::connect(&link, &DeviceLink::linesReceived, &context,
                         [this](const std::vector<ps::core::Line> &received) {
                             for (const ps::core::Line &line : received)
                                 lines.append(line.text);
                         });
        QObject::connect(&link, &DeviceLink::pendingTextChanged, &context,
                         [this](const QString &p) { pending = p; });
    }
    QObject context;
    QList<DeviceLink::State> states;
    QStringList notices;
    QStringList lines;
    QString pending;
};

TEST(DeviceLink, DeliversLinesAndThePendingPromptFromTheDevice) {
    PtyPeer device;
    ASSERT_TRUE(device.open());
    DeviceLink link(device.linkPath());
    LinkRecorder recorder(link);
    QSignalSpy raw(&link, &DeviceLink::rawBytesReceived);
    ASSERT_TRUE(link.open()) << link.errorString().toStdString();
    EXPECT_EQ(link.state(), DeviceLink::State::Open);
    EXPECT_EQ(recorder.states,
              QList<DeviceLink::State>({DeviceLink::State::Opening, DeviceLink::State::Open}));

    device.send(
        PtyPeer::logLine("00:00:01.000,000", "inf", "main: Asset Tracker Template started"));
    device.sendPrompt();
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return recorder.pending == QStringLiteral("uart:~$ "); }, Deadline));
    EXPECT_EQ(recorder.lines,
              QStringList({QStringLiteral(
                  "[00:00:01.000,000] <inf> main: Asset Tracker Template started")}));
    EXPECT_GE(raw.count(), 1);
}

TEST(DeviceLink, ExplainsWhyAPortDoesNotOpen) {
    DeviceLink link(QStringLiteral("/dev/ttyProvStationMissing3"));
    EXPECT_FALSE(link.open());
    EXPECT_EQ(link.state(), DeviceLink::State::Closed);
    EXPECT_TRUE(link.errorString().contains(QStringLiteral("does not exist")));
}

TEST(DeviceLink, ReconnectsWhenTheCableIsPulledAndPutBack) {
    PtyPeer device;
    ScriptedModem modem(device);
    ASSERT_TRUE(device.open());
    DeviceLink link(device.linkPath());
    link.setReconnectPolicy({50ms, 200});
    LinkRecorder recorder(link);
    ASSERT_TRUE(link.open());

    // A command is in flight when the cable comes out.
    QObject::connect(&device, &PtyPeer::commandReceived, &recorder.context,
                     [&](const QString &command) {
                         if (command == QStringLiteral("att_cloud provision"))
                             device.close();
                     });
    const auto inFlight =
        QCoro::waitFor(link.shell()->execute(QStringLiteral("att_cloud provision"), 3s));
    ASSERT_FALSE(inFlight);
    EXPECT_EQ(inFlight.error().kind, DeviceError::Kind::Disconnected);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return link.state() == DeviceLink::State::Reconnecting; }, Deadline));
    ASSERT_EQ(recorder.notices.size(), 1);
    EXPECT_TRUE(recorder.notices.first().startsWith(QStringLiteral("Disconnected from ") +
                                                    device.linkPath() + QStringLiteral(": device")))
        << recorder.notices.first().toStdString();

    const auto whileAway = QCoro::waitFor(link.modem()->imei());
    ASSERT_FALSE(whileAway);
    EXPECT_EQ(whileAway.error().kind, DeviceError::Kind::NotConnected);

    ASSERT_TRUE(device.reopen());
    ASSERT_TRUE(QTest::qWaitFor([&] { return link.state() == DeviceLink::State::Open; }, Deadline));
    ASSERT_EQ(recorder.notices.size(), 2);
    EXPECT_EQ(recorder.notices.last(), QStringLiteral("Reconnected to ") + device.linkPath());
    EXPECT_EQ(recorder.states.mid(recorder.states.size() - 2),
              QList<DeviceLink::State>({DeviceLink::State::Reconnecting, DeviceLink::State::Open}));

    device.sendPrompt();
    const auto imei = QCoro::waitFor(link.modem()->imei());
    ASSERT_TRUE(imei) << why(imei);
    EXPECT_EQ(*imei, modem.imei);
}

TEST(DeviceLink, GivesUpWhenTheDeviceStaysAway) {
    PtyPeer device;
    ASSERT_TRUE(device.open());
    DeviceLink link(device.linkPath());
    link.setReconnectPolicy({20ms, 5});
    LinkRecorder recorder(link);
    ASSERT_TRUE(link.open());

    device.close();
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return recorder.states.contains(DeviceLink::State::Reconnecting); }, Deadline));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return link.state() == DeviceLink::State::Closed; }, Deadline));
    ASSERT_FALSE(recorder.notices.isEmpty());
    EXPECT_TRUE(recorder.notices.last().startsWith(QStringLiteral("Gave up reconnecting")))
        << recorder.notices.last().toStdString();
    EXPECT_TRUE(link.errorString().contains(QStringLiteral("plug the device in")));
}

TEST(DeviceLink, StaysClosedAfterALossWithoutAutoReconnect) {
    PtyPeer device;
    ASSERT_TRUE(device.open());
    DeviceLink link(device.linkPath());
    link.setAutoReconnect(false);
    LinkRecorder recorder(link);
    ASSERT_TRUE(link.open());

    device.close();
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return link.state() == DeviceLink::State::Closed; }, Deadline));
    EXPECT_FALSE(recorder.states.contains(DeviceLink::State::Reconnecting));
    ASSERT_EQ(recorder.notices.size(), 1);
    EXPECT_TRUE(recorder.notices.first().startsWith(QStringLiteral("Disconnected from ")));
    EXPECT_FALSE(recorder.notices.first().contains(QStringLiteral("reconnecting")));
}

TEST(DeviceLink, FollowsTheSameDeviceToANewNameThroughThePortWatcher) {
    PtyPeer before;
    PtyPeer after;
    ScriptedModem modem(after);
    ASSERT_TRUE(before.open());
    ASSERT_TRUE(after.open()); // opened now so that it gets a different pts number

    PortInfo kit;
    kit.portName = before.slavePath().section(u'/', -2);
    kit.systemLocation = before.slavePath();
    kit.vendorId = 0x1915;
    kit.serialNumber = QStringLiteral("THINGY91X_77AB");
    PortWatcher watcher([] { return QList<PortInfo>(); });
    watcher.start(20ms);
    watcher.setExtraPorts({kit});
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return watcher.find(kit.identity()).has_value(); }, Deadline));

    DeviceLink link(*watcher.find(kit.identity()));
    link.setReconnectPolicy({20ms, 250});
    link.setPortResolver(watcher.resolver());
    LinkRecorder recorder(link);
    ASSERT_TRUE(link.open()) << link.errorString().toStdString();
    EXPECT_EQ(link.portName(), before.slavePath());

    // Unplugged, and back under another name. The list changes at once, so that the link never
    // tries the old name after another pty (another test process) may have taken it.
    PortInfo moved = kit;
    moved.portName = after.slavePath().section(u'/', -2);
    moved.systemLocation = after.slavePath();
    before.close();
    watcher.setExtraPorts({moved});
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return recorder.states.contains(DeviceLink::State::Reconnecting); }, Deadline));

    ASSERT_TRUE(QTest::qWaitFor([&] { return link.state() == DeviceLink::State::Open; }, Deadline));
    EXPECT_EQ(link.portName(), after.slavePath());
    EXPECT_EQ(link.device().systemLocation, after.slavePath());
    EXPECT_EQ(recorder.notices.last(), QStringLiteral("Reconnected to ") + after.slavePath() +
                                           QStringLiteral(" (same device, serial THINGY91X_77AB)"));

    after.sendPrompt();
    const auto model = QCoro::waitFor(link.modem()->model());
    ASSERT_TRUE(model) << why(model);
    EXPECT_EQ(*model, modem.model);
}

// A transport that a test unplugs and plugs by hand; the link must reopen it through open().
class HandTransport : public ps::device::Transport {
public:
    bool open() override {
        ++openCalls;
        m_open = present;
        if (m_open)
            Q_EMIT opened();
        return m_open;
    }
    void close() override { m_open = false; }
    bool isOpen() const override { return m_open; }
    bool write(const QByteArray &) override { return m_open; }
    QString description() const override { return QStringLiteral("hand transport"); }
    QString errorString() const override { return QStringLiteral("not there"); }
    void unplug() {
        present = m_open = false;
        Q_EMIT lost(QStringLiteral("unplugged by the test"));
    }

    bool present = true;
    int openCalls = 0;

private:
    bool m_open = false;
};

TEST(DeviceLink, ReopensAnyTransportAfterItIsLost) {
    auto owned = std::make_unique<HandTransport>();
    HandTransport *transport = owned.get();
    DeviceLink link(std::move(owned));
    link.setReconnectPolicy({10ms, 1000});
    LinkRecorder recorder(link);
    ASSERT_TRUE(link.open());

    transport->unplug();
    EXPECT_EQ(link.state(), DeviceLink::State::Reconnecting);
    ASSERT_TRUE(QTest::qWaitFor([&] { return transport->openCalls >= 3; }, Deadline))
        << "the link keeps trying while the device is away";
    EXPECT_EQ(link.state(), DeviceLink::State::Reconnecting);

    transport->present = true;
    ASSERT_TRUE(QTest::qWaitFor([&] { return link.state() == DeviceLink::State::Open; }, Deadline));
    EXPECT_EQ(recorder.notices,
              QStringList({QStringLiteral("Disconnected from hand transport: unplugged by the "
                                          "test; reconnecting when it is back"),
                           QStringLiteral("Reconnected to hand transport")}));
}

TEST(DeviceLink, CancelsCommandsWhenClosed) {
    PtyPeer device;
    ASSERT_TRUE(device.open());
    device.setSilent(true);
    DeviceLink link(device.linkPath());
    ASSERT_TRUE(link.open());
    auto pending = link.shell()->execute(QStringLiteral("at AT+CGSN"), 3s);
    link.close();
    const auto result = QCoro::waitFor(std::move(pending));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, DeviceError::Kind::Disconnected);
    EXPECT_EQ(link.state(), DeviceLink::State::Closed);
}

} // namespace
