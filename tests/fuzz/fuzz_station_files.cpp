// The station's own files read back, which anyone with access to the disk can change: an audit
// record's body as verify() and the History read it from the database, the slot map file, and
// the --slots argument. A record or map that reads must read again the same after writing it
// out; the CSV export and the CLI summary take any record.
//
// First input byte: bits 0-1 choose the reader (0 audit record, 1 slot map, 2 --slots text,
// 3 all three); the rest is the file's bytes.
#include "FuzzSupport.h"
#include "station/AuditRecord.h"
#include "station/SlotMap.h"

#include <QJsonDocument>

using namespace ps::station;

namespace {

QJsonObject objectOf(QByteArrayView bytes) {
    return QJsonDocument::fromJson(bytes.toByteArray()).object();
}

void auditRecord(QByteArrayView bytes) {
    const auto record = AuditRecord::fromJson(objectOf(bytes));
    if (!record)
        return;
    (void)record->computeHash();
    (void)record->summaryJson();
    (void)record->durationMs();
    QString csv;
    QTextStream out(&csv);
    AuditRecord::writeCsv(out, {*record});
    const auto again = AuditRecord::fromJson(record->toJson());
    ps::fuzz::check(again.has_value(), "an audit record written out reads again");
    ps::fuzz::check(again->canonicalJson() == record->canonicalJson(),
                    "an audit record reads back the same (its hash would change otherwise)");
}

void slotMap(QByteArrayView bytes) {
    const auto map = SlotMap::fromJson(objectOf(bytes));
    if (!map)
        return;
    const auto again = SlotMap::fromJson(map->toJson());
    ps::fuzz::check(again.has_value(), "a slot map written out reads again");
    ps::fuzz::check(*again == *map, "a slot map reads back the same");
}

void slotsArgument(QByteArrayView bytes) {
    const auto map = SlotMap::parseSlotsArgument(QString::fromUtf8(bytes));
    if (!map)
        return;
    const auto again = SlotMap::fromJson(map->toJson());
    ps::fuzz::check(again.has_value() && *again == *map, "--slots gives a map that round-trips");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ps::fuzz::Input input(data, size);
    const quint8 choice = input.byte() & 3;
    const QByteArrayView bytes = input.rest();
    if (choice == 0 || choice == 3)
        auditRecord(bytes);
    if (choice == 1 || choice == 3)
        slotMap(bytes);
    if (choice == 2 || choice == 3)
        slotsArgument(bytes);
    return 0;
}
