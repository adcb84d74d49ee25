#pragma once

#include <QtGlobal>
#include <coroutine>
#include <memory>
#include <optional>
#include <utility>

namespace ps::station {

namespace detail {
/// Resumes `handle` from the event loop (never from inside the caller's stack), so whoever
/// completes a wait may still be in the middle of its own work or about to be destroyed.
void resumeLater(std::coroutine_handle<> handle);
} // namespace detail

/// A value that arrives once, awaited by at most one coroutine; the first complete() wins.
///
/// The flows race a step against its timeout and a cancel request with one of these: whoever
/// completes first decides, later completions are ignored. Hold it in a shared_ptr: the
/// awaiting coroutine keeps it alive while it waits, and the completer may outlive it.
///
///     auto done = std::make_shared<Completion<int>>();
///     timer.callOnTimeout(context, [done] { done->complete(-1); });
///     int value = co_await *done;
///
/// The waiter is resumed from the event loop, so a coroutine that awaits a Completion must
/// check that its object still exists afterwards (STYLE §5).
template<typename T> class Completion {
public:
    /// Stores `value` and wakes the waiter; false (and `value` dropped) when already completed.
    bool complete(T value) {
        if (m_value)
            return false;
        m_value.emplace(std::move(value));
        if (std::coroutine_handle<> waiter = std::exchange(m_waiter, {}))
            detail::resumeLater(waiter);
        return true;
    }
    [[nodiscard]] bool isCompleted() const { return m_value.has_value(); }

    class Awaiter {
    public:
        explicit Awaiter(Completion *completion)
            : m_completion(completion) {}
        bool await_ready() const noexcept { return m_completion->m_value.has_value(); }
        void await_suspend(std::coroutine_handle<> waiter) noexcept {
            m_completion->m_waiter = waiter;
        }
        T await_resume() { return std::move(*m_completion->m_value); }

    private:
        Completion *m_completion;
    };
    Awaiter operator co_await() { return Awaiter(this); }

private:
    std::optional<T> m_value;
    std::coroutine_handle<> m_waiter;
};

} // namespace ps::station
