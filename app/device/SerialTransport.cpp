#include "SerialTransport.h"

#include "DeviceLogging.h"

#include <QFileInfo>

namespace ps::device {

namespace {

QString systemPathOf(const QString &portName) {
#ifdef Q_OS_UNIX
    if (!portName.startsWith(u'/'))
        return QStringLiteral("/dev/") + portName;
#endif
    return portName;
}

QSerialPort::Parity toQt(SerialSettings::Parity parity) {
    switch (parity) {
    case SerialSettings::Parity::Even:
        return QSerialPort::EvenParity;
    case SerialSettings::Parity::Odd:
        return QSerialPort::OddParity;
    case SerialSettings::Parity::None:
        break;
    }
    return QSerialPort::NoParity;
}

} // namespace

SerialTransport::SerialTransport(QString portName, SerialSettings settings, QObject *parent)
    : Transport(parent)
    , m_portName(std::move(portName))
    , m_settings(settings) {
    connect(&m_port, &QSerialPort::readyRead, this, [this] {
        const QByteArray bytes = m_port.readAll();
        if (!bytes.isEmpty())
            Q_EMIT bytesReceived(bytes);
    });
    connect(&m_port, &QSerialPort::errorOccurred, this, &SerialTransport::onErrorOccurred);
}

SerialTransport::~SerialTransport() {
    // Nobody should hear about a port that closes because its owner is going away.
    m_port.disconnect(this);
}

bool SerialTransport::open() {
    if (m_port.isOpen())
        return true;
    m_port.setPortName(m_portName);
    applySettings();
    if (!m_port.open(QIODevice::ReadWrite)) {
        const QFileInfo node(systemPathOf(m_portName));
        const bool accessible = node.exists() && node.isReadable() && node.isWritable();
        m_errorString = openErrorText(m_port.error(), m_portName, m_port.errorString(), accessible);
        m_port.clearError();
        qCDebug(lcTransport) << "open failed:" << m_errorString;
        return false;
    }
    m_errorString.clear();
    qCDebug(lcTransport) << "opened" << m_portName;
    Q_EMIT opened();
    return true;
}

void SerialTransport::close() {
    if (!m_port.isOpen())
        return;
    m_port.close();
    Q_EMIT closed();
}

bool SerialTransport::isOpen() const {
    return m_port.isOpen();
}

bool SerialTransport::write(const QByteArray &bytes) {
    if (!m_port.isOpen())
        return false;
    return m_port.write(bytes) == bytes.size();
}

QString SerialTransport::description() const {
    return m_portName;
}

QString SerialTransport::errorString() const {
    return m_errorString;
}

void SerialTransport::setPortName(const QString &portName) {
    m_portName = portName;
}

void SerialTransport::setSettings(const SerialSettings &settings) {
    m_settings = settings;
    if (m_port.isOpen())
        applySettings();
}

bool SerialTransport::applySettings() {
    const auto dataBits = static_cast<QSerialPort::DataBits>(m_settings.dataBits);
    const auto stopBits = m_settings.stopBits == 2 ? QSerialPort::TwoStop : QSerialPort::OneStop;
    const auto flow =
        m_settings.hardwareFlowControl ? QSerialPort::HardwareControl : QSerialPort::NoFlowControl;
    return m_port.setBaudRate(m_settings.baudRate) && m_port.setDataBits(dataBits) &&
           m_port.setParity(toQt(m_settings.parity)) && m_port.setStopBits(stopBits) &&
           m_port.setFlowControl(flow);
}

void SerialTransport::onErrorOccurred(QSerialPort::SerialPortError error) {
    // Errors during open() are reported by open() itself; only a port that was open can be lost.
    if (error == QSerialPort::NoError || !m_port.isOpen())
        return;
    switch (error) {
    case QSerialPort::ResourceError:
        fail(QStringLiteral("device removed (unplugged or reset)"));
        return;
    case QSerialPort::ReadError:
    case QSerialPort::WriteError:
        // A tty whose other end vanished fails its reads (a pty whose master closed, a USB
        // device mid-reset); keeping it open would only repeat the error.
        fail(QStringLiteral("device removed or not responding (%1 error)")
                 .arg(error == QSerialPort::ReadError ? QStringLiteral("read")
                                                      : QStringLiteral("write")));
        return;
    default:
        qCWarning(lcTransport) << m_portName << "reported" << error << m_port.errorString();
        m_port.clearError();
        return;
    }
}

void SerialTransport::fail(const QString &reason) {
    qCDebug(lcTransport) << m_portName << "lost:" << reason;
    m_errorString = reason;
    m_port.clearError();
    m_port.close();
    Q_EMIT lost(reason);
}

QString SerialTransport::openErrorText(QSerialPort::SerialPortError error, const QString &portName,
                                       const QString &systemMessage, bool accessible) {
    switch (error) {
    case QSerialPort::DeviceNotFoundError:
        return QStringLiteral("%1 does not exist: check the cable, or pick the port again from "
                              "the list (the device may be back under another name)")
            .arg(portName);
    case QSerialPort::PermissionError:
        if (accessible) {
            return QStringLiteral("Port busy: another program has %1 open (a terminal, "
                                  "nRF Connect or ModemManager); close it and connect again")
                .arg(portName);
        }
        return QStringLiteral("Permission denied on %1: add yourself to the dialout group "
                              "(sudo usermod -aG dialout $USER), then log out and in again")
            .arg(portName);
    case QSerialPort::OpenError:
        return QStringLiteral("%1 is already open in this window").arg(portName);
    case QSerialPort::UnsupportedOperationError:
        return QStringLiteral("%1 does not accept these line settings (%2): check the baud "
                              "rate and framing in the port settings")
            .arg(portName, systemMessage);
    default:
        return QStringLiteral("Cannot open %1: %2").arg(portName, systemMessage);
    }
}

} // namespace ps::device
