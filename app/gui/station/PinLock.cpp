#include "PinLock.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QSettings>

namespace ps::gui {

using namespace Qt::StringLiterals;

namespace {

QByteArray derive(const QString &pin, const QByteArray &salt, int iterations) {
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, pin.toUtf8(), salt,
                                              iterations, PinHash::KeyLength);
}

bool sameBytes(const QByteArray &a, const QByteArray &b) {
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

} // namespace

PinHash PinHash::make(const QString &pin, int iterations) {
    PinHash made;
    made.iterations = iterations;
    made.salt.resize(16);
    QRandomGenerator::system()->generate(made.salt.begin(), made.salt.end());
    made.hash = derive(pin, made.salt, iterations);
    return made;
}

bool PinHash::matches(const QString &pin) const {
    if (!isSet() || iterations <= 0)
        return false;
    return sameBytes(derive(pin, salt, iterations), hash);
}

std::expected<void, QString> PinHash::validate(const QString &pin) {
    if (pin.size() < MinLength || pin.size() > MaxLength)
        return std::unexpected(QCoreApplication::translate("PinHash", "A PIN has %1 to %2 digits.")
                                   .arg(MinLength)
                                   .arg(MaxLength));
    for (const QChar c : pin) {
        if (c < u'0' || c > u'9')
            return std::unexpected(
                QCoreApplication::translate("PinHash", "A PIN has only digits (0 to 9)."));
    }
    return {};
}

PinHash PinHash::load(QSettings &store) {
    PinHash pin;
    store.beginGroup(u"station"_s);
    pin.salt = QByteArray::fromBase64(store.value(u"pinSalt"_s).toByteArray());
    pin.hash = QByteArray::fromBase64(store.value(u"pinHash"_s).toByteArray());
    pin.iterations = store.value(u"pinIterations"_s, DefaultIterations).toInt();
    store.endGroup();
    // A damaged entry counts as no PIN only if both parts are gone; a half entry stays "set"
    // but never matches, so a hand edit cannot open engineer mode.
    if (pin.salt.isEmpty() && pin.hash.isEmpty())
        return PinHash{};
    if (pin.salt.isEmpty())
        pin.salt = QByteArrayLiteral("damaged");
    if (pin.hash.size() != KeyLength)
        pin.hash = QByteArray(KeyLength, '\0');
    if (pin.iterations < 1000)
        pin.iterations = 0; // never matches
    return pin;
}

void PinHash::save(QSettings &store) const {
    store.beginGroup(u"station"_s);
    store.setValue(u"pinSalt"_s, salt.toBase64());
    store.setValue(u"pinHash"_s, hash.toBase64());
    store.setValue(u"pinIterations"_s, iterations);
    store.endGroup();
}

} // namespace ps::gui
