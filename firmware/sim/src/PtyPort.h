#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <expected>

class QSocketNotifier;

namespace ps::devsim {

/// The virtual device's UART: the master side of a pseudo-terminal whose slave path
/// (/dev/pts/N, optionally behind a symlink) a serial terminal opens like /dev/ttyACM0.
///
/// The slave is left in raw mode at 115200 baud and not held open by the device, so the device
/// knows whether a terminal is attached (the master reports a hang-up while no one has the slave
/// open). Bytes sent while no terminal is attached are lost, as they are on a real UART; bytes
/// the terminal does not read are queued up to 256 KiB, then dropped.
///
/// close() is a pulled cable: the pseudo-terminal disappears and an open terminal sees a read
/// error; open() again is the cable put back (a new /dev/pts/N, the same symlink).
///
/// setByteRate() makes it a slow line, as a UART at a given baud rate is: in each direction a
/// byte takes 1/rate seconds, so it is handed over (to the terminal, or to bytesReceived) when
/// its last bit would have arrived. Bytes the terminal writes wait in the pty's buffer until the
/// line has carried them, so a fast writer is held back as by a real port.
class PtyPort : public QObject {
    Q_OBJECT
public:
    explicit PtyPort(QString linkPath = {}, QObject *parent = nullptr);
    ~PtyPort() override;

    /// Opens a new pseudo-terminal; returns the slave path.
    std::expected<QString, QString> open();
    void close();

    [[nodiscard]] bool isOpen() const { return m_master >= 0; }
    [[nodiscard]] bool isTerminalAttached() const { return m_attached; }
    [[nodiscard]] QString slavePath() const { return m_slavePath; }
    [[nodiscard]] QString linkPath() const { return m_link; }

    void write(const QByteArray &bytes);

    /// Bytes per host second in each direction; 0 (the default) is as fast as the pty goes.
    void setByteRate(double bytesPerSecond);
    [[nodiscard]] double byteRate() const { return m_byteRate; }

    static constexpr qsizetype MaxQueuedBytes = 256 * 1024;

Q_SIGNALS:
    void bytesReceived(const QByteArray &bytes);
    void terminalAttachedChanged(bool attached);

private:
    void poll();
    void readAvailable();
    void flush();
    void setAttached(bool attached);
    [[nodiscard]] bool throttled() const { return m_byteRate > 0; }
    // The slow line: each direction keeps the host instant (ns) at which the last byte it
    // carried was complete; the next byte completes one byte time later.
    void onReadable();
    void receiveDue();
    void scheduleReceive();
    void transmitDue();
    /// Reads at most `limit` bytes (-1: all there is); returns how many, or -1 on hang-up.
    qsizetype readInto(QByteArray &received, qsizetype limit);

    QString m_link;
    QString m_slavePath;
    int m_master = -1;
    bool m_attached = false;
    QByteArray m_queue;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QTimer m_pollTimer;

    double m_byteRate = 0;
    double m_nsPerByte = 0;
    QElapsedTimer m_line;
    double m_rxDoneNs = 0;
    double m_txDoneNs = 0;
    bool m_rxBusy = false; ///< bytes are on the way in: the read notifier waits
    QTimer m_rxTimer;
    QTimer m_txTimer;
};

} // namespace ps::devsim
