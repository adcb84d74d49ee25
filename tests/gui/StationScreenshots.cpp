// Makes docs/screenshots/station-operator.png and station-engineer*.png: the station window
// over a real Station with four virtual devices (provstation-devsim) and the stand-in
// (provstation-cloudsim), the demo bundle and the label check on. Slot S1 runs fast and
// passes, S2's device is unknown to the cloud and fails with its reason, S3 and S4 run slowly
// so they are still busy when the picture is taken. Run under a virtual X server (see
// StationScreenshots.sh); each picture is the window itself (QWidget::grab()).

#include "StationTestSupport.h"
#include "gui/station/EngineerView.h"
#include "gui/station/OperatorView.h"
#include "gui/station/SlotTile.h"

#include <QApplication>
#include <QDir>
#include <QTabWidget>
#include <QTest>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace ps::gui;
using namespace ps::gui::test;
using ps::station::test::RigOptions;
using ps::station::test::StationRig;

namespace {

bool fail(const QString &what) {
    std::fprintf(stderr, "station screenshots: %s\n", qPrintable(what));
    return false;
}

bool shoot(QWidget &window, const QString &folder, const QString &name) {
    QTest::qWait(300); // let the last changes paint before the picture
    const QString path = QDir(folder).filePath(name + u".png"_s);
    const bool saved = window.grab().save(path);
    std::printf("%s %s\n", saved ? "wrote" : "FAILED", qPrintable(path));
    return saved;
}

QString verdict(StationWindow &window, int slot) {
    return window.operatorView()->tile(StationRig::slotId(slot))->verdictText();
}

bool run(const QString &folder) {
    QTemporaryDir scratch;
    RigOptions options{.devices = 4};
    options.perDeviceArguments = {
        {},
        // Registered nowhere the stand-in looks: the dry-run claim is refused.
        {u"--registry"_s, scratch.filePath(u"elsewhere.jsonl"_s)},
        {u"--speed"_s, u"2"_s},
        {u"--speed"_s, u"2"_s},
    };
    StationBench bench(options, StationRig::demoBundle());
    if (!bench.isReady())
        return fail(bench.problem());
    {
        StationSettings settings = StationSettings::load(bench.store());
        settings.labelCheck = true;
        settings.save(bench.store());
        bench.store().sync();
    }
    auto window = bench.window();
    window->resize(1280, 760);
    window->move(20, 20);
    window->show();
    // The scanner: S1's and S2's labels are scanned as soon as they are asked for.
    QObject::connect(window->station(), &ps::station::Station::labelRequested, window.get(),
                     [&](const QString &slotId) {
                         for (int i : {0, 1}) {
                             if (slotId == StationRig::slotId(i))
                                 window->station()->submitLabel(bench.rig().imei(i), slotId);
                         }
                     });
    window->startStation();
    if (!QTest::qWaitFor([&] { return window->station()->isRunning(); }, 20'000))
        return fail(u"the station did not start: "_s + window->operatorView()->bannerText());

    const bool ready = QTest::qWaitFor(
        [&] { return verdict(*window, 0) == u"PASS"_s && verdict(*window, 1) == u"FAIL"_s; },
        120'000);
    if (!ready)
        return fail(u"S1 did not pass or S2 did not fail: %1 %2"_s.arg(verdict(*window, 0),
                                                                       verdict(*window, 1)));
    // Let the tiles' elapsed times tick once so they read as live.
    QTest::qWait(1200);
    if (!shoot(*window, folder, u"station-operator"_s))
        return false;

    if (!window->unlock(u"2468"_s))
        return fail(u"engineer mode did not open"_s);
    window->engineerView()->tabs()->setCurrentIndex(EngineerView::SlotsPage);
    if (!shoot(*window, folder, u"station-engineer"_s))
        return false;
    window->engineerView()->tabs()->setCurrentIndex(EngineerView::BundlePage);
    if (!shoot(*window, folder, u"station-engineer-bundle"_s))
        return false;
    window->engineerView()->tabs()->setCurrentIndex(EngineerView::FailuresPage);
    if (!shoot(*window, folder, u"station-engineer-failures"_s))
        return false;
    window->engineerView()->tabs()->setCurrentIndex(EngineerView::ReportsPage);
    if (!shoot(*window, folder, u"station-engineer-reports"_s))
        return false;
    window->leaveEngineerMode();
    window->stopStation();
    return true;
}

} // namespace

int main(int argc, char **argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"provstation-screenshots"_s);
    const QStringList arguments = QApplication::arguments();
    if (arguments.size() < 2) {
        std::fprintf(stderr, "usage: provstation_station_screenshots OUTPUT_FOLDER\n");
        return 2;
    }
    return run(arguments.at(1)) ? 0 : 1;
}
