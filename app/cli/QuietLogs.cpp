#include "QuietLogs.h"

namespace ps::cli {

QuietLogs::QuietLogs(bool enable, Warnings warnings)
    : m_enabled(enable) {
    if (!m_enabled)
        return;
    s_warnings = warnings;
    s_previous = QLoggingCategory::installFilter(&filter);
}

QuietLogs::~QuietLogs() {
    if (!m_enabled)
        return;
    QLoggingCategory::installFilter(s_previous);
    s_previous = nullptr;
}

void QuietLogs::filter(QLoggingCategory *category) {
    if (s_previous)
        s_previous(category);
    const char *name = category->categoryName();
    if (qstrncmp(name, "provstation.", 12) != 0)
        return;
    category->setEnabled(QtDebugMsg, false);
    category->setEnabled(QtInfoMsg, false);
    if (s_warnings == Warnings::All || qstrcmp(name, "provstation.cloud") == 0)
        category->setEnabled(QtWarningMsg, false);
}

} // namespace ps::cli
