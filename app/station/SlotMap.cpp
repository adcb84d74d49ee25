#include "SlotMap.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace ps::station {

using namespace Qt::StringLiterals;

namespace {

constexpr auto FormatName = "provstation-slot-map";
constexpr int FormatVersion = 1;

/// Two slots recognise the same port.
bool samePort(const Slot &a, const Slot &b) {
    if (a.match == Slot::Match::SerialNumber && b.match == Slot::Match::SerialNumber)
        return a.serialNumber == b.serialNumber && a.interfaceOrdinal == b.interfaceOrdinal;
    if (a.match != Slot::Match::SerialNumber && b.match != Slot::Match::SerialNumber)
        return QDir::cleanPath(a.location) == QDir::cleanPath(b.location);
    return false;
}

} // namespace

QString slotMatchId(Slot::Match match) {
    switch (match) {
    case Slot::Match::SerialNumber:
        return u"serialNumber"_s;
    case Slot::Match::Location:
        return u"location"_s;
    case Slot::Match::Path:
        return u"path"_s;
    }
    return {};
}

std::optional<Slot::Match> slotMatchFromId(QStringView id) {
    for (const auto match : {Slot::Match::SerialNumber, Slot::Match::Location, Slot::Match::Path}) {
        if (slotMatchId(match) == id)
            return match;
    }
    return std::nullopt;
}

bool Slot::matches(const ps::device::PortInfo &port) const {
    switch (match) {
    case Match::SerialNumber:
        return !serialNumber.isEmpty() && port.serialNumber == serialNumber &&
               port.interfaceOrdinal == interfaceOrdinal;
    case Match::Location:
    case Match::Path:
        return !location.isEmpty() &&
               (QDir::cleanPath(port.systemLocation) == QDir::cleanPath(location) ||
                port.portName == location);
    }
    return false;
}

QString Slot::displayName() const {
    return label.isEmpty() ? id : label;
}

QString Slot::describeMatch() const {
    if (match == Match::SerialNumber) {
        return interfaceOrdinal == 0
                   ? u"serial %1"_s.arg(serialNumber)
                   : u"serial %1, interface %2"_s.arg(serialNumber).arg(interfaceOrdinal);
    }
    return location;
}

Slot Slot::forPort(QString id, const ps::device::PortInfo &port, Match match) {
    Slot slot;
    slot.id = std::move(id);
    slot.match = match;
    if (match == Match::SerialNumber) {
        slot.serialNumber = port.serialNumber;
        slot.interfaceOrdinal = port.interfaceOrdinal;
    } else {
        slot.location = port.systemLocation.isEmpty() ? port.portName : port.systemLocation;
    }
    return slot;
}

Slot Slot::forPath(QString id, QString path, QString label) {
    Slot slot;
    slot.id = std::move(id);
    slot.label = std::move(label);
    slot.match = Match::Path;
    slot.location = std::move(path);
    return slot;
}

QJsonObject Slot::toJson() const {
    QJsonObject object{{u"id"_s, id}, {u"match"_s, slotMatchId(match)}};
    if (!label.isEmpty())
        object.insert(u"label"_s, label);
    if (match == Match::SerialNumber) {
        object.insert(u"serialNumber"_s, serialNumber);
        object.insert(u"interfaceOrdinal"_s, interfaceOrdinal);
    } else {
        object.insert(u"location"_s, location);
    }
    return object;
}

std::expected<Slot, QString> Slot::fromJson(const QJsonObject &object) {
    Slot slot;
    slot.id = object.value(u"id"_s).toString().trimmed();
    if (slot.id.isEmpty())
        return std::unexpected(u"a slot without an id"_s);
    slot.label = object.value(u"label"_s).toString();
    const auto match = slotMatchFromId(object.value(u"match"_s).toString());
    if (!match) {
        return std::unexpected(
            u"slot %1: unknown match \"%2\" (serialNumber, location or path)"_s.arg(
                slot.id, object.value(u"match"_s).toString()));
    }
    slot.match = *match;
    if (slot.match == Match::SerialNumber) {
        slot.serialNumber = object.value(u"serialNumber"_s).toString();
        slot.interfaceOrdinal = object.value(u"interfaceOrdinal"_s).toInt();
        if (slot.serialNumber.isEmpty())
            return std::unexpected(u"slot %1: no serial number"_s.arg(slot.id));
    } else {
        slot.location = object.value(u"location"_s).toString();
        if (slot.location.isEmpty())
            return std::unexpected(u"slot %1: no location"_s.arg(slot.id));
    }
    return slot;
}

SlotMap::SlotMap(QString filePath)
    : m_filePath(std::move(filePath)) {}

std::expected<void, QString> SlotMap::load() {
    QFile file(m_filePath);
    if (!file.exists()) {
        m_slots.clear();
        return {};
    }
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(
            u"cannot read the slot map %1: %2"_s.arg(m_filePath, file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        return std::unexpected(u"the slot map %1 is not valid JSON: %2"_s.arg(
            m_filePath,
            error.error == QJsonParseError::NoError ? u"not an object"_s : error.errorString()));
    }
    auto parsed = fromJson(document.object());
    if (!parsed)
        return std::unexpected(u"the slot map %1: %2"_s.arg(m_filePath, parsed.error()));
    m_slots = parsed->m_slots;
    return {};
}

std::expected<void, QString> SlotMap::save() const {
    if (m_filePath.isEmpty())
        return std::unexpected(u"the slot map has no file"_s);
    const QFileInfo info(m_filePath);
    if (!QDir().mkpath(info.absolutePath()))
        return std::unexpected(u"cannot create the folder %1"_s.arg(info.absolutePath()));
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly)) {
        return std::unexpected(
            u"cannot write the slot map %1: %2"_s.arg(m_filePath, file.errorString()));
    }
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        return std::unexpected(
            u"cannot write the slot map %1: %2"_s.arg(m_filePath, file.errorString()));
    }
    return {};
}

