#pragma once

#include "PortInfo.h"
#include "SerialSettings.h"
#include "core/Line.h"
#include "core/LineAssembler.h"

#include <QObject>
#include <QString>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace ps::device {

class Transport;
class ShellSession;
class ModemClient;

/// Everything attached to one serial port: the transport, the byte path (LineAssembler) and the
/// shell session, plus automatic reopening when the same device re-enumerates (a reset, a cable
/// pulled and put back). Windows and flows observe it; it owns its parts.
///
/// Byte path: transport bytes -> LineAssembler -> linesReceived (console, log parser, timeline)
/// and ShellSession::onLine. The incomplete tail (the prompt, typed text) is announced through
/// pendingTextChanged so a console can show it.
///
/// Reconnection: when the transport is lost (and autoReconnect() is on, the default) the state
/// becomes Reconnecting and the link tries to open the device again every
/// ReconnectPolicy::interval, up to maxAttempts times, then gives up (Closed). Where it looks:
/// - without a resolver, at the same port name (a reset, a cable put back in the same socket);
/// - with setPortResolver(), wherever the resolver finds the device (PortWatcher::resolver()
///   finds it by PortInfo::identity() under a new name, e.g. ttyACM0 -> ttyACM2).
/// Each step is announced through notice(); the command in flight fails with Disconnected.
class DeviceLink : public QObject {
    Q_OBJECT
public:
    enum class State { Closed, Opening, Open, Reconnecting };
    Q_ENUM(State)

    /// Where the device is now, given the device the link was opened for (its identity() is
    /// what to look for); nullopt while it is absent.
    using PortResolver = std::function<std::optional<PortInfo>(const PortInfo &device)>;

    struct ReconnectPolicy {
        std::chrono::milliseconds interval{500};
        int maxAttempts = 60; ///< about 30 s at the default interval
    };

    /// Serial port by system location or name (e.g. "/dev/ttyACM0", or a pty slave path).
    explicit DeviceLink(QString portName, SerialSettings settings = {}, QObject *parent = nullptr);
    /// A port from the port list (PortWatcher); remembers its identity for reconnection.
    explicit DeviceLink(const PortInfo &port, SerialSettings settings = {},
                        QObject *parent = nullptr);
    /// Any transport (tests). Auto-reconnect then calls transport->open() again.
    explicit DeviceLink(std::unique_ptr<Transport> transport, QObject *parent = nullptr);
    ~DeviceLink() override;

    bool open();
    void close();
    [[nodiscard]] State state() const;
    [[nodiscard]] QString portName() const;
    [[nodiscard]] QString errorString() const;

    /// Raw bytes to the device (the console's hex send and line ending are the caller's choice).
    bool send(const QByteArray &bytes);

    ShellSession *shell() const;
    ModemClient *modem() const;
    ps::core::LineAssembler &assembler();

    void setAutoReconnect(bool enabled);
    [[nodiscard]] bool autoReconnect() const;
    void setReconnectPolicy(ReconnectPolicy policy);
    [[nodiscard]] ReconnectPolicy reconnectPolicy() const;
    /// See the class comment; an empty function restores "same port name".
    void setPortResolver(PortResolver resolver);
    /// The device this link follows (its port name and, when known, USB identity).
    [[nodiscard]] PortInfo device() const;

    /// Line settings for a serial port (applied at once when open); ignored for other transports.
    void setSerialSettings(const SerialSettings &settings);
    [[nodiscard]] SerialSettings serialSettings() const;
    /// The shell prompt, for the LineAssembler and the ShellSession alike.
    void setPrompt(const QString &prompt);
    [[nodiscard]] Transport *transport() const;

Q_SIGNALS:
    void linesReceived(const std::vector<ps::core::Line> &lines);
    void pendingTextChanged(const QString &pending);
    void rawBytesReceived(const QByteArray &bytes);
    void stateChanged(ps::device::DeviceLink::State state);
    /// Human-readable events for the console: "Disconnected: device removed",
    /// "Reconnected to /dev/ttyACM0 (same device, serial 001051234567)".
    void notice(const QString &message);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ps::device
