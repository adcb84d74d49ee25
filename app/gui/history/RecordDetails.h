#pragma once

#include "station/AuditRecord.h"

#include <QString>

namespace ps::gui {

/// One audit record as a small HTML page for the History panel's details and the wizards'
/// summaries: verdict and why, the device, who ran it where, each step with its status,
/// attempts and duration, every cloud call with the server's answer, and the flow's facts.
/// Every text from the record is escaped.
QString recordDetailsHtml(const ps::station::AuditRecord &record);

/// The words for a step status: "succeeded", "not needed", "failed", ...
QString stepStatusText(ps::station::StepStatus status);

} // namespace ps::gui
