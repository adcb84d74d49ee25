#pragma once

#include "core/Line.h"
#include "core/LineAssembler.h"

#include <QObject>
#include <QString>
#include <memory>
#include <vector>

namespace ps::device {

class Transport;
class ShellSession;
class ModemClient;

/// Line settings of a serial port; 115200 8N1 without flow control is the nRF91 default.
struct SerialSettings {
    qint32 baudRate = 115200;
    int dataBits = 8;
    enum class Parity { None, Even, Odd } parity = Parity::None;
    int stopBits = 1;
    bool hardwareFlowControl = false;
    friend bool operator==(const SerialSettings &, const SerialSettings &) = default;
};

/// Everything attached to one serial port: the transport, the byte path (LineAssembler) and the
/// shell session, plus automatic reopening when the same device re-enumerates (a reset, a cable
/// pulled and put back). Windows and flows observe it; it owns its parts.
///
/// Byte path: transport bytes -> LineAssembler -> linesReceived (console, log parser, timeline)
/// and ShellSession::onLine. The incomplete tail (the prompt, typed text) is announced through
/// pendingTextChanged so a console can show it.
class DeviceLink : public QObject {
    Q_OBJECT
public:
    enum class State { Closed, Opening, Open, Reconnecting };
    Q_ENUM(State)

    /// Serial port by system location or name (e.g. "/dev/ttyACM0", or a pty slave path).
    explicit DeviceLink(QString portName, SerialSettings settings = {}, QObject *parent = nullptr);
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
