// MCUboot images (what the flasher reads from a file or bundle): header and TLV parsing and the
// hash check, plus the version text parser on the input as text.
#include "FuzzSupport.h"
#include "mcumgr/McubootImage.h"

using namespace ps::mcumgr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    if (const auto image = parseMcubootImage(bytes)) {
        ps::fuzz::check(image->totalSize <= bytes.size(), "an image lies inside the input");
        ps::fuzz::check(image->hashedSize() <= image->totalSize,
                        "the hashed part lies inside the image");
        (void)image->version.toString();
    }
    (void)verifyMcubootImage(bytes);
    if (size <= 64) {
        const QString text = QString::fromUtf8(bytes);
        if (const auto version = ImageVersion::parse(text))
            ps::fuzz::check(ImageVersion::parse(version->toString()) == *version,
                            "a version prints as text that parses to itself");
    }
    return 0;
}
