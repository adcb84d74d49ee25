// The station window's parts that stand alone: the engineer PIN (PBKDF2 hash in the settings),
// the PIN dialog, the slot tile and the label scan field.

#include "GuiTestSupport.h"
#include "gui/station/PinDialog.h"
#include "gui/station/PinLock.h"
#include "gui/station/ScanField.h"
#include "gui/station/SlotTile.h"

#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

using namespace ps::gui;
using namespace Qt::StringLiterals;

namespace {
// Few iterations: the tests check the logic, not the cost.
constexpr int FastIterations = 1000;
} // namespace

TEST(PinHash, MatchesThePinItWasMadeFromAndNoOther) {
    const PinHash pin = PinHash::make(u"4711"_s, FastIterations);
    EXPECT_TRUE(pin.isSet());
    EXPECT_TRUE(pin.matches(u"4711"_s));
    EXPECT_FALSE(pin.matches(u"4712"_s));
    EXPECT_FALSE(pin.matches(u"47110"_s));
    EXPECT_FALSE(pin.matches(QString()));
}

TEST(PinHash, SaltsEachPinSoTheSamePinHashesDifferently) {
    const PinHash a = PinHash::make(u"123456"_s, FastIterations);
    const PinHash b = PinHash::make(u"123456"_s, FastIterations);
    EXPECT_NE(a.salt, b.salt);
    EXPECT_NE(a.hash, b.hash);
    EXPECT_TRUE(b.matches(u"123456"_s));
}

TEST(PinHash, IsStoredAsSaltAndHashNeverAsThePin) {
    QTemporaryDir dir;
    const QString file = dir.filePath(u"station.ini"_s);
    const PinHash saved = PinHash::make(u"987654"_s, FastIterations);
    {
        QSettings store(file, QSettings::IniFormat);
        saved.save(store);
    }
    QFile raw(file);
    ASSERT_TRUE(raw.open(QIODevice::ReadOnly));
    EXPECT_FALSE(raw.readAll().contains("987654"));
    QSettings store(file, QSettings::IniFormat);
    const PinHash loaded = PinHash::load(store);
    EXPECT_EQ(loaded, saved);
    EXPECT_TRUE(loaded.matches(u"987654"_s));
}

TEST(PinHash, IsNotSetInFreshSettingsAndADamagedEntryNeverMatches) {
    QTemporaryDir dir;
    QSettings store(dir.filePath(u"station.ini"_s), QSettings::IniFormat);
    EXPECT_FALSE(PinHash::load(store).isSet());
    store.setValue(u"station/pinHash"_s, QByteArrayLiteral("garbage"));
    const PinHash damaged = PinHash::load(store);
    EXPECT_TRUE(damaged.isSet());
    EXPECT_FALSE(damaged.matches(QString()));
    EXPECT_FALSE(damaged.matches(u"0000"_s));
}

struct PinCase {
    const char *pin;
    bool valid;
};
void PrintTo(const PinCase &c, std::ostream *os) {
    *os << '"' << c.pin << (c.valid ? "\" valid" : "\" invalid");
}
class PinValidation : public testing::TestWithParam<PinCase> {};
TEST_P(PinValidation, AcceptsFourToTwelveDigitsOnly) {
    EXPECT_EQ(PinHash::validate(QString::fromLatin1(GetParam().pin)).has_value(), GetParam().valid);
}
INSTANTIATE_TEST_SUITE_P(Pins, PinValidation,
                         testing::Values(PinCase{"1234", true}, PinCase{"123456789012", true},
                                         PinCase{"123", false}, PinCase{"1234567890123", false},
                                         PinCase{"12a4", false}, PinCase{"", false},
                                         PinCase{"12 34", false}));

TEST(PinDialog, SaysWrongPinAndStaysOpenThenAcceptsTheRightOne) {
    PinDialog dialog(PinHash::make(u"2468"_s, FastIterations));
    ASSERT_FALSE(dialog.isSettingPin());
    auto *field = dialog.findChild<QLineEdit *>(u"pinField"_s);
    ASSERT_NE(field, nullptr);
    field->setText(u"1357"_s);
    dialog.submit();
    EXPECT_NE(dialog.result(), QDialog::Accepted);
    EXPECT_TRUE(dialog.message().contains(u"Wrong PIN"_s)) << dialog.message().toStdString();
    EXPECT_TRUE(field->text().isEmpty());
    field->setText(u"2468"_s);
    dialog.submit();
    EXPECT_EQ(dialog.result(), QDialog::Accepted);
}

