#include "DeviceLink.h"

#include "DeviceLogging.h"
#include "ModemClient.h"
#include "SerialTransport.h"
#include "ShellSession.h"

#include <QDateTime>
#include <QTimer>

namespace ps::device {

struct DeviceLink::Private {
    Private(DeviceLink *owner, std::unique_ptr<Transport> port, SerialTransport *serialPort,
            PortInfo info)
        : q(owner)
        , transport(std::move(port))
        , serial(serialPort)
        , device(std::move(info)) {}

    void wire();
    void setState(State next);
    void onBytes(const QByteArray &bytes);
    void onLost(const QString &reason);
    void resetAssembler();
    void retry();
    void giveUp();
    [[nodiscard]] QString where() const;

    DeviceLink *q;
    std::unique_ptr<Transport> transport;
    SerialTransport *serial; // transport, when it is a serial port
    ps::core::LineAssembler assembler;
    std::unique_ptr<ShellSession> shell;
    std::unique_ptr<ModemClient> modem;
    PortInfo device;
    PortResolver resolver;
    ReconnectPolicy policy;
    QTimer retryTimer;
    int attempts = 0;
    State state = State::Closed;
    bool autoReconnect = true;
    QString pending;
    QString errorString;
};

namespace {

PortInfo portInfoForName(const QString &portName) {
    PortInfo info;
    info.portName = portName.section(u'/', -1);
    info.systemLocation = portName;
    return info;
}

} // namespace

void DeviceLink::Private::wire() {
    shell = std::make_unique<ShellSession>(transport.get());
    modem = std::make_unique<ModemClient>(shell.get());
    retryTimer.setSingleShot(true);
    QObject::connect(&retryTimer, &QTimer::timeout, q, [this] { retry(); });
    QObject::connect(transport.get(), &Transport::bytesReceived, q,
                     [this](const QByteArray &bytes) { onBytes(bytes); });
    QObject::connect(transport.get(), &Transport::lost, q,
                     [this](const QString &reason) { onLost(reason); });
}

QString DeviceLink::Private::where() const {
    return serial ? serial->portName() : transport->description();
}

void DeviceLink::Private::setState(State next) {
    if (state == next)
        return;
    state = next;
    qCDebug(lcLink) << where() << "state" << next;
    Q_EMIT q->stateChanged(next);
}

void DeviceLink::Private::onBytes(const QByteArray &bytes) {
    Q_EMIT q->rawBytesReceived(bytes);
    const std::vector<ps::core::Line> lines =
        assembler.feed(bytes, QDateTime::currentMSecsSinceEpoch());
    if (!lines.empty())
        Q_EMIT q->linesReceived(lines);
    for (const ps::core::Line &line : lines)
        shell->onLine(line);
    // The shell looks at the pending text after every chunk: the prompt that ends a command can
    // read the same as the one before it, so "changed" is not enough for it.
    const QString tail = assembler.pendingText();
    shell->onPendingText(tail);
    if (tail != pending) {
        pending = tail;
        Q_EMIT q->pendingTextChanged(pending);
    }
}

void DeviceLink::Private::resetAssembler() {
    assembler.reset();
    if (!pending.isEmpty()) {
        pending.clear();
        Q_EMIT q->pendingTextChanged(pending);
    }
}

void DeviceLink::Private::onLost(const QString &reason) {
    errorString = reason;
    resetAssembler();
    shell->onDisconnected(reason);
    if (!autoReconnect) {
        Q_EMIT q->notice(QStringLiteral("Disconnected from %1: %2").arg(where(), reason));
        setState(State::Closed);
        return;
    }
    Q_EMIT q->notice(QStringLiteral("Disconnected from %1: %2; reconnecting when it is back")
                         .arg(where(), reason));
    attempts = 0;
    setState(State::Reconnecting);
    retryTimer.start(policy.interval);
}

void DeviceLink::Private::retry() {
    if (state != State::Reconnecting)
        return;
    ++attempts;
    std::optional<PortInfo> found = resolver ? resolver(device) : std::optional<PortInfo>(device);
    if (found && serial && !found->systemLocation.isEmpty())
        serial->setPortName(found->systemLocation);
    if (found && transport->open()) {
        const bool moved = found->systemLocation != device.systemLocation;
        if (resolver)
            device = *found;
        errorString.clear();
        setState(State::Open);
        // Only a resolver checks identity; a port that merely came back at the same name might
        // hold another device, so no claim is made then.
        QString how;
        if (resolver && !device.serialNumber.isEmpty())
            how = QStringLiteral(" (same device, serial %1)").arg(device.serialNumber);
        else if (resolver && moved)
            how = QStringLiteral(" (same device)");
        Q_EMIT q->notice(QStringLiteral("Reconnected to %1%2").arg(where(), how));
        return;
    }
    if (attempts >= policy.maxAttempts) {
        giveUp();
        return;
    }
    retryTimer.start(policy.interval);
}

void DeviceLink::Private::giveUp() {
    const auto waited =
        std::chrono::duration_cast<std::chrono::seconds>(policy.interval * attempts).count();
    errorString = QStringLiteral("%1 did not come back within %2 s: plug the device in and "
                                 "connect again")
                      .arg(where())
                      .arg(waited);
    setState(State::Closed);
    Q_EMIT q->notice(QStringLiteral("Gave up reconnecting: %1").arg(errorString));
}

DeviceLink::DeviceLink(QString portName, SerialSettings settings, QObject *parent)
    : DeviceLink(portInfoForName(portName), settings, parent) {}

DeviceLink::DeviceLink(const PortInfo &port, SerialSettings settings, QObject *parent)
    : QObject(parent) {
    const QString location = port.systemLocation.isEmpty() ? port.portName : port.systemLocation;
    auto serial = std::make_unique<SerialTransport>(location, settings);
    SerialTransport *serialPort = serial.get();
    d = std::make_unique<Private>(this, std::move(serial), serialPort, port);
    if (d->device.systemLocation.isEmpty())
        d->device.systemLocation = location;
    d->wire();
}

DeviceLink::DeviceLink(std::unique_ptr<Transport> transport, QObject *parent)
    : QObject(parent) {
    transport->setParent(nullptr); // owned here, through the unique_ptr
    PortInfo info = portInfoForName(transport->description());
    d = std::make_unique<Private>(this, std::move(transport), nullptr, std::move(info));
    d->wire();
}

DeviceLink::~DeviceLink() {
    d->retryTimer.stop();
    // Users before what they use: pending modem and shell calls end with Cancelled, then the
    // port closes without anyone listening.
    d->modem.reset();
    d->shell.reset();
    d->transport->disconnect(this);
    d->transport.reset();
}

bool DeviceLink::open() {
    if (d->state == State::Open)
        return true;
    d->retryTimer.stop();
    d->setState(State::Opening);
    d->resetAssembler();
    if (!d->transport->open()) {
        d->errorString = d->transport->errorString();
        d->setState(State::Closed);
        return false;
    }
    d->errorString.clear();
    d->setState(State::Open);
    return true;
}

void DeviceLink::close() {
    d->retryTimer.stop();
    d->transport->close();
    d->shell->onDisconnected(QStringLiteral("the port was closed"));
    d->resetAssembler();
    d->setState(State::Closed);
}

DeviceLink::State DeviceLink::state() const {
    return d->state;
}

QString DeviceLink::portName() const {
    return d->where();
}

QString DeviceLink::errorString() const {
    return d->errorString;
}

bool DeviceLink::send(const QByteArray &bytes) {
    return d->transport->isOpen() && d->transport->write(bytes);
}

ShellSession *DeviceLink::shell() const {
    return d->shell.get();
}

ModemClient *DeviceLink::modem() const {
    return d->modem.get();
}

ps::core::LineAssembler &DeviceLink::assembler() {
    return d->assembler;
}

void DeviceLink::setAutoReconnect(bool enabled) {
    d->autoReconnect = enabled;
    if (!enabled && d->state == State::Reconnecting) {
        d->retryTimer.stop();
        d->setState(State::Closed);
    }
}

bool DeviceLink::autoReconnect() const {
    return d->autoReconnect;
}

void DeviceLink::setReconnectPolicy(ReconnectPolicy policy) {
    d->policy = policy;
}

DeviceLink::ReconnectPolicy DeviceLink::reconnectPolicy() const {
    return d->policy;
}

void DeviceLink::setPortResolver(PortResolver resolver) {
    d->resolver = std::move(resolver);
}

PortInfo DeviceLink::device() const {
    return d->device;
}

void DeviceLink::setSerialSettings(const SerialSettings &settings) {
    if (d->serial)
        d->serial->setSettings(settings);
}

SerialSettings DeviceLink::serialSettings() const {
    return d->serial ? d->serial->settings() : SerialSettings{};
}

void DeviceLink::setPrompt(const QString &prompt) {
    d->assembler.setPrompt(prompt);
    d->shell->setPrompt(prompt);
}

Transport *DeviceLink::transport() const {
    return d->transport.get();
}

} // namespace ps::device
