#pragma once

#include "device/PortInfo.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <expected>
#include <optional>

namespace ps::station {

/// One slot of the station: a place on the bench where the operator plugs devices in, and how
/// the station recognises the port of the device in it.
///
/// - SerialNumber: a USB device by its serial number (and interface ordinal, for kits that show
///   several CDC ports with one serial number). The slot follows that device wherever it is
///   plugged in (a DK that stays on the bench).
/// - Location: whatever device shows at this system location (e.g. a
///   /dev/serial/by-path/... name: a physical USB socket or hub port). The factory case: the
///   slot is the socket, devices come and go.
/// - Path: a path opened as is (a pseudo-terminal or its symlink for a virtual device, or a
///   fixed device node); the device is present while the path exists.
struct Slot {
    enum class Match { SerialNumber, Location, Path };

    QString id;    ///< short and stable: "A", "B", "1"; unique within a map
    QString label; ///< what the bench says, e.g. "left fixture"; may be empty
    Match match = Match::Path;
    QString serialNumber; ///< Match::SerialNumber
    int interfaceOrdinal = 0;
    QString location; ///< Match::Location and Match::Path: the system location or the path

    /// Whether `port` is the device of this slot.
    [[nodiscard]] bool matches(const ps::device::PortInfo &port) const;
    /// The label, else the id.
    [[nodiscard]] QString displayName() const;
    /// "serial 001051234567", "/dev/serial/by-path/...", "/tmp/ttyDEV-a": for lists.
    [[nodiscard]] QString describeMatch() const;

    /// A slot recognising `port` by `match` (serial number and ordinal, or its location).
    static Slot forPort(QString id, const ps::device::PortInfo &port, Match match);
    /// A Path slot.
    static Slot forPath(QString id, QString path, QString label = {});

    /// {"id", "label", "match": "serialNumber"|"location"|"path", "serialNumber",
    ///  "interfaceOrdinal", "location"}
    [[nodiscard]] QJsonObject toJson() const;
    static std::expected<Slot, QString> fromJson(const QJsonObject &object);
    friend bool operator==(const Slot &, const Slot &) = default;
};

/// "serialNumber", "location", "path".
QString slotMatchId(Slot::Match match);
std::optional<Slot::Match> slotMatchFromId(QStringView id);

/// The station's slots, kept in a JSON file so a bench keeps its layout across restarts:
///
///     {"format": "provstation-slot-map", "formatVersion": 1,
///      "slots": [{"id": "A", "label": "left", "match": "serialNumber",
///                 "serialNumber": "001051234567", "interfaceOrdinal": 0}, ...]}
///
/// Use: SlotMap map(path); map.load() (a missing file is an empty map); assign()/unassign();
/// save(). The Station takes a copy when it is built or stopped (Station::setSlotMap()).
class SlotMap {
public:
    SlotMap() = default;
    /// A map kept in `filePath` (nothing is read until load()).
    explicit SlotMap(QString filePath);

    [[nodiscard]] const QString &filePath() const { return m_filePath; }
    void setFilePath(QString filePath) { m_filePath = std::move(filePath); }

    /// Reads the file; a file that does not exist gives an empty map. A damaged file is an
    /// error and leaves the map as it was.
    std::expected<void, QString> load();
    /// Writes the file atomically (QSaveFile), creating its folder.
    std::expected<void, QString> save() const;

    [[nodiscard]] const QList<Slot> &slots() const { return m_slots; }
    [[nodiscard]] bool isEmpty() const { return m_slots.isEmpty(); }
    [[nodiscard]] qsizetype size() const { return m_slots.size(); }
    [[nodiscard]] std::optional<Slot> slot(const QString &id) const;
    /// The slot whose device `port` is (the first that matches), if any.
    [[nodiscard]] std::optional<Slot> slotFor(const ps::device::PortInfo &port) const;

    /// Adds `slot`, or replaces the slot with the same id. Refuses an empty id, or a port that
    /// another slot already recognises (same serial number and ordinal, or same location).
    std::expected<void, QString> assign(Slot slot);
    /// Removes the slot; false when there was none.
    bool unassign(const QString &id);

    [[nodiscard]] QJsonObject toJson() const;
    static std::expected<SlotMap, QString> fromJson(const QJsonObject &object);

    /// Parses the command line's "A=/dev/ttyACM0,B=/tmp/ttyDEV-b" into Path slots (an entry
    /// without "id=" gets the id "1", "2", ... by position). "serial:SN" as the value makes a
    /// SerialNumber slot ("serial:SN#1" for interface 1), "location:LOC" a Location slot.
    static std::expected<SlotMap, QString> parseSlotsArgument(const QString &text);

    friend bool operator==(const SlotMap &a, const SlotMap &b) { return a.m_slots == b.m_slots; }

private:
    QString m_filePath;
    QList<Slot> m_slots;
};

} // namespace ps::station
