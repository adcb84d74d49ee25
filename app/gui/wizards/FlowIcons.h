#pragma once

#include "station/FlowTypes.h"

#include <QIcon>
#include <QList>
#include <QString>

namespace ps::gui {

/// Icons of the claim and reprovision wizards, the History panel and the Account dialog
/// (resources/icons, listed in resources/flows.qrc), drawn like every other icon of the
/// application by ThemedSvgIconEngine.
enum class FlowIcon {
    Claim,
    Reprovision,
    History,
    Account,
    Retry,
    Export,
    StepPending,
    StepRunning,
    StepDone,
    StepFailed,
    StepWaiting,
    StepSkipped,
    StepCancelled,
};

QIcon flowIcon(FlowIcon id);
/// ":/icons/step-done.svg" and so on.
QString flowIconPath(FlowIcon id);
QList<FlowIcon> allFlowIcons();

/// The icon of a step status and of a verdict.
FlowIcon stepIcon(ps::station::StepStatus status);
FlowIcon verdictIcon(ps::station::Verdict verdict);

} // namespace ps::gui
