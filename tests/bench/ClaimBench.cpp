// Claim latency (issue 9): how long after the device's `Connected to Cloud` line leaves the
// virtual device the claim wizard shows it, and how long a whole claim takes.
//
// Each claim is a fresh world (tests/gui WizardWorld): a new provstation-cloudsim, a new
// provstation-devsim device (device clock 50x), the station's DeviceLink on the device's pty
// through a PtyTee relay that notes, on std::chrono::steady_clock, when each `Connected to
// Cloud` line passes. The real ClaimWizard is shown on the X display and clicked through as
// soon as each page lets the operator go on (no waiting in between: the clicks are driven by
// the pages' own completeChanged). An application event filter notes, on the same clock,
// when the Verify page's "connected" label is painted with the tick:
//
//   latency_p50_ms / latency_max_ms   line passed the relay -> Verify page painted it
//   states_p50_ms                     line passed -> the Claim page's device view painted the
//                                     connection (when that page was still up; states_seen)
//   line_before_verify                claims in which the line came before the operator could
//                                     reach the Verify page (its latency then includes the
//                                     provision step's end and the click)
//   claim_wall_p50_s / claim_wall_max_s  device plugged (its port handed to the station, the
//                                     device powers up when the station opens it) -> the
//                                     verify step succeeded (nRF Cloud lists the device)
//   claims                            claims measured (all must succeed)
//
// The wizard's FlowTracker coalesces its updates (33 ms) and the device view its repaints
// (50 ms), so a few tens of ms are the design's floor.
#include "BenchStats.h"
#include "PtyTee.h"
#include "WizardTestSupport.h"
#include "gui/wizards/ClaimWizard.h"
#include "gui/wizards/DeviceStatesView.h"
#include "gui/wizards/FlowTracker.h"

#include <QAbstractButton>
#include <QApplication>
#include <QEventLoop>
#include <QLabel>
#include <QPointer>
#include <QTest>
#include <QTimer>
#include <QWizardPage>
#include <benchmark/benchmark.h>
#include <expected>
#include <memory>
#include <optional>

using namespace ps::bench;
using namespace ps::gui;
using namespace ps::gui::test;
using namespace Qt::StringLiterals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int ClaimTimeoutMs = 240'000;
const QByteArray ConnectedLine = QByteArrayLiteral("Connected to Cloud");

