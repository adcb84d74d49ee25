#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <expected>
#include <optional>
#include <vector>

namespace ps::cloudsim {

/// Why the model refused an operation. The HTTPS front end maps kinds to status codes; the
/// CoAP endpoint maps them to CoAP codes.
struct ModelError {
    enum class Kind {
        NotFound,     ///< no such device, command or rule for this account
        Conflict,     ///< already claimed, duplicate rule name
        Invalid,      ///< a malformed request
        LimitReached, ///< too many queued commands
    };
    Kind kind = Kind::Invalid;
    QString message;
};

/// A claim: which account owns which device, and what the attestation token said about it.
struct ClaimRecord {
    QString deviceId; ///< lower-case UUID text
    QString ownerId;
    int deviceType = 0;
    QString firmwareId; ///< modem firmware UUID from the token
    QString imei;
    QStringList tags;
    QDateTime claimedAt;
};

enum class CommandStatus { Pending, InProgress, Succeeded, Failed };
QString statusText(CommandStatus status);

/// A provisioning command as the REST API shows it.
struct CommandRecord {
    QString id; ///< also the correlation id the device sees
    QString deviceId;
    QString description;
    QJsonObject request; ///< {"<type>": {...}}, validated on creation
    CommandStatus status = CommandStatus::Pending;
    QJsonObject response;
    QDateTime createdAt;
    QDateTime updatedAt;

    [[nodiscard]] bool isFinal() const {
        return status == CommandStatus::Succeeded || status == CommandStatus::Failed;
    }
};

/// A command as the device receives it from `GET p/cmd` (PROTOCOL §7).
struct DeviceCommand {
    enum class Type { At = 0, Config = 1, Finished = 2 };
    QString correlationId;
    Type type = Type::Finished;
    QString atCommand;           ///< set command without "AT", e.g. "%KEYGEN"
    QString atParameters;        ///< e.g. "16842753,2,1"; the device runs AT<command>=<params>
    QList<int> ignoredCmeErrors; ///< CME errors the device treats as success
    QJsonObject config;          ///< Config commands only

    friend bool operator==(const DeviceCommand &, const DeviceCommand &) = default;
};

/// What the device sent back in `POST p/rsp` (PROTOCOL §7).
struct DeviceResponse {
    enum class Type { Error = 99, AtOutput = 100, ConfigAck = 101, FinishedAck = 102 };
    QString correlationId;
    Type type = Type::FinishedAck;
    int cmeError = 0; ///< Error only
    QString message;  ///< Error only
    QString output;   ///< AtOutput only: the AT command's response text
};

struct RuleRecord {
    QString id;
    QString ownerId;
    QString name;
    QString description;
    bool active = true;
    QJsonArray commands; ///< [{"request": {...}}, ...], validated on creation
    QStringList tags;
    QDateTime createdAt;
};

/// A device in device management, with its shadow.
struct ShadowRecord {
    QString deviceId;
    QString ownerId;
    QJsonObject desired;
    QJsonObject reported;
    qint64 version = 0;
    QDateTime onboardedAt;
    QString cloudAccessKey; ///< the public key from the device's %KEYGEN answer, as sent
};

/// The stand-in's state: claims, provisioning command queues, rules and device shadows.
///
/// Account-scoped methods (taking an ownerId) serve the REST APIs: a device claimed by another
/// account looks absent, except to claim(), which reports the conflict. Device-side methods
/// (commandsForDevice(), recordResponse(), patchShadow()) serve the device's own channel (the
/// CoAP/DTLS provisioning endpoint and the shadow): they take only the device id, which that
/// channel has authenticated. Every change emits changed() so the owner can persist the state.
///
/// A command's life: PENDING when queued; IN_PROGRESS once handed to the device; SUCCEEDED or
/// FAILED from the device's response. A failure also fails every command queued after it (the
/// real service drops them). A cloudAccessKeyGeneration that succeeds puts the device into
/// device management, which is how a claimed device becomes visible to the main API.
class CloudModel : public QObject {
    Q_OBJECT

public:
    static constexpr int MaxQueuedCommands = 20;
    static constexpr auto OnboardingRuleName = "nrf-cloud-onboarding";

    explicit CloudModel(QObject *parent = nullptr);

    // Claims (provisioning API).
    struct ClaimInput {
        QString deviceId;
        int deviceType = 0;
        QString firmwareId;
        QString imei;
        QStringList tags;
    };
    /// Claims the device, queueing the commands of every active rule of the owner whose tags
    /// meet the claim's tags. With `dryRun` only the checks run.
    std::expected<ClaimRecord, ModelError> claim(const QString &ownerId, const ClaimInput &input,
                                                 bool dryRun);
    std::expected<void, ModelError> unclaim(const QString &ownerId, const QString &deviceId);
    [[nodiscard]] QList<ClaimRecord> claims(const QString &ownerId) const;
    [[nodiscard]] std::optional<ClaimRecord> claim(const QString &ownerId,
                                                   const QString &deviceId) const;
    /// The claim of a device whoever owns it; for the device's own channel.
    [[nodiscard]] std::optional<ClaimRecord> claimOfDevice(const QString &deviceId) const;
    /// "CLAIMED", "PROVISIONING", "PROVISIONED" or "PROVISIONING_FAILED".
    [[nodiscard]] QString provisioningStatus(const QString &deviceId) const;

