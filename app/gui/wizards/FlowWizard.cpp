#include "FlowWizard.h"

#include "FlowIcons.h"
#include "StepBanner.h"
#include "station/FlowStore.h"

#include <QAbstractButton>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>

namespace ps::gui {

using ps::station::Flow;
using ps::station::Verdict;

FlowWizard::FlowWizard(ProvisioningContext *context, QList<DeviceChoice> devices, QWidget *parent)
    : QWizard(parent)
    , m_context(context)
    , m_devices(std::move(devices))
    , m_tracker(new FlowTracker(this)) {
    setWizardStyle(QWizard::ModernStyle);
    // No Back: once the flow has started a step cannot be undone, and the first page is the
    // only one before it starts. Retry shows only while a step waits after a failure.
    setOption(QWizard::HaveCustomButton1, true);
    setButtonLayout({QWizard::Stretch, QWizard::CustomButton1, QWizard::NextButton,
                     QWizard::CommitButton, QWizard::FinishButton, QWizard::CancelButton});
    setButtonText(QWizard::CustomButton1, tr("&Retry"));
    button(QWizard::CustomButton1)->setIcon(flowIcon(FlowIcon::Retry));
    button(QWizard::CustomButton1)
        ->setToolTip(tr("Run the failed step again (after fixing what the page says)"));
    button(QWizard::CustomButton1)->hide();
    connect(this, &QWizard::customButtonClicked, this, [this](int which) {
        if (which == QWizard::CustomButton1)
            retryFailedStep();
    });
    connect(m_tracker, &FlowTracker::changed, this, &FlowWizard::updateButtons);
    connect(m_tracker, &FlowTracker::finished, this, &FlowWizard::onFinished);
    connect(this, &QWizard::currentIdChanged, this, &FlowWizard::updateButtons);
}

FlowWizard::~FlowWizard() {
    // A wizard closed some other way than Cancel (its window destroyed with the main
    // window): the flow still ends with a record. The context keeps it until then.
    if (m_context && m_flow && m_flow->state() != Flow::State::Idle &&
        m_flow->state() != Flow::State::Finished) {
        Flow *flow = m_flow.release();
        flow->setParent(m_context);
        ProvisioningContext *context = m_context;
        connect(flow, &Flow::finished, context, [context, flow] {
            context->announceRecord(flow->auditRecord());
            flow->deleteLater();
        });
        flow->cancel();
    }
}

ps::station::FlowSetup FlowWizard::flowSetup(ps::device::DeviceLink *link) {
    ps::station::FlowSetup setup;
    setup.device = link;
    setup.cloud = m_context->account()->client();
    setup.station = m_context->station();
    if (auto store = m_context->auditStore()) {
        setup.store = *store;
    } else {
        m_memoryStore = std::make_unique<ps::station::MemoryFlowStore>();
        setup.store = m_memoryStore.get();
    }
    return setup;
}

void FlowWizard::startFlow(std::unique_ptr<ps::station::StationFlow> flow) {
    m_flow = std::move(flow);
    m_flow->setPauseOnFailure(true);
    connect(m_flow.get(), &Flow::held, this, [this] {
        if (m_proceedPending) {
            m_proceedPending = false;
            m_flow->proceed();
        }
    });
    m_tracker->track(m_flow.get());
    QCoro::connect(loadKeyAndStart(), this, [] {});
}

QCoro::Task<> FlowWizard::loadKeyAndStart() {
    QPointer<FlowWizard> self = this;
    QPointer<CloudAccount> account = m_context->account();
    // A key that cannot be read is not an error here: the account step says what to do.
    (void)co_await account->loadKey();
    if (!self || !m_flow)
        co_return;
    m_flow->start();
    Q_EMIT flowStarted();
    updateButtons();
}

void FlowWizard::proceed() {
    if (!m_flow)
        return;
    if (m_flow->state() == Flow::State::Held)
        m_flow->proceed();
    else
        m_proceedPending = true;
}

void FlowWizard::retryFailedStep() {
    if (!m_flow || m_flow->state() != Flow::State::Paused)
        return;
    applyChoices();
    m_flow->retryFailedStep();
    button(QWizard::CustomButton1)->hide();
}

int FlowWizard::nextId() const {
    if (m_flow && m_flow->state() == Flow::State::Finished &&
        m_flow->verdict() != Verdict::Succeeded && currentId() != summaryPageId())
        return summaryPageId();
    return QWizard::nextId();
}

void FlowWizard::reject() {
    if (!m_flow || m_flow->state() == Flow::State::Idle ||
        m_flow->state() == Flow::State::Finished) {
        QWizard::reject();
        return;
    }
    if (m_closing)
        return;
    if (m_flow->state() == Flow::State::Running) {
        askToCancel();
        return;
    }
    // Held or paused: nothing is under way, so stop at once.
    m_closing = true;
    updateButtons();
    m_flow->cancel();
}

void FlowWizard::askToCancel() {
    auto *box = new QMessageBox(QMessageBox::Question, tr("Stop the Attempt?"),
                                tr("A step is under way. Stop now?"), QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("cancelConfirmation"));
    box->setInformativeText(
        tr("The step is abandoned where it is and the attempt is recorded as cancelled. What "
           "already happened stays: a claimed device stays claimed, a queued command stays "
           "queued."));
    QAbstractButton *stop = box->addButton(tr("&Stop"), QMessageBox::DestructiveRole);
    box->addButton(tr("&Continue"), QMessageBox::RejectRole);
    box->setDefaultButton(qobject_cast<QPushButton *>(box->buttons().constLast()));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, stop](QAbstractButton *clicked) {
        if (clicked != stop || !m_flow || m_flow->state() == Flow::State::Finished)
            return;
        m_closing = true;
        updateButtons();
        m_flow->cancel();
    });
    box->open();
}

