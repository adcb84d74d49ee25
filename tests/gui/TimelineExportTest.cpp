// Files made from a timeline, read back: PNG, SVG, CSV, JSON, the tar support bundle (also
// opened again), and the tar writer and reader themselves.
#include "GuiTestSupport.h"
#include "TimelineTestSupport.h"
#include "gui/ConsoleModel.h"
#include "gui/timeline/TarArchive.h"
#include "gui/timeline/TimelineExporter.h"
#include "gui/timeline/TimelineLogLoader.h"
#include "gui/timeline/TimelineSession.h"
#include "gui/timeline/TimelineSummaryStrip.h"
#include "gui/timeline/TimelineView.h"

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

using namespace ps::gui;
using ps::core::TimelineLane;

namespace {

constexpr int Deadline = 30'000;

QByteArray readAll(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

int pixelsOfColour(const QImage &image, QRgb colour) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto *row = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            count += (row[x] & 0xffffff) == (colour & 0xffffff) ? 1 : 0;
    }
    return count;
}

class TimelineExportTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        m_log = test::timelineLog(QStringLiteral("first-provisioning.log"));
        m_session.setFile(m_log);
        test::feedFile(m_session, m_log, &m_console);
        m_view.setModel(&m_session.model(), m_session.clock(), false);
        m_view.resize(1000, 260);
        m_view.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&m_view));
        m_view.refreshNow();
    }
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    QTemporaryDir m_dir;
    QString m_log;
    TimelineSession m_session{TimelineSession::Kind::File};
    ConsoleModel m_console;
    TimelineView m_view;
};

} // namespace

TEST_F(TimelineExportTest, WritesASharpPngOfTheView) {
    const QString png = path("timeline.png");
    ASSERT_TRUE(TimelineExporter::writeImage(png, m_view, TimelineExporter::imageTitle(m_session),
                                             TimelineExporter::imageSubtitle(m_session)));
    const QImage image(png);
    ASSERT_FALSE(image.isNull());
    // Twice the pixels of the drawing, for HiDPI screens and print.
    const int width = std::max(m_view.width(), TimelineExporter::MinimumImageWidth);
    EXPECT_EQ(image.size(), m_view.documentSize(width, true) * 2);
    // The states are there in their colours: PDN up (green) and the refused cloud (orange).
    EXPECT_GT(pixelsOfColour(image, qRgb(0x2e, 0x7d, 0x32)), 1000);
    EXPECT_GT(pixelsOfColour(image, qRgb(0xff, 0x70, 0x43)), 1000);
}

TEST_F(TimelineExportTest, WritesAnSvgDrawingWithTheLanesAndTheTitle) {
    const QString svg = path("timeline.svg");
    ASSERT_TRUE(TimelineExporter::writeImage(svg, m_view, QStringLiteral("Run 42"),
                                             QStringLiteral("subtitle")));
    const QString text = QString::fromUtf8(readAll(svg));
    EXPECT_TRUE(text.startsWith(QLatin1String("<?xml")));
    EXPECT_TRUE(text.contains(QLatin1String("<title>Run 42</title>")));
    for (const char *lane : {"Device", "LTE", "Provisioning", "Cloud", "PDN up"})
        EXPECT_TRUE(text.contains(QLatin1String(lane))) << lane;
    QSvgRenderer renderer(svg);
    EXPECT_TRUE(renderer.isValid());
    EXPECT_EQ(
        renderer.viewBox().size(),
        m_view.documentSize(std::max(m_view.width(), TimelineExporter::MinimumImageWidth), true));
}

