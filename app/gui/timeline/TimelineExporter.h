#pragma once

#include <QJsonObject>
#include <QString>
#include <expected>

namespace ps::gui {

class TimelineSession;
class TimelineView;

/// Files made from a timeline: an image of the view (PNG or SVG), its events (CSV or JSON, the
/// engine's export, also what `provstation-cli timeline --json/--csv` prints) and a support
/// bundle. Each file is written through QSaveFile: it appears complete or not at all.
///
/// The support bundle is one POSIX tar file (TarWriter; `tar xf` unpacks it, File › Open Log for
/// Timeline… opens it again) holding one folder `<source>-<yyyyMMdd-HHmmss>/` with:
///   manifest.json  format "provstation-support-bundle", version 1: when and by which
///                  ProvStation it was made, the source (port or file), the device identity as
///                  far as known, the summary, and a description of every file
///   device.log     the log: a port's lines, each prefixed with its host arrival time
///                  `[yyyy-MM-dd HH:mm:ss.zzz] ` (UTC), or the opened file's bytes
///   timeline.json  summary and events (TimelineExport::writeJson)
///   summary.txt    the same facts for a person: device, summary, counts
///   timeline.png   the view as it was shown
/// See docs/support-bundle.md.
class TimelineExporter {
public:
    TimelineExporter() = delete;

    static constexpr int BundleFormatVersion = 1;
    static constexpr int MinimumImageWidth = 900;

    /// PNG (at twice the pixel density, sharp on HiDPI screens) or SVG by the suffix of `path`
    /// (".svg"; anything else is PNG). `width` 0 takes the view's width (at least
    /// MinimumImageWidth); the height fits every lane.
    static std::expected<void, QString> writeImage(const QString &path, const TimelineView &view,
                                                   const QString &title, const QString &subtitle,
                                                   int width = 0);
    /// CSV for ".csv", else JSON.
    static std::expected<void, QString> writeEvents(const QString &path,
                                                    const TimelineSession &session);
    static std::expected<void, QString> writeSupportBundle(const QString &path,
                                                           const TimelineSession &session,
                                                           const TimelineView &view);

    /// "ttyACM0-20260126-101503": a name for files made from the session now.
    static QString suggestedBaseName(const TimelineSession &session);
    /// Title and subtitle of an exported image: source, and the summary in one line.
    static QString imageTitle(const TimelineSession &session);
    static QString imageSubtitle(const TimelineSession &session);
    /// summary.txt of a bundle.
    static QString summaryReport(const TimelineSession &session);
    /// manifest.json of a bundle (without the file list's sizes, which the bundle adds).
    static QJsonObject manifest(const TimelineSession &session, qint64 logBytes);
};

} // namespace ps::gui
