#include "ScriptedModem.h"

#include <QRegularExpression>

namespace ps::test {

namespace {

QByteArray uuidBytes(const QUuid &uuid) {
    return uuid.toRfc4122();
}

QByteArray base64Url(const QByteArray &bytes) {
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

PtyPeer::Reply lines(QList<QByteArray> body) {
    return PtyPeer::Reply{std::move(body)};
}

} // namespace

ScriptedModem::ScriptedModem(PtyPeer &peer) {
    peer.setHandler([this](const QString &command) { return answer(command); });
}

QString ScriptedModem::token() const {
    // Part 1: tag 55799, array(5): 1, bstr(16) device UUID, device type, bstr(16) firmware UUID,
    // bstr(16) nonce.
    QByteArray part1 = QByteArray::fromHex("d9d9f7850150");
    part1 += uuidBytes(deviceUuid);
    part1 += char(deviceType);
    part1 += char(0x50) + uuidBytes(firmwareUuid);
    part1 += char(0x50) + QByteArray::fromHex("000102030405060708090a0b0c0d0e0f");
    // Part 2: tag 18, array(4): bstr {1: -7}, {4: h'21'}, null, bstr(64) signature.
    QByteArray part2 = QByteArray::fromHex("d28443a10126a10441"
                                           "21"
                                           "f6"
                                           "5840");
    for (int i = 0; i < 64; ++i)
        part2 += char(0x80 + i);
    return QString::fromLatin1(base64Url(part1) + '.' + base64Url(part2));
}

QString ScriptedModem::atCommandOf(const QString &shellCommand) {
    QString argument = shellCommand.mid(3);
    if (argument.startsWith(u'\'') && argument.endsWith(u'\'') && argument.size() >= 2) {
        argument = argument.mid(1, argument.size() - 2);
        argument.replace(QStringLiteral("\\'"), QStringLiteral("'"));
        argument.replace(QStringLiteral("\\\\"), QStringLiteral("\\"));
    }
    return argument;
}

std::optional<PtyPeer::Reply> ScriptedModem::answer(const QString &shellCommand) {
    if (!shellCommand.startsWith(QStringLiteral("at ")))
        return std::nullopt;
    const QString at = atCommandOf(shellCommand);
    const QByteArray ok = QByteArrayLiteral("OK");

    if (at == u"AT+CGSN" && !imeiInCgsnForm)
        return lines({imei.toLatin1(), ok});
    if (at == u"AT+CGSN" || at == u"AT+CGSN=1")
        return lines({"+CGSN: \"" + imei.toLatin1() + '"', ok});
    if (at == u"AT+CGMM")
        return lines({model.toLatin1(), ok});
    if (at == u"AT+CGMR")
        return lines({firmware.toLatin1(), ok});
    if (at == u"AT%DEVICEUUID")
        return lines({"%DEVICEUUID: " + deviceUuid.toByteArray(QUuid::WithoutBraces), ok});
    if (at == u"AT%ATTESTTOKEN") {
        const QString text = tokenOverride.isEmpty() ? token() : tokenOverride;
        return lines({"%ATTESTTOKEN: \"" + text.toLatin1() + '"', ok});
    }
    if (at == u"AT+CFUN?")
        return lines({"+CFUN: " + QByteArray::number(functionalMode), ok});

    static const QRegularExpression cfunSet(QStringLiteral(R"(^AT\+CFUN=(\d+)$)"));
    if (const auto m = cfunSet.match(at); m.hasMatch()) {
        functionalMode = m.captured(1).toInt();
        return lines({ok});
    }
    static const QRegularExpression cmngList(QStringLiteral(R"(^AT%CMNG=1(?:,(\d+))?$)"));
    if (const auto m = cmngList.match(at); m.hasMatch()) {
        QList<QByteArray> out;
        for (const Credential &c : std::as_const(credentials)) {
            if (m.hasCaptured(1) && c.secTag != m.captured(1).toUInt())
                continue;
            QByteArray line =
                "%CMNG: " + QByteArray::number(c.secTag) + ',' + QByteArray::number(c.type);
            if (!c.sha256.isEmpty())
                line += ",\"" + c.sha256.toLatin1() + '"';
            out.append(line);
        }
        out.append(ok);
        return lines(out);
    }
    static const QRegularExpression cmngWrite(QStringLiteral(R"(^AT%CMNG=0,(\d+),(\d+),"[^"]*"$)"));
    if (const auto m = cmngWrite.match(at); m.hasMatch()) {
        if (functionalMode != 4 && functionalMode != 0)
            return lines({"+CME ERROR: 518"});
        credentials.append({m.captured(1).toUInt(), m.captured(2).toInt(), QString()});
        return lines({ok});
    }
    return lines({"ERROR"});
}

} // namespace ps::test
