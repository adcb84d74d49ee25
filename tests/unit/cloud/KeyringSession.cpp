#include "KeyringSession.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTest>
#include <csignal>
#include <sys/prctl.h>

using namespace Qt::StringLiterals;

namespace ps::cloudtest {

namespace {

constexpr int StartTimeoutMs = 15'000;

const char BusConfig[] =
    R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%1</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)";

} // namespace

KeyringSession &KeyringSession::shared() {
    // Deliberately never destroyed: see the class comment.
    static KeyringSession *session = new KeyringSession;
    return *session;
}

KeyringSession::KeyringSession() {
    if (!m_dir.isValid()) {
        m_problem = u"cannot make a temporary folder"_s;
        return;
    }
    // The daemons stop when this process ends, however it ends.
    const auto tieToThisProcess = [] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); };
    m_bus.setChildProcessModifier(tieToThisProcess);
    m_keyring.setChildProcessModifier(tieToThisProcess);
    if (startBus())
        startKeyring();
}

bool KeyringSession::startBus() {
    const QString program = QStandardPaths::findExecutable(u"dbus-daemon"_s);
    if (program.isEmpty()) {
        m_problem = u"dbus-daemon not found: install the Debian package dbus-daemon (or dbus)"_s;
        return false;
    }
    const QString socketDir = m_dir.filePath(u"bus"_s);
    QDir().mkpath(socketDir);
    const QString configPath = m_dir.filePath(u"bus.conf"_s);
    QFile config(configPath);
    if (!config.open(QIODevice::WriteOnly)) {
        m_problem = u"cannot write %1"_s.arg(configPath);
        return false;
    }
    config.write(QString::fromLatin1(BusConfig).arg(socketDir).toUtf8());
    config.close();

    m_bus.setProgram(program);
    m_bus.setArguments(
        {u"--config-file=%1"_s.arg(configPath), u"--nofork"_s, u"--print-address=1"_s});
    m_bus.start();
    QByteArray output;
    const bool ready =
        m_bus.waitForStarted(StartTimeoutMs) && QTest::qWaitFor(
                                                    [&] {
                                                        output += m_bus.readAllStandardOutput();
                                                        return output.contains('\n');
                                                    },
                                                    StartTimeoutMs);
    m_address = QString::fromUtf8(output).trimmed();
    if (!ready || !m_address.startsWith(u"unix:"_s)) {
        m_problem =
            u"dbus-daemon did not start: %1"_s.arg(QString::fromUtf8(m_bus.readAllStandardError()));
        return false;
    }
    qputenv("DBUS_SESSION_BUS_ADDRESS", m_address.toUtf8());
    return true;
}

bool KeyringSession::startKeyring() {
    const QString program = QStandardPaths::findExecutable(u"gnome-keyring-daemon"_s);
    if (program.isEmpty()) {
        m_problem = u"gnome-keyring-daemon not found: install the Debian package gnome-keyring"_s;
        return false;
    }
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString home = m_dir.filePath(u"home"_s);
    const QString runtime = m_dir.filePath(u"runtime"_s);
    QDir().mkpath(home);
    QDir().mkpath(runtime);
    QFile::setPermissions(runtime,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    environment.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, m_address);
    environment.insert(u"HOME"_s, home);
    environment.insert(u"XDG_DATA_HOME"_s, home + u"/data"_s);
    environment.insert(u"XDG_CONFIG_HOME"_s, home + u"/config"_s);
    environment.insert(u"XDG_RUNTIME_DIR"_s, runtime);
    m_keyring.setProcessEnvironment(environment);
    m_keyring.setProgram(program);
    // --unlock reads the login keyring's password from stdin and creates the keyring unlocked.
    m_keyring.setArguments({u"--foreground"_s, u"--unlock"_s, u"--components=secrets"_s});
    m_keyring.start();
    if (!m_keyring.waitForStarted(StartTimeoutMs)) {
        m_problem = u"gnome-keyring-daemon did not start: "_s + m_keyring.errorString();
        return false;
    }
    m_keyring.write("test-keyring-password");
    m_keyring.closeWriteChannel();

    QDBusConnection bus = QDBusConnection::connectToBus(m_address, u"provstation-keyring-check"_s);
    const bool registered = QTest::qWaitFor(
        [&] {
            return bus.isConnected() &&
                   bus.interface()->isServiceRegistered(u"org.freedesktop.secrets"_s).value();
        },
        StartTimeoutMs);
    QDBusConnection::disconnectFromBus(u"provstation-keyring-check"_s);
    if (!registered) {
        m_problem = u"gnome-keyring-daemon did not offer org.freedesktop.secrets: %1"_s.arg(
            QString::fromUtf8(m_keyring.readAllStandardError()));
        return false;
    }
    return true;
}

} // namespace ps::cloudtest