    // Provisioning commands (provisioning API).
    std::expected<CommandRecord, ModelError> createCommand(const QString &ownerId,
                                                           const QString &deviceId,
                                                           const QString &description,
                                                           const QJsonObject &request);
    std::expected<CommandRecord, ModelError>
    command(const QString &ownerId, const QString &deviceId, const QString &commandId) const;
    std::expected<QList<CommandRecord>, ModelError> commands(const QString &ownerId,
                                                             const QString &deviceId) const;

    // Rules (provisioning API).
    [[nodiscard]] QList<RuleRecord> rules(const QString &ownerId) const;
    std::expected<RuleRecord, ModelError> createRule(const QString &ownerId, const QString &name,
                                                     const QString &description, bool active,
                                                     const QJsonArray &commands,
                                                     const QStringList &tags);
    /// Creates the default onboarding rule (cloudAccessKeyGeneration for sec tag 16842753, then
    /// finished, tag "nrf-cloud-onboarding") unless the owner has a rule of that name.
    void ensureDefaultRule(const QString &ownerId);

    // Device management (main API).
    [[nodiscard]] QList<ShadowRecord> devices(const QString &ownerId) const;
    std::expected<ShadowRecord, ModelError> device(const QString &ownerId,
                                                   const QString &deviceId) const;
    /// Merges `desired` and `reported` into the shadow; null values delete keys.
    std::expected<ShadowRecord, ModelError> patchState(const QString &ownerId,
                                                       const QString &deviceId,
                                                       const std::optional<QJsonObject> &desired,
                                                       const std::optional<QJsonObject> &reported);

    // The device's side.
    /// Commands not yet final that come after `afterCorrelationId` in the device's queue (all
    /// of them when it is empty or unknown), at most `limit`; they become IN_PROGRESS. Empty
    /// when the device is not claimed or has nothing queued.
    QList<DeviceCommand> commandsForDevice(const QString &deviceId,
                                           const QString &afterCorrelationId, int limit = 20);
    /// Applies one response. Repeating a response to a final command is accepted and ignored.
    std::expected<void, ModelError> recordResponse(const QString &deviceId,
                                                   const DeviceResponse &response);
    /// Puts a claimed device into device management (idempotent).
    std::expected<void, ModelError> onboard(const QString &deviceId, const QString &cloudAccessKey);
    /// The shadow as the device reports it; creates no device.
    std::expected<ShadowRecord, ModelError>
    patchShadowFromDevice(const QString &deviceId, const std::optional<QJsonObject> &reported);

    /// Desired keys whose values differ from reported ones (nested objects compared per key).
    static QJsonObject delta(const QJsonObject &desired, const QJsonObject &reported);
    /// `target` with `patch` merged in; null values delete keys, objects merge recursively.
    static QJsonObject merged(QJsonObject target, const QJsonObject &patch);
    /// What the device runs for a REST command request, or an error naming the problem.
    static std::expected<DeviceCommand, QString> deviceCommandFor(const QString &correlationId,
                                                                  const QJsonObject &request);
    /// "nrf9160_SIAA" ... "nrf9151_LACA" for the token's device type.
    static QString deviceTypeName(int deviceType);

    // Persistence.
    [[nodiscard]] QJsonObject toJson() const;
    std::expected<void, QString> loadJson(const QJsonObject &state);

Q_SIGNALS:
    void changed();
    /// A command was queued for the device: a waiting device channel can ask again.
    void commandsQueued(const QString &deviceId);

private:
    const ClaimRecord *findClaim(const QString &deviceId) const;
    ClaimRecord *findClaim(const QString &deviceId);
    ShadowRecord *findShadow(const QString &deviceId);
    const ShadowRecord *findShadow(const QString &deviceId) const;
    std::expected<void, ModelError> checkOwner(const QString &ownerId,
                                               const QString &deviceId) const;
    int queuedCount(const QString &deviceId) const;
    CommandRecord appendCommand(const QString &deviceId, const QString &description,
                                const QJsonObject &request);

    std::vector<ClaimRecord> m_claims;
    std::vector<CommandRecord> m_commands; ///< all devices, in creation order
    std::vector<RuleRecord> m_rules;
    std::vector<ShadowRecord> m_shadows;
};

} // namespace ps::cloudsim
