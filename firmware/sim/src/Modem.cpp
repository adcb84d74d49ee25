#include "Modem.h"

#include "ModemFormats.h"

#include <QDateTime>

namespace ps::devsim {

using namespace std::chrono_literals;

namespace {

// The serving cell of the simulated network and the PSM timers it grants (T3324 16 s, T3412
// 2 h), as the 3GPP bit strings +CEREG carries.
constexpr QByteArrayView TrackingArea = "76C1";
constexpr QByteArrayView CellId = "0102DA04";
constexpr int AccessTechnology = 7; // LTE-M
constexpr QByteArrayView PsmActiveTime = "00001000";
constexpr QByteArrayView PsmPeriodicTau = "00100010";
constexpr int DeniedEmmCause = 15; // no suitable cells in tracking area

constexpr QByteArrayView SoftwareVersionNumber = "01";

std::optional<qint64> number(QByteArrayView text) {
    bool ok = false;
    const qint64 value = text.toByteArray().trimmed().toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return value;
}

QByteArray quoted(const QByteArray &text) {
    return '"' + text + '"';
}

} // namespace

Modem::Modem(const DeviceIdentity &identity, CredentialStore &credentials, SimClock &clock,
             LteSettings settings, QObject *parent)
    : QObject(parent)
    , m_identity(identity)
    , m_credentials(credentials)
    , m_clock(clock)
    , m_settings(settings) {}

Modem::~Modem() = default;

QObject *Modem::radio() {
    if (!m_radio)
        m_radio = std::make_unique<QObject>();
    return m_radio.get();
}

void Modem::reset() {
    m_radio.reset();
    m_reportedCfun = 0;
    m_lteOn = false;
    m_uiccOn = false;
    m_rxOnly = false;
    m_stat = 0;
    m_cellKnown = false;
    m_rejected = false;
    m_pdnActive = false;
    m_networkTime = false;
    m_coverageLossScheduled = false;
    m_ceregLevel = 0;
    m_cgerep = 0;
    m_cmee = 1;
}

std::optional<QList<Modem::Param>> Modem::parseParams(QByteArrayView text) {
    QList<Param> params;
    qsizetype i = 0;
    const auto skipSpaces = [&] {
        while (i < text.size() && text[i] == ' ')
            ++i;
    };
    while (true) {
        skipSpaces();
        Param param;
        if (i < text.size() && text[i] == '"') {
            const qsizetype close = text.indexOf('"', i + 1);
            if (close < 0)
                return std::nullopt;
            param.value = text.sliced(i + 1, close - i - 1).toByteArray();
            param.quoted = true;
            i = close + 1;
            skipSpaces();
            if (i < text.size() && text[i] != ',')
                return std::nullopt;
        } else {
            const qsizetype comma = text.indexOf(',', i);
            const qsizetype end = comma < 0 ? text.size() : comma;
            param.value = text.sliced(i, end - i).toByteArray().trimmed();
            i = end;
        }
        params.append(param);
        if (i >= text.size())
            break;
        ++i; // the comma
    }
    return params;
}

QByteArray Modem::ok(const QList<QByteArray> &lines) const {
    QByteArray response;
    for (const QByteArray &line : lines)
        response.append(line).append("\r\n");
    response.append("OK\r\n");
    return response;
}

QByteArray Modem::cmeError(int code) const {
    if (m_cmee == 0)
        return error();
    return QByteArray("+CME ERROR: ") + QByteArray::number(code) + "\r\n";
}

QByteArray Modem::error() {
    return QByteArrayLiteral("ERROR\r\n");
}

QByteArray Modem::execute(QByteArrayView command) {
    const QByteArray text = command.toByteArray().trimmed();
    if (text.size() < 2 || text.first(2).toUpper() != "AT")
        return error();
    const QByteArrayView rest = QByteArrayView(text).sliced(2);
    if (rest.isEmpty())
        return ok();
    if (rest[0] != '+' && rest[0] != '%' && rest[0] != '#')
        return error();
    qsizetype end = 1;
    while (end < rest.size() && (std::isalnum(quint8(rest[end])) != 0))
        ++end;
    const QByteArray name = rest.first(end).toByteArray().toUpper();
    const QByteArrayView tail = rest.sliced(end);

    char form = 'x'; // x execute, ? read, t test, = set
    QList<Param> params;
    if (tail.isEmpty()) {
        form = 'x';
    } else if (tail == "?") {
        form = '?';
    } else if (tail == "=?") {
        form = 't';
    } else if (tail.startsWith('=')) {
        form = '=';
        auto parsed = parseParams(tail.sliced(1));
        if (!parsed)
            return error();
        params = std::move(*parsed);
    } else {
        return error();
    }

    if (name == "+CGSN")
        return cgsn(form, params);
    if (name == "+CGMM")
        return form == 'x' ? ok({m_identity.modem.model.toLatin1()}) : error();
    if (name == "+CGMI")
        return form == 'x' ? ok({"Nordic Semiconductor ASA"}) : error();
    if (name == "+CGMR")
        return form == 'x' ? ok({m_identity.modem.firmware.toLatin1()}) : error();
    if (name == "%DEVICEUUID") {
        if (form != 'x' || !m_identity.modem.hasDeviceUuidCommand)
            return error();
        return ok({"%DEVICEUUID: " + m_identity.uuidText().toLatin1()});
    }
    if (name == "%XMODEMUUID") {
        if (form != 'x')
            return error();
        return ok(
            {"%XMODEMUUID: " +
             m_identity.modem.firmwareUuid.toString(QUuid::WithoutBraces).toLower().toLatin1()});
    }
    if (name == "%ATTESTTOKEN")
        return form == 'x' ? ok({"%ATTESTTOKEN: " + quoted(formats::attestationToken(m_identity))})
                           : error();
    if (name == "+CFUN")
        return cfun(form, params);
    if (name == "+CEREG")
        return cereg(form, params);
    if (name == "+CGEREP")
        return cgerep(form, params);
    if (name == "+CMEE")
        return cmee(form, params);
    if (name == "%CCLK")
        return cclk(form, true);
    if (name == "+CCLK")
        return cclk(form, false);
    if (name == "%CMNG")
        return cmng(form, params);
    if (name == "%KEYGEN")
        return keygen(form, params);
    if (name == "%JWT")
        return jwt(form, params);
    if (name == "%XFACTORYRESET")
        return factoryReset(form, params);
    return error();
}

QByteArray Modem::cgsn(char form, const QList<Param> &params) {
    if (form == 't')
        return ok({"+CGSN: (0-3)"});
    qint64 mode = 0;
    if (form == '=') {
        const auto value = number(params.value(0).value);
        if (!value || *value < 0 || *value > 3)
            return error();
        mode = *value;
    } else if (form != 'x') {
        return error();
    }
    const QByteArray imei = m_identity.imei.toLatin1();
    switch (mode) {
    case 0:
        return ok({imei});
    case 1:
        return ok({"+CGSN: " + quoted(imei)});
    case 2:
        return ok({"+CGSN: " + quoted(imei.first(14) + SoftwareVersionNumber.toByteArray())});
    default:
        return ok({"+CGSN: " + quoted(SoftwareVersionNumber.toByteArray())});
    }
}

QByteArray Modem::cfun(char form, const QList<Param> &params) {
    static constexpr int Modes[] = {0, 1, 2, 4, 20, 21, 30, 31, 40, 41, 44};
    if (form == '?')
        return ok({"+CFUN: " + QByteArray::number(m_reportedCfun)});
    if (form == 't')
        return ok({"+CFUN: (0,1,2,4,20,21,30,31,40,41,44)"});
    if (form != '=')
        return error();
    const auto mode = number(params.value(0).value);
    if (!mode || std::find(std::begin(Modes), std::end(Modes), *mode) == std::end(Modes))
        return error();
    setFunctionalMode(int(*mode));
    return ok();
}

void Modem::setFunctionalMode(int mode) {
    switch (mode) {
    case 0:
        m_uiccOn = false;
        m_reportedCfun = 0;
        lteOff();
        break;
    case 1:
    case 21:
        m_uiccOn = true;
        m_reportedCfun = 1;
        lteOn();
        break;
    case 2:
        // Receive only: LTE is active (credentials are locked) but the modem does not attach.
        lteOff();
        m_uiccOn = true;
        m_lteOn = true;
        m_rxOnly = true;
        m_reportedCfun = 2;
        break;
    case 4:
        m_uiccOn = false;
        m_reportedCfun = 4;
        lteOff();
        break;
    case 20:
        if (m_reportedCfun == 1 || m_reportedCfun == 2)
            m_reportedCfun = 4;
        lteOff();
        break;
    case 40:
        m_uiccOn = false;
        break;
    case 41:
        m_uiccOn = true;
        break;
    case 44:
        m_uiccOn = true;
        m_reportedCfun = 44;
        lteOff();
        break;
    default: // 30, 31: GNSS only
        break;
    }
}

void Modem::lteOn() {
    if (m_lteOn && !m_rxOnly)
        return;
    m_radio.reset();
    m_lteOn = true;
    m_rxOnly = false;
    search();
}

void Modem::lteOff() {
    const bool wasOn = m_lteOn;
    m_lteOn = false;
    m_rxOnly = false;
    m_radio.reset(); // cancels a search or attach in progress
    if (!wasOn)
        return;
    const bool hadPdn = m_pdnActive;
    const bool hadStatus = m_stat != 0;
    m_pdnActive = false;
    m_cellKnown = false;
    m_rejected = false;
    m_stat = 0;
    m_clock.after(radio(), 5ms, [this, hadPdn, hadStatus] {
        if (hadStatus && m_ceregLevel > 0)
            notify("+CEREG: " + ceregFields(m_ceregLevel));
        if (hadPdn && m_cgerep == 1)
            notify("+CGEV: ME DETACH");
    });
}

void Modem::search() {
    if (!m_uiccOn || m_settings.noSim) {
        m_clock.after(radio(), 100ms, [this] {
            m_cellKnown = false;
            setStatus(90);
        });
        return;
    }
    const auto attach = std::max<std::chrono::milliseconds>(m_settings.attachTime, 1ms);
    m_clock.after(radio(), std::min<std::chrono::milliseconds>(300ms, attach / 2), [this] {
        m_cellKnown = true;
        m_rejected = false;
        setStatus(2);
    });
    m_clock.after(radio(), attach, [this] {
        if (!m_settings.registrationDenied) {
            registered();
            return;
        }
        m_rejected = true;
        setStatus(3);
        m_clock.after(radio(), 1s, [this] {
            m_rejected = false;
            m_cellKnown = false;
            setStatus(0);
            m_clock.after(radio(), 10s, [this] { search(); });
        });
    });
}

void Modem::registered() {
    m_networkTime = true;
    m_cellKnown = true;
    setStatus(m_settings.roaming ? 5 : 1);
    m_clock.after(radio(), 30ms, [this] {
        if (!m_pdnActive) {
            m_pdnActive = true;
            if (m_cgerep == 1)
                notify("+CGEV: ME PDN ACT 0");
        }
        if (m_settings.coverageLossDuration && !m_coverageLossScheduled) {
            m_coverageLossScheduled = true;
            m_clock.after(radio(), m_settings.coverageLossAfter, [this] {
                m_cellKnown = false;
                setStatus(2);
                m_clock.after(radio(), *m_settings.coverageLossDuration, [this] {
                    m_cellKnown = true;
                    setStatus(m_settings.roaming ? 5 : 1);
                });
            });
        }
    });
}

void Modem::setStatus(int stat) {
    m_stat = stat;
    if (m_ceregLevel > 0)
        notify("+CEREG: " + ceregFields(m_ceregLevel));
}

void Modem::notify(const QByteArray &line) {
    Q_EMIT notification(line);
}

QByteArray Modem::ceregFields(int level) const {
    QList<QByteArray> fields(8);
    fields[0] = QByteArray::number(m_stat);
    const bool withCell = m_cellKnown && m_stat != 0 && m_stat != 4 && m_stat != 90;
    if (withCell) {
        fields[1] = quoted(TrackingArea.toByteArray());
        fields[2] = quoted(CellId.toByteArray());
        fields[3] = QByteArray::number(AccessTechnology);
    }
    if (m_stat == 3 && m_rejected && level != 4) {
        fields[4] = "0";
        fields[5] = QByteArray::number(DeniedEmmCause);
    }
    if (m_stat == 1 || m_stat == 5) {
        fields[6] = quoted(PsmActiveTime.toByteArray());
        fields[7] = quoted(PsmPeriodicTau.toByteArray());
    }
    const qsizetype count = level <= 1 ? 1 : level == 2 ? 4 : level == 3 ? 6 : 8;
    fields.resize(count);
    while (fields.size() > 1 && fields.last().isEmpty())
        fields.removeLast();
    return fields.join(',');
}

QByteArray Modem::cereg(char form, const QList<Param> &params) {
    if (form == 't')
        return ok({"+CEREG: (0-5)"});
    if (form == '?')
        return ok({"+CEREG: " + QByteArray::number(m_ceregLevel) + ',' +
                   ceregFields(std::max(m_ceregLevel, 1))});
    if (form != '=')
        return error();
    const auto level = number(params.value(0).value);
    if (!level || *level < 0 || *level > 5)
        return error();
    m_ceregLevel = int(*level);
    return ok();
}

QByteArray Modem::cgerep(char form, const QList<Param> &params) {
    if (form == 't')
        return ok({"+CGEREP: (0,1),(0)"});
    if (form == '?')
        return ok({"+CGEREP: " + QByteArray::number(m_cgerep) + ",0"});
    if (form != '=')
        return error();
    const auto mode = number(params.value(0).value);
    if (!mode || (*mode != 0 && *mode != 1))
        return error();
    m_cgerep = int(*mode);
    return ok();
}

QByteArray Modem::cmee(char form, const QList<Param> &params) {
    if (form == 't')
        return ok({"+CMEE: (0,1)"});
    if (form == '?')
        return ok({"+CMEE: " + QByteArray::number(m_cmee)});
    if (form != '=')
        return error();
    const auto mode = number(params.value(0).value);
    if (!mode || (*mode != 0 && *mode != 1))
        return error();
    m_cmee = int(*mode);
    return ok();
}

QByteArray Modem::cclk(char form, bool nordic) {
    if (form != '?' || !m_networkTime)
        return error();
    const QByteArray time =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yy/MM/dd,hh:mm:ss")).toLatin1() +
        "+00";
    if (nordic)
        return ok({"%CCLK: " + quoted(time) + ",0"});
    return ok({"+CCLK: " + quoted(time)});
}

QByteArray Modem::cmng(char form, const QList<Param> &params) {
    if (form != '=')
        return error();
    const auto opcode = number(params.value(0).value);
    if (!opcode)
        return error();
    const auto secTagParam = [&](qsizetype index) -> std::optional<quint32> {
        const auto value = number(params.value(index).value);
        if (!value || *value < 0 || *value > 0xffffffffLL)
            return std::nullopt;
        return quint32(*value);
    };
    const auto typeParam = [&](qsizetype index) -> std::optional<int> {
        const auto value = number(params.value(index).value);
        if (!value || *value < 0 || *value > 11)
            return std::nullopt;
        return int(*value);
    };

    switch (*opcode) {
    case 0: { // write
        const auto secTag = secTagParam(1);
        const auto type = typeParam(2);
        if (!secTag || !type || params.size() < 4 || params.at(3).value.isEmpty())
            return error();
        if (m_lteOn)
            return cmeError(518);
        if (*secTag >= FirstReservedSecTag || *type > 5)
            return cmeError(514);
        if (!m_credentials.write(*secTag, *type, params.at(3).value))
            return cmeError(515);
        return ok();
    }
    case 1: { // list
        std::optional<quint32> secTag;
        std::optional<int> type;
        if (params.size() > 1) {
            secTag = secTagParam(1);
            if (!secTag)
                return error();
        }
        if (params.size() > 2) {
            type = typeParam(2);
            if (!type)
                return error();
        }
        QList<QByteArray> lines;
        for (const auto &credential : m_credentials.list(secTag, type)) {
            lines.append("%CMNG: " + QByteArray::number(credential.secTag) + ',' +
                         QByteArray::number(credential.type) + ',' +
                         quoted(CredentialStore::digestOf(credential.content).toLatin1()));
        }
        return ok(lines);
    }
    case 2: { // read
        const auto secTag = secTagParam(1);
        const auto type = typeParam(2);
        if (!secTag || !type)
            return error();
        const auto credential = m_credentials.find(*secTag, *type);
        if (!credential)
            return cmeError(513);
        if (*type == 2 || *type == 3)
            return cmeError(514); // private keys and PSKs never leave the modem
        return ok({"%CMNG: " + QByteArray::number(*secTag) + ',' + QByteArray::number(*type) + ',' +
                   quoted(CredentialStore::digestOf(credential->content).toLatin1()) + ',' +
                   quoted(credential->content)});
    }
    case 3: { // delete
        const auto secTag = secTagParam(1);
        const auto type = typeParam(2);
        if (!secTag || !type)
            return error();
        if (m_lteOn)
            return cmeError(518);
        if (*secTag >= FirstReservedSecTag)
            return cmeError(514);
        if (!m_credentials.remove(*secTag, *type))
            return cmeError(513);
        return ok();
    }
    default:
        return error();
    }
}

QByteArray Modem::keygen(char form, const QList<Param> &params) {
    if (form != '=' || params.size() < 3)
        return error();
    const auto secTag = number(params.at(0).value);
    const auto keyType = number(params.at(1).value);
    const auto format = number(params.at(2).value);
    if (!secTag || *secTag < 0 || *secTag > 0xffffffffLL || keyType != 2 || !format ||
        (*format != 0 && *format != 1))
        return error();
    if (m_lteOn)
        return cmeError(518);
    if (quint32(*secTag) >= FirstReservedSecTag)
        return cmeError(514);

    auto key = EcKey::generate();
    if (!key)
        return cmeError(523);
    QByteArray der;
    if (*format == 0) {
        QList<QPair<QString, QString>> subject;
        const QByteArray attributes = params.value(3).value;
        if (attributes.isEmpty()) {
            subject.append({QStringLiteral("CN"), m_identity.uuidText()});
        } else {
            for (const QByteArray &part : attributes.split(',')) {
                const qsizetype equals = part.indexOf('=');
                if (equals <= 0)
                    return error();
                subject.append({QString::fromUtf8(part.first(equals).trimmed()),
                                QString::fromUtf8(part.mid(equals + 1).trimmed())});
            }
        }
        auto csr = key->certificateRequestDer(subject, QString::fromLatin1(params.value(4).value));
        if (!csr)
            return error();
        der = *csr;
    } else {
        der = key->publicDer();
    }
    if (!m_credentials.write(quint32(*secTag), 2, key->privatePem()))
        return cmeError(515);
    return ok({"%KEYGEN: " + quoted(formats::keygenResponse(m_identity, der))});
}

QByteArray Modem::jwt(char form, const QList<Param> &params) {
    if (form != '=' || params.size() < 2)
        return error();
    const auto algorithm = number(params.at(0).value);
    const auto expires = number(params.at(1).value);
    if (algorithm != 0 || !expires || *expires < 0)
        return error();
    // The token's iat needs the modem's clock, which the network sets (unverified: the real
    // modem's exact answer without time is not documented; it fails with ERROR here).
    if (!m_networkTime)
        return error();

    EcKey tagKey;
    if (params.size() > 4 && !params.at(4).value.isEmpty()) {
        const auto secTag = number(params.at(4).value);
        const auto keyType = number(params.value(5).value);
        if (!secTag || *secTag < 0 || *secTag > 0xffffffffLL || keyType != 2)
            return error();
        const auto credential = m_credentials.find(quint32(*secTag), 2);
        if (!credential)
            return cmeError(513);
        auto key = EcKey::fromPrivatePem(credential->content);
        if (!key)
            return cmeError(513);
        tagKey = std::move(*key);
    }
    formats::JwtRequest request;
    request.expiresInSeconds = *expires;
    request.subject = params.value(2).value;
    request.audience = params.value(3).value;
    request.now = QDateTime::currentDateTimeUtc();
    const EcKey &key = tagKey.isNull() ? m_identity.identityKey : tagKey;
    return ok({"%JWT: " + quoted(formats::jwt(m_identity, key, request))});
}

QByteArray Modem::factoryReset(char form, const QList<Param> &params) {
    if (form != '=')
        return error();
    const auto mode = number(params.value(0).value);
    if (!mode || (*mode != 0 && *mode != 1))
        return error();
    if (m_lteOn)
        return cmeError(518);
    m_credentials.clear();
    return ok();
}

} // namespace ps::devsim
