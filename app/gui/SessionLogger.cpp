#include "SessionLogger.h"

#include "ConsoleModel.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QStandardPaths>
#include <algorithm>

namespace ps::gui {

namespace {

// "/dev/ttyACM0" -> "ttyACM0", "/dev/pts/3" -> "pts-3": something that is safe in a file name.
QString fileSafe(const QString &portName) {
    QString name = portName;
    if (name.startsWith(QLatin1String("/dev/")))
        name = name.mid(5);
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    name.replace(unsafe, QStringLiteral("-"));
    name = name.left(64);
    return name.isEmpty() ? QStringLiteral("port") : name;
}

} // namespace

SessionLogger::SessionLogger(QString directory, QString portName, Options options, QObject *parent)
    : QObject(parent)
    , m_directory(std::move(directory))
    , m_options(options) {
    m_options.maxFileBytes = std::max<qint64>(1024, m_options.maxFileBytes);
    m_options.keepFiles = std::max(1, m_options.keepFiles);
    m_baseName = fileSafe(portName) + QLatin1Char('_') +
                 QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    m_flushTimer.setInterval(1000);
    connect(&m_flushTimer, &QTimer::timeout, this, &SessionLogger::flush);
}

SessionLogger::~SessionLogger() {
    close();
}

QString SessionLogger::defaultDirectory() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/logs");
}

bool SessionLogger::open() {
    close();
    m_error.clear();
    if (!m_directory.mkpath(QStringLiteral("."))) {
        m_error = tr("Cannot create the log folder %1; check that it is writable or change "
                     "the location in Preferences.")
                      .arg(QDir::toNativeSeparators(m_directory.absolutePath()));
        return false;
    }
    m_part = 0;
    if (!openPart())
        return false;
    m_flushTimer.start();
    return true;
}

void SessionLogger::close() {
    m_flushTimer.stop();
    if (m_file.isOpen()) {
        m_file.flush();
        m_file.close();
    }
}

void SessionLogger::writeLine(qint64 hostTimeMs, const QString &text) {
    if (!m_file.isOpen())
        return;
    const QByteArray line = (ConsoleModel::timestampText(hostTimeMs, true) + QLatin1Char(' ') +
                             text + QLatin1Char('\n'))
                                .toUtf8();
    if (m_written > 0 && m_written + line.size() > m_options.maxFileBytes)
        rotate();
    if (!m_file.isOpen())
        return;
    if (m_file.write(line) != line.size()) {
        fail(tr("Writing the session log %1 failed: %2. Logging stopped; free some disk space "
                "and reconnect.")
                 .arg(QDir::toNativeSeparators(m_file.fileName()), m_file.errorString()));
        return;
    }
    m_written += line.size();
}

void SessionLogger::writeNotice(qint64 hostTimeMs, const QString &text) {
    writeLine(hostTimeMs, QStringLiteral("--- ") + text + QStringLiteral(" ---"));
}

void SessionLogger::flush() {
    if (m_file.isOpen() && !m_file.flush())
        fail(tr("Writing the session log %1 failed: %2.")
                 .arg(QDir::toNativeSeparators(m_file.fileName()), m_file.errorString()));
}

bool SessionLogger::openPart() {
    ++m_part;
    m_file.setFileName(m_directory.filePath(
        m_baseName + QStringLiteral("_%1.log").arg(m_part, 3, 10, QLatin1Char('0'))));
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        m_error = tr("Cannot write the session log %1: %2")
                      .arg(QDir::toNativeSeparators(m_file.fileName()), m_file.errorString());
        return false;
    }
    m_written = m_file.size();
    prune();
    return true;
}

void SessionLogger::rotate() {
    m_file.flush();
    m_file.close();
    if (!openPart())
        fail(m_error);
}

void SessionLogger::prune() {
    // Oldest first by modification time, then by name (parts of one session share a second).
    QFileInfoList files = m_directory.entryInfoList({QStringLiteral("*.log")}, QDir::Files);
    std::ranges::sort(files, [](const QFileInfo &a, const QFileInfo &b) {
        const auto ta = a.lastModified();
        const auto tb = b.lastModified();
        return ta != tb ? ta < tb : a.fileName() < b.fileName();
    });
    const QString current = QFileInfo(m_file.fileName()).absoluteFilePath();
    qsizetype excess = files.size() - m_options.keepFiles;
    for (const QFileInfo &info : std::as_const(files)) {
        if (excess <= 0)
            break;
        if (info.absoluteFilePath() == current)
            continue;
        if (QFile::remove(info.absoluteFilePath()))
            --excess;
    }
}

void SessionLogger::fail(const QString &message) {
    m_error = message;
    close();
    Q_EMIT failed(message);
}

} // namespace ps::gui
