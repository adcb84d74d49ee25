#include "CommandCompletions.h"

namespace ps::gui {

QStringList shellCommands() {
    return {
        QStringLiteral("at"),
        QStringLiteral("at events_enable"),
        QStringLiteral("at events_disable"),
        QStringLiteral("att_cloud provision"),
        QStringLiteral("att_cloud_provision now"),
        QStringLiteral("att_cloud poll_shadow_delta"),
        QStringLiteral("att_cloud publish"),
        QStringLiteral("att_network connect"),
        QStringLiteral("att_network disconnect"),
        QStringLiteral("att_button short 1"),
        QStringLiteral("att_button short 2"),
        QStringLiteral("att_button long 1"),
        QStringLiteral("att_button long 2"),
        QStringLiteral("att_fota poll"),
        QStringLiteral("kernel reboot cold"),
        QStringLiteral("help"),
    };
}

QStringList atCommands() {
    return {
        QStringLiteral("AT"),
        QStringLiteral("AT+CGSN"),
        QStringLiteral("AT+CGSN=1"),
        QStringLiteral("AT+CGMM"),
        QStringLiteral("AT+CGMR"),
        QStringLiteral("AT%DEVICEUUID"),
        QStringLiteral("AT%XMODEMUUID"),
        QStringLiteral("AT%ATTESTTOKEN"),
        QStringLiteral("AT+CFUN?"),
        QStringLiteral("AT+CFUN=0"),
        QStringLiteral("AT+CFUN=1"),
        QStringLiteral("AT+CFUN=4"),
        QStringLiteral("AT%CMNG=1"),
        QStringLiteral("AT%CMNG=1,16842753"),
        QStringLiteral("AT%CCLK?"),
        QStringLiteral("AT+CEREG=5"),
        QStringLiteral("AT+CEREG?"),
        QStringLiteral("AT+CGEREP=1"),
        QStringLiteral("AT+CESQ"),
        QStringLiteral("AT+COPS?"),
        QStringLiteral("AT%XICCID"),
        QStringLiteral("AT%XFACTORYRESET=0"),
    };
}

QStringList commandCompletions() {
    QStringList all = shellCommands();
    const QStringList at = atCommands();
    for (const QString &command : at)
        all.append(QStringLiteral("at ") + command);
    all.removeDuplicates();
    all.sort(Qt::CaseInsensitive);
    return all;
}

} // namespace ps::gui
