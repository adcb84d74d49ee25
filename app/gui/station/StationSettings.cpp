#include "StationSettings.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace ps::gui {

using namespace Qt::StringLiterals;

QString StationSettings::defaultSlotMapFile() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(u"station-slots.json"_s);
}

StationSettings StationSettings::load(QSettings &store) {
    StationSettings settings;
    settings.pin = PinHash::load(store);
    store.beginGroup(u"station"_s);
    settings.slotMapFile = store.value(u"slotMapFile"_s).toString().trimmed();
    if (settings.slotMapFile.isEmpty())
        settings.slotMapFile = defaultSlotMapFile();
    settings.bundleFile = store.value(u"bundleFile"_s).toString().trimmed();
    settings.labelCheck = store.value(u"labelCheck"_s, false).toBool();
    settings.maxParallelSlots = qBound(0, store.value(u"maxParallelSlots"_s, 0).toInt(), 256);
    settings.createOnboardingRule = store.value(u"createOnboardingRule"_s, false).toBool();
    settings.permanentImage = store.value(u"permanentImage"_s, false).toBool();
    settings.skipIfSame = store.value(u"skipIfSame"_s, true).toBool();
    settings.checkBoot = store.value(u"checkBoot"_s, true).toBool();
    settings.shiftStart =
        QDateTime::fromString(store.value(u"shiftStart"_s).toString(), Qt::ISODateWithMs);
    store.endGroup();
    return settings;
}

void StationSettings::save(QSettings &store) const {
    if (pin.isSet())
        pin.save(store);
    store.beginGroup(u"station"_s);
    store.setValue(u"slotMapFile"_s, slotMapFile);
    store.setValue(u"bundleFile"_s, bundleFile);
    store.setValue(u"labelCheck"_s, labelCheck);
    store.setValue(u"maxParallelSlots"_s, maxParallelSlots);
    store.setValue(u"createOnboardingRule"_s, createOnboardingRule);
    store.setValue(u"permanentImage"_s, permanentImage);
    store.setValue(u"skipIfSame"_s, skipIfSame);
    store.setValue(u"checkBoot"_s, checkBoot);
    store.setValue(u"shiftStart"_s, shiftStart.isValid()
                                        ? shiftStart.toUTC().toString(Qt::ISODateWithMs)
                                        : QString());
    store.endGroup();
}

void StationSettings::applyTo(ps::station::StationOptions &options) const {
    options.bundleFile = bundleFile;
    options.labelCheck = labelCheck;
    options.maxParallelSlots = maxParallelSlots;
    options.claim.createOnboardingRule = createOnboardingRule;
    options.flash.confirm = permanentImage ? ps::device::SmpFlashOptions::Confirm::Permanent
                                           : ps::device::SmpFlashOptions::Confirm::TestThenConfirm;
    options.flash.skipIfSame = skipIfSame;
    options.flash.checkBoot = checkBoot;
}

} // namespace ps::gui
