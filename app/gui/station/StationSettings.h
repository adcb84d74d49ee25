#pragma once

#include "PinLock.h"
#include "station/Station.h"

#include <QDateTime>
#include <QString>

class QSettings;

namespace ps::gui {

/// The flashing station's set-up as the engineer leaves it (group "station" of the settings):
/// where the slot map is kept, the firmware bundle, the label check, the flash options, the
/// consent to create the onboarding rule, and the engineer PIN's hash. The account (URLs, key,
/// cloud requests at once) stays in AccountSettings, the audit database in HistorySettings.
struct StationSettings {
    QString slotMapFile; ///< JSON slot map (ps::station::SlotMap); see defaultSlotMapFile()
    QString bundleFile;  ///< firmware bundle (zip); empty: no flashing
    bool labelCheck = false;
    int maxParallelSlots = 0; ///< slots that run their pipeline at once; 0: all of them
    bool createOnboardingRule = false;
    bool permanentImage = false; ///< mark the image permanent before the reset (no test boot)
    bool skipIfSame = true;      ///< no upload when the device already runs the image
    bool checkBoot = true;       ///< after the reset, the new version must boot
    PinHash pin;
    /// The shift summary counts attempts from here ("Start New Shift" sets it to now).
    QDateTime shiftStart;

    /// <app data>/station-slots.json.
    static QString defaultSlotMapFile();
    static StationSettings load(QSettings &store);
    void save(QSettings &store) const;

    /// The station's options from these settings (cloud, store and identity left to the
    /// caller).
    void applyTo(ps::station::StationOptions &options) const;

    friend bool operator==(const StationSettings &, const StationSettings &) = default;
};

} // namespace ps::gui
