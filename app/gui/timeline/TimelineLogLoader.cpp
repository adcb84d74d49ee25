#include "TimelineLogLoader.h"

#include "TarArchive.h"
#include "TimelineSession.h"
#include "gui/ConsoleModel.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <limits>

namespace ps::gui {

TimelineLogLoader::TimelineLogLoader(TimelineSession *session, ConsoleModel *console,
                                     QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_console(console) {
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &TimelineLogLoader::step);
}

TimelineLogLoader::~TimelineLogLoader() = default;

std::expected<void, QString> TimelineLogLoader::start(const QString &path) {
    if (isRunning())
        return std::unexpected(tr("A log is being read already."));
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly))
        return std::unexpected(tr("Cannot read %1: %2").arg(path, m_file.errorString()));
    QString entryName;
    m_source = &m_file;
    m_total = m_file.size();
    if (TarReader::looksLikeTar(m_file)) {
        const auto entries = TarReader::list(m_file);
        if (!entries)
            return std::unexpected(tr("%1 is a damaged archive: %2").arg(path, entries.error()));
        const TarEntry *log = TarReader::find(*entries, QStringLiteral("device.log"));
        if (!log)
            return std::unexpected(
                tr("%1 is an archive without a device.log: not a ProvStation support bundle.")
                    .arg(path));
        auto bytes = TarReader::read(m_file, *log);
        if (!bytes)
            return std::unexpected(bytes.error());
        entryName = log->name;
        m_file.close();
        m_bundleLog.setData(*bytes);
        m_bundleLog.open(QIODevice::ReadOnly);
        m_source = &m_bundleLog;
        m_total = m_bundleLog.size();
    }
    m_assembler.reset();
    m_done = 0;
    m_lines = 0;
    if (m_session) {
        m_session->setFile(QFileInfo(path).absoluteFilePath(), entryName);
        m_session->setLoading(true);
        m_session->setLoadProgress(0, m_total);
    }
    m_timer.start();
    return {};
}

void TimelineLogLoader::cancel() {
    if (isRunning())
        finish(false, tr("Reading was cancelled after %1 lines.").arg(m_lines));
}

void TimelineLogLoader::step() {
    if (!m_session) {
        finish(false, tr("The timeline was closed."));
        return;
    }
    QElapsedTimer clock;
    clock.start();
    // A file has no arrival times: host time comes only from stamps inside the lines.
    while (clock.elapsed() < SliceMs) {
        const QByteArray chunk = m_source->read(ChunkBytes);
        if (chunk.isEmpty()) {
            if (m_source->atEnd()) {
                deliver(m_assembler.flush(0));
                finish(true, tr("%n line(s) read", nullptr,
                                int(std::min<qint64>(m_lines, std::numeric_limits<int>::max()))));
            } else {
                finish(false, tr("Reading stopped: %1").arg(m_source->errorString()));
            }
            return;
        }
        m_done += chunk.size();
        deliver(m_assembler.feed(chunk, 0));
    }
    m_session->setLoadProgress(m_done, m_total);
    Q_EMIT progress(m_done, m_total);
}

void TimelineLogLoader::deliver(const std::vector<ps::core::Line> &lines) {
    if (lines.empty())
        return;
    m_lines += qint64(lines.size());
    m_session->addLines(lines,
                        m_console ? std::optional<quint64>(m_console->endSeq()) : std::nullopt);
    if (m_console)
        m_console->appendLines(lines);
}

void TimelineLogLoader::finish(bool ok, const QString &message) {
    m_timer.stop();
    m_file.close();
    m_bundleLog.close();
    m_bundleLog.setData(QByteArray());
    if (m_session) {
        m_session->setLoadProgress(m_done, m_total);
        m_session->setLoading(false);
    }
    Q_EMIT progress(m_done, m_total);
    Q_EMIT finished(ok, message);
}

} // namespace ps::gui
