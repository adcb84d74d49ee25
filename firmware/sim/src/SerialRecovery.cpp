#include "SerialRecovery.h"

#include "ImageSlot.h"
#include "SimClock.h"

#include <QCryptographicHash>

namespace ps::devsim {

using namespace std::chrono_literals;
using ps::core::CborValue;
using ps::mcumgr::smpEntry;
using ps::mcumgr::SmpError;
using ps::mcumgr::SmpMessage;
using ps::mcumgr::SmpOp;
namespace SmpGroup = ps::mcumgr::SmpGroup;
namespace SmpImageCommand = ps::mcumgr::SmpImageCommand;
namespace SmpOsCommand = ps::mcumgr::SmpOsCommand;

namespace {

CborValue rc(SmpError error) {
    return CborValue::integer(int(error));
}

std::optional<qint64> integerField(const CborValue &map, QStringView key) {
    const CborValue *value = map.find(key);
    if (!value || !value->isInteger())
        return std::nullopt;
    return value->toInteger();
}

} // namespace

SerialRecovery::SerialRecovery(ImageSlot &slot, SimClock &clock,
                               std::function<void(const QByteArray &)> transmit, QObject *parent)
    : QObject(parent)
    , m_slot(slot)
    , m_clock(clock)
    , m_transmit(std::move(transmit)) {}

void SerialRecovery::feed(QByteArrayView bytes) {
    for (const QByteArray &body : m_decoder.feed(bytes)) {
        auto message = ps::mcumgr::decodeSmpMessage(body);
        if (!message)
            continue; // MCUboot drops what it cannot decode without an answer
        if (message->header.op == SmpOp::Read || message->header.op == SmpOp::Write)
            Q_EMIT requestReceived();
        handle(*message);
    }
}

void SerialRecovery::respond(const SmpMessage &request, Entries entries) {
    ps::mcumgr::SmpHeader header = ps::mcumgr::responseHeaderFor(request.header);
    header.version = 0; // MCUboot answers in the original (v1) shape
    m_transmit(ps::mcumgr::encodeSerialPacket(
        ps::mcumgr::encodeSmpMessage(header, CborValue::map(std::move(entries)))));
}

void SerialRecovery::handle(const SmpMessage &request) {
    const auto &header = request.header;
    const bool write = header.op == SmpOp::Write;
    const bool read = header.op == SmpOp::Read;
    if (!write && !read)
        return; // responses are not for us

    if (header.group == SmpGroup::Os && header.command == SmpOsCommand::Echo && write) {
        const CborValue *text = request.payload.find(u"d");
        if (!text || text->type != CborValue::Type::TextString) {
            respond(request, {smpEntry(QStringLiteral("rc"), rc(SmpError::InvalidValue))});
            return;
        }
        respond(request, {smpEntry(QStringLiteral("r"), CborValue::textString(text->text)),
                          smpEntry(QStringLiteral("rc"), rc(SmpError::Ok))});
        return;
    }
    if (header.group == SmpGroup::Os && header.command == SmpOsCommand::Reset && write) {
        respond(request, {smpEntry(QStringLiteral("rc"), rc(SmpError::Ok))});
        // MCUboot lets the answer leave the UART before it resets.
        m_clock.after(this, 250ms, [this] { Q_EMIT resetRequested(); });
        return;
    }
    if (header.group == SmpGroup::Image && header.command == SmpImageCommand::State && read) {
        respond(request, imageList());
        return;
    }
    if (header.group == SmpGroup::Image && header.command == SmpImageCommand::Upload && write) {
        respond(request, upload(request.payload));
        return;
    }
    respond(request, {smpEntry(QStringLiteral("rc"), rc(SmpError::NotSupported))});
}

SerialRecovery::Entries SerialRecovery::imageList() const {
    std::vector<CborValue> images;
    const auto image = ps::mcumgr::parseMcubootImage(m_slot.contents());
    if (image) {
        std::vector<std::pair<CborValue, CborValue>> entry{
            smpEntry(QStringLiteral("slot"), CborValue::integer(0)),
            smpEntry(QStringLiteral("version"), CborValue::textString(image->version.toString())),
        };
        if (!image->sha256.isEmpty())
            entry.push_back(smpEntry(QStringLiteral("hash"), CborValue::byteString(image->sha256)));
        images.push_back(CborValue::map(std::move(entry)));
    }
    return {smpEntry(QStringLiteral("images"), CborValue::array(std::move(images))),
            smpEntry(QStringLiteral("rc"), rc(SmpError::Ok))};
}

SerialRecovery::Entries SerialRecovery::upload(const CborValue &payload) {
    const auto offset = integerField(payload, u"off");
    const CborValue *data = payload.find(u"data");
    const auto imageNumber = integerField(payload, u"image");
    if (!offset || *offset < 0 || !data || data->type != CborValue::Type::ByteString ||
        (imageNumber && *imageNumber != 0))
        return {smpEntry(QStringLiteral("rc"), rc(SmpError::InvalidValue))};

    if (*offset == 0) {
        const auto length = integerField(payload, u"len");
        if (!length || *length <= 0)
            return {smpEntry(QStringLiteral("rc"), rc(SmpError::InvalidValue))};
        if (*length > SlotSize)
            return {smpEntry(QStringLiteral("rc"), rc(SmpError::NoMemory))};
        const CborValue *sha = payload.find(u"sha");
        m_uploadSha = sha && sha->type == CborValue::Type::ByteString ? sha->bytes : QByteArray();
        m_uploadLength = *length;
        m_upload.clear();
        m_slot.erase();
    } else if (m_uploadLength < 0 || *offset != m_upload.size()) {
        // Out of order: tell the client where to continue.
        return {smpEntry(QStringLiteral("rc"), rc(SmpError::Ok)),
                smpEntry(QStringLiteral("off"), CborValue::integer(m_upload.size()))};
    }
    if (m_upload.size() + data->bytes.size() > m_uploadLength)
        return {smpEntry(QStringLiteral("rc"), rc(SmpError::InvalidValue))};
    m_upload.append(data->bytes);

    if (m_upload.size() < m_uploadLength)
        return {smpEntry(QStringLiteral("rc"), rc(SmpError::Ok)),
                smpEntry(QStringLiteral("off"), CborValue::integer(m_upload.size()))};

    // Complete: write the slot, then check what was written.
    m_slot.store(m_upload, true);
    const qint64 end = m_upload.size();
    bool valid = ps::mcumgr::verifyMcubootImage(m_upload).has_value();
    // Clients may send the whole SHA-256 of the file or only its first bytes.
    if (!m_uploadSha.isEmpty() &&
        !QCryptographicHash::hash(m_upload, QCryptographicHash::Sha256).startsWith(m_uploadSha))
        valid = false;
    m_upload.clear();
    m_uploadLength = -1;
    return {smpEntry(QStringLiteral("rc"), rc(valid ? SmpError::Ok : SmpError::InvalidValue)),
            smpEntry(QStringLiteral("off"), CborValue::integer(end))};
}

} // namespace ps::devsim
