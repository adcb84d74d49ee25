#include "RequestGate.h"

#include <QTimer>
#include <algorithm>

namespace ps::cloud {

RequestGate::Permit &RequestGate::Permit::operator=(Permit &&other) noexcept {
    if (this != &other) {
        release();
        m_gate = std::exchange(other.m_gate, nullptr);
        m_state = std::move(other.m_state);
    }
    return *this;
}

void RequestGate::Permit::release() {
    // The state is shared with the gate: when it is gone, so is the gate, and nothing is owed.
    if (!m_state.expired() && m_gate)
        m_gate->releaseSlot();
    m_gate = nullptr;
    m_state.reset();
}

bool RequestGate::Awaiter::await_ready() noexcept {
    State &state = *m_gate->m_state;
    if (state.waiting.empty() && state.inUse < state.capacity) {
        ++state.inUse;
        return true;
    }
    return false;
}

void RequestGate::Awaiter::await_suspend(std::coroutine_handle<> waiter) {
    m_gate->m_state->waiting.push_back(waiter);
}

RequestGate::Permit RequestGate::Awaiter::await_resume() noexcept {
    return Permit(m_gate, m_gate->m_state);
}

RequestGate::RequestGate(int capacity)
    : m_state(std::make_shared<State>()) {
    m_state->capacity = std::max(1, capacity);
}

void RequestGate::setCapacity(int capacity) {
    m_state->capacity = std::max(1, capacity);
    resumeWaiters();
}

void RequestGate::releaseSlot() {
    --m_state->inUse;
    resumeWaiters();
}

void RequestGate::resumeWaiters() {
    State &state = *m_state;
    while (!state.waiting.empty() && state.inUse < state.capacity) {
        const std::coroutine_handle<> next = state.waiting.front();
        state.waiting.pop_front();
        ++state.inUse; // the slot is handed over now, so nobody can overtake the waiter
        QTimer::singleShot(0, &m_resumeContext, [next] { next.resume(); });
    }
}

} // namespace ps::cloud
