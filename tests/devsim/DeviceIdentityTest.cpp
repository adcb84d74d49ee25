#include "DeviceIdentity.h"

#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace ps::devsim;

namespace {

TEST(Imei, AcceptsAValidLuhnCheckDigit) {
    EXPECT_TRUE(isValidImei(u"490154203237518"));
    EXPECT_EQ(luhnCheckDigit(u"49015420323751"), 8);
}

TEST(Imei, RefusesAChangedDigitOrLength) {
    EXPECT_FALSE(isValidImei(u"490154203237519"));
    EXPECT_FALSE(isValidImei(u"49015420323751"));
    EXPECT_FALSE(isValidImei(u"4901542032375a8"));
}

TEST(DeviceIdentity, IsMadeOnceAndReadBackFromTheStateFolder) {
    QTemporaryDir dir;
    bool created = false;
    const auto first =
        loadOrCreateIdentity(dir.path(), *ModemModel::byName(u"nRF9160-SICA"), &created);
    ASSERT_TRUE(first) << first.error().toStdString();
    EXPECT_TRUE(created);
    EXPECT_TRUE(isValidImei(first->imei));

    const auto second =
        loadOrCreateIdentity(dir.path(), *ModemModel::byName(u"nRF9151-LACA"), &created);
    ASSERT_TRUE(second) << second.error().toStdString();
    EXPECT_FALSE(created);
    EXPECT_EQ(second->imei, first->imei);
    EXPECT_EQ(second->uuid, first->uuid);
    EXPECT_EQ(second->modem.model, QStringLiteral("nRF9160-SICA")); // a device keeps its model
    EXPECT_EQ(second->identityKey.publicPem(), first->identityKey.publicPem());
}

TEST(DeviceRegistry, ListsADeviceOnce) {
    QTemporaryDir dir;
    bool created = false;
    const auto identity = loadOrCreateIdentity(dir.filePath(QStringLiteral("s")),
                                               *ModemModel::byName(u"nRF9151-LACA"), &created);
    ASSERT_TRUE(identity);
    const QString registry = dir.filePath(QStringLiteral("registry.jsonl"));
    EXPECT_EQ(addToRegistry(registry, *identity), true);
    EXPECT_EQ(addToRegistry(registry, *identity), false);
    QFile file(registry);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    ASSERT_EQ(lines.size(), 1);
    EXPECT_TRUE(lines.first().contains(identity->uuidText().toLatin1()));
    EXPECT_TRUE(lines.first().contains("BEGIN PUBLIC KEY"));
}

} // namespace
