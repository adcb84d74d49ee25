// Support bundles (tar files a user sends and someone else opens in the timeline): the tar
// reader lists the entries, checks each header and reads every entry; entries that list must
// lie inside the archive, and an archive written again from them lists the same.
#include "FuzzSupport.h"
#include "gui/timeline/TarArchive.h"

#include <QBuffer>

using namespace ps::gui;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    (void)TarReader::looksLikeTar(buffer);
    const auto entries = TarReader::list(buffer);
    if (!entries)
        return 0;
    QByteArray rewritten;
    QBuffer out(&rewritten);
    out.open(QIODevice::WriteOnly);
    TarWriter writer(&out);
    std::vector<std::pair<QString, qint64>> written;
    for (const TarEntry &entry : *entries) {
        ps::fuzz::check(entry.size >= 0 && entry.dataOffset >= 0 &&
                            entry.dataOffset + entry.size <= qint64(size),
                        "a listed entry lies inside the archive");
        const auto content = TarReader::read(buffer, entry);
        ps::fuzz::check(content.has_value() && content->size() == entry.size,
                        "a listed entry reads in full");
        (void)TarReader::find(*entries, entry.name);
        if (writer.addFile(entry.name, *content, entry.mtimeSeconds))
            written.emplace_back(entry.name, entry.size);
    }
    if (!writer.finish())
        return 0;
    out.close();
    QBuffer again(&rewritten);
    again.open(QIODevice::ReadOnly);
    const auto relisted = TarReader::list(again);
    ps::fuzz::check(relisted.has_value() && relisted->size() == written.size(),
                    "an archive written from the entries lists them all");
    for (size_t i = 0; i < written.size(); ++i) {
        ps::fuzz::check((*relisted)[i].name == written[i].first &&
                            (*relisted)[i].size == written[i].second,
                        "entries keep their names and sizes");
    }
    return 0;
}
