#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace ps::cloudtest {

/// A private D-Bus session bus with GNOME Keyring's Secret Service on it, unlocked, for this
/// test process; DBUS_SESSION_BUS_ADDRESS points at it.
///
/// Lets the keychain path of ApiKeyStore run for real without touching the user's keyring:
/// the bus has no service files, so nothing else is started on it, and the keyring keeps its
/// files in a temporary folder.
///
/// One per process, made on first use and kept until the process ends: libsecret uses GLib's
/// shared session-bus connection, which is made once per process and raises SIGTERM in the
/// process when its bus goes away. So the bus must outlive every test; both daemons are tied to
/// the test process with PR_SET_PDEATHSIG and stop when it exits, even after a crash.
class KeyringSession {
public:
    static KeyringSession &shared();

    [[nodiscard]] bool isReady() const { return m_problem.isEmpty(); }
    /// Why the session could not be set up, naming the missing program or package.
    [[nodiscard]] const QString &problem() const { return m_problem; }

private:
    KeyringSession();
    bool startBus();
    bool startKeyring();

    QTemporaryDir m_dir;
    QProcess m_bus;
    QProcess m_keyring;
    QString m_address;
    QString m_problem;
};

} // namespace ps::cloudtest
