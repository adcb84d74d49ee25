#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <expected>
#include <optional>

namespace ps::cloud {

/// Sec tag that holds the nRF Cloud credentials on the modem (PROTOCOL §3).
inline constexpr qint64 NrfCloudSecTag = 16842753;
/// Tag and rule name that select the onboarding rule on claim (PROTOCOL §5).
inline constexpr auto OnboardingTag = "nrf-cloud-onboarding";

// All fromJson() functions read untrusted input: a missing required field or a wrong type
// gives a message naming the field; unknown fields are ignored; optional fields with an
// unexpected type are treated as absent.
//
// The types passed into coroutines (CommandRequest, ProvisioningRule) have constructors so that
// they are not aggregates: g++ 12 destroys a brace-initialised aggregate temporary inside a
// co_await expression twice. Build them with their factories or field by field.

/// One provisioning command's `request` (PROTOCOL §5): exactly one command type.
struct CommandRequest {
    enum class Type {
        CloudAccessKeyGeneration,
        ClientPrivateKeyGeneration,
        CertificateSigningRequest,
        ServerCertificate,
        ClientCertificate,
        Finished,
    };
    CommandRequest() = default;
    explicit CommandRequest(Type type, qint64 secTag = NrfCloudSecTag);

    Type type = Type::Finished;
    qint64 secTag = NrfCloudSecTag; ///< not used by Finished
    QString attributes;             ///< CertificateSigningRequest
    QString keyUsage;               ///< CertificateSigningRequest
    QString content;                ///< PEM, for the two certificate types

    static CommandRequest cloudAccessKeyGeneration(qint64 secTag = NrfCloudSecTag);
    static CommandRequest clientPrivateKeyGeneration(qint64 secTag);
    static CommandRequest certificateSigningRequest(qint64 secTag, QString attributes,
                                                    QString keyUsage);
    static CommandRequest serverCertificate(qint64 secTag, QString pem);
    static CommandRequest clientCertificate(qint64 secTag, QString pem);
    static CommandRequest finished();

    /// `{"cloudAccessKeyGeneration": {"secTag": 16842753}}` and so on.
    [[nodiscard]] QJsonObject toJson() const;
    static std::expected<CommandRequest, QString> fromJson(const QJsonObject &object);
    /// The JSON key of a type: "cloudAccessKeyGeneration", ...
    static QString typeName(Type type);

    friend bool operator==(const CommandRequest &, const CommandRequest &) = default;
};

/// A device claimed by the account (provisioning API).
struct ClaimedDevice {
    QString id; ///< device UUID, lower-case text
    QString deviceType;
    QString firmwareId;
    QString imei;
    QString ownerId;
    QString ownershipStatus;
    QStringList tags;
    QString status;
    QDateTime claimedAt;
    QJsonObject raw; ///< the whole record, for audit records

    static std::expected<ClaimedDevice, QString> fromJson(const QJsonObject &object);
};

/// A provisioning command and how far the device got with it.
struct ProvisioningCommand {
    enum class Status { Pending, InProgress, Succeeded, Failed, Other };

    QString id;
    QString description;
    Status status = Status::Pending;
    QString statusText;                    ///< as the server spelled it
    std::optional<CommandRequest> request; ///< absent when the server sent a type we don't know
    QJsonObject requestJson;
    QJsonObject response;
    QDateTime createdAt;
    QDateTime updatedAt;
    QJsonObject raw;

    /// SUCCEEDED, FAILED and any status this version does not know (PROTOCOL §5: the final
    /// names are unverified, so anything but PENDING and IN_PROGRESS counts as final).
    [[nodiscard]] bool isFinal() const {
        return status != Status::Pending && status != Status::InProgress;
    }

    static Status statusFromText(const QString &text);
    static std::expected<ProvisioningCommand, QString> fromJson(const QJsonObject &object);
};

/// A provisioning rule: commands queued for every device claimed with one of `tags`.
struct ProvisioningRule {
    ProvisioningRule() = default;

    QString id;
    QString name;
    QString description;
    bool active = true;
    QList<CommandRequest> commands;
    QStringList tags;
    QJsonObject raw;

    /// The body of POST /provisioning-rules.
    [[nodiscard]] QJsonObject toJson() const;
    static std::expected<ProvisioningRule, QString> fromJson(const QJsonObject &object);
    /// The rule ProvStation expects: cloudAccessKeyGeneration for sec tag 16842753, then
    /// finished, for devices claimed with the tag "nrf-cloud-onboarding".
    static ProvisioningRule defaultOnboardingRule();
};

/// A device in nRF Cloud's device management (main API) with its shadow.
struct Device {
    QString id;
    QString name;
    QString type;
    QStringList tags;
    QJsonObject reported;
    QJsonObject desired;
    QJsonObject delta;
    qint64 stateVersion = 0;
    QJsonObject raw;

    static std::expected<Device, QString> fromJson(const QJsonObject &object);
};

/// Reads a JSON document that must be an object; the message says what was wrong with it.
std::expected<QJsonObject, QString> parseJsonObject(const QByteArray &body);

} // namespace ps::cloud
