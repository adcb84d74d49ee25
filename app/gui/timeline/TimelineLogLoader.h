#pragma once

#include "core/LineAssembler.h"

#include <QBuffer>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <expected>

namespace ps::gui {

class ConsoleModel;
class TimelineSession;

/// Reads a saved log into a timeline (and a console) without freezing the window: the file is
/// streamed through a LineAssembler in slices of about SliceMs of work per event-loop turn, so
/// the window repaints, the progress bar moves and Cancel works while a large capture loads.
/// The timeline fills as it goes; memory holds one chunk of bytes, not the file.
///
/// A support bundle (TimelineExporter::writeSupportBundle) opens too: its device.log is read.
///
///   auto *loader = new TimelineLogLoader(session, consoleModel, this);
///   connect(loader, &TimelineLogLoader::finished, this, [](bool ok, const QString &message)
///   {...}); if (const auto started = loader->start(path); !started) show(started.error());
class TimelineLogLoader : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 ChunkBytes = 64 * 1024;
    static constexpr int SliceMs = 12;

    /// `console` may be null (timeline only). Neither is owned.
    TimelineLogLoader(TimelineSession *session, ConsoleModel *console, QObject *parent = nullptr);
    ~TimelineLogLoader() override;

    /// Opens the file and starts reading on the next event-loop turns.
    std::expected<void, QString> start(const QString &path);
    void cancel();
    [[nodiscard]] bool isRunning() const { return m_timer.isActive(); }
    [[nodiscard]] qint64 bytesRead() const { return m_done; }
    [[nodiscard]] qint64 totalBytes() const { return m_total; }

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    /// Reading ended: ok with a summary ("1 234 lines"), or not with the reason.
    void finished(bool ok, const QString &message);

private:
    void step();
    void deliver(const std::vector<ps::core::Line> &lines);
    void finish(bool ok, const QString &message);

    QPointer<TimelineSession> m_session;
    QPointer<ConsoleModel> m_console;
    QFile m_file;
    QBuffer m_bundleLog; // the log inside a support bundle
    QIODevice *m_source = nullptr;
    ps::core::LineAssembler m_assembler;
    QTimer m_timer;
    qint64 m_done = 0;
    qint64 m_total = 0;
    qint64 m_lines = 0;
};

} // namespace ps::gui
