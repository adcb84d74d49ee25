#pragma once

#include "TimelineFormat.h"
#include "core/Line.h"
#include "core/timeline/TimelineEngine.h"
#include "device/PortInfo.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <expected>
#include <optional>
#include <utility>
#include <vector>

namespace ps::gui {

class ConsoleView;

/// What a timeline knows about its device; any field may be empty. Port, board and USB serial
/// number come from the port; the rest from the log (the attestation token, `%DEVICEUUID`, an
/// `AT+CGSN` answer, the modem firmware and model answers, the boot banner).
struct DeviceIdentity {
    QString deviceUuid;
    QString deviceType;
    QString imei;
    QString model;
    QString modemFirmware;
    QString firmware;
    QString port;
    QString board;
    QString usbSerialNumber;

    [[nodiscard]] bool isEmpty() const;
    /// Known fields only: deviceUuid, deviceType, imei, model, modemFirmware, firmware, port,
    /// board, usbSerialNumber.
    [[nodiscard]] QJsonObject toJson() const;
    /// ("Device UUID", value) rows of the known fields, for people.
    [[nodiscard]] std::vector<std::pair<QString, QString>> rows() const;
};

/// One timeline: a TimelineEngine fed with the lines of one source (an open port, or a log file),
/// and what the view needs around it: where each line went in the console (to jump there), the
/// text of the lines that made events (for tooltips), the device's identity, and for a port the
/// captured log (for a support bundle).
///
/// A ConsolePanel owns one and feeds it the same lines its console gets:
///   m_timeline->addLines(lines, m_model->endSeq());   // before appending them to the console
///   m_model->appendLines(lines);
/// TimelineView shows session.model() and polls its revision; revealLine() scrolls the console.
class TimelineSession : public QObject {
    Q_OBJECT
public:
    enum class Kind : quint8 {
        Live, ///< an open port: host times of arrival, shown in local time
        File, ///< a saved log: only the stamps inside the lines
    };
    /// Bound of the captured log of a port (the lines with host stamps).
    static constexpr qint64 MaxCapturedLogBytes = 64LL * 1024 * 1024;
    /// Bound of the source-line texts kept for tooltips; later lines are looked up in the console.
    static constexpr qint64 MaxSourceTextChars = 32LL * 1024 * 1024;

    explicit TimelineSession(Kind kind, QObject *parent = nullptr);
    ~TimelineSession() override;

    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] const ps::core::TimelineEngine &engine() const { return m_engine; }
    [[nodiscard]] const ps::core::TimelineModel &model() const { return m_engine.model(); }
    [[nodiscard]] const ps::core::TimelineSummary &summary() const { return m_engine.summary(); }
    /// How the axis reads: local time for a port; for a file what its stamps say.
    [[nodiscard]] TimelineClock clock() const;

    /// "ttyACM0", or the file's name.
    [[nodiscard]] QString name() const { return m_name; }
    void setName(const QString &name);

    /// A port that is open keeps its open states growing until now.
    [[nodiscard]] bool isLive() const { return m_live; }
    void setLive(bool live);
    void setPort(const ps::device::PortInfo &port);

    /// The file a File session was read from; `entry` names the log inside a support bundle.
    void setFile(const QString &path, const QString &entry = {});
    [[nodiscard]] QString filePath() const { return m_filePath; }
    [[nodiscard]] QString fileEntry() const { return m_fileEntry; }
    [[nodiscard]] bool isLoading() const { return m_loading; }
    void setLoading(bool loading);
    void setLoadProgress(qint64 done, qint64 total);

    /// Feeds lines in order. `firstConsoleSeq` is the console sequence number the first of them
    /// gets (ConsoleModel::endSeq() before appending), so the timeline can jump to them.
    void addLines(const std::vector<ps::core::Line> &lines,
                  std::optional<quint64> firstConsoleSeq = std::nullopt);
    /// A cloud-side event on the same axis (lane "nRF Cloud API"): what the station's REST
    /// client saw, e.g. "claimed", "command-created", "command-in-progress" (the cloudApi states
    /// of the rule table). Fails for a state the table does not declare.
    std::expected<void, QString> addCloudEvent(qint64 hostTimeMs, QStringView state,
                                               const QString &label = {},
                                               std::optional<qint32> value = std::nullopt);
    /// Forgets every event, line and capture, as for a new run.
    void reset();

    /// The console that shows this session's lines (not owned).
    void setConsole(ConsoleView *view);
    [[nodiscard]] ConsoleView *console() const;
    [[nodiscard]] std::optional<quint64> consoleSeqOf(qint32 line) const;
    /// Scrolls the console to the 1-based source line and selects it; the error says why not
    /// (gone from the console, hidden by its filter, no console).
    std::expected<void, QString> revealLine(qint32 line);
    /// The text of a source line that made an event (or any line still in the console).
    [[nodiscard]] QString sourceLine(qint32 line) const;

    [[nodiscard]] DeviceIdentity identity() const;

    /// The log as a support bundle carries it: for a port the captured lines, each with its
    /// host time (`[yyyy-MM-dd HH:mm:ss.zzz] ` UTC, which the timeline reads back); for a file
    /// its bytes (or the log inside the bundle it came from).
    [[nodiscard]] std::expected<QByteArray, QString> logBytes() const;
    /// A port's capture stopped at MaxCapturedLogBytes.
    [[nodiscard]] bool logTruncated() const { return m_capturedTruncated; }

Q_SIGNALS:
    void nameChanged(const QString &name);
    void liveChanged(bool live);
    void loadingChanged(bool loading);
    void loadProgress(qint64 done, qint64 total);
    void wasReset();

private:
    struct ConsoleRun {
        qint32 firstLine = 0;
        quint64 firstSeq = 0;
    };
    void noteIdentity(const QString &text);
    void capture(const ps::core::Line &line);

    Kind m_kind;
    ps::core::TimelineEngine m_engine;
    QString m_name;
    bool m_live = false;
    bool m_loading = false;
    ps::device::PortInfo m_port;
    QString m_filePath;
    QString m_fileEntry;
    QPointer<ConsoleView> m_console;
    std::vector<ConsoleRun> m_runs;
    std::vector<std::pair<qint32, QString>> m_sourceLines; // lines that made events, in order
    qint64 m_sourceChars = 0;
    DeviceIdentity m_logIdentity;
    QByteArray m_captured;
    bool m_capturedTruncated = false;
    qint64 m_capturedSecond = -1; // the second m_capturedPrefix was made for
    QByteArray m_capturedPrefix;  // "[yyyy-MM-dd HH:mm:ss"
};

} // namespace ps::gui
