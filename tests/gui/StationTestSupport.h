#pragma once

// The station window against a real bench: StationRig (tests/integration/station) runs one
// provstation-cloudsim and N provstation-devsim virtual devices; StationBench adds the
// window's own settings file (the stand-in's URLs and CA, a key file, an audit database, the
// slot map file with the rig's Path slots) and builds StationWindows on it with the rig's quick
// timeouts.

#include "StationRig.h"
#include "gui/station/StationWindow.h"

#include <QSettings>
#include <QTemporaryDir>
#include <memory>

namespace ps::gui::test {

class StationBench {
public:
    /// `bundleFile`: the bundle the engineer chose (empty: no flashing).
    explicit StationBench(ps::station::test::RigOptions rig, const QString &bundleFile = {});

    [[nodiscard]] bool isReady() const { return m_problem.isEmpty(); }
    [[nodiscard]] const QString &problem() const { return m_problem; }
    ps::station::test::StationRig &rig() { return *m_rig; }
    QSettings &store() { return *m_store; }
    [[nodiscard]] QString path(const QString &name) const { return m_dir.filePath(name); }

    /// Sets the stand-in's fault plan (POST /_sim/faults), e.g. {"errorCount": 0} to end one.
    bool setFaults(const QJsonObject &plan);

    /// A window on the bench's settings; its station uses the rig's quick timeouts.
    std::unique_ptr<StationWindow> window();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ps::station::test::StationRig> m_rig;
    std::unique_ptr<QSettings> m_store;
    QString m_problem;
};

/// Waits until every tile shows `word` ("PASS", "FAIL").
bool waitForTiles(StationWindow &window, const QString &word, int timeoutMs);

} // namespace ps::gui::test
