#include "AtResponse.h"

#include <QList>

namespace ps::core {

using namespace Qt::StringLiterals;

namespace {

struct Field {
    QStringView text;
    bool quoted = false;
};

std::unexpected<AtParseError> fail(QString message) {
    return std::unexpected(AtParseError{std::move(message)});
}

QString shown(QStringView line) {
    constexpr qsizetype MaxShown = 80;
    if (line.size() > MaxShown)
        return u"'"_s + line.first(MaxShown).toString() + u"...'"_s;
    return u"'"_s + line.toString() + u"'"_s;
}

// Splits `a,"b,c",d` into fields; quotes protect commas. nullopt on an unterminated quote.
std::optional<QList<Field>> splitFields(QStringView text) {
    QList<Field> fields;
    qsizetype i = 0;
    while (true) {
        while (i < text.size() && text[i] == u' ')
            ++i;
        Field field;
        if (i < text.size() && text[i] == u'"') {
            const qsizetype close = text.indexOf(u'"', i + 1);
            if (close < 0)
                return std::nullopt;
            field.text = text.sliced(i + 1, close - i - 1);
            field.quoted = true;
            i = close + 1;
            while (i < text.size() && text[i] == u' ')
                ++i;
            if (i < text.size() && text[i] != u',')
                return std::nullopt;
        } else {
            const qsizetype comma = text.indexOf(u',', i);
            const qsizetype end = comma < 0 ? text.size() : comma;
            field.text = text.sliced(i, end - i).trimmed();
            i = end;
        }
        fields.append(field);
        if (i >= text.size())
            break;
        ++i; // the comma
    }
    return fields;
}

std::optional<qint64> number(QStringView text) {
    if (text.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 value = text.toLongLong(&ok, 10);
    if (!ok)
        return std::nullopt;
    return value;
}

// The text after `prefix` (searched anywhere in the line), trimmed.
std::optional<QStringView> after(QStringView line, QStringView prefix) {
    const qsizetype at = line.indexOf(prefix);
    if (at < 0)
        return std::nullopt;
    return line.sliced(at + prefix.size()).trimmed();
}

std::expected<QUuid, AtParseError> uuidAfter(QStringView line, QStringView prefix) {
    auto rest = after(line, prefix);
    if (!rest)
        return fail(u"expected '"_s + prefix + u" <uuid>', got "_s + shown(line));
    QStringView text = *rest;
    if (text.size() >= 2 && text.front() == u'"' && text.back() == u'"')
        text = text.sliced(1, text.size() - 2);
    const QUuid uuid = text.size() == 36 ? QUuid::fromString(text) : QUuid();
    if (uuid.isNull()) {
        return fail(prefix + u" value is not a UUID (8-4-4-4-12 hex digits): "_s + shown(text));
    }
    return uuid;
}

bool isHex(QStringView text) {
    return std::all_of(text.begin(), text.end(), [](QChar c) {
        return c.isDigit() || (c.toLower() >= u'a' && c.toLower() <= u'f');
    });
}

} // namespace

std::optional<AtFinalLine> AtResponse::finalLine(QStringView line) {
    line = line.trimmed();
    if (line == u"OK")
        return AtFinalLine{AtFinalLine::Kind::Ok, 0};
    if (line == u"ERROR")
        return AtFinalLine{AtFinalLine::Kind::Error, 0};
    static constexpr QStringView Cme = u"+CME ERROR:";
    if (line.startsWith(Cme)) {
        if (const auto code = number(line.sliced(Cme.size()).trimmed()))
            return AtFinalLine{AtFinalLine::Kind::CmeError, int(*code)};
        return std::nullopt;
    }
    static constexpr QStringView Transport = u"Sending AT command failed with error code";
    if (line.startsWith(Transport)) {
        if (const auto code = number(line.sliced(Transport.size()).trimmed()))
            return AtFinalLine{AtFinalLine::Kind::TransportFailure, int(*code)};
        return std::nullopt;
    }
    return std::nullopt;
}

bool AtResponse::isValidImei(QStringView digits) {
    if (digits.size() != 15)
        return false;
    int sum = 0;
    for (qsizetype i = 0; i < digits.size(); ++i) {
        const QChar c = digits[i];
        if (c.unicode() < u'0' || c.unicode() > u'9')
            return false;
        int d = c.unicode() - u'0';
        if (i % 2 == 1) { // every second digit from the left is doubled
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

std::expected<QString, AtParseError> AtResponse::imei(QStringView line) {
    QStringView text = line.trimmed();
    if (const auto rest = after(text, u"+CGSN:")) {
        text = *rest;
        if (text.size() >= 2 && text.front() == u'"' && text.back() == u'"')
            text = text.sliced(1, text.size() - 2);
    }
    if (text.size() != 15 ||
        !std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit(); })) {
        return fail(u"expected a 15-digit IMEI, got "_s + shown(line.trimmed()));
    }
    if (!isValidImei(text))
        return fail(u"IMEI "_s + text + u" has a wrong check digit"_s);
    return text.toString();
}

std::expected<QUuid, AtParseError> AtResponse::deviceUuid(QStringView line) {
    return uuidAfter(line, u"%DEVICEUUID:");
}

std::expected<QUuid, AtParseError> AtResponse::modemFirmwareUuid(QStringView line) {
    return uuidAfter(line, u"%XMODEMUUID:");
}

std::expected<int, AtParseError> AtResponse::functionalMode(QStringView line) {
    const auto rest = after(line, u"+CFUN:");
    const auto mode = rest ? number(*rest) : std::nullopt;
    if (!mode || *mode < 0 || *mode > 255)
        return fail(u"expected '+CFUN: <mode>', got "_s + shown(line.trimmed()));
    return int(*mode);
}

std::expected<CmngEntry, AtParseError> AtResponse::credential(QStringView line) {
    const auto rest = after(line, u"%CMNG:");
    const auto fields = rest ? splitFields(*rest) : std::nullopt;
    const auto expected = [&] {
        return fail(u"expected '%CMNG: <sec tag>,<type>[,\"<sha256>\"]', got "_s +
                    shown(line.trimmed()));
    };
    if (!fields || fields->size() < 2 || fields->size() > 3)
        return expected();
    const auto tag = number(fields->at(0).text);
    const auto type = number(fields->at(1).text);
    if (fields->at(0).quoted || fields->at(1).quoted || !tag || !type || *tag < 0 ||
        *tag > 0xffffffffLL || *type < 0 || *type > 255) {
        return expected();
    }
    CmngEntry entry;
    entry.secTag = quint32(*tag);
    entry.type = int(*type);
    if (fields->size() == 3) {
        const QStringView sha = fields->at(2).text;
        if (!sha.isEmpty() && (sha.size() != 64 || !isHex(sha)))
            return fail(u"%CMNG: the SHA-256 is not 64 hex digits: "_s + shown(sha));
        entry.sha256 = sha.toString();
    }
    return entry;
}

std::expected<QString, AtParseError> AtResponse::attestationToken(QStringView line) {
    auto token = value(line, u"%ATTESTTOKEN:");
    if (token && token->isEmpty())
        return fail(u"%ATTESTTOKEN: the token is empty"_s);
    return token;
}

std::expected<QString, AtParseError> AtResponse::value(QStringView line, QStringView prefix) {
    const auto rest = after(line, prefix);
    if (!rest)
        return fail(u"expected '"_s + prefix + u" ...', got "_s + shown(line.trimmed()));
    QStringView text = *rest;
    if (text.startsWith(u'"')) {
        if (text.size() < 2 || !text.endsWith(u'"') ||
            text.sliced(1, text.size() - 2).contains(u'"'))
            return fail(prefix + u" value has unbalanced quotes: "_s + shown(text));
        text = text.sliced(1, text.size() - 2);
    }
    return text.toString();
}

std::expected<CeregStatus, AtParseError> AtResponse::cereg(QStringView line) {
    const auto rest = after(line, u"+CEREG:");
    auto fields = rest ? splitFields(*rest) : std::nullopt;
    const auto malformed = [&] {
        return fail(u"expected '+CEREG: <stat>[,\"<tac>\",\"<ci>\",<AcT>[,<cause type>,"_s
                    u"<reject cause>[,\"<active>\",\"<tau>\"]]]', got "_s +
                    shown(line.trimmed()));
    };
    if (!fields || fields->isEmpty() || fields->size() > 10)
        return malformed();

    CeregStatus status;
    // The AT+CEREG? answer starts with the subscription mode: two unquoted numbers in front.
    if (fields->size() >= 2 && !fields->at(1).quoted && number(fields->at(1).text)) {
        const auto mode = number(fields->at(0).text);
        if (!mode)
            return malformed();
        status.mode = int(*mode);
        fields->removeFirst();
    }
    const auto stat = number(fields->at(0).text);
    if (fields->at(0).quoted || !stat)
        return malformed();
    status.stat = int(*stat);

    const auto optionalInt = [](const Field &field) -> std::optional<int> {
        const auto n = number(field.text);
        return n ? std::optional<int>(int(*n)) : std::nullopt;
    };
    const auto size = fields->size();
    if (size >= 2) {
        const QStringView tac = fields->at(1).text;
        if (!tac.isEmpty() && !isHex(tac))
            return fail(u"+CEREG: tracking area code is not hex: "_s + shown(tac));
        status.tac = tac.toString();
    }
    if (size >= 3) {
        const QStringView ci = fields->at(2).text;
        if (!ci.isEmpty() && !isHex(ci))
            return fail(u"+CEREG: cell id is not hex: "_s + shown(ci));
        status.cellId = ci.toString();
    }
    if (size >= 4)
        status.accessTechnology = optionalInt(fields->at(3));
    if (size >= 5)
        status.causeType = optionalInt(fields->at(4));
    if (size >= 6)
        status.rejectCause = optionalInt(fields->at(5));
    if (size >= 7)
        status.activeTime = fields->at(6).text.toString();
    if (size >= 8)
        status.periodicTau = fields->at(7).text.toString();
    return status;
}

std::expected<CgevEvent, AtParseError> AtResponse::cgev(QStringView line) {
    const auto rest = after(line, u"+CGEV:");
    if (!rest || rest->isEmpty())
        return fail(u"expected '+CGEV: <event>', got "_s + shown(line.trimmed()));
    CgevEvent event;
    event.text = rest->toString();
    QStringView text = *rest;
    if (text.startsWith(u"NW ")) {
        event.byNetwork = true;
        text = text.sliced(3);
    } else if (text.startsWith(u"ME ")) {
        text = text.sliced(3);
    }
    const auto cidAfter = [&](QStringView keyword) -> std::optional<int> {
        QStringView tail = text.sliced(keyword.size()).trimmed();
        const qsizetype comma = tail.indexOf(u',');
        if (comma >= 0)
            tail = tail.first(comma);
        const auto n = number(tail.trimmed());
        return n ? std::optional<int>(int(*n)) : std::nullopt;
    };
    if (text.startsWith(u"PDN ACT")) {
        event.kind = CgevEvent::Kind::PdnActivated;
        event.cid = cidAfter(u"PDN ACT");
    } else if (text.startsWith(u"PDN DEACT")) {
        event.kind = CgevEvent::Kind::PdnDeactivated;
        event.cid = cidAfter(u"PDN DEACT");
    } else if (text.startsWith(u"DETACH")) {
        event.kind = CgevEvent::Kind::Detached;
    } else if (text.startsWith(u"IPV6 FAIL")) {
        event.kind = CgevEvent::Kind::Ipv6LinkDown;
        event.cid = cidAfter(u"IPV6 FAIL");
    } else if (text.startsWith(u"IPV6")) {
        event.kind = CgevEvent::Kind::Ipv6LinkUp;
        event.cid = cidAfter(u"IPV6");
    }
    return event;
}

QString CeregStatus::statName(int stat) {
    switch (stat) {
    case NotRegistered:
        return u"not registered"_s;
    case RegisteredHome:
        return u"registered, home network"_s;
    case Searching:
        return u"searching"_s;
    case Denied:
        return u"registration denied"_s;
    case Unknown:
        return u"unknown (out of coverage)"_s;
    case RegisteredRoaming:
        return u"registered, roaming"_s;
    case SimFailure:
        return u"SIM failure"_s;
    default:
        return u"status "_s + QString::number(stat);
    }
}

QString AtResponse::cmeErrorText(int code) {
    switch (code) {
    case 513:
        return u"not found"_s;
    case 514:
        return u"no access"_s;
    case 515:
        return u"memory full"_s;
    case 518:
        return u"not allowed while the modem is active"_s;
    case 519:
        return u"already exists"_s;
    case 523:
        return u"key generation failed"_s;
    case 528:
        return u"power-off warning"_s;
    default:
        return u"CME error "_s + QString::number(code);
    }
}

QString AtResponse::credentialTypeName(int type) {
    switch (type) {
    case 0:
        return u"root CA"_s;
    case 1:
        return u"client certificate"_s;
    case 2:
        return u"client private key"_s;
    case 3:
        return u"PSK"_s;
    case 4:
        return u"PSK identity"_s;
    case 5:
        return u"public key"_s;
    case 6:
        return u"device identity public key"_s;
    case 8:
        return u"endorsement key"_s;
    case 9:
        return u"ownership key"_s;
    case 10:
        return u"Nordic identity root CA"_s;
    case 11:
        return u"Nordic public key"_s;
    default:
        return u"type "_s + QString::number(type);
    }
}

QString AtResponse::functionalModeName(int mode) {
    switch (mode) {
    case 0:
        return u"power off"_s;
    case 1:
        return u"normal"_s;
    case 2:
        return u"receive only"_s;
    case 4:
        return u"offline"_s;
    case 20:
        return u"LTE off"_s;
    case 21:
        return u"LTE on"_s;
    case 30:
        return u"GNSS off"_s;
    case 31:
        return u"GNSS on"_s;
    case 40:
        return u"SIM off"_s;
    case 41:
        return u"SIM on"_s;
    case 44:
        return u"offline, SIM on"_s;
    default:
        return u"mode "_s + QString::number(mode);
    }
}

} // namespace ps::core
