#include "SecretScan.h"

#include <QDirIterator>
#include <QFile>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace ps::secrets::test {

namespace {

/// The base64 characters of `secret` placed `offset` bytes into a longer text: only those
/// whose six bits all come from the secret, so the form matches whatever surrounds it.
QByteArray base64Core(const QByteArray &secret, int offset, QByteArray::Base64Options options) {
    const QByteArray padded = QByteArray(offset, '\0') + secret + QByteArray(2, '\0');
    const QByteArray encoded = padded.toBase64(options);
    const qsizetype firstBit = qsizetype(offset) * 8;
    const qsizetype endBit = (qsizetype(offset) + secret.size()) * 8;
    const qsizetype first = (firstBit + 5) / 6;
    const qsizetype end = endBit / 6;
    return encoded.mid(first, end - first);
}

QByteArray utf16(const QByteArray &secret, bool littleEndian) {
    QByteArray out;
    for (const char c : secret) {
        out.append(littleEndian ? c : '\0');
        out.append(littleEndian ? '\0' : c);
    }
    return out;
}

/// "%2F" -> "%2f": both spellings are valid percent-encoding.
QByteArray lowerCaseEscapes(QByteArray text) {
    for (qsizetype i = 0; i + 2 < text.size(); ++i) {
        if (text[i] != '%')
            continue;
        for (qsizetype j = i + 1; j <= i + 2; ++j) {
            if (text[j] >= 'A' && text[j] <= 'F')
                text[j] = char(text[j] - 'A' + 'a');
        }
    }
    return text;
}

} // namespace

QList<SecretForm> secretForms(const QByteArray &secret) {
    QList<SecretForm> forms{{u"as is"_s, secret}};
    auto add = [&forms](const QString &name, const QByteArray &bytes) {
        const bool known = std::ranges::any_of(
            forms, [&bytes](const SecretForm &form) { return form.bytes == bytes; });
        if (!known && !bytes.isEmpty())
            forms.append({name, bytes});
    };
    for (int offset = 0; offset < 3; ++offset) {
        add(u"base64 at offset %1"_s.arg(offset),
            base64Core(secret, offset, QByteArray::Base64Encoding));
        add(u"base64url at offset %1"_s.arg(offset),
            base64Core(secret, offset, QByteArray::Base64UrlEncoding));
    }
    const QByteArray percent = QUrl::toPercentEncoding(QString::fromLatin1(secret));
    add(u"percent-encoded"_s, percent);
    add(u"percent-encoded, lower-case hex"_s, lowerCaseEscapes(percent));
    add(u"percent-encoded, every byte"_s,
        QUrl::toPercentEncoding(QString::fromLatin1(secret), {}, secret));
    add(u"JSON with escaped slashes"_s, QByteArray(secret).replace("/", "\\/"));
    add(u"form-encoded"_s, QByteArray(percent).replace("%20", "+"));
    add(u"hex"_s, secret.toHex());
    add(u"upper-case hex"_s, secret.toHex().toUpper());
    add(u"UTF-16LE"_s, utf16(secret, true));
    add(u"UTF-16BE"_s, utf16(secret, false));
    return forms;
}

QList<Sighting> findIn(const QString &where, const QByteArray &data,
                       const QList<SecretForm> &forms) {
    QList<Sighting> sightings;
    for (const SecretForm &form : forms) {
        if (data.contains(form.bytes))
            sightings.append({where, form.name});
    }
    return sightings;
}

QList<Sighting> findInTree(const QString &root, const QList<SecretForm> &forms,
                           QStringList *searched) {
    QList<Sighting> sightings;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            sightings.append({path, u"cannot be read, so it cannot be checked"_s});
            continue;
        }
        if (searched)
            searched->append(path);
        sightings += findIn(path, file.readAll(), forms);
    }
    return sightings;
}

std::string describe(const QList<Sighting> &sightings) {
    QStringList lines;
    for (const Sighting &sighting : sightings)
        lines.append(sighting.toString());
    return lines.join(u'\n').toStdString();
}

} // namespace ps::secrets::test