double msBetween(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

/// Notes the first paint of the wizard's labels that show the device's cloud connection: the
/// Verify page's tick, and the Claim page's device view lane.
class PaintWatch : public QObject {
public:
    explicit PaintWatch(QWidget *wizard)
        : m_wizard(wizard) {
        qApp->installEventFilter(this);
    }
    ~PaintWatch() override { qApp->removeEventFilter(this); }

    std::optional<Clock::time_point> verifyPainted;
    std::optional<Clock::time_point> statesPainted;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override {
        if (event->type() != QEvent::Paint)
            return false;
        auto *label = qobject_cast<QLabel *>(watched);
        if (!label || label->window() != m_wizard)
            return false;
        const auto now = Clock::now();
        if (!verifyPainted && label->objectName() == u"connectedValue"_s &&
            label->text().startsWith(u"✔"_s))
            verifyPainted = now;
        if (!statesPainted && qobject_cast<DeviceStatesView *>(label->parentWidget()) &&
            label->text().contains(u"Connected to nRF Cloud"_s))
            statesPainted = now;
        return false;
    }

private:
    QPointer<QWidget> m_wizard;
};

struct ClaimFigures {
    double latencyMs = 0;
    std::optional<double> statesMs;
    bool lineBeforeVerifyPage = false;
    double wallS = 0;
};

/// One claim of a fresh device; the figures, or why there are none.
std::expected<ClaimFigures, QString> claimOnce() {
    std::unique_ptr<PtyTee> tee;
    Clock::time_point plugged;
    WizardWorld::Options options;
    options.waitForBackoff = false; // the operator starts as soon as the device is there
    options.stationPort = [&](const QString &devicePty) {
        tee = std::make_unique<PtyTee>(devicePty, QList<QByteArray>{ConnectedLine});
        plugged = Clock::now();
        return tee->path();
    };
    WizardWorld world(options);
    if (!world.isReady())
        return std::unexpected(world.problem());
    if (!tee || !tee->isOpen())
        return std::unexpected(u"no relay pty"_s);

    ClaimWizard wizard(&world.context(), world.devices());
    wizard.setBaseOptions(WizardWorld::claimOptions());
    wizard.resize(1000, 760);
    PaintWatch paints(&wizard);
    std::optional<Clock::time_point> verifyPageShown;
    std::optional<Clock::time_point> verified;
    QEventLoop loop;

    // Next (or Claim) as soon as a page lets the operator go on; the click itself waits for
    // the signal's sender to return.
    QTimer advance;
    advance.setSingleShot(true);
    advance.setInterval(0);
    QObject::connect(&advance, &QTimer::timeout, &wizard, [&] {
        if (wizard.currentId() == ClaimWizard::SummaryPage)
            loop.quit();
        else
            clickForward(&wizard);
    });
    const auto poke = [&advance] { advance.start(); };
    for (const int id : wizard.pageIds())
        QObject::connect(wizard.page(id), &QWizardPage::completeChanged, &wizard, poke);
    QObject::connect(&wizard, &QWizard::currentIdChanged, &wizard, [&](int id) {
        if (id == ClaimWizard::VerifyPage && !verifyPageShown)
            verifyPageShown = Clock::now();
        poke();
    });
    QObject::connect(wizard.tracker(), &FlowTracker::changed, &wizard, [&] {
        if (!verified && wizard.tracker()->isDone(u"verify"_s))
            verified = Clock::now();
        if (wizard.tracker()->isFinished() && !wizard.tracker()->isDone(u"verify"_s))
            loop.quit(); // failed: no point waiting
        poke();
    });
    QTimer::singleShot(ClaimTimeoutMs, &loop, &QEventLoop::quit);
    wizard.show();
    poke();
    loop.exec();

    if (!verified) {
        const auto step = wizard.tracker()->step(u"verify"_s);
        return std::unexpected(u"the claim did not verify (page %1): %2"_s.arg(wizard.currentId())
                                   .arg(step ? step->error : u"not reached"_s));
    }
    // The label paints when the page next repaints; give it the frame it needs.
    (void)QTest::qWaitFor([&] { return paints.verifyPainted.has_value(); }, 5000);
    const auto lines = tee->times(0);
    if (lines.empty())
        return std::unexpected(u"no `Connected to Cloud` line passed the relay"_s);
    if (!paints.verifyPainted)
        return std::unexpected(u"the Verify page never painted the connection"_s);
    const Clock::time_point line = lines.front();
    ClaimFigures figures;
    figures.latencyMs = msBetween(line, *paints.verifyPainted);
    if (paints.statesPainted && *paints.statesPainted >= line)
        figures.statesMs = msBetween(line, *paints.statesPainted);
    figures.lineBeforeVerifyPage = !verifyPageShown || line < *verifyPageShown;
    figures.wallS = msBetween(plugged, *verified) / 1000;
    return figures;
}

void BM_ClaimLatency(benchmark::State &state) {
    const int claims = int(state.range(0));
    for (auto _ : state) {
        std::vector<double> latencies;
        std::vector<double> states;
        std::vector<double> walls;
        int lineFirst = 0;
        for (int i = 0; i < claims; ++i) {
            auto figures = claimOnce();
            if (!figures) {
                const std::string why =
                    "claim " + std::to_string(i + 1) + ": " + figures.error().toStdString();
                state.SkipWithError(why.c_str());
                return;
            }
            latencies.push_back(figures->latencyMs);
            walls.push_back(figures->wallS);
            if (figures->statesMs)
                states.push_back(*figures->statesMs);
            lineFirst += figures->lineBeforeVerifyPage ? 1 : 0;
        }
        state.counters["latency_p50_ms"] = percentile(latencies, 0.5);
        state.counters["latency_max_ms"] = percentile(latencies, 1.0);
        if (!states.empty()) // only when the line came while the Claim page was up
            state.counters["states_p50_ms"] = percentile(states, 0.5);
        state.counters["states_seen"] = double(states.size());
        state.counters["line_before_verify"] = lineFirst;
        state.counters["claim_wall_p50_s"] = percentile(walls, 0.5);
        state.counters["claim_wall_max_s"] = percentile(walls, 1.0);
        state.counters["claims"] = double(latencies.size());
    }
}

} // namespace

BENCHMARK(BM_ClaimLatency)->Arg(10)->UseRealTime()->Iterations(1)->Unit(benchmark::kSecond);
