#include "FlowTypes.h"

#include "cloud/ApiError.h"
#include "device/DeviceError.h"

#include <QSysInfo>
#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif
#include <array>
#include <utility>

namespace ps::station {

using namespace Qt::StringLiterals;

namespace {

template<typename Enum, size_t N>
std::optional<Enum> fromId(const std::array<std::pair<Enum, QStringView>, N> &table,
                           QStringView id) {
    for (const auto &[value, name] : table) {
        if (name == id)
            return value;
    }
    return std::nullopt;
}

template<typename Enum, size_t N>
QString toId(const std::array<std::pair<Enum, QStringView>, N> &table, Enum value) {
    for (const auto &[candidate, name] : table) {
        if (candidate == value)
            return name.toString();
    }
    return {};
}

constexpr std::array<std::pair<Verdict, QStringView>, 4> VerdictIds{{
    {Verdict::None, u"none"},
    {Verdict::Succeeded, u"succeeded"},
    {Verdict::Failed, u"failed"},
    {Verdict::Cancelled, u"cancelled"},
}};

constexpr std::array<std::pair<StepStatus, QStringView>, 7> StepStatusIds{{
    {StepStatus::Pending, u"pending"},
    {StepStatus::Running, u"running"},
    {StepStatus::Waiting, u"waiting"},
    {StepStatus::Succeeded, u"succeeded"},
    {StepStatus::Skipped, u"skipped"},
    {StepStatus::Failed, u"failed"},
    {StepStatus::Cancelled, u"cancelled"},
}};

constexpr std::array<std::pair<StepError::Kind, QStringView>, 8> ErrorKindIds{{
    {StepError::Kind::Device, u"device"},
    {StepError::Kind::Unreachable, u"unreachable"},
    {StepError::Kind::Cloud, u"cloud"},
    {StepError::Kind::Refused, u"refused"},
    {StepError::Kind::Configuration, u"configuration"},
    {StepError::Kind::Timeout, u"timeout"},
    {StepError::Kind::Cancelled, u"cancelled"},
    {StepError::Kind::Journal, u"journal"},
}};

void insertIfSet(QJsonObject &object, const QString &key, const QString &value) {
    if (!value.isEmpty())
        object.insert(key, value);
}

} // namespace

QString verdictId(Verdict verdict) {
    return toId(VerdictIds, verdict);
}

std::optional<Verdict> verdictFromId(QStringView id) {
    return fromId(VerdictIds, id);
}

QString stepStatusId(StepStatus status) {
    return toId(StepStatusIds, status);
}

std::optional<StepStatus> stepStatusFromId(QStringView id) {
    return fromId(StepStatusIds, id);
}

QString stepErrorKindId(StepError::Kind kind) {
    return toId(ErrorKindIds, kind);
}

std::optional<StepError::Kind> stepErrorKindFromId(QStringView id) {
    return fromId(ErrorKindIds, id);
}

QString StepError::toString() const {
    if (hint.isEmpty())
        return message;
    return message + u" ("_s + hint + u')';
}

StepError StepError::make(Kind kind, QString message, QString hint, bool retryable) {
    StepError error;
    error.kind = kind;
    error.message = std::move(message);
    error.hint = std::move(hint);
    error.retryable = retryable;
    return error;
}

StepError StepError::fromDevice(const ps::device::DeviceError &error, const QString &what) {
    using DeviceKind = ps::device::DeviceError::Kind;
    StepError result;
    result.message = what + u": "_s + error.message;
    switch (error.kind) {
    case DeviceKind::NotConnected:
    case DeviceKind::Disconnected:
    case DeviceKind::Cancelled:
        result.kind = Kind::Unreachable;
        result.retryable = true;
        result.hint = u"Check the cable and that the device is powered; the step is tried again "
                      "when the device is back."_s;
        break;
    case DeviceKind::Timeout:
        result.kind = Kind::Unreachable;
        result.retryable = true;
        result.hint = u"The device did not answer in time; check that its shell runs (press Enter "
                      "in the console and look for the prompt)."_s;
        break;
    case DeviceKind::TransportError:
        result.kind = Kind::Device;
        result.retryable = true;
        result.hint = u"The modem was busy; the step is tried again."_s;
        break;
    case DeviceKind::AtError:
    case DeviceKind::CmeError:
    case DeviceKind::ShellError:
    case DeviceKind::BadResponse:
        result.kind = Kind::Device;
        result.retryable = false;
        break;
    }
    return result;
}

StepError StepError::fromCloud(const ps::cloud::ApiError &error, const QString &what) {
    using CloudKind = ps::cloud::ApiError::Kind;
    StepError result;
    result.httpStatus = error.httpStatus;
    result.message = what + u": "_s +
                     (error.httpStatus > 0 ? u"HTTP %1: "_s.arg(error.httpStatus) : QString()) +
                     error.message;
    result.hint = error.hint;
    result.retryable = error.retryable;
    switch (error.kind) {
    case CloudKind::Http:
        result.kind = error.httpStatus >= 400 && error.httpStatus < 500 && error.httpStatus != 429
                          ? Kind::Refused
                          : Kind::Cloud;
        break;
    case CloudKind::Configuration:
        result.kind = Kind::Configuration;
        result.retryable = false;
        break;
    case CloudKind::Network:
    case CloudKind::Tls:
    case CloudKind::Timeout:
    case CloudKind::BadResponse:
        result.kind = Kind::Cloud;
        break;
    }
    return result;
}

StepError StepError::cancelled() {
    return make(Kind::Cancelled, u"Cancelled by the operator"_s);
}

StepError StepError::abandoned() {
    return make(Kind::Cancelled, u"The attempt was abandoned"_s);
}

QJsonObject DeviceIdentity::toJson() const {
    QJsonObject object;
    insertIfSet(object, u"imei"_s, imei);
    insertIfSet(object, u"deviceId"_s, deviceId);
    insertIfSet(object, u"model"_s, model);
    insertIfSet(object, u"deviceType"_s, deviceType);
    insertIfSet(object, u"modemFirmware"_s, modemFirmware);
    insertIfSet(object, u"firmware"_s, firmware);
    return object;
}

DeviceIdentity DeviceIdentity::fromJson(const QJsonObject &object) {
    DeviceIdentity identity;
    identity.imei = object.value(u"imei"_s).toString();
    identity.deviceId = object.value(u"deviceId"_s).toString();
    identity.model = object.value(u"model"_s).toString();
    identity.deviceType = object.value(u"deviceType"_s).toString();
    identity.modemFirmware = object.value(u"modemFirmware"_s).toString();
    identity.firmware = object.value(u"firmware"_s).toString();
    return identity;
}

QJsonObject CloudCall::toJson() const {
    QJsonObject object{
        {u"at"_s, isoTime(at)},
        {u"step"_s, step},
        {u"operation"_s, operation},
        {u"ok"_s, ok},
    };
    if (httpStatus != 0)
        object.insert(u"httpStatus"_s, httpStatus);
    if (code != 0)
        object.insert(u"code"_s, code);
    insertIfSet(object, u"message"_s, message);
    if (attempts != 0)
        object.insert(u"attempts"_s, attempts);
    if (retried)
        object.insert(u"retried"_s, true);
    return object;
}

CloudCall CloudCall::fromJson(const QJsonObject &object) {
    CloudCall call;
    call.at = timeFromIso(object.value(u"at"_s).toString());
    call.step = object.value(u"step"_s).toString();
    call.operation = object.value(u"operation"_s).toString();
    call.ok = object.value(u"ok"_s).toBool();
    call.httpStatus = object.value(u"httpStatus"_s).toInt();
    call.code = object.value(u"code"_s).toInt();
    call.message = object.value(u"message"_s).toString();
    call.attempts = object.value(u"attempts"_s).toInt();
    call.retried = object.value(u"retried"_s).toBool();
    return call;
}

QJsonObject StepRecord::toJson() const {
    QJsonObject object{
        {u"id"_s, id},
        {u"title"_s, title},
        {u"result"_s, stepStatusId(status)},
        {u"attempts"_s, attempts},
        {u"durationMs"_s, durationMs},
    };
    if (startedAt.isValid())
        object.insert(u"startedAt"_s, isoTime(startedAt));
    insertIfSet(object, u"error"_s, error);
    insertIfSet(object, u"errorKind"_s, errorKind);
    insertIfSet(object, u"hint"_s, hint);
    insertIfSet(object, u"note"_s, note);
    return object;
}

StepRecord StepRecord::fromJson(const QJsonObject &object) {
    StepRecord record;
    record.id = object.value(u"id"_s).toString();
    record.title = object.value(u"title"_s).toString();
    record.status =
        stepStatusFromId(object.value(u"result"_s).toString()).value_or(StepStatus::Pending);
    record.attempts = object.value(u"attempts"_s).toInt();
    record.durationMs = object.value(u"durationMs"_s).toInteger();
    if (object.contains(u"startedAt"_s))
        record.startedAt = timeFromIso(object.value(u"startedAt"_s).toString());
    record.error = object.value(u"error"_s).toString();
    record.errorKind = object.value(u"errorKind"_s).toString();
    record.hint = object.value(u"hint"_s).toString();
    record.note = object.value(u"note"_s).toString();
    return record;
}

QString StationIdentity::defaultOperator() {
    for (const char *variable : {"USER", "USERNAME", "LOGNAME"}) {
        const QString value = qEnvironmentVariable(variable);
        if (!value.isEmpty())
            return value;
    }
#ifdef Q_OS_UNIX
    // Services and containers often run without $USER; the account database still knows.
    if (const passwd *entry = ::getpwuid(::getuid()); entry && entry->pw_name)
        return QString::fromLocal8Bit(entry->pw_name);
#endif
    return u"unknown"_s;
}

QString StationIdentity::defaultStation() {
    const QString name = QSysInfo::machineHostName();
    return name.isEmpty() ? u"unknown"_s : name;
}

StationIdentity StationIdentity::resolved() const {
    StationIdentity identity = *this;
    if (identity.operatorName.isEmpty())
        identity.operatorName = defaultOperator();
    if (identity.station.isEmpty())
        identity.station = defaultStation();
    return identity;
}

QString isoTime(const QDateTime &time) {
    if (!time.isValid())
        return {};
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime timeFromIso(const QString &text) {
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    return time.toUTC();
}

} // namespace ps::station
