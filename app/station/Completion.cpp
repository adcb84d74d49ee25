#include "Completion.h"

#include <QCoreApplication>
#include <QMetaObject>

namespace ps::station::detail {

void resumeLater(std::coroutine_handle<> handle) {
    if (QCoreApplication *app = QCoreApplication::instance()) {
        QMetaObject::invokeMethod(
            app, [handle] { handle.resume(); }, Qt::QueuedConnection);
        return;
    }
    handle.resume();
}

} // namespace ps::station::detail
