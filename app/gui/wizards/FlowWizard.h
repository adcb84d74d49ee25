#pragma once

#include "FlowTracker.h"
#include "ProvisioningContext.h"
#include "station/StationFlow.h"

#include <QComboBox>
#include <QCoro/QCoroTask>
#include <QPointer>
#include <QWizard>
#include <QWizardPage>
#include <functional>
#include <memory>

namespace ps::station {
class MemoryFlowStore;
}

namespace ps::gui {

class StepBanner;

/// The first page's device list: fills `combo` with `devices`, calls `onChange` (in `context`)
/// whenever a device's link changes state, and returns the index to select (the first open
/// device, else 0; -1 when there is none).
int fillDeviceChoices(QComboBox *combo, const QList<DeviceChoice> &devices, QObject *context,
                      const std::function<void()> &onChange);
/// What a device's link is doing, for the first page ("Connected.", "Reconnecting: ...").
QString linkStateText(const ps::device::DeviceLink *link);

/// What the claim and reprovision wizards share: one station flow shown page by page.
///
/// The flow runs its steps in order; it is held before the steps that need the operator's
/// go-ahead (the page before says what will happen, Next lets it run) and pauses when a step
/// fails for good, so the page shows the reason and what to do, and Retry runs the step
/// again. Cancel works everywhere: the flow ends as cancelled (or failed, when it waited after
/// a failure) and its audit record is written either way. Once the flow started, pages are
/// commit pages: Back would mean another attempt, which is a new wizard.
class FlowWizard : public QWizard {
    Q_OBJECT
public:
    ~FlowWizard() override;

    [[nodiscard]] ProvisioningContext *context() const { return m_context; }
    [[nodiscard]] const QList<DeviceChoice> &devices() const { return m_devices; }
    [[nodiscard]] FlowTracker *tracker() const { return m_tracker; }
    [[nodiscard]] ps::station::StationFlow *flow() const { return m_flow.get(); }

    /// Lets the flow run the step it is held before (at once, or as soon as it gets there).
    void proceed();
    /// Runs the failed step again (the Retry button), after the pages have pushed their
    /// current choices into the flow's options.
    void retryFailedStep();
    /// Cancel: stops the flow (after asking when a step is under way) and closes once its
    /// record is written.
    void reject() override;
    [[nodiscard]] bool isClosing() const { return m_closing; }

    int nextId() const override;

    /// The id of the summary page (shown after a failure too).
    [[nodiscard]] virtual int summaryPageId() const = 0;

Q_SIGNALS:
    void flowStarted();
    void flowFinished(ps::station::Verdict verdict);

protected:
    FlowWizard(ProvisioningContext *context, QList<DeviceChoice> devices, QWidget *parent);

    /// The setup for a flow on `link` (may be null): the account's REST client, the audit
    /// store (or, when it will not open, a store in memory: the flow still runs), the station.
    ps::station::FlowSetup flowSetup(ps::device::DeviceLink *link);
    /// Tracks and starts `flow` once the API key has been read (a missing key is the
    /// account step's to report).
    void startFlow(std::unique_ptr<ps::station::StationFlow> flow);
    /// Pushes the pages' current choices into the flow's options before a retry.
    virtual void applyChoices() {}

private:
    QCoro::Task<> loadKeyAndStart();
    void onFinished(ps::station::Verdict verdict);
    void updateButtons();
    void askToCancel();

    QPointer<ProvisioningContext> m_context; ///< the window's; may go first at shutdown
    QList<DeviceChoice> m_devices;
    FlowTracker *m_tracker = nullptr;
    std::unique_ptr<ps::station::StationFlow> m_flow;
    std::unique_ptr<ps::station::MemoryFlowStore> m_memoryStore;
    bool m_proceedPending = false;
    bool m_closing = false;
};

/// A page of a FlowWizard: it is complete when its steps are done (or the flow has ended),
/// and refreshes whenever the flow moves.
class FlowPage : public QWizardPage {
    Q_OBJECT
public:
    explicit FlowPage(FlowWizard *wizard);

    /// The steps that must be done before Next.
    void setCompleteSteps(QStringList steps) { m_completeSteps = std::move(steps); }
    /// Next lets the flow run the step it is held before.
    void setProceedOnNext(bool proceed) { m_proceedOnNext = proceed; }
    /// The usual set-up of a page showing `steps` of the flow: a commit page (its button says
    /// `commitText`, "Next >" when empty) that is complete when the steps are done, with
    /// `banner` (may be null) following them; `proceedOnNext` as setProceedOnNext().
    void setUpSteps(StepBanner *banner, const QStringList &steps, const QString &commitText = {},
                    bool proceedOnNext = false);

    bool isComplete() const override;
    bool validatePage() override;

protected:
    [[nodiscard]] FlowWizard *flowWizard() const { return m_wizard; }
    [[nodiscard]] FlowTracker *tracker() const { return m_wizard->tracker(); }
    /// Called whenever the flow moved; show what it found.
    virtual void refresh() {}

private:
    FlowWizard *m_wizard = nullptr;
    QStringList m_completeSteps;
    bool m_proceedOnNext = false;
};

} // namespace ps::gui
