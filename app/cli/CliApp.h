#pragma once

#include "device/PortInfo.h"

#include <QList>
#include <QObject>
#include <QStringList>
#include <QTextStream>
#include <functional>
#include <qcoro/qcorotask.h>

namespace ps::cli {

/// provstation-cli's commands. main() hands it the arguments and two streams; tests do the same
/// and read what it printed. Results go to `out` (JSON where asked for), diagnostics to `err`.
///
///   provstation-cli --version
///   provstation-cli ports [--json]
///   provstation-cli token decode <token|->
///   provstation-cli at --port <port> [--timeout <ms>] <AT command>
///   provstation-cli timeline <logfile> [--json | --csv] [--rules <table.json>]
class CliApp : public QObject {
    Q_OBJECT
public:
    CliApp(QTextStream &out, QTextStream &err, QObject *parent = nullptr);

    /// Runs one command line (without the program name) and returns the exit status.
    QCoro::Task<int> run(QStringList args);

    /// Where `ports` gets its list; tests replace it.
    void setPortLister(std::function<QList<ps::device::PortInfo>()> lister);
    /// Where `token decode -` reads from; tests replace it.
    void setStdinReader(std::function<QString()> reader);

    static QString usage();

private:
    int ports(const QStringList &args);
    int tokenDecode(const QStringList &args);
    QCoro::Task<int> at(QStringList args);
    int timeline(const QStringList &args);

    QTextStream &m_out;
    QTextStream &m_err;
    std::function<QList<ps::device::PortInfo>()> m_portLister;
    std::function<QString()> m_stdinReader;
};

} // namespace ps::cli
