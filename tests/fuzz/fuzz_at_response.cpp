// Modem AT responses: every AtResponse parser on every line of the input.
//
// Input: lines separated by LF. The first line is also used as the prefix of AtResponse::value().
#include "FuzzSupport.h"
#include "core/AtResponse.h"

#include <QList>

using namespace ps::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const QList<QStringView> lines = QStringView(text).split(u'\n');
    const QStringView prefix = lines.first();
    for (const QStringView line : lines) {
        if (const auto final = AtResponse::finalLine(line);
            final && final->kind == AtFinalLine::Kind::CmeError)
            (void)AtResponse::cmeErrorText(final->code);
        if (const auto imei = AtResponse::imei(line); imei)
            ps::fuzz::check(AtResponse::isValidImei(*imei), "an IMEI the parser returns is valid");
        (void)AtResponse::isValidImei(line);
        (void)AtResponse::deviceUuid(line);
        (void)AtResponse::modemFirmwareUuid(line);
        if (const auto mode = AtResponse::functionalMode(line); mode)
            (void)AtResponse::functionalModeName(*mode);
        if (const auto entry = AtResponse::credential(line); entry)
            (void)AtResponse::credentialTypeName(entry->type);
        (void)AtResponse::attestationToken(line);
        if (const auto cereg = AtResponse::cereg(line); cereg)
            (void)CeregStatus::statName(cereg->stat);
        (void)AtResponse::cgev(line);
        (void)AtResponse::value(line, prefix);
    }
    return 0;
}
