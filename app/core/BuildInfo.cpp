#include "BuildInfo.h"

#include "provstation/GeneratedBuildInfo.h"

namespace ps::core {

QString versionString() {
    return QStringLiteral(PROVSTATION_VERSION_STRING " (git " PROVSTATION_GIT_REVISION ")");
}

QString versionLine(const QString &program) {
    return program + u' ' + versionString();
}

} // namespace ps::core
