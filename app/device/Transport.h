#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

namespace ps::device {

/// A byte pipe to one device. SerialTransport is the real one (QSerialPort, which also opens a
/// pseudo-terminal slave path, so tests use openpty with the real class); tests may supply their
/// own. Non-blocking: open() returns at once, bytes arrive through bytesReceived().
class Transport : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~Transport() override = default;

    virtual bool open() = 0;
    virtual void close() = 0;
    [[nodiscard]] virtual bool isOpen() const = 0;
    /// Queues bytes for sending; returns false when the transport is closed or failed.
    virtual bool write(const QByteArray &bytes) = 0;
    [[nodiscard]] virtual QString description() const = 0;
    [[nodiscard]] virtual QString errorString() const = 0;

Q_SIGNALS:
    void bytesReceived(const QByteArray &bytes);
    /// The device went away (cable pulled, pty closed, read error). The transport is closed.
    void lost(const QString &reason);
    void opened();
    void closed();
};

} // namespace ps::device
