#pragma once

#include "SerialSettings.h"
#include "Transport.h"

#include <QSerialPort>

namespace ps::device {

/// The real Transport: a QSerialPort owned by value. Opens a system location ("/dev/ttyACM0"),
/// a port name ("ttyACM0", "COM3") or any path that is a tty, such as a pseudo-terminal slave or
/// a symlink to one (/dev/serial/by-id/...), which is how the tests and the virtual device use it.
///
/// Failures are reported in words that say what to do (errorString()), and a device that goes
/// away while open (unplugged, pty closed, read error) closes the port and emits lost(reason).
class SerialTransport : public Transport {
    Q_OBJECT
public:
    explicit SerialTransport(QString portName, SerialSettings settings = {},
                             QObject *parent = nullptr);
    ~SerialTransport() override;

    bool open() override;
    void close() override;
    [[nodiscard]] bool isOpen() const override;
    bool write(const QByteArray &bytes) override;
    [[nodiscard]] QString description() const override;
    [[nodiscard]] QString errorString() const override;

    /// Where the next open() looks; used to follow a device that re-enumerated under a new name.
    /// Takes effect at the next open().
    void setPortName(const QString &portName);
    [[nodiscard]] QString portName() const { return m_portName; }
    void setSettings(const SerialSettings &settings);
    [[nodiscard]] SerialSettings settings() const { return m_settings; }

    /// The message for a failed open, in words with the next step. `accessible` tells a real
    /// permission problem (the user may not open the device node) from a port that another
    /// program holds locked, which QSerialPort reports with the same error code.
    static QString openErrorText(QSerialPort::SerialPortError error, const QString &portName,
                                 const QString &systemMessage, bool accessible);

private:
    void onErrorOccurred(QSerialPort::SerialPortError error);
    void fail(const QString &reason);
    bool applySettings();

    QSerialPort m_port;
    QString m_portName;
    SerialSettings m_settings;
    QString m_errorString;
};

} // namespace ps::device
