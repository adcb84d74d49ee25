#include "FlowIcons.h"

#include "gui/ThemedSvgIconEngine.h"

#include <QFile>
#include <QHash>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initFlowResources() {
    Q_INIT_RESOURCE(flows);
}

namespace ps::gui {

namespace {

struct IconFile {
    FlowIcon id;
    const char *name;
};

constexpr IconFile iconFiles[] = {
    {FlowIcon::Claim, "claim"},
    {FlowIcon::Reprovision, "reprovision"},
    {FlowIcon::History, "history"},
    {FlowIcon::Account, "account"},
    {FlowIcon::Retry, "retry"},
    {FlowIcon::Export, "export"},
    {FlowIcon::StepPending, "step-pending"},
    {FlowIcon::StepRunning, "step-running"},
    {FlowIcon::StepDone, "step-done"},
    {FlowIcon::StepFailed, "step-failed"},
    {FlowIcon::StepWaiting, "step-waiting"},
    {FlowIcon::StepSkipped, "step-skipped"},
    {FlowIcon::StepCancelled, "step-cancelled"},
};

QString nameOf(FlowIcon id) {
    for (const auto &file : iconFiles) {
        if (file.id == id)
            return QString::fromLatin1(file.name);
    }
    return {};
}

} // namespace

QString flowIconPath(FlowIcon id) {
    return QStringLiteral(":/icons/%1.svg").arg(nameOf(id));
}

QList<FlowIcon> allFlowIcons() {
    QList<FlowIcon> ids;
    for (const auto &file : iconFiles)
        ids.append(file.id);
    return ids;
}

QIcon flowIcon(FlowIcon id) {
    static const bool resources = [] {
        initFlowResources();
        return true;
    }();
    Q_UNUSED(resources)
    static QHash<int, QByteArray> cache;
    QByteArray document = cache.value(int(id));
    if (document.isEmpty()) {
        QFile file(flowIconPath(id));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        document = file.readAll();
        cache.insert(int(id), document);
    }
    return QIcon(new ThemedSvgIconEngine(document, nameOf(id)));
}

FlowIcon stepIcon(ps::station::StepStatus status) {
    using ps::station::StepStatus;
    switch (status) {
    case StepStatus::Pending:
        return FlowIcon::StepPending;
    case StepStatus::Running:
        return FlowIcon::StepRunning;
    case StepStatus::Waiting:
        return FlowIcon::StepWaiting;
    case StepStatus::Succeeded:
        return FlowIcon::StepDone;
    case StepStatus::Skipped:
        return FlowIcon::StepSkipped;
    case StepStatus::Failed:
        return FlowIcon::StepFailed;
    case StepStatus::Cancelled:
        return FlowIcon::StepCancelled;
    }
    return FlowIcon::StepPending;
}

FlowIcon verdictIcon(ps::station::Verdict verdict) {
    using ps::station::Verdict;
    switch (verdict) {
    case Verdict::None:
        return FlowIcon::StepRunning;
    case Verdict::Succeeded:
        return FlowIcon::StepDone;
    case Verdict::Failed:
        return FlowIcon::StepFailed;
    case Verdict::Cancelled:
        return FlowIcon::StepCancelled;
    }
    return FlowIcon::StepPending;
}

} // namespace ps::gui
