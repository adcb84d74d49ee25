#pragma once

// What the secret hygiene tests give the application, so that they can search everything it
// wrote and printed afterwards: a private home (settings, data, cache, state, runtime and
// temporary folders all inside one temporary folder), the Qt messages it logged at debug level
// and its raw stdout/stderr.

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QtGlobal>
#include <optional>

namespace ps::secrets::test {

/// HOME, the XDG base folders and TMPDIR pointed into one temporary folder for as long as
/// this object lives (for this process and, through environment(), for the programs it
/// starts). Everything the application writes without being told where ends up below root().
class PrivateHome {
public:
    PrivateHome();
    ~PrivateHome();
    PrivateHome(const PrivateHome &) = delete;
    PrivateHome &operator=(const PrivateHome &) = delete;

    [[nodiscard]] bool isValid() const { return m_dir.isValid(); }
    [[nodiscard]] QString root() const { return m_dir.path(); }
    [[nodiscard]] QString path(const QString &name) const { return m_dir.filePath(name); }
    /// The environment of this process with the redirections, for a child process.
    [[nodiscard]] QProcessEnvironment environment() const;

private:
    QTemporaryDir m_dir;
    QList<std::pair<QByteArray, std::optional<QByteArray>>> m_saved;
};

/// Every category logs at debug level, and every Qt message (category, type, text) is kept,
/// and still passed on to the handler before (which prints it to stderr).
class DebugLogging {
public:
    DebugLogging();
    ~DebugLogging();
    DebugLogging(const DebugLogging &) = delete;
    DebugLogging &operator=(const DebugLogging &) = delete;

    [[nodiscard]] QByteArray text() const;
};

/// File descriptors 1 and 2 written to files while this object lives: whatever the process
/// prints by any route (Qt's handler, printf, std::cerr) is in out() and err() afterwards.
class OutputCapture {
public:
    explicit OutputCapture(const QString &folder);
    ~OutputCapture();
    OutputCapture(const OutputCapture &) = delete;
    OutputCapture &operator=(const OutputCapture &) = delete;

    [[nodiscard]] bool isCapturing() const { return m_savedOut >= 0 && m_savedErr >= 0; }
    /// Restores the terminal; out() and err() read the files.
    void stop();
    [[nodiscard]] QByteArray out() const;
    [[nodiscard]] QByteArray err() const;

private:
    QString m_outPath;
    QString m_errPath;
    int m_savedOut = -1;
    int m_savedErr = -1;
};

/// One run of a program: its exit status and everything it printed.
struct ProgramRun {
    int status = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;
    [[nodiscard]] std::string text() const;
};

/// Runs `program` with `arguments` in `environment`, bounded by `timeoutMs`.
ProgramRun runProgram(const QString &program, const QStringList &arguments,
                      const QProcessEnvironment &environment, int timeoutMs);

} // namespace ps::secrets::test
