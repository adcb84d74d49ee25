#include "cloudsim/DeviceRegistry.h"

#include "SimTestSupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace ps::cloudsim;
using namespace ps::simtest;
using namespace Qt::StringLiterals;

TEST(DeviceRegistry, FindsDevicesByUuidInAnyCase) {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"registry.jsonl"_s);
    const TestDevice device = TestDevice::create(4);
    ASSERT_TRUE(DeviceRegistry::append(path, device.registryEntry()));
    DeviceRegistry registry(path);
    auto entry = registry.find(device.uuid().toUpper());
    ASSERT_TRUE(entry.has_value());
    EXPECT_EQ(entry->imei, device.imei());
    EXPECT_EQ(entry->deviceType, 4);
    EXPECT_EQ(entry->identityPublicKeyPem, device.publicKeyPem());
    EXPECT_FALSE(registry.find(TestDevice::create().uuid()).has_value());
}

TEST(DeviceRegistry, ReadsTheFileAgainWhenADeviceIsAdded) {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"registry.jsonl"_s);
    DeviceRegistry registry(path);
    EXPECT_EQ(registry.size(), 0);
    const TestDevice first = TestDevice::create();
    ASSERT_TRUE(DeviceRegistry::append(path, first.registryEntry()));
    EXPECT_TRUE(registry.find(first.uuid()).has_value());
    const TestDevice second = TestDevice::create();
    ASSERT_TRUE(DeviceRegistry::append(path, second.registryEntry()));
    EXPECT_TRUE(registry.find(second.uuid()).has_value());
    EXPECT_EQ(registry.size(), 2);
}

TEST(DeviceRegistry, ReadsTheLinesVirtualDevicesWrite) {
    // The exact shape firmware/sim's addToRegistry() writes.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"registry.jsonl"_s);
    const TestDevice device = TestDevice::create();
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    QByteArray pem = device.publicKeyPem();
    pem.replace("\n", "\\n");
    file.write("{\"createdAt\":\"2025-01-01T00:00:00Z\",\"deviceType\":6,\"identityPublicKey\":\"" +
               pem +
               "\",\"imei\":\"352669101234564\",\"model\":\"nRF9151-LACA\","
               "\"modemFirmware\":\"mfw_nrf91x1_2.0.2\",\"uuid\":\"" +
               device.uuid().toLatin1() + "\"}\n");
    file.close();
    DeviceRegistry registry(path);
    auto entry = registry.find(device.uuid());
    ASSERT_TRUE(entry.has_value());
    EXPECT_EQ(entry->imei, u"352669101234564"_s);
    EXPECT_EQ(entry->model, u"nRF9151-LACA"_s);
    EXPECT_EQ(entry->identityPublicKeyPem, device.publicKeyPem());
}

TEST(DeviceRegistry, SkipsLinesItCannotRead) {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"registry.jsonl"_s);
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("not json\n{\"uuid\":\"abc\"}\n\n");
    file.close();
    const TestDevice device = TestDevice::create();
    ASSERT_TRUE(DeviceRegistry::append(path, device.registryEntry()));
    DeviceRegistry registry(path);
    EXPECT_EQ(registry.size(), 1);
    EXPECT_EQ(registry.skippedLines(), 2);
    EXPECT_TRUE(registry.find(device.uuid()).has_value());
}