void FlowWizard::onFinished(Verdict verdict) {
    if (m_context)
        m_context->announceRecord(m_flow->auditRecord());
    if (m_context && !m_flow->storeError().isEmpty())
        Q_EMIT m_context->problemOccurred(
            tr("History"),
            tr("The attempt's record could not be stored: %1").arg(m_flow->storeError()));
    Q_EMIT flowFinished(verdict);
    updateButtons();
    if (m_closing) {
        QWizard::reject();
        return;
    }
    if (QWizardPage *page = currentPage())
        Q_EMIT page->completeChanged();
}

void FlowWizard::updateButtons() {
    const bool paused = m_flow && m_flow->state() == Flow::State::Paused && !m_closing;
    button(QWizard::CustomButton1)->setVisible(paused);
    const bool finished = m_flow && m_flow->state() == Flow::State::Finished;
    setButtonText(QWizard::CancelButton, finished ? tr("&Close") : tr("Cancel"));
    button(QWizard::CancelButton)->setEnabled(!m_closing);
}

int fillDeviceChoices(QComboBox *combo, const QList<DeviceChoice> &devices, QObject *context,
                      const std::function<void()> &onChange) {
    int firstOpen = -1;
    for (int i = 0; i < devices.size(); ++i) {
        combo->addItem(devices.at(i).title);
        if (ps::device::DeviceLink *link = devices.at(i).link) {
            if (firstOpen < 0 && link->state() == ps::device::DeviceLink::State::Open)
                firstOpen = i;
            QObject::connect(link, &ps::device::DeviceLink::stateChanged, context,
                             [onChange] { onChange(); });
        }
    }
    if (devices.isEmpty())
        return -1;
    return std::max(0, firstOpen);
}

QString linkStateText(const ps::device::DeviceLink *link) {
    using ps::device::DeviceLink;
    if (!link)
        return FlowWizard::tr("The console was closed.");
    switch (link->state()) {
    case DeviceLink::State::Open:
        return FlowWizard::tr("Connected.");
    case DeviceLink::State::Opening:
        return FlowWizard::tr("Opening the port…");
    case DeviceLink::State::Reconnecting:
        return FlowWizard::tr("Reconnecting: the device went away; waiting for it.");
    case DeviceLink::State::Closed:
        return FlowWizard::tr("Not connected: connect its console first (Port > Connect).");
    }
    return {};
}

FlowPage::FlowPage(FlowWizard *wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard) {
    connect(wizard->tracker(), &FlowTracker::changed, this, [this] {
        refresh();
        Q_EMIT completeChanged();
    });
}

bool FlowPage::isComplete() const {
    if (!m_wizard->flow())
        return false;
    if (m_wizard->tracker()->isFinished())
        return true;
    return std::ranges::all_of(m_completeSteps,
                               [this](const QString &id) { return tracker()->isDone(id); });
}

bool FlowPage::validatePage() {
    if (m_proceedOnNext && !m_wizard->tracker()->isFinished())
        m_wizard->proceed();
    return true;
}

void FlowPage::setUpSteps(StepBanner *banner, const QStringList &steps, const QString &commitText,
                          bool proceedOnNext) {
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, commitText.isEmpty() ? tr("&Next >") : commitText);
    setCompleteSteps(steps);
    setProceedOnNext(proceedOnNext);
    if (banner) {
        banner->setTracker(tracker());
        banner->setSteps(steps);
    }
}

} // namespace ps::gui