TEST_F(TimelineExportTest, WritesTheEventsAsCsvAndAsJson) {
    const QString csv = path("events.csv");
    ASSERT_TRUE(TimelineExporter::writeEvents(csv, m_session));
    const QStringList rows =
        QString::fromUtf8(readAll(csv)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(rows.size(), m_session.model().eventCount() + 1);
    EXPECT_EQ(rows.first(),
              QStringLiteral("line,deviceTime,hostTime,lane,state,kind,label,value,duration"));
    EXPECT_TRUE(std::ranges::any_of(rows, [](const QString &row) {
        return row.startsWith(QLatin1String("13,8.020441,,provisioning,processing,span,"));
    }));

    const QString json = path("events.json");
    ASSERT_TRUE(TimelineExporter::writeEvents(json, m_session));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(readAll(json), &error);
    ASSERT_EQ(error.error, QJsonParseError::NoError) << error.errorString().toStdString();
    EXPECT_EQ(document[QLatin1String("events")].toArray().size(), m_session.model().eventCount());
    EXPECT_EQ(document[QLatin1String("summary")][QLatin1String("provisioning")].toString(),
              QStringLiteral("done"));
}

TEST_F(TimelineExportTest, WritesASupportBundleAsOneTarFile) {
    const QString bundle = path("bundle.tar");
    ASSERT_TRUE(TimelineExporter::writeSupportBundle(bundle, m_session, m_view));
    QFile file(bundle);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const auto entries = TarReader::list(file);
    ASSERT_TRUE(entries) << entries.error().toStdString();
    QStringList names;
    for (const TarEntry &entry : *entries)
        names.append(entry.name.section(QLatin1Char('/'), 1));
    EXPECT_EQ(names, (QStringList{QStringLiteral("manifest.json"), QStringLiteral("device.log"),
                                  QStringLiteral("timeline.json"), QStringLiteral("summary.txt"),
                                  QStringLiteral("timeline.png")}));
    // One folder, named after the log.
    const QString folder = entries->front().name.section(QLatin1Char('/'), 0, 0);
    EXPECT_TRUE(folder.startsWith(QLatin1String("first-provisioning-"))) << folder.toStdString();
    for (const TarEntry &entry : *entries)
        EXPECT_EQ(entry.name.section(QLatin1Char('/'), 0, 0), folder);

    const auto entry = [&](const char *name) {
        return *TarReader::read(file, *TarReader::find(*entries, QString::fromLatin1(name)));
    };
    const QJsonObject manifest = QJsonDocument::fromJson(entry("manifest.json")).object();
    EXPECT_EQ(manifest[QLatin1String("format")].toString(),
              QStringLiteral("provstation-support-bundle"));
    EXPECT_EQ(manifest[QLatin1String("version")].toInt(), 1);
    EXPECT_EQ(manifest[QLatin1String("source")][QLatin1String("kind")].toString(),
              QStringLiteral("file"));
    const QJsonObject device = manifest[QLatin1String("device")].toObject();
    EXPECT_EQ(device[QLatin1String("deviceUuid")].toString(),
              QStringLiteral("4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12"));
    EXPECT_EQ(device[QLatin1String("firmware")].toString(),
              QStringLiteral("Asset Tracker Template v1.5.0"));
    EXPECT_EQ(manifest[QLatin1String("timeline")][QLatin1String("events")].toInt(),
              m_session.model().eventCount());

    EXPECT_EQ(entry("device.log"), readAll(m_log));
    const QJsonDocument events = QJsonDocument::fromJson(entry("timeline.json"));
    EXPECT_EQ(events[QLatin1String("events")].toArray().size(), m_session.model().eventCount());
    const QString summary = QString::fromUtf8(entry("summary.txt"));
    EXPECT_TRUE(summary.contains(QLatin1String("Provisioning: done"))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QLatin1String("Firmware: Asset Tracker Template v1.5.0")));
    EXPECT_TRUE(
        summary.contains(QLatin1String("Device UUID: 4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12")));
    EXPECT_FALSE(QImage::fromData(entry("timeline.png"), "PNG").isNull());

    // Any tar unpacks it.
    const QString tar = QStandardPaths::findExecutable(QStringLiteral("tar"));
    if (!tar.isEmpty()) {
        QProcess process;
        process.start(tar, {QStringLiteral("-tf"), bundle});
        ASSERT_TRUE(process.waitForFinished(Deadline));
        EXPECT_EQ(process.exitCode(), 0);
        EXPECT_EQ(QString::fromUtf8(process.readAllStandardOutput())
                      .split(QLatin1Char('\n'), Qt::SkipEmptyParts)
                      .size(),
                  5);
    }
}

TEST_F(TimelineExportTest, OpensASupportBundleAgainForItsTimeline) {
    const QString bundle = path("bundle.tar");
    ASSERT_TRUE(TimelineExporter::writeSupportBundle(bundle, m_session, m_view));
    TimelineSession reopened(TimelineSession::Kind::File);
    TimelineLogLoader loader(&reopened, nullptr);
    QSignalSpy finished(&loader, &TimelineLogLoader::finished);
    ASSERT_TRUE(loader.start(bundle));
    ASSERT_TRUE(finished.wait(Deadline));
    EXPECT_TRUE(finished.at(0).at(0).toBool());
    EXPECT_EQ(reopened.model().eventCount(), m_session.model().eventCount());
    EXPECT_EQ(timelineSummaryText(reopened.summary(), reopened.model()),
              timelineSummaryText(m_session.summary(), m_session.model()));
    EXPECT_TRUE(reopened.fileEntry().endsWith(QLatin1String("/device.log")));
    // And a bundle of the reopened bundle carries the same log.
    EXPECT_EQ(*reopened.logBytes(), readAll(m_log));
}

