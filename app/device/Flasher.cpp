#include "Flasher.h"

#include <QCoreApplication>

namespace ps::device {

struct Flasher::WakeAwaiter::State {
    Flasher *flasher = nullptr;
    std::chrono::milliseconds timeout{0};
    std::coroutine_handle<> waiter;
    QMetaObject::Connection connection;
    QTimer timer;
    bool fired = false;

    ~State() { QObject::disconnect(connection); }

    void fire() {
        if (fired)
            return;
        fired = true;
        QObject::disconnect(connection);
        timer.stop();
        // Resume from the event loop, never inside the emitter (a transport's signal handler).
        const std::coroutine_handle<> handle = waiter;
        QMetaObject::invokeMethod(
            QCoreApplication::instance(), [handle] { handle.resume(); }, Qt::QueuedConnection);
    }
};

Flasher::WakeAwaiter::WakeAwaiter(Flasher &flasher, std::chrono::milliseconds timeout)
    : m_state(std::make_shared<State>()) {
    m_state->flasher = &flasher;
    m_state->timeout = timeout;
}

void Flasher::WakeAwaiter::await_suspend(std::coroutine_handle<> waiter) {
    State *state = m_state.get();
    state->waiter = waiter;
    state->connection = QObject::connect(state->flasher, &Flasher::wake, state->flasher,
                                         [state] { state->fire(); });
    state->timer.setSingleShot(true);
    QObject::connect(&state->timer, &QTimer::timeout, state->flasher, [state] { state->fire(); });
    state->timer.start(state->timeout);
}

} // namespace ps::device
