#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <expected>
#include <optional>

namespace ps::device {
struct DeviceError;
}
namespace ps::cloud {
struct ApiError;
}

namespace ps::station {

/// How a flow ended. Every attempt ends with exactly one of these in its audit record.
enum class Verdict {
    None,      ///< still running (or never started)
    Succeeded, ///< every step succeeded or was not needed
    Failed,    ///< a step failed for good (or the flow was interrupted and closed)
    Cancelled, ///< the operator cancelled it
};
/// "none", "succeeded", "failed", "cancelled": the ids the audit store and the CLI use.
QString verdictId(Verdict verdict);
std::optional<Verdict> verdictFromId(QStringView id);

/// Where a step stands.
enum class StepStatus {
    Pending,   ///< not started yet (or to run again after a resume)
    Running,   ///< an attempt is under way
    Waiting,   ///< failed, waiting before the next attempt or for the operator's decision
    Succeeded, ///< done
    Skipped,   ///< not needed (e.g. the device was already claimed by this account)
    Failed,    ///< failed for good
    Cancelled, ///< the operator cancelled the flow during this step
};
/// "pending", "running", "waiting", "succeeded", "skipped", "failed", "cancelled".
QString stepStatusId(StepStatus status);
std::optional<StepStatus> stepStatusFromId(QStringView id);

/// Why a step failed, in words a person can act on. Never holds the API key.
struct StepError {
    enum class Kind {
        Device,        ///< the device answered with an error or something unexpected
        Unreachable,   ///< the device is not connected or does not answer
        Cloud,         ///< the cloud could not be reached or failed (network, TLS, 5xx)
        Refused,       ///< the cloud refused the request (4xx: wrong key, claimed elsewhere...)
        Configuration, ///< missing API key, consent or confirmation; bad settings
        Timeout,       ///< the step did not finish within its time
        Cancelled,     ///< the operator cancelled
        Journal,       ///< the journal or audit store could not be written
    };
    Kind kind = Kind::Device;
    QString message;        ///< what went wrong
    QString hint;           ///< what to do next, one sentence; may be empty
    bool retryable = false; ///< another attempt of the same step may succeed
    int httpStatus = 0;     ///< the cloud's HTTP status, when the cloud answered

    /// "message (hint)" for one-line displays.
    [[nodiscard]] QString toString() const;

    static StepError make(Kind kind, QString message, QString hint = {}, bool retryable = false);
    /// A device call's failure: disconnects, timeouts and cancellations are Unreachable and
    /// retryable; modem and shell errors are Device errors.
    static StepError fromDevice(const ps::device::DeviceError &error, const QString &what);
    /// A cloud call's failure: 4xx are Refused, a missing key or bad URL is Configuration, the
    /// rest is Cloud and retryable when the REST client says so.
    static StepError fromCloud(const ps::cloud::ApiError &error, const QString &what);
    static StepError cancelled();
    /// The step coroutine found its attempt abandoned (timed out or cancelled meanwhile); the
    /// flow has already decided, so this value is never shown.
    static StepError abandoned();
};

/// "device", "unreachable", "cloud", "refused", "configuration", "timeout", "cancelled",
/// "journal".
QString stepErrorKindId(StepError::Kind kind);
std::optional<StepError::Kind> stepErrorKindFromId(QStringView id);

/// A step that worked; `note` says how ("already claimed by this account, not claimed again").
struct StepSuccess {
    QString note;
    bool skipped = false; ///< the step had nothing to do
};

using StepResult = std::expected<StepSuccess, StepError>;

/// What the flow learned about the device. Text fields are empty when unknown.
struct DeviceIdentity {
    QString imei;
    QString deviceId;      ///< the device UUID (nRF Cloud device id), lower-case 8-4-4-4-12
    QString model;         ///< AT+CGMM, e.g. "nRF9151-LACA"
    QString deviceType;    ///< from the attestation token, e.g. "nRF9151 LACA"
    QString modemFirmware; ///< AT+CGMR, e.g. "mfw_nrf91x1_2.0.2"
    QString firmware;      ///< application firmware from the boot banner, e.g. "Asset Tracker
                           ///< Template v1.5.0"; empty when no banner was seen

    [[nodiscard]] bool isEmpty() const { return imei.isEmpty() && deviceId.isEmpty(); }
    [[nodiscard]] QJsonObject toJson() const;
    static DeviceIdentity fromJson(const QJsonObject &object);
    friend bool operator==(const DeviceIdentity &, const DeviceIdentity &) = default;
};

/// One cloud request as the audit record keeps it: the operation, the outcome, the status code
/// and the server's message. Never the API key, never a token.
struct CloudCall {
    QDateTime at;      ///< when the answer arrived (UTC)
    QString step;      ///< the step that made the call
    QString operation; ///< e.g. "POST claimed-devices", "GET devices/{id}"
    bool ok = false;
    int httpStatus = 0;   ///< the status of a failure, 0 when no HTTP answer or when it succeeded
    int code = 0;         ///< the main API's error code
    QString message;      ///< the server's message or what went wrong on the way
    int attempts = 0;     ///< how many times the request was sent, when known (0 = unknown)
    bool retried = false; ///< a failed attempt that the REST client sent again

    [[nodiscard]] QJsonObject toJson() const;
    static CloudCall fromJson(const QJsonObject &object);
    friend bool operator==(const CloudCall &, const CloudCall &) = default;
};

/// One step as a flow reports it and the audit record keeps it.
struct StepRecord {
    QString id;
    QString title;
    StepStatus status = StepStatus::Pending;
    int attempts = 0;
    QDateTime startedAt;   ///< first attempt's start (UTC); invalid when it never ran
    qint64 durationMs = 0; ///< from the first start to the end of the last attempt
    QString error;         ///< the last failure, when it failed (also kept after a retry)
    QString errorKind;     ///< stepErrorKindId() of that failure
    QString hint;
    QString note;

    [[nodiscard]] QJsonObject toJson() const;
    static StepRecord fromJson(const QJsonObject &object);
    friend bool operator==(const StepRecord &, const StepRecord &) = default;
};

/// Who runs flows where. Empty fields take the defaults below when a flow starts.
struct StationIdentity {
    QString operatorName; ///< default: the OS user name
    QString station;      ///< default: the host name
    QString slot;         ///< the station slot (port) in station mode; may stay empty

    /// The OS user name ($USER, $USERNAME, else "unknown").
    static QString defaultOperator();
    /// The machine's host name.
    static QString defaultStation();
    /// This identity with the defaults filled in.
    [[nodiscard]] StationIdentity resolved() const;
};

/// A timestamp as the journal and the audit store write it: ISO 8601 UTC with milliseconds.
QString isoTime(const QDateTime &time);
QDateTime timeFromIso(const QString &text);

} // namespace ps::station
