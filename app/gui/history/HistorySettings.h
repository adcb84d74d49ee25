#pragma once

#include <QString>

class QSettings;

namespace ps::gui {

/// Where the audit records live (group "history"). An empty `database` means the station's
/// default SQLite file (ps::station::AuditStoreOptions::defaultPath()).
struct HistorySettings {
    QString database;

    static HistorySettings load(QSettings &store);
    void save(QSettings &store) const;

    friend bool operator==(const HistorySettings &, const HistorySettings &) = default;
};

} // namespace ps::gui
