#include "CredentialComparison.h"

#include "station/DeviceSteps.h"

#include <QCoreApplication>

namespace ps::gui {

namespace {

QString tr(const char *text) {
    return QCoreApplication::translate("CredentialComparison", text);
}

// %CMNG credential types (PROTOCOL §3).
constexpr int ClientCertificate = 1;
constexpr int ClientPrivateKey = 2;

} // namespace

bool CredentialComparison::deviceHasPrivateKey() const {
    return deviceTypes && deviceTypes->contains(ClientPrivateKey);
}

QString CredentialComparison::deviceText() const {
    if (!deviceTypes)
        return tr("not asked (the device is not at hand)");
    if (deviceTypes->isEmpty())
        return tr("nothing");
    ps::station::TagCredentials credentials;
    credentials.secTag = secTag;
    credentials.types = *deviceTypes;
    return credentials.typeNames().join(QStringLiteral(", "));
}

QStringList CredentialComparison::differences() const {
    QStringList found;
    const QString tag = QString::number(secTag);
    if (!claimed) {
        found.append(tr("nRF Cloud: this account has not claimed the device, so no command can "
                        "be queued for it. Claim it first (Device > Claim Device)."));
    }
    if (deviceTypes) {
        if (!deviceHasPrivateKey()) {
            found.append(tr("The device holds no client private key on sec tag %1: it cannot "
                            "sign in to nRF Cloud. A new cloud access key makes one.")
                             .arg(tag));
        }
        if (onboarded && deviceHasPrivateKey()) {
            found.append(tr("Both sides look provisioned. If the device still cannot connect, "
                            "its key and the one nRF Cloud registered differ: a new cloud access "
                            "key replaces both."));
        } else if (onboarded) {
            found.append(tr("nRF Cloud lists the device, but the device lost its key: the cloud "
                            "side expects a key the device no longer has."));
        } else if (deviceHasPrivateKey() && claimed) {
            found.append(tr("The device has a key, but nRF Cloud does not list it: its key was "
                            "never registered, or the device was removed from device "
                            "management."));
        }
        if (deviceTypes->contains(ClientCertificate) && !onboarded)
            found.append(tr("A client certificate on the device that nRF Cloud does not know is "
                            "not used by CoAP connections; it can stay."));
    } else {
        found.append(onboarded ? tr("nRF Cloud lists the device; its own credentials cannot be "
                                    "read without it, so the comparison is one-sided.")
                               : tr("nRF Cloud does not list the device in device management; "
                                    "only the shell (device at hand) or its own next check can "
                                    "trigger it."));
    }
    if (found.isEmpty())
        found.append(tr("No difference found."));
    return found;
}

} // namespace ps::gui
