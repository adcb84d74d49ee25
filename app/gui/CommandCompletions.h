#pragma once

#include <QStringList>

namespace ps::gui {

/// The Asset Tracker Template shell commands of PROTOCOL §1 (both spellings of the provisioning
/// command, since devices in the field run either), in the order a person looks for them.
QStringList shellCommands();

/// AT commands a station uses (PROTOCOL §3), as typed after "at ".
QStringList atCommands();

/// Everything the command line completes: the shell commands plus "at <AT command>" for each
/// AT command. Sorted, without duplicates.
QStringList commandCompletions();

} // namespace ps::gui
