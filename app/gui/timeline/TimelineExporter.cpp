#include "TimelineExporter.h"

#include "TarArchive.h"
#include "TimelineSession.h"
#include "TimelineSummaryStrip.h"
#include "TimelineView.h"
#include "core/timeline/TimelineExport.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTemporaryFile>
#include <QTextStream>
#include <QTimeZone>
#include <cmath>

namespace ps::gui {

namespace {

constexpr qreal ImagePixelRatio = 2.0;

QString tr(const char *text) {
    return QCoreApplication::translate("ps::gui::TimelineExporter", text);
}

std::expected<void, QString> commit(QSaveFile &file) {
    if (!file.commit())
        return std::unexpected(
            tr("Writing %1 failed: %2").arg(file.fileName(), file.errorString()));
    return {};
}

QSize imageSize(const TimelineView &view, int width) {
    if (width <= 0)
        width = std::max(view.width(), TimelineExporter::MinimumImageWidth);
    return view.documentSize(width, true);
}

QByteArray renderPng(const TimelineView &view, const QString &title, const QString &subtitle,
                     int width) {
    const QSize size = imageSize(view, width);
    QImage image(size * ImagePixelRatio, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(ImagePixelRatio);
    // The fonts are measured for the screen; the image gets the same logical resolution.
    const int dotsPerMeter = int(std::lround(view.logicalDpiX() / 0.0254));
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        view.paintDocument(painter, QRectF(QPointF(0, 0), QSizeF(size)), title, subtitle);
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

QString sourceKind(const TimelineSession &session) {
    return session.kind() == TimelineSession::Kind::Live ? QStringLiteral("port")
                                                         : QStringLiteral("file");
}

} // namespace

std::expected<void, QString> TimelineExporter::writeImage(const QString &path,
                                                          const TimelineView &view,
                                                          const QString &title,
                                                          const QString &subtitle, int width) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return std::unexpected(tr("Cannot write %1: %2").arg(path, file.errorString()));
    if (QFileInfo(path).suffix().compare(QLatin1String("svg"), Qt::CaseInsensitive) == 0) {
        const QSize size = imageSize(view, width);
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setResolution(view.logicalDpiX());
        svg.setTitle(title);
        svg.setDescription(subtitle);
        QPainter painter;
        if (!painter.begin(&svg))
            return std::unexpected(tr("Cannot draw into %1.").arg(path));
        view.paintDocument(painter, QRectF(QPointF(0, 0), QSizeF(size)), title, subtitle);
        painter.end();
    } else {
        const QByteArray png = renderPng(view, title, subtitle, width);
        if (png.isEmpty() || file.write(png) != png.size())
            return std::unexpected(tr("Cannot write %1: %2").arg(path, file.errorString()));
    }
    return commit(file);
}

std::expected<void, QString> TimelineExporter::writeEvents(const QString &path,
                                                           const TimelineSession &session) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return std::unexpected(tr("Cannot write %1: %2").arg(path, file.errorString()));
    {
        QTextStream out(&file);
        out.setEncoding(QStringConverter::Utf8);
        if (QFileInfo(path).suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0)
            ps::core::TimelineExport::writeCsv(out, session.model());
        else
            ps::core::TimelineExport::writeJson(out, session.model(), session.summary());
        out.flush();
        if (out.status() != QTextStream::Ok)
            return std::unexpected(tr("Writing %1 failed: %2").arg(path, file.errorString()));
    }
    return commit(file);
}

QString TimelineExporter::suggestedBaseName(const TimelineSession &session) {
    QString name = session.name().isEmpty() ? QStringLiteral("timeline") : session.name();
    if (session.kind() == TimelineSession::Kind::File)
        name = QFileInfo(name).completeBaseName();
    // Keep it a plain file name on every system.
    for (QChar &c : name) {
        if (!c.isLetterOrNumber() && c != u'-' && c != u'_' && c != u'.')
            c = u'_';
    }
    return name + QLatin1Char('-') +
           QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
}

QString TimelineExporter::imageTitle(const TimelineSession &session) {
    const QString kind =
        session.kind() == TimelineSession::Kind::Live ? tr("port %1") : tr("log %1");
    return tr("ProvStation timeline — %1").arg(kind.arg(session.name()));
}

QString TimelineExporter::imageSubtitle(const TimelineSession &session) {
    return timelineSummaryText(session.summary(), session.model());
}

QString TimelineExporter::summaryReport(const TimelineSession &session) {
    QStringList lines;
    lines << tr("ProvStation support bundle") << QString();
    lines << tr("Made:    %1 (UTC) by ProvStation %2")
                 .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate),
                      QStringLiteral(PROVSTATION_VERSION));
    if (session.kind() == TimelineSession::Kind::Live)
        lines << tr("Source:  serial port %1").arg(session.name());
    else
        lines << tr("Source:  log file %1").arg(session.filePath());
    lines << QString() << tr("Device");
    const DeviceIdentity identity = session.identity();
    if (identity.isEmpty())
        lines << tr("  (nothing in the log tells which device this is)");
    for (const auto &[title, value] : identity.rows())
        lines << QStringLiteral("  %1: %2").arg(title, value);
    lines << QString() << tr("Summary");
    for (const TimelineSummaryItem &item : timelineSummaryItems(session.summary(), session.model()))
        lines << QStringLiteral("  %1: %2").arg(item.title, item.value);
    const auto &summary = session.summary();
    lines << tr("  Connected to the cloud at the end: %1")
                 .arg(summary.cloudConnected ? tr("yes") : tr("no"));
    if (!summary.attestationToken.isEmpty())
        lines << tr("  Attestation token: %1").arg(summary.attestationToken);
    lines << QString() << tr("Timeline");
    lines << tr("  %1 events from %2 lines, rule table \"%3\" (version %4)")
                 .arg(session.model().eventCount())
                 .arg(session.engine().lineCount())
                 .arg(session.model().rules().name())
                 .arg(session.model().rules().version());
    if (session.logTruncated())
        lines << tr("  device.log stops at %1 MiB; the timeline covers every line.")
                     .arg(TimelineSession::MaxCapturedLogBytes / (1024 * 1024));
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QJsonObject TimelineExporter::manifest(const TimelineSession &session, qint64 logBytes) {
    QJsonObject source{{QStringLiteral("kind"), sourceKind(session)},
                       {QStringLiteral("name"), session.name()}};
    if (session.kind() == TimelineSession::Kind::File)
        source.insert(QStringLiteral("path"), session.filePath());
    const auto file = [](const QString &name, const QString &description) {
        return QJsonObject{{QStringLiteral("name"), name},
                           {QStringLiteral("description"), description}};
    };
    return QJsonObject{
        {QStringLiteral("format"), QStringLiteral("provstation-support-bundle")},
        {QStringLiteral("version"), BundleFormatVersion},
        {QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("application"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("ProvStation")},
                     {QStringLiteral("version"), QStringLiteral(PROVSTATION_VERSION)}}},
        {QStringLiteral("source"), source},
        {QStringLiteral("device"), session.identity().toJson()},
        {QStringLiteral("summary"), ps::core::TimelineExport::summaryToJson(session.summary())},
        {QStringLiteral("log"), QJsonObject{{QStringLiteral("lines"), session.engine().lineCount()},
                                            {QStringLiteral("bytes"), logBytes},
                                            {QStringLiteral("truncated"), session.logTruncated()},
                                            {QStringLiteral("hostTimestamps"),
                                             session.kind() == TimelineSession::Kind::Live}}},
        {QStringLiteral("timeline"),
         QJsonObject{{QStringLiteral("events"), session.model().eventCount()},
                     {QStringLiteral("rules"), session.model().rules().name()},
                     {QStringLiteral("rulesVersion"), session.model().rules().version()}}},
        {QStringLiteral("files"),
         QJsonArray{
             file(QStringLiteral("manifest.json"), tr("this description")),
             file(QStringLiteral("device.log"),
                  session.kind() == TimelineSession::Kind::Live
                      ? tr("the port's lines, each after its host arrival time in UTC")
                      : tr("the log file as it was opened")),
             file(QStringLiteral("timeline.json"), tr("summary and every timeline event")),
             file(QStringLiteral("summary.txt"), tr("device, summary and counts for a person")),
             file(QStringLiteral("timeline.png"), tr("the timeline view")),
         }},
    };
}

