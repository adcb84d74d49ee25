// Firmware bundles (zip files a user opens for flashing): the zip reader with tight limits, whose
// entries must survive writing and reading again, and FirmwareBundle::read() on the input.
#include "FuzzSupport.h"
#include "core/bundle/FirmwareBundle.h"
#include "core/bundle/ZipArchive.h"

using namespace ps::bundle;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    ZipLimits limits;
    limits.maxEntries = 16;
    limits.maxEntrySize = 1024 * 1024;
    limits.maxTotalSize = 4 * 1024 * 1024;
    if (const auto entries = readZip(bytes, limits)) {
        for (const ZipEntry &entry : *entries)
            ps::fuzz::check(isSafeZipName(entry.name), "a zip entry read has a safe name");
        const auto again = readZip(writeZip(*entries, ZipMethod::Stored), limits);
        ps::fuzz::check(again.has_value() && again->size() == entries->size(),
                        "zip entries written again read back");
        for (qsizetype i = 0; i < entries->size(); ++i) {
            ps::fuzz::check((*again)[i].name == (*entries)[i].name &&
                                (*again)[i].data == (*entries)[i].data,
                            "zip entries keep name and data");
        }
    }
    if (const auto bundle = FirmwareBundle::read(bytes)) {
        (void)bundle->toJson();
        (void)bundle->fits(u"nRF9151-LACA");
        (void)bundle->application();
        (void)bundle->modem();
    }
    return 0;
}
