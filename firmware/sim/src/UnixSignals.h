#pragma once

#include <QObject>

class QSocketNotifier;

namespace ps::devsim {

/// Delivers SIGUSR1, SIGUSR2, SIGINT, SIGTERM and SIGHUP into the Qt event loop (through a
/// socket pair, the only async-signal-safe way). One instance per process.
class UnixSignals : public QObject {
    Q_OBJECT
public:
    explicit UnixSignals(QObject *parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void received(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace ps::devsim
