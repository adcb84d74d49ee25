#include "HistorySettings.h"

#include <QSettings>

namespace ps::gui {

using namespace Qt::StringLiterals;

HistorySettings HistorySettings::load(QSettings &store) {
    HistorySettings settings;
    store.beginGroup(u"history"_s);
    settings.database = store.value(u"database"_s).toString().trimmed();
    store.endGroup();
    return settings;
}

void HistorySettings::save(QSettings &store) const {
    store.beginGroup(u"history"_s);
    store.setValue(u"database"_s, database);
    store.endGroup();
}

} // namespace ps::gui