std::optional<Slot> SlotMap::slot(const QString &id) const {
    for (const Slot &slot : m_slots) {
        if (slot.id == id)
            return slot;
    }
    return std::nullopt;
}

std::optional<Slot> SlotMap::slotFor(const ps::device::PortInfo &port) const {
    for (const Slot &slot : m_slots) {
        if (slot.matches(port))
            return slot;
    }
    return std::nullopt;
}

std::expected<void, QString> SlotMap::assign(Slot slot) {
    slot.id = slot.id.trimmed();
    if (slot.id.isEmpty())
        return std::unexpected(u"a slot needs an id"_s);
    if (slot.match == Slot::Match::SerialNumber ? slot.serialNumber.isEmpty()
                                                : slot.location.isEmpty())
        return std::unexpected(u"slot %1: nothing to recognise its port by"_s.arg(slot.id));
    for (const Slot &other : m_slots) {
        if (other.id != slot.id && samePort(other, slot)) {
            return std::unexpected(
                u"slot %1 already has that port (%2)"_s.arg(other.id, other.describeMatch()));
        }
    }
    for (Slot &existing : m_slots) {
        if (existing.id == slot.id) {
            existing = std::move(slot);
            return {};
        }
    }
    m_slots.push_back(std::move(slot));
    return {};
}

bool SlotMap::unassign(const QString &id) {
    return m_slots.removeIf([&](const Slot &slot) { return slot.id == id; }) > 0;
}

QJsonObject SlotMap::toJson() const {
    QJsonArray slots;
    for (const Slot &slot : m_slots)
        slots.push_back(slot.toJson());
    return {{u"format"_s, QString::fromLatin1(FormatName)},
            {u"formatVersion"_s, FormatVersion},
            {u"slots"_s, slots}};
}

std::expected<SlotMap, QString> SlotMap::fromJson(const QJsonObject &object) {
    if (object.value(u"format"_s).toString() != QLatin1StringView(FormatName))
        return std::unexpected(
            u"not a slot map (format is not %1)"_s.arg(QLatin1StringView(FormatName)));
    if (object.value(u"formatVersion"_s).toInt() != FormatVersion) {
        return std::unexpected(u"slot map format version %1 is not supported"_s.arg(
            object.value(u"formatVersion"_s).toInt()));
    }
    if (!object.value(u"slots"_s).isArray())
        return std::unexpected(u"no list of slots"_s);
    SlotMap map;
    for (const QJsonValue &value : object.value(u"slots"_s).toArray()) {
        auto slot = Slot::fromJson(value.toObject());
        if (!slot)
            return std::unexpected(slot.error());
        if (map.slot(slot->id))
            return std::unexpected(u"slot %1 is listed twice"_s.arg(slot->id));
        if (auto assigned = map.assign(*slot); !assigned)
            return std::unexpected(assigned.error());
    }
    return map;
}

std::expected<SlotMap, QString> SlotMap::parseSlotsArgument(const QString &text) {
    SlotMap map;
    const QStringList entries = text.split(u',', Qt::SkipEmptyParts);
    if (entries.isEmpty())
        return std::unexpected(u"no slots given (A=/dev/ttyACM0,B=...)"_s);
    int position = 0;
    for (const QString &raw : entries) {
        ++position;
        const QString entry = raw.trimmed();
        QString id = QString::number(position);
        QString value = entry;
        // An id is what comes before the first '=' unless that part looks like a path.
        if (const qsizetype equals = entry.indexOf(u'=');
            equals > 0 && !entry.left(equals).contains(u'/')) {
            id = entry.left(equals).trimmed();
            value = entry.mid(equals + 1).trimmed();
        }
        if (value.isEmpty())
            return std::unexpected(u"slot %1 has no port"_s.arg(id));
        Slot slot;
        slot.id = id;
        if (value.startsWith(u"serial:")) {
            slot.match = Slot::Match::SerialNumber;
            slot.serialNumber = value.mid(7);
            if (const qsizetype hash = slot.serialNumber.indexOf(u'#'); hash > 0) {
                slot.interfaceOrdinal = slot.serialNumber.mid(hash + 1).toInt();
                slot.serialNumber.truncate(hash);
            }
        } else if (value.startsWith(u"location:")) {
            slot.match = Slot::Match::Location;
            slot.location = value.mid(9);
        } else {
            slot.match = Slot::Match::Path;
            slot.location = value;
        }
        if (map.slot(slot.id))
            return std::unexpected(u"slot %1 is given twice"_s.arg(slot.id));
        if (auto assigned = map.assign(std::move(slot)); !assigned)
            return std::unexpected(assigned.error());
    }
    return map;
}

} // namespace ps::station
