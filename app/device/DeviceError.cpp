#include "DeviceError.h"

namespace ps::device {

QString cmeErrorText(int code) {
    // Codes and meanings from PROTOCOL §3; each text ends with what the operator can do.
    switch (code) {
    case 513:
        return QStringLiteral("not found: the modem has no such credential or sec tag; list them "
                              "with AT%CMNG=1 to see what is stored");
    case 514:
        return QStringLiteral("no access: the modem does not let anyone read or change this "
                              "credential; use another sec tag");
    case 515:
        return QStringLiteral("modem memory full: delete credentials that are no longer used "
                              "(AT%CMNG=3,<tag>,<type>) and try again");
    case 518:
        return QStringLiteral("not allowed while the modem is online: set it offline with "
                              "AT+CFUN=4 first");
    case 519:
        return QStringLiteral("already exists: delete the stored credential first "
                              "(AT%CMNG=3,<tag>,<type>) or use another sec tag");
    case 523:
        return QStringLiteral("key generation failed: set the modem offline with AT+CFUN=4 and "
                              "try again");
    case 528:
        return QStringLiteral("power-off warning: the modem saw its supply voltage drop; check "
                              "the battery or power supply, then restart the device");
    default:
        return QStringLiteral("modem error %1: look the code up in the nRF91 AT command "
                              "reference (+CME ERROR)")
            .arg(code);
    }
}

} // namespace ps::device