std::expected<void, QString> TimelineExporter::writeSupportBundle(const QString &path,
                                                                  const TimelineSession &session,
                                                                  const TimelineView &view) {
    const auto log = session.logBytes();
    if (!log)
        return std::unexpected(log.error());

    // The events go through a temporary file: a long capture's JSON is never one big string.
    QTemporaryFile events;
    if (!events.open())
        return std::unexpected(
            tr("No temporary file for the events: %1").arg(events.errorString()));
    {
        QTextStream out(&events);
        out.setEncoding(QStringConverter::Utf8);
        ps::core::TimelineExport::writeJson(out, session.model(), session.summary());
        out.flush();
        if (out.status() != QTextStream::Ok)
            return std::unexpected(tr("Writing the events failed: %1").arg(events.errorString()));
    }
    const qint64 eventsSize = events.size();
    events.seek(0);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return std::unexpected(tr("Cannot write %1: %2").arg(path, file.errorString()));
    const QString folder = suggestedBaseName(session) + QLatin1Char('/');
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray manifestJson =
        QJsonDocument(manifest(session, log->size())).toJson(QJsonDocument::Indented);
    TarWriter tar(&file);
    const bool written =
        tar.addFile(folder + QStringLiteral("manifest.json"), manifestJson, now) &&
        tar.addFile(folder + QStringLiteral("device.log"), *log, now) &&
        tar.addFile(folder + QStringLiteral("timeline.json"), events, eventsSize, now) &&
        tar.addFile(folder + QStringLiteral("summary.txt"), summaryReport(session).toUtf8(), now) &&
        tar.addFile(folder + QStringLiteral("timeline.png"),
                    renderPng(view, imageTitle(session), imageSubtitle(session), 0), now) &&
        tar.finish();
    if (!written)
        return std::unexpected(tr("Writing %1 failed: %2").arg(path, tar.errorString()));
    return commit(file);
}

} // namespace ps::gui
