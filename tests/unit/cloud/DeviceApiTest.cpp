// DeviceApi against the stand-in: device management and shadows (PROTOCOL §6).
#include "cloud/DeviceApi.h"

#include "CloudTestSupport.h"

#include <QCoro/QCoroTask>
#include <QJsonArray>
#include <QJsonDocument>
#include <gtest/gtest.h>

using namespace ps::cloud;
using namespace ps::cloudtest;
using namespace ps::simtest;
using namespace Qt::StringLiterals;

namespace {

QJsonObject parse(const char *json) {
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

class DeviceApiTest : public testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(setup.client) << setup.sim.startError().toStdString(); }

    /// A device claimed by the primary account that has finished on-device provisioning.
    QString onboardedDevice() {
        const TestDevice device = setup.claimedDevice();
        EXPECT_EQ(setup.sim.provisionDevice(device.uuid()), 2);
        return device.uuid();
    }

    DeviceApi api() { return DeviceApi(*setup.client); }

    ClientAndSim setup{{}, [](CloudSettings &settings) { settings.pageLimit = 2; }};
};

} // namespace

TEST_F(DeviceApiTest, AClaimedDeviceIsNotInDeviceManagementUntilProvisioned) {
    const TestDevice device = setup.claimedDevice();
    auto missing = QCoro::waitFor(api().getDevice(device.uuid()));
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().httpStatus, 404);
    EXPECT_EQ(missing.error().code, 40412);
    EXPECT_EQ(missing.error().message, u"no device found for this id, not yet provisioned"_s);
    EXPECT_TRUE(missing.error().hint.contains(u"on-device provisioning"_s));
    EXPECT_EQ(missing.error().attempts, 1);

    setup.sim.provisionDevice(device.uuid());
    auto found = QCoro::waitFor(api().getDevice(device.uuid()));
    ASSERT_TRUE(found.has_value()) << found.error().toString().toStdString();
    EXPECT_EQ(found->id, device.uuid());
    EXPECT_TRUE(found->reported.isEmpty());
}

TEST_F(DeviceApiTest, ListsEveryDeviceAcrossPagesOrOnlyTheOnesAskedFor) {
    const QStringList ids{onboardedDevice(), onboardedDevice(), onboardedDevice()};
    setup.claimedDevice(); // claimed but not provisioned: not listed
    auto all = QCoro::waitFor(api().listDevices());
    ASSERT_TRUE(all.has_value()) << all.error().toString().toStdString();
    QStringList listed;
    for (const Device &device : *all)
        listed.append(device.id);
    EXPECT_EQ(listed, ids);

    auto some = QCoro::waitFor(api().listDevices({ids[2], ids[0]}));
    ASSERT_TRUE(some.has_value());
    ASSERT_EQ(some->size(), 2);
}

TEST_F(DeviceApiTest, PatchingStateMergesAndNullDeletesKeys) {
    const QString id = onboardedDevice();
    ASSERT_TRUE(QCoro::waitFor(api().patchState(
        id, StatePatch(parse(R"({"config":{"interval":60,"mode":"active"},"led":true})")))));
    ASSERT_TRUE(QCoro::waitFor(
        api().patchState(id, StatePatch(parse(R"({"config":{"mode":null},"led":null})"),
                                        parse(R"({"config":{"interval":30}})")))));
    auto device = QCoro::waitFor(api().getDevice(id));
    ASSERT_TRUE(device.has_value());
    EXPECT_EQ(device->desired, parse(R"({"config":{"interval":60}})"));
    EXPECT_EQ(device->reported, parse(R"({"config":{"interval":30}})"));
    EXPECT_EQ(device->delta, parse(R"({"config":{"interval":60}})"));
    EXPECT_EQ(device->stateVersion, 2);
}

TEST_F(DeviceApiTest, PatchingADeviceThatIsNotOnboardedIsNotFound) {
    auto refused = QCoro::waitFor(
        api().patchState(TestDevice::create().uuid(), StatePatch(parse(R"({"a":1})"))));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, 40412);
}

TEST_F(DeviceApiTest, ReprovisionClearsTheShadowCommandThenSetsTheNewOne) {
    const QString id = onboardedDevice();
    // The device ran command 7 earlier and reported it back.
    ASSERT_TRUE(QCoro::waitFor(api().patchState(
        id, StatePatch(parse(R"({"command":[1,7]})"), parse(R"({"command":[1,7]})")))));
    const int before = setup.sim.sim().https().requestCount();

    auto used = QCoro::waitFor(api().requestReprovision(id, 7));
    ASSERT_TRUE(used.has_value()) << used.error().toString().toStdString();
    EXPECT_EQ(*used, 7);
    EXPECT_EQ(setup.sim.sim().https().requestCount() - before, 2);
    auto device = QCoro::waitFor(api().getDevice(id));
    ASSERT_TRUE(device.has_value());
    EXPECT_EQ(device->desired.value(u"command"_s).toArray(), (QJsonArray{1, 7}));
    EXPECT_FALSE(device->reported.contains(u"command"_s));
    // Even the same id makes a delta again, which is what the device acts on.
    EXPECT_EQ(device->delta, parse(R"({"command":[1,7]})"));
}

TEST_F(DeviceApiTest, ReprovisionPicksAFreshIdWhenNoneIsGiven) {
    const QString id = onboardedDevice();
    auto used = QCoro::waitFor(api().requestReprovision(id));
    ASSERT_TRUE(used.has_value());
    EXPECT_GT(*used, 1'600'000'000);
    auto device = QCoro::waitFor(api().getDevice(id));
    EXPECT_EQ(device->desired.value(u"command"_s).toArray().at(1).toDouble(), double(*used));
}

TEST_F(DeviceApiTest, ReprovisionStopsAtTheFirstFailedPatch) {
    auto failed = QCoro::waitFor(api().requestReprovision(TestDevice::create().uuid(), 3));
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error().httpStatus, 404);
    EXPECT_EQ(setup.sim.sim().https().requestCount(), 1);
}
