#pragma once

#include <QDir>
#include <QFile>
#include <QObject>
#include <QString>
#include <QTimer>

namespace ps::gui {

/// Writes everything a console shows to a file as it arrives, so a session survives a crash or
/// a cleared console: one line per device line, prefixed with the host date and time.
///
/// Files go to `directory` (the GUI uses QStandardPaths::AppDataLocation/logs) and are named
/// `<port>_<yyyyMMdd-HHmmss>_<part>.log`. When a file reaches maxFileBytes the logger continues
/// in the next part; afterwards only the newest keepFiles log files of the folder are kept (all
/// sessions together), so the folder never grows without bound. Writes are buffered and flushed
/// on a one-second timer and on close, so a fast device costs no disk round trip per line.
class SessionLogger : public QObject {
    Q_OBJECT
public:
    struct Options {
        qint64 maxFileBytes = 10LL * 1024 * 1024;
        int keepFiles = 20;
    };

    SessionLogger(QString directory, QString portName, Options options, QObject *parent = nullptr);
    ~SessionLogger() override;

    /// The folder the GUI logs to: AppDataLocation/logs.
    static QString defaultDirectory();

    /// Opens the first file; false (with errorString()) when the folder cannot be written.
    bool open();
    void close();
    [[nodiscard]] bool isOpen() const { return m_file.isOpen(); }
    [[nodiscard]] QString currentFilePath() const { return m_file.fileName(); }
    [[nodiscard]] QString errorString() const { return m_error; }

    /// Appends one line: "yyyy-MM-dd HH:mm:ss.zzz <text>".
    void writeLine(qint64 hostTimeMs, const QString &text);
    /// Appends a line of the workstation's own ("--- Reconnected ... ---").
    void writeNotice(qint64 hostTimeMs, const QString &text);
    void flush();

Q_SIGNALS:
    /// Writing failed (disk full, folder removed); logging stops until the next open().
    void failed(const QString &message);

private:
    bool openPart();
    void rotate();
    void prune();
    void fail(const QString &message);

    QDir m_directory;
    QString m_baseName;
    Options m_options;
    QFile m_file;
    int m_part = 0;
    qint64 m_written = 0;
    QString m_error;
    QTimer m_flushTimer;
};

} // namespace ps::gui
