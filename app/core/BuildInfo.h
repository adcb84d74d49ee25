#pragma once

#include <QString>

namespace ps::core {

/// The version of this build, from one place: the CMake project version plus the git revision
/// the binaries were built from (e.g. "0.1.0 (git 1a2b3c4d5e6f)").
QString versionString();
/// "<program> <versionString()>", what every executable prints for --version.
QString versionLine(const QString &program);

} // namespace ps::core