TEST(TimelineSupportBundle, APortsLogReadsBackToTheSameTimeline) {
    // A live capture: the lines of a run, each with the host time it arrived.
    TimelineSession live(TimelineSession::Kind::Live);
    live.setName(QStringLiteral("ttyACM0"));
    auto lines =
        test::linesOfFile(test::timelineLog(QStringLiteral("reboot-mid-provisioning.log")));
    qint64 host = 1'790'000'000'000;
    for (auto &line : lines)
        line.hostTimeMs = (host += 137);
    live.addLines(lines);
    TimelineView view;
    view.setModel(&live.model(), live.clock(), true);
    view.resize(900, 240);
    view.refreshNow();

    QTemporaryDir dir;
    const QString bundle = dir.filePath(QStringLiteral("live.tar"));
    ASSERT_TRUE(TimelineExporter::writeSupportBundle(bundle, live, view));
    QFile file(bundle);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const auto entries = TarReader::list(file);
    ASSERT_TRUE(entries);
    const QByteArray log =
        *TarReader::read(file, *TarReader::find(*entries, QStringLiteral("device.log")));
    EXPECT_TRUE(log.startsWith("[2026-09-21 "));

    const QString extracted = dir.filePath(QStringLiteral("device.log"));
    QFile out(extracted);
    ASSERT_TRUE(out.open(QIODevice::WriteOnly));
    out.write(log);
    out.close();
    TimelineSession reread(TimelineSession::Kind::File);
    test::feedFile(reread, extracted);
    EXPECT_EQ(reread.clock(), TimelineClock::HostUtc);
    EXPECT_EQ(reread.model().eventCount(), live.model().eventCount());
    EXPECT_EQ(timelineSummaryText(reread.summary(), reread.model()),
              timelineSummaryText(live.summary(), live.model()));
    const auto liveEvents = live.model().eventsInOrder();
    const auto rereadEvents = reread.model().eventsInOrder();
    ASSERT_EQ(liveEvents.size(), rereadEvents.size());
    for (size_t i = 0; i < liveEvents.size(); ++i) {
        EXPECT_EQ(rereadEvents[i].timeMs, liveEvents[i].timeMs) << i;
        EXPECT_EQ(rereadEvents[i].state, liveEvents[i].state) << i;
    }
}

TEST(TarArchive, KeepsNamesSizesAndBytes) {
    QByteArray archive;
    QBuffer buffer(&archive);
    buffer.open(QIODevice::WriteOnly);
    const QString longName =
        QStringLiteral("a-folder-with-a-rather-long-name-for-a-bundle-1234567890/") +
        QString(90, QLatin1Char('x')) + QStringLiteral(".log");
    const QByteArray block(512, 'b');
    QByteArray streamed(700'000, 's');
    streamed[123'456] = 'X';
    QBuffer source(&streamed);
    source.open(QIODevice::ReadOnly);
    TarWriter tar(&buffer);
    ASSERT_TRUE(tar.addFile(QStringLiteral("dir/empty.txt"), QByteArray(), 1'700'000'000));
    ASSERT_TRUE(tar.addFile(QStringLiteral("dir/block.bin"), block, 1'700'000'001));
    ASSERT_TRUE(tar.addFile(longName, source, streamed.size(), 1'700'000'002));
    ASSERT_TRUE(tar.finish());
    EXPECT_EQ(archive.size() % 512, 0);

    QBuffer reading(&archive);
    reading.open(QIODevice::ReadOnly);
    EXPECT_TRUE(TarReader::looksLikeTar(reading));
    const auto entries = TarReader::list(reading);
    ASSERT_TRUE(entries) << entries.error().toStdString();
    ASSERT_EQ(entries->size(), 3u);
    EXPECT_EQ((*entries)[0].name, QStringLiteral("dir/empty.txt"));
    EXPECT_EQ((*entries)[0].size, 0);
    EXPECT_EQ((*entries)[1].mtimeSeconds, 1'700'000'001);
    EXPECT_EQ((*entries)[2].name, longName);
    EXPECT_EQ(*TarReader::read(reading, (*entries)[1]), block);
    EXPECT_EQ(*TarReader::read(reading, (*entries)[2]), streamed);
}

TEST(TarArchive, RefusesADamagedHeaderAndAPlainLog) {
    QByteArray archive;
    QBuffer buffer(&archive);
    buffer.open(QIODevice::WriteOnly);
    TarWriter tar(&buffer);
    ASSERT_TRUE(tar.addFile(QStringLiteral("a.txt"), QByteArrayLiteral("hello"), 0));
    ASSERT_TRUE(tar.finish());
    archive[3] = 'Z'; // in the name: the checksum no longer matches
    QBuffer reading(&archive);
    reading.open(QIODevice::ReadOnly);
    EXPECT_FALSE(TarReader::looksLikeTar(reading));
    EXPECT_FALSE(TarReader::list(reading));

    QFile log(test::timelineLog(QStringLiteral("first-provisioning.log")));
    ASSERT_TRUE(log.open(QIODevice::ReadOnly));
    EXPECT_FALSE(TarReader::looksLikeTar(log));
}

TEST(TimelineLogLoader, RefusesAnArchiveThatIsNotABundle) {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("other.tar"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    TarWriter tar(&file);
    ASSERT_TRUE(tar.addFile(QStringLiteral("notes.txt"), QByteArrayLiteral("nothing here"), 0));
    ASSERT_TRUE(tar.finish());
    file.close();
    TimelineSession session(TimelineSession::Kind::File);
    TimelineLogLoader loader(&session, nullptr);
    const auto started = loader.start(path);
    ASSERT_FALSE(started);
    EXPECT_TRUE(started.error().contains(QLatin1String("device.log")));
    EXPECT_FALSE(loader.isRunning());
}
