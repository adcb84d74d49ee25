// nRF Cloud REST answers: the JSON body parsed as an object and read as each model type, the
// objects and arrays of objects inside it too (list answers wrap items in `items`), and the
// server-message reader used for error answers.
#include "FuzzSupport.h"
#include "cloud/CloudTypes.h"
#include "cloud/RestClient.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace ps::cloud;

namespace {

void readAsModels(const QJsonObject &object) {
    (void)CommandRequest::fromJson(object);
    (void)ClaimedDevice::fromJson(object);
    (void)ProvisioningCommand::fromJson(object);
    (void)ProvisioningRule::fromJson(object);
    (void)Device::fromJson(object);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)RestClient::serverMessage(body, QStringLiteral("Bad Request"));
    const auto object = parseJsonObject(body);
    if (!object)
        return 0;
    readAsModels(*object);
    for (auto it = object->begin(); it != object->end(); ++it) {
        if (it->isObject())
            readAsModels(it->toObject());
        if (it->isArray()) {
            const QJsonArray items = it->toArray();
            for (const QJsonValue &item : items) {
                if (item.isObject())
                    readAsModels(item.toObject());
            }
        }
    }
    return 0;
}
