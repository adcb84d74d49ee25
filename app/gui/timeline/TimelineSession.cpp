#include "TimelineSession.h"

#include "TarArchive.h"
#include "core/AttestationToken.h"
#include "gui/ConsoleModel.h"
#include "gui/ConsoleView.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QScrollBar>
#include <QTimeZone>
#include <algorithm>
#include <limits>

namespace ps::gui {

using ps::core::Line;
using ps::core::TimelineLane;

namespace {

constexpr quint64 NoConsole = std::numeric_limits<quint64>::max();
constexpr qsizetype MaxSourceLineChars = 1000;

bool allDigits(QStringView text) {
    return std::ranges::all_of(text, [](QChar c) { return c.isDigit(); });
}

QString unquoted(QStringView text) {
    text = text.trimmed();
    if (text.size() >= 2 && text.front() == u'"' && text.back() == u'"')
        text = text.mid(1, text.size() - 2);
    return text.toString();
}

} // namespace

bool DeviceIdentity::isEmpty() const {
    return rows().empty();
}

std::vector<std::pair<QString, QString>> DeviceIdentity::rows() const {
    const std::pair<QString, const QString *> all[] = {
        {TimelineSession::tr("Device UUID"), &deviceUuid},
        {TimelineSession::tr("Device type"), &deviceType},
        {TimelineSession::tr("IMEI"), &imei},
        {TimelineSession::tr("Model"), &model},
        {TimelineSession::tr("Modem firmware"), &modemFirmware},
        {TimelineSession::tr("Firmware"), &firmware},
        {TimelineSession::tr("Port"), &port},
        {TimelineSession::tr("Board"), &board},
        {TimelineSession::tr("USB serial number"), &usbSerialNumber},
    };
    std::vector<std::pair<QString, QString>> rows;
    for (const auto &[title, value] : all) {
        if (!value->isEmpty())
            rows.emplace_back(title, *value);
    }
    return rows;
}

QJsonObject DeviceIdentity::toJson() const {
    const std::pair<QString, const QString *> all[] = {
        {QStringLiteral("deviceUuid"), &deviceUuid},
        {QStringLiteral("deviceType"), &deviceType},
        {QStringLiteral("imei"), &imei},
        {QStringLiteral("model"), &model},
        {QStringLiteral("modemFirmware"), &modemFirmware},
        {QStringLiteral("firmware"), &firmware},
        {QStringLiteral("port"), &port},
        {QStringLiteral("board"), &board},
        {QStringLiteral("usbSerialNumber"), &usbSerialNumber},
    };
    QJsonObject object;
    for (const auto &[key, value] : all) {
        if (!value->isEmpty())
            object.insert(key, *value);
    }
    return object;
}

TimelineSession::TimelineSession(Kind kind, QObject *parent)
    : QObject(parent)
    , m_kind(kind) {}

TimelineSession::~TimelineSession() = default;

TimelineClock TimelineSession::clock() const {
    if (m_kind == Kind::Live)
        return TimelineClock::HostLocal;
    const auto &model = m_engine.model();
    for (int i = 0; i < ps::core::TimelineLaneCount; ++i) {
        for (const auto events : {model.spans(TimelineLane(i)), model.points(TimelineLane(i))}) {
            if (events.empty() || !(events.front().flags & ps::core::TimelineEvent::HostClock))
                continue;
            return (events.front().flags & ps::core::TimelineEvent::TimeOfDayOnly)
                       ? TimelineClock::TimeOfDay
                       : TimelineClock::HostUtc;
        }
    }
    return TimelineClock::DeviceTime;
}

void TimelineSession::setName(const QString &name) {
    if (name == m_name)
        return;
    m_name = name;
    Q_EMIT nameChanged(m_name);
}

void TimelineSession::setLive(bool live) {
    if (live == m_live)
        return;
    m_live = live;
    Q_EMIT liveChanged(m_live);
}

void TimelineSession::setPort(const ps::device::PortInfo &port) {
    m_port = port;
}

void TimelineSession::setFile(const QString &path, const QString &entry) {
    m_filePath = path;
    m_fileEntry = entry;
    setName(QFileInfo(path).fileName());
}

void TimelineSession::setLoading(bool loading) {
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(m_loading);
}

void TimelineSession::setLoadProgress(qint64 done, qint64 total) {
    Q_EMIT loadProgress(done, total);
}

void TimelineSession::addLines(const std::vector<Line> &lines,
                               std::optional<quint64> firstConsoleSeq) {
    if (lines.empty())
        return;
    const qint32 firstLine = m_engine.lineCount() + 1;
    const quint64 seq = firstConsoleSeq.value_or(NoConsole);
    const bool continues =
        !m_runs.empty() &&
        (m_runs.back().firstSeq == NoConsole
             ? seq == NoConsole
             : seq != NoConsole &&
                   m_runs.back().firstSeq + quint64(firstLine - m_runs.back().firstLine) == seq);
    if (!continues)
        m_runs.push_back({firstLine, seq});

    const auto &model = m_engine.model();
    for (const Line &line : lines) {
        const qsizetype before = model.eventCount();
        m_engine.addLine(line);
        if (model.eventCount() != before && m_sourceChars < MaxSourceTextChars) {
            QString text = line.text.left(MaxSourceLineChars);
            m_sourceChars += text.size();
            m_sourceLines.emplace_back(m_engine.lineCount(), std::move(text));
        }
        noteIdentity(line.text);
        if (m_kind == Kind::Live)
            capture(line);
    }
}

std::expected<void, QString> TimelineSession::addCloudEvent(qint64 hostTimeMs, QStringView state,
                                                            const QString &label,
                                                            std::optional<qint32> value) {
    return m_engine.addCloudEvent(hostTimeMs, state, label, value);
}

void TimelineSession::reset() {
    m_engine.reset();
    m_runs.clear();
    m_sourceLines.clear();
    m_sourceChars = 0;
    m_logIdentity = {};
    m_captured.clear();
    m_capturedTruncated = false;
    Q_EMIT wasReset();
}

void TimelineSession::setConsole(ConsoleView *view) {
    m_console = view;
}

ConsoleView *TimelineSession::console() const {
    return m_console;
}

std::optional<quint64> TimelineSession::consoleSeqOf(qint32 line) const {
    if (line <= 0 || line > m_engine.lineCount() || m_runs.empty())
        return std::nullopt;
    const auto it = std::ranges::upper_bound(m_runs, line, {}, &ConsoleRun::firstLine);
    if (it == m_runs.begin())
        return std::nullopt;
    const ConsoleRun &run = *std::prev(it);
    if (run.firstSeq == NoConsole)
        return std::nullopt;
    return run.firstSeq + quint64(line - run.firstLine);
}

std::expected<void, QString> TimelineSession::revealLine(qint32 line) {
    const auto seq = consoleSeqOf(line);
    ConsoleView *view = m_console;
    if (!seq || !view || !view->model())
        return std::unexpected(tr("Line %1 is not shown in a console.").arg(line));
    ConsoleModel *model = view->model();
    const ConsoleLine *shown = model->lineBySeq(*seq);
    if (!shown)
        return std::unexpected(
            tr("Line %1 is no longer in the console: it was cleared, or the console keeps only "
               "its last %2 lines (Preferences).")
                .arg(line)
                .arg(model->maxLines()));
    view->refreshNow();
    const qsizetype row = model->rowForSeq(*seq);
    if (row >= model->visibleCount() || model->visibleSeq(row) != *seq)
        return std::unexpected(
            tr("Line %1 is hidden by the console's level or module filter.").arg(line));
    view->setFollow(false);
    view->verticalScrollBar()->setValue(int(std::max<qsizetype>(0, row - view->rowsPerPage() / 2)));
    view->setSelection({*seq, 0}, {*seq, shown->text.size()});
    return {};
}

QString TimelineSession::sourceLine(qint32 line) const {
    const auto it =
        std::ranges::lower_bound(m_sourceLines, line, {}, &std::pair<qint32, QString>::first);
    if (it != m_sourceLines.end() && it->first == line)
        return it->second;
    if (const auto seq = consoleSeqOf(line); seq && m_console && m_console->model()) {
        if (const ConsoleLine *shown = m_console->model()->lineBySeq(*seq))
            return shown->text;
    }
    return {};
}

void TimelineSession::noteIdentity(const QString &text) {
    // Cheap first-character tests: this runs on every line of a flood.
    const QStringView t = QStringView(text).trimmed();
    if (t.size() < 5)
        return;
    if (t.front() == u'[') {
        // ATT's cloud module names the device when it connects: "... with client ID: <uuid>".
        static constexpr QStringView clientId = u"with client ID: ";
        const qsizetype at = t.indexOf(clientId);
        if (at >= 0) {
            const QStringView id = t.mid(at + clientId.size()).trimmed();
            m_logIdentity.deviceUuid = id.left(id.indexOf(u' ')).toString();
        }
        return;
    }
    const QChar first = t.front();
    if (first == u'%' && t.startsWith(u"%DEVICEUUID:")) {
        m_logIdentity.deviceUuid = t.mid(12).trimmed().toString();
    } else if (first == u'+' && t.startsWith(u"+CGSN:")) {
        const QString imei = unquoted(t.mid(6));
        if (imei.size() == 15 && allDigits(imei))
            m_logIdentity.imei = imei;
    } else if (first.isDigit() && t.size() == 15 && allDigits(t)) {
        m_logIdentity.imei = t.toString();
    } else if (first == u'm' && t.startsWith(u"mfw_nrf") && !t.contains(u' ')) {
        m_logIdentity.modemFirmware = t.toString();
    } else if (first == u'n' && t.startsWith(u"nRF91") && t.size() <= 16 && t.contains(u'-') &&
               !t.contains(u' ')) {
        m_logIdentity.model = t.toString();
    }
}

void TimelineSession::capture(const Line &line) {
    if (m_capturedTruncated)
        return;
    if (m_captured.size() + line.text.size() * 3 + 32 > MaxCapturedLogBytes) {
        m_capturedTruncated = true;
        return;
    }
    if (line.hostTimeMs > 0) {
        const qint64 second = line.hostTimeMs / 1000;
        if (second != m_capturedSecond) {
            m_capturedSecond = second;
            m_capturedPrefix = QDateTime::fromMSecsSinceEpoch(second * 1000, QTimeZone::utc())
                                   .toString(QStringLiteral("[yyyy-MM-dd HH:mm:ss"))
                                   .toLatin1();
        }
        m_captured += m_capturedPrefix;
        m_captured += '.';
        m_captured += QByteArray::number(line.hostTimeMs % 1000).rightJustified(3, '0');
        m_captured += "] ";
    }
    m_captured += line.text.toUtf8();
    m_captured += '\n';
}

DeviceIdentity TimelineSession::identity() const {
    DeviceIdentity identity = m_logIdentity;
    const auto &summary = m_engine.summary();
    if (!summary.attestationToken.isEmpty()) {
        if (const auto token = ps::core::AttestationToken::parse(summary.attestationToken)) {
            // The token is signed by the modem: it names the device best.
            identity.deviceUuid = ps::core::AttestationToken::uuidText(token->deviceUuid);
            identity.deviceType = token->deviceTypeName();
        }
    }
    identity.firmware = summary.firmware;
    if (m_kind == Kind::Live) {
        identity.port = m_port.systemLocation.isEmpty() ? m_name : m_port.systemLocation;
        identity.board = m_port.boardName;
        identity.usbSerialNumber = m_port.serialNumber;
    }
    return identity;
}

std::expected<QByteArray, QString> TimelineSession::logBytes() const {
    if (m_kind == Kind::Live)
        return m_captured;
    QFile file(m_filePath);
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(tr("Cannot read %1: %2").arg(m_filePath, file.errorString()));
    if (m_fileEntry.isEmpty())
        return file.readAll();
    const auto entries = TarReader::list(file);
    if (!entries)
        return std::unexpected(entries.error());
    const TarEntry *entry = TarReader::find(*entries, m_fileEntry);
    if (!entry)
        return std::unexpected(tr("%1 holds no %2.").arg(m_filePath, m_fileEntry));
    return TarReader::read(file, *entry);
}

} // namespace ps::gui
