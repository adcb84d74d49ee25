#pragma once

#include "core/bundle/FirmwareBundle.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <chrono>
#include <coroutine>
#include <expected>
#include <memory>
#include <qcoro/qcorotask.h>

namespace ps::device {

/// Why flashing stopped. `kind` is for the station's logic, `message` says what happened and
/// what to do next, in words an operator can act on.
struct FlashError {
    enum class Kind {
        BadBundle,       ///< the bundle has no image this flasher can write
        NotInRecovery,   ///< no SMP answer: the bootloader is not listening
        Timeout,         ///< the device stopped answering mid-flash
        Disconnected,    ///< the device went away (cable pulled)
        DeviceRefused,   ///< the device answered with an error (rc)
        BootCheckFailed, ///< after the reset the expected version did not come up
        Cancelled,
        ToolMissing, ///< nrfutil is not installed
        ToolFailed,  ///< nrfutil reported a failure
    };
    Kind kind = Kind::DeviceRefused;
    QString message;
    qint64 bytesSent = 0; ///< how far the upload got
};

QString toString(FlashError::Kind kind);

struct FlashOutcome {
    bool skipped = false; ///< the same image was already in place: no upload
    qint64 bytesSent = 0;
    double seconds = 0;
    double bytesPerSecond = 0;
    QString expectedVersion; ///< from the image header
    QString bootedVersion;   ///< from the boot banner (empty when not checked)
    QString banner;          ///< the banner line as the device printed it
    QString confirmation;    ///< what happened about test/confirm, in words
};

/// A way to put a bundle onto one device. Make one per flash; keep it alive until flash()
/// has finished (it is the coroutine's owner). cancel() stops at the next safe point and
/// flash() then fails with Kind::Cancelled.
class Flasher : public QObject {
    Q_OBJECT
public:
    enum class Stage { Connecting, Checking, Uploading, Confirming, Resetting, WaitingForBoot };
    Q_ENUM(Stage)

    using QObject::QObject;
    ~Flasher() override = default;

    virtual QCoro::Task<std::expected<FlashOutcome, FlashError>>
    flash(ps::bundle::FirmwareBundle bundle) = 0;

    void cancel() {
        m_cancelled = true;
        Q_EMIT wake();
    }
    [[nodiscard]] bool isCancelled() const { return m_cancelled; }

protected:
    /// `WakeAwaiter awaiter(*this, t); co_await awaiter;` resumes once, from the event loop, at the
    /// first wake() or after `t`. (QCoro's signal-with-timeout awaiter can resume twice when the
    /// signal fires twice before it runs, so flashers use this.)
    class WakeAwaiter {
    public:
        WakeAwaiter(Flasher &flasher, std::chrono::milliseconds timeout);
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> waiter);
        void await_resume() const noexcept {}

    private:
        struct State; // shared: QCoro's await_transform copies awaiters
        std::shared_ptr<State> m_state;
    };

Q_SIGNALS:
    void stageChanged(ps::device::Flasher::Stage stage, const QString &text);
    /// Bytes written so far of `total`, and the average rate since the upload started.
    void progress(qint64 sent, qint64 total, double bytesPerSecond);
    /// Internal: something a waiting flash() may care about happened.
    void wake();

private:
    bool m_cancelled = false;
};

} // namespace ps::device
