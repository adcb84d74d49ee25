#include "DeviceSteps.h"

#include "StationLog.h"
#include "core/AtResponse.h"
#include "device/DeviceError.h"
#include "device/DeviceLink.h"
#include "device/ModemClient.h"
#include "device/ShellSession.h"

namespace ps::station {

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using ps::device::DeviceError;

namespace {

StepError linkGone() {
    return StepError::make(StepError::Kind::Unreachable, u"The device connection was closed"_s,
                           u"Open the device's port again and run the flow again."_s, true);
}

// A shell command that the firmware does not have; the shell prints "<cmd>: command not found".
bool isCommandNotFound(const DeviceError &error) {
    return error.kind == DeviceError::Kind::ShellError &&
           (error.message.contains(u"command not found"_s) ||
            error.response.contains(u"command not found"_s));
}

// How often an identity value is read before its answer counts as wrong: a stray byte on the
// serial line spoils one answer (BadResponse: not text, no readable OK, a token that does not
// parse), and the next reading is most likely clean. Each read is a short AT command.
constexpr int ReadsOfAnAnswer = 3;

// Reads one value through `read` (a ModemClient call), again while the answer was spoiled.
template<typename T, typename Read>
QCoro::Task<std::expected<T, DeviceError>> readModem(QPointer<ps::device::DeviceLink> link,
                                                     Read read) {
    std::expected<T, DeviceError> result = std::unexpected(DeviceError{});
    for (int reading = 1; reading <= ReadsOfAnAnswer; ++reading) {
        if (!link) {
            DeviceError gone;
            gone.kind = DeviceError::Kind::Disconnected;
            gone.message = u"The device connection was closed"_s;
            co_return std::unexpected(gone);
        }
        result = co_await read(link->modem());
        if (result || result.error().kind != DeviceError::Kind::BadResponse)
            co_return result;
        qCDebug(lcStation).noquote()
            << "reading again after a spoiled answer:" << result.error().message;
    }
    co_return result;
}

// How long a shell command that only starts something (it logs, the prompt comes back) waits.
constexpr auto ShellCommandTimeout = 5s;

} // namespace

QCoro::Task<std::expected<IdentifiedDevice, StepError>>
identifyDevice(QPointer<ps::device::DeviceLink> link, QString firmware) {
    if (!link)
        co_return std::unexpected(linkGone());
    IdentifiedDevice found;
    found.identity.firmware = firmware;

    const auto readImei = [](ps::device::ModemClient *modem) { return modem->imei(); };
    auto imei = co_await readModem<QString>(link, readImei);
    if (!link)
        co_return std::unexpected(linkGone());
    if (!imei)
        co_return std::unexpected(StepError::fromDevice(imei.error(), u"Reading the IMEI"_s));
    found.identity.imei = *imei;

    const auto readModel = [](ps::device::ModemClient *modem) { return modem->model(); };
    auto model = co_await readModem<QString>(link, readModel);
    if (!link)
        co_return std::unexpected(linkGone());
    if (!model)
        co_return std::unexpected(StepError::fromDevice(model.error(), u"Reading the model"_s));
    found.identity.model = *model;

    const auto readModemFirmware = [](ps::device::ModemClient *modem) {
        return modem->modemFirmware();
    };
    auto modemFirmware = co_await readModem<QString>(link, readModemFirmware);
    if (!link)
        co_return std::unexpected(linkGone());
    if (!modemFirmware)
        co_return std::unexpected(
            StepError::fromDevice(modemFirmware.error(), u"Reading the modem firmware"_s));
    found.identity.modemFirmware = *modemFirmware;

    std::optional<QString> deviceUuid;
    const auto readDeviceUuid = [](ps::device::ModemClient *modem) { return modem->deviceUuid(); };
    auto uuid = co_await readModem<QString>(link, readDeviceUuid);
    if (!link)
        co_return std::unexpected(linkGone());
    if (uuid) {
        deviceUuid = *uuid;
    } else if (uuid.error().kind == DeviceError::Kind::AtError) {
        // nRF9160 modems (and nRF91x1 before modem firmware 2.0.0) have no %DEVICEUUID: the
        // attestation token is then the only source of the device id.
        found.deviceUuidSupported = false;
    } else {
        co_return std::unexpected(
            StepError::fromDevice(uuid.error(), u"Reading the device UUID"_s));
    }

    const auto readToken = [](ps::device::ModemClient *modem) { return modem->attestationToken(); };
    auto token = co_await readModem<ps::core::AttestationToken>(link, readToken);
    if (!link)
        co_return std::unexpected(linkGone());
    if (!token)
        co_return std::unexpected(
            StepError::fromDevice(token.error(), u"Reading the attestation token"_s));
    found.token = *token;
    const QString tokenUuid = ps::core::AttestationToken::uuidText(token->deviceUuid);
    if (deviceUuid && deviceUuid->compare(tokenUuid, Qt::CaseInsensitive) != 0) {
        co_return std::unexpected(StepError::make(
            StepError::Kind::Device,
            u"The attestation token names device %1 but %DEVICEUUID says %2"_s.arg(tokenUuid,
                                                                                   *deviceUuid),
            u"The token does not belong to this modem: reboot the device, check that the port "
            "is the right device, and try again."_s));
    }
    found.identity.deviceId = tokenUuid;
    found.identity.deviceType = token->deviceTypeName();
    co_return found;
}

QString provisionCommandText(ProvisionCommand command) {
    switch (command) {
    case ProvisionCommand::AttCloudProvision:
        return u"att_cloud provision"_s;
    case ProvisionCommand::AttCloudProvisionNow:
        return u"att_cloud_provision now"_s;
    case ProvisionCommand::None:
        break;
    }
    return {};
}

std::optional<ProvisionCommand> provisionCommandFor(std::optional<FirmwareVersion> version) {
    if (!version)
        return std::nullopt;
    if (*version >= FirmwareVersion{1, 2, 9})
        return ProvisionCommand::AttCloudProvision;
    if (*version >= FirmwareVersion{1, 1, 1})
        return ProvisionCommand::AttCloudProvisionNow;
    return ProvisionCommand::None;
}

QCoro::Task<std::expected<TriggerOutcome, StepError>>
triggerProvisioning(QPointer<ps::device::DeviceLink> link, std::optional<FirmwareVersion> version) {
    if (!link)
        co_return std::unexpected(linkGone());
    TriggerOutcome outcome;
    const std::optional<ProvisionCommand> known = provisionCommandFor(version);
    if (known == ProvisionCommand::None) {
        outcome.note = u"ATT v%1 has no provisioning command; waiting for the device's own "
                       "attempt"_s.arg(version->toString());
        co_return outcome;
    }
    const QList<ProvisionCommand> candidates =
        known ? QList<ProvisionCommand>{*known}
              : QList<ProvisionCommand>{ProvisionCommand::AttCloudProvision,
                                        ProvisionCommand::AttCloudProvisionNow};
    QStringList missing;
    for (const ProvisionCommand candidate : candidates) {
        const QString command = provisionCommandText(candidate);
        auto response = co_await link->shell()->execute(command, ShellCommandTimeout);
        if (!link)
            co_return std::unexpected(linkGone());
        if (response) {
            outcome.sent = candidate;
            outcome.note = known ? u"sent '%1' (ATT v%2)"_s.arg(command, version->toString())
                                 : u"sent '%1'"_s.arg(command);
            if (!missing.isEmpty())
                outcome.note += u" after '%1' was not found"_s.arg(missing.join(u"', '"_s));
            co_return outcome;
        }
        if (!isCommandNotFound(response.error()))
            co_return std::unexpected(
                StepError::fromDevice(response.error(), u"Starting provisioning"_s));
        qCDebug(lcStation).noquote() << "the device has no" << command;
        missing.append(command);
    }
    outcome.note = u"the firmware has no provisioning command ('%1' not found); waiting for the "
                   "device's own attempt"_s.arg(missing.join(u"', '"_s));
    co_return outcome;
}

QCoro::Task<std::expected<void, StepError>> pollShadowDelta(QPointer<ps::device::DeviceLink> link) {
    if (!link)
        co_return std::unexpected(linkGone());
    auto response =
        co_await link->shell()->execute(u"att_cloud poll_shadow_delta"_s, ShellCommandTimeout);
    if (!link)
        co_return std::unexpected(linkGone());
    if (!response)
        co_return std::unexpected(
            StepError::fromDevice(response.error(), u"Asking the device to poll its shadow"_s));
    co_return {};
}

QStringList TagCredentials::typeNames() const {
    QStringList names;
    for (const int type : types)
        names.append(ps::core::AtResponse::credentialTypeName(type));
    return names;
}

QCoro::Task<std::expected<TagCredentials, StepError>>
readCredentials(QPointer<ps::device::DeviceLink> link, quint32 secTag) {
    if (!link)
        co_return std::unexpected(linkGone());
    auto stored = co_await link->modem()->credentials(secTag);
    if (!link)
        co_return std::unexpected(linkGone());
    if (!stored)
        co_return std::unexpected(StepError::fromDevice(
            stored.error(), u"Listing the credentials of sec tag %1"_s.arg(secTag)));
    TagCredentials credentials;
    credentials.secTag = secTag;
    for (const auto &entry : std::as_const(*stored)) {
        if (entry.secTag == secTag)
            credentials.types.append(entry.type);
    }
    std::ranges::sort(credentials.types);
    co_return credentials;
}

} // namespace ps::station
