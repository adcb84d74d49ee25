#include "E2eHarness.h"

#include "core/AttestationToken.h"
#include "device/ModemClient.h"
#include "device/ShellSession.h"

#include <QDir>
#include <QRegularExpression>
#include <QTest>
#include <qcoro/qcorotask.h>

using namespace Qt::StringLiterals;

namespace ps::e2e {

// ---- E2eWorld -----------------------------------------------------------------------------------

E2eWorld::E2eWorld(std::optional<QString> caFile, QStringList cloudSimArguments) {
    if (!m_dir.isValid()) {
        fail(u"no temporary folder"_s);
        return;
    }
    const QString registry = m_dir.filePath(u"registry.jsonl"_s);
    m_cloudSim = std::make_unique<CloudSimProcess>(m_dir.filePath(u"cloudsim"_s), registry,
                                                   QStringList{QString::fromLatin1(ApiKey)},
                                                   std::move(cloudSimArguments));
    if (!m_cloudSim->start()) {
        fail(u"provstation-cloudsim did not start: "_s + m_cloudSim->output());
        return;
    }
    m_devsim = std::make_unique<devsim::test::DevsimProcess>(
        QStringList{u"--state"_s, m_dir.filePath(u"device"_s), u"--registry"_s, registry,
                    u"--cloud"_s, u"127.0.0.1:%1"_s.arg(m_cloudSim->coapsPort()), u"--ca"_s,
                    caFile.value_or(m_cloudSim->caFile()), u"--speed"_s, QString::number(Speed),
                    u"--boot-on-open"_s});
    if (!m_devsim->start()) {
        fail(u"provstation-devsim did not start"_s);
        return;
    }
    const auto device = m_devsim->waitForLine(u"DEVICE uuid="_s);
    if (!device) {
        fail(u"provstation-devsim named no device"_s);
        return;
    }
    m_deviceId = device->section(u' ', 1, 1).mid(5);

    m_link = std::make_unique<device::DeviceLink>(m_devsim->ptyPath());
    QObject::connect(m_link.get(), &device::DeviceLink::linesReceived, m_link.get(),
                     [this](const std::vector<core::Line> &lines) {
                         for (const core::Line &line : lines)
                             m_lines.append(line.text);
                     });
    if (!m_link->open()) {
        fail(u"cannot open the device's pty: "_s + m_link->errorString());
        return;
    }
    // The shell runs once ATT has started the network module.
    if (waitForLine(u"state_disconnected_searching_entry"_s, 0, 10000) < 0) {
        fail(u"the device did not boot"_s);
        return;
    }
    m_rest = std::make_unique<cloud::RestClient>(m_cloudSim->settings());
    m_rest->setApiKey(QString::fromLatin1(ApiKey));
}

E2eWorld::~E2eWorld() {
    m_link.reset();
    m_devsim.reset();
    m_cloudSim.reset();
}

void E2eWorld::fail(const QString &problem) {
    if (m_problem.isEmpty())
        m_problem = problem;
}

qsizetype E2eWorld::find(const QString &text, qsizetype from, qsizetype to) const {
    const qsizetype end = to < 0 ? m_lines.size() : std::min(to, m_lines.size());
    for (qsizetype i = std::max<qsizetype>(from, 0); i < end; ++i) {
        if (m_lines.at(i).contains(text))
            return i;
    }
    return -1;
}

qsizetype E2eWorld::waitForLine(const QString &text, qsizetype from, int timeoutMs) {
    qsizetype found = -1;
    (void)QTest::qWaitFor(
        [&] {
            found = find(text, from);
            return found >= 0;
        },
        timeoutMs);
    return found;
}

std::expected<QStringList, QString> E2eWorld::shell(const QString &command) {
    auto response = QCoro::waitFor(m_link->shell()->execute(command));
    if (!response)
        return std::unexpected(response.error().message);
    return response->lines;
}

bool E2eWorld::claim() {
    if (!isReady())
        return false;
    // The unclaimed device has tried once and backs off; then it is safe to claim.
    if (waitForLine(u"Connection attempt failed, backoff time"_s) < 0) {
        fail(u"the unclaimed device never backed off"_s);
        return false;
    }
    auto token = QCoro::waitFor(m_link->modem()->attestationToken());
    if (!token) {
        fail(u"no attestation token: "_s + token.error().message);
        return false;
    }
    cloud::ProvisioningApi provisioning(*m_rest);
    auto claimed = QCoro::waitFor(provisioning.claim(token->text));
    if (!claimed) {
        fail(u"claim failed: "_s + claimed.error().toString());
        return false;
    }
    return true;
}

qsizetype E2eWorld::claimAndProvision() {
    if (!claim())
        return -1;
    const qsizetype start = mark();
    if (auto started = shell(u"att_cloud provision"_s); !started) {
        fail(u"att_cloud provision: "_s + started.error());
        return -1;
    }
    if (waitForLine(u"Connected to Cloud"_s, start, 30000) < 0) {
        fail(u"the device did not connect to the cloud after provisioning"_s);
        return -1;
    }
    return start;
}

} // namespace ps::e2e
