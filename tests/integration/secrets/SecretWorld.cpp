#include "SecretWorld.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QMutex>
#include <QProcess>
#include <QTest>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace ps::secrets::test {

namespace {

struct Redirection {
    const char *variable;
    const char *folder;
};

constexpr Redirection Redirections[] = {
    {"HOME", "home"},
    {"XDG_CONFIG_HOME", "home/.config"},
    {"XDG_DATA_HOME", "home/.local/share"},
    {"XDG_CACHE_HOME", "home/.cache"},
    {"XDG_STATE_HOME", "home/.local/state"},
    {"XDG_RUNTIME_DIR", "runtime"},
    {"TMPDIR", "tmp"},
};

QMutex messagesMutex;
QByteArray messages;
QtMessageHandler previousHandler = nullptr;

void keepMessage(QtMsgType type, const QMessageLogContext &context, const QString &text) {
    static constexpr const char *Types[] = {"debug", "warning", "critical", "fatal", "info"};
    {
        const QMutexLocker lock(&messagesMutex);
        messages += QByteArray(context.category ? context.category : "default") + ' ' +
                    Types[qBound(0, int(type), 4)] + ": " + text.toUtf8() + '\n';
    }
    if (previousHandler)
        previousHandler(type, context, text);
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

PrivateHome::PrivateHome() {
    if (!m_dir.isValid())
        return;
    for (const Redirection &redirection : Redirections) {
        const QString folder = m_dir.filePath(QString::fromLatin1(redirection.folder));
        QDir().mkpath(folder);
        const QByteArray before = qgetenv(redirection.variable);
        m_saved.append({redirection.variable, qEnvironmentVariableIsSet(redirection.variable)
                                                  ? std::optional(before)
                                                  : std::nullopt});
        qputenv(redirection.variable, QFile::encodeName(folder));
    }
    // Qt insists on a runtime folder only its owner can enter.
    QFile::setPermissions(m_dir.filePath(u"runtime"_s),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

PrivateHome::~PrivateHome() {
    for (const auto &[variable, value] : std::as_const(m_saved)) {
        if (value)
            qputenv(variable.constData(), *value);
        else
            qunsetenv(variable.constData());
    }
}

QProcessEnvironment PrivateHome::environment() const {
    // Read now, so the child sees the redirections this object made.
    return QProcessEnvironment::systemEnvironment();
}

DebugLogging::DebugLogging() {
    {
        const QMutexLocker lock(&messagesMutex);
        messages.clear();
    }
    QLoggingCategory::setFilterRules(u"*.debug=true"_s);
    previousHandler = qInstallMessageHandler(&keepMessage);
}

DebugLogging::~DebugLogging() {
    qInstallMessageHandler(previousHandler);
    previousHandler = nullptr;
    QLoggingCategory::setFilterRules(QString());
}

QByteArray DebugLogging::text() const {
    const QMutexLocker lock(&messagesMutex);
    return messages;
}

OutputCapture::OutputCapture(const QString &folder)
    : m_outPath(QDir(folder).filePath(u"stdout.txt"_s))
    , m_errPath(QDir(folder).filePath(u"stderr.txt"_s)) {
    QDir().mkpath(folder);
    const int out = ::open(QFile::encodeName(m_outPath).constData(),
                           O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int err = ::open(QFile::encodeName(m_errPath).constData(),
                           O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0 || err < 0) {
        if (out >= 0)
            ::close(out);
        if (err >= 0)
            ::close(err);
        return;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    m_savedOut = ::dup(STDOUT_FILENO);
    m_savedErr = ::dup(STDERR_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::close(out);
    ::close(err);
}

OutputCapture::~OutputCapture() {
    stop();
}

void OutputCapture::stop() {
    if (!isCapturing())
        return;
    std::fflush(stdout);
    std::fflush(stderr);
    ::dup2(m_savedOut, STDOUT_FILENO);
    ::dup2(m_savedErr, STDERR_FILENO);
    ::close(m_savedOut);
    ::close(m_savedErr);
    m_savedOut = -1;
    m_savedErr = -1;
}

QByteArray OutputCapture::out() const {
    return readFile(m_outPath);
}

QByteArray OutputCapture::err() const {
    return readFile(m_errPath);
}

std::string ProgramRun::text() const {
    const QString text =
        u"exit %1%2\n--- stdout ---\n"_s.arg(status).arg(finished ? u""_s : u" (timed out)"_s) +
        QString::fromUtf8(out) + u"\n--- stderr ---\n"_s + QString::fromUtf8(err);
    return text.toStdString();
}

ProgramRun runProgram(const QString &program, const QStringList &arguments,
                      const QProcessEnvironment &environment, int timeoutMs) {
    ProgramRun run;
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    // Waits with the event loop turning, so the stand-in's and the device's pipes keep being
    // read meanwhile (a blocking wait would let them fill and stall those processes).
    run.finished = QTest::qWaitFor(
        [&] {
            run.out += process.readAllStandardOutput();
            run.err += process.readAllStandardError();
            return process.state() == QProcess::NotRunning;
        },
        timeoutMs);
    if (!run.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    run.out += process.readAllStandardOutput();
    run.err += process.readAllStandardError();
    run.status =
        process.exitStatus() == QProcess::NormalExit && process.error() != QProcess::FailedToStart
            ? process.exitCode()
            : -1;
    return run;
}

} // namespace ps::secrets::test