TEST(PinDialog, SetsANewPinOnlyWhenTypedTheSameTwice) {
    PinDialog dialog{PinHash{}};
    ASSERT_TRUE(dialog.isSettingPin());
    auto *field = dialog.findChild<QLineEdit *>(u"pinField"_s);
    auto *repeat = dialog.findChild<QLineEdit *>(u"pinRepeatField"_s);
    ASSERT_NE(repeat, nullptr);
    field->setText(u"12"_s);
    repeat->setText(u"12"_s);
    dialog.submit();
    EXPECT_TRUE(dialog.message().contains(u"4 to 12"_s)) << dialog.message().toStdString();
    field->setText(u"5555"_s);
    repeat->setText(u"5556"_s);
    dialog.submit();
    EXPECT_TRUE(dialog.message().contains(u"differ"_s));
    EXPECT_NE(dialog.result(), QDialog::Accepted);
    repeat->setText(u"5555"_s);
    dialog.submit();
    EXPECT_EQ(dialog.result(), QDialog::Accepted);
    EXPECT_TRUE(dialog.pinHash().matches(u"5555"_s));
}

TEST(SlotTile, ShowsAFailureInPlainWordsWithWhatToDo) {
    SlotTile tile;
    SlotTileState state;
    state.phase = SlotTileState::Phase::Failed;
    state.label = u"Slot 2"_s;
    state.step = u"Flashing firmware"_s;
    state.imei = u"351358811234560"_s;
    state.reason = u"The device went away while flashing."_s;
    state.advice = u"Check the cable, then press Retry."_s;
    state.finishedMs = 65'000;
    tile.setState(state);
    EXPECT_EQ(tile.verdictText(), u"FAIL"_s);
    EXPECT_TRUE(tile.reasonText().contains(state.reason));
    EXPECT_TRUE(tile.reasonText().contains(state.advice));
    EXPECT_EQ(tile.imeiText(), u"IMEI 351358811234560"_s);
    EXPECT_EQ(tile.elapsedText(), u"1:05"_s);
}

TEST(SlotTile, CountsTheElapsedTimeOfARunningDevice) {
    SlotTile tile;
    SlotTileState state;
    state.phase = SlotTileState::Phase::Running;
    state.startedAt = QDateTime::currentDateTimeUtc().addSecs(-125);
    state.progress = 0.4;
    tile.setState(state);
    EXPECT_EQ(tile.verdictText(), u"RUNNING"_s);
    EXPECT_TRUE(tile.elapsedText().startsWith(u"2:0"_s)) << tile.elapsedText().toStdString();
    EXPECT_TRUE(tile.imeiText().isEmpty());
}

TEST(SlotTile, FormatsHoursMinutesAndSeconds) {
    EXPECT_EQ(SlotTile::formatElapsed(0), u"0:00"_s);
    EXPECT_EQ(SlotTile::formatElapsed(9'999), u"0:09"_s);
    EXPECT_EQ(SlotTile::formatElapsed(723'000), u"12:03"_s);
    EXPECT_EQ(SlotTile::formatElapsed(3'723'000), u"1:02:03"_s);
}

TEST(ScanField, EmitsTheImeiOfAScanAndRefusesWhatIsNotOne) {
    ScanField field;
    QSignalSpy scanned(&field, &ScanField::scanned);
    QSignalSpy rejected(&field, &ScanField::rejected);
    field.show();
    QTest::keyClicks(&field, u"3513-5881 1234560"_s);
    QTest::keyClick(&field, Qt::Key_Return);
    ASSERT_EQ(scanned.size(), 1);
    EXPECT_EQ(scanned.at(0).at(0).toString(), u"351358811234560"_s);
    EXPECT_TRUE(field.text().isEmpty());
    QTest::keyClicks(&field, u"ABC123"_s);
    QTest::keyClick(&field, Qt::Key_Enter);
    EXPECT_EQ(scanned.size(), 1);
    ASSERT_EQ(rejected.size(), 1);
    EXPECT_EQ(rejected.at(0).at(0).toString(), u"ABC123"_s);
}
