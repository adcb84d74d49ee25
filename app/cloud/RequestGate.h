#pragma once

#include <QObject>
#include <coroutine>
#include <deque>
#include <memory>

namespace ps::cloud {

/// Bounds how many requests are in flight at once (a counting semaphore for coroutines).
///
///     auto permit = co_await gate.acquire();   // waits, first come first served
///     ... send the request ...                 // the slot is freed when `permit` goes away
///
/// A station runs many flows in parallel; the gate keeps them from opening dozens of
/// connections at once and from tripping the cloud's rate limit. Waiters are resumed from the
/// event loop, never from inside another request's completion. A permit that outlives its gate
/// is harmless; coroutines still waiting when the gate is destroyed are never resumed.
class RequestGate {
    struct State {
        int capacity = 1;
        int inUse = 0;
        std::deque<std::coroutine_handle<>> waiting;
    };

public:
    /// Holds one slot until destroyed or moved from.
    class Permit {
    public:
        Permit() = default;
        Permit(Permit &&other) noexcept
            : m_gate(std::exchange(other.m_gate, nullptr))
            , m_state(std::move(other.m_state)) {}
        Permit &operator=(Permit &&other) noexcept;
        Permit(const Permit &) = delete;
        Permit &operator=(const Permit &) = delete;
        ~Permit() { release(); }

        [[nodiscard]] bool isValid() const { return !m_state.expired(); }
        void release();

    private:
        friend class RequestGate;
        Permit(RequestGate *gate, std::weak_ptr<State> state)
            : m_gate(gate)
            , m_state(std::move(state)) {}
        RequestGate *m_gate = nullptr;
        std::weak_ptr<State> m_state;
    };

    class Awaiter {
    public:
        explicit Awaiter(RequestGate *gate)
            : m_gate(gate) {}
        bool await_ready() noexcept;
        void await_suspend(std::coroutine_handle<> waiter);
        Permit await_resume() noexcept;

    private:
        RequestGate *m_gate;
    };

    explicit RequestGate(int capacity);
    RequestGate(const RequestGate &) = delete;
    RequestGate &operator=(const RequestGate &) = delete;

    [[nodiscard]] Awaiter acquire() { return Awaiter(this); }

    /// Changes the bound; more waiters start at once when it grows.
    void setCapacity(int capacity);
    [[nodiscard]] int capacity() const { return m_state->capacity; }
    [[nodiscard]] int inUse() const { return m_state->inUse; }
    [[nodiscard]] int waiting() const { return int(m_state->waiting.size()); }

private:
    void releaseSlot();
    void resumeWaiters();

    std::shared_ptr<State> m_state;
    QObject m_resumeContext; ///< queued resumptions die with the gate
};

} // namespace ps::cloud
