#pragma once

#include <QString>
#include <QUuid>
#include <expected>
#include <optional>

namespace ps::core {

/// Why a response line could not be read; `message` names the line and what was expected.
struct AtParseError {
    QString message;
};

/// How the shell's `at` command ended (PROTOCOL §1, §3).
struct AtFinalLine {
    enum class Kind : quint8 {
        Ok,               ///< `OK`
        Error,            ///< `ERROR`
        CmeError,         ///< `+CME ERROR: <n>`; code = n
        TransportFailure, ///< `Sending AT command failed with error code <n>`; code = n
    };
    Kind kind = Kind::Ok;
    int code = 0;

    [[nodiscard]] bool isSuccess() const { return kind == Kind::Ok; }
    friend bool operator==(const AtFinalLine &, const AtFinalLine &) = default;
};

/// One `%CMNG: <tag>,<type>[,"<sha256>"]` line of a credential listing.
struct CmngEntry {
    quint32 secTag = 0;
    int type = 0;
    QString sha256; ///< 64 hex digits as printed (upper case on real modems), may be empty

    friend bool operator==(const CmngEntry &, const CmngEntry &) = default;
};

/// `+CEREG: <stat>[,"<tac>","<ci>",<AcT>[,<cause type>,<reject cause>[,"<active>","<tau>"]]]`,
/// the network registration notification, or the answer to `AT+CEREG?` which has the
/// subscription mode `<n>` in front.
struct CeregStatus {
    enum Stat : int {
        NotRegistered = 0,
        RegisteredHome = 1,
        Searching = 2,
        Denied = 3,
        Unknown = 4,
        RegisteredRoaming = 5,
        SimFailure = 90,
    };
    std::optional<int> mode; ///< only in the `AT+CEREG?` answer
    int stat = NotRegistered;
    QString tac;                         ///< tracking area code, 4 hex digits; empty when absent
    QString cellId;                      ///< E-UTRAN cell id, 8 hex digits; empty when absent
    std::optional<int> accessTechnology; ///< 7 LTE-M, 9 NB-IoT
    std::optional<int> causeType;        ///< 0 = EMM cause
    std::optional<int> rejectCause;
    QString activeTime;  ///< 8-bit string, e.g. "00100001"; empty when absent
    QString periodicTau; ///< 8-bit string; empty when absent

    [[nodiscard]] bool isRegistered() const {
        return stat == RegisteredHome || stat == RegisteredRoaming;
    }
    /// "registered, home network", "searching", "registration denied", ...
    static QString statName(int stat);
    friend bool operator==(const CeregStatus &, const CeregStatus &) = default;
};

/// `+CGEV: ...` packet domain events (PDN up/down, detach).
struct CgevEvent {
    enum class Kind : quint8 {
        PdnActivated,   ///< `ME PDN ACT <cid>[,<reason>]`
        PdnDeactivated, ///< `ME PDN DEACT <cid>` or `NW PDN DEACT <cid>`
        Detached,       ///< `ME DETACH` or `NW DETACH`
        Ipv6LinkUp,     ///< `IPV6 <cid>` (nRF91 specific)
        Ipv6LinkDown,   ///< `IPV6 FAIL <cid>`
        Other,          ///< anything else, text kept
    };
    Kind kind = Kind::Other;
    bool byNetwork = false; ///< `NW ...` rather than `ME ...`
    std::optional<int> cid; ///< context id when present
    QString text;           ///< everything after `+CGEV: `

    friend bool operator==(const CgevEvent &, const CgevEvent &) = default;
};

/// Parsing helpers for modem responses as the shell's `at` command prints them.
///
/// Pure functions over one line of text (as LineAssembler produced it); no state, no I/O.
/// Notification parsers find their prefix anywhere in the line, so the `AT event handler: `
/// prefix of `at events_enable` and a leading prompt fragment do not matter.
class AtResponse {
public:
    AtResponse() = delete;

    /// Classifies the line that ends an `at` command; nullopt for any other line.
    static std::optional<AtFinalLine> finalLine(QStringView line);

    /// IMEI from the bare `AT+CGSN` answer or from `+CGSN: "<imei>"`: 15 digits with a valid
    /// Luhn check digit (3GPP TS 23.003).
    static std::expected<QString, AtParseError> imei(QStringView line);
    static bool isValidImei(QStringView digits);

    /// `%DEVICEUUID: <uuid>` (no quotes); also accepts a quoted value.
    static std::expected<QUuid, AtParseError> deviceUuid(QStringView line);
    /// `%XMODEMUUID: <uuid>`.
    static std::expected<QUuid, AtParseError> modemFirmwareUuid(QStringView line);
    /// `+CFUN: <n>`.
    static std::expected<int, AtParseError> functionalMode(QStringView line);
    /// `%CMNG: <tag>,<type>[,"<sha>"]`.
    static std::expected<CmngEntry, AtParseError> credential(QStringView line);
    /// `%ATTESTTOKEN: "<token>"`: the token text between the quotes.
    static std::expected<QString, AtParseError> attestationToken(QStringView line);
    /// `+CEREG: ...` notification or `AT+CEREG?` answer.
    static std::expected<CeregStatus, AtParseError> cereg(QStringView line);
    /// `+CGEV: ...`.
    static std::expected<CgevEvent, AtParseError> cgev(QStringView line);

    /// The value after `<prefix>` (e.g. `%KEYGEN:`), unquoted when it is one quoted string.
    /// The generic form of the helpers above, for responses they do not cover.
    static std::expected<QString, AtParseError> value(QStringView line, QStringView prefix);

    /// Text for the CME error codes the station meets (PROTOCOL §3), or "CME error <n>".
    static QString cmeErrorText(int code);
    /// "root CA", "client certificate", ... for `%CMNG` credential types.
    static QString credentialTypeName(int type);
    /// "normal", "offline", ... for `+CFUN` modes.
    static QString functionalModeName(int mode);
};

} // namespace ps::core
