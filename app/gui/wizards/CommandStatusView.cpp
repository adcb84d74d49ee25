#include "CommandStatusView.h"

#include "FlowIcons.h"
#include "FlowTracker.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace ps::gui {

using namespace Qt::StringLiterals;

CommandStatusView::CommandStatusView(QWidget *parent)
    : QWidget(parent)
    , m_headline(new QLabel(this))
    , m_calls(new QTreeWidget(this)) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    QFont bold = m_headline->font();
    bold.setBold(true);
    m_headline->setFont(bold);
    m_headline->setWordWrap(true);
    layout->addWidget(m_headline);
    // Two columns fit half a page: the answer is the request's icon, and its words when it
    // is not a plain OK (all of it in the tooltip).
    m_calls->setColumnCount(2);
    m_calls->setHeaderLabels({tr("Time"), tr("Request and answer")});
    m_calls->setRootIsDecorated(false);
    m_calls->setWordWrap(true);
    m_calls->setToolTip(tr("Every request to nRF Cloud since the action, with its answer"));
    m_calls->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_calls->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    layout->addWidget(m_calls, 1);
    refresh();
}

void CommandStatusView::setTracker(FlowTracker *tracker) {
    if (m_tracker)
        disconnect(m_tracker, nullptr, this, nullptr);
    m_tracker = tracker;
    m_shown = -1;
    if (tracker)
        connect(tracker, &FlowTracker::changed, this, &CommandStatusView::refresh);
    refresh();
}

QString CommandStatusView::headline() const {
    return m_headline->text();
}

void CommandStatusView::refresh() {
    ps::station::Flow *flow = m_tracker ? m_tracker->flow() : nullptr;
    if (!flow) {
        m_headline->setText(tr("No command yet."));
        m_calls->clear();
        m_shown = -1;
        return;
    }
    QStringList ids;
    for (const QJsonValue id : flow->fact(u"commandIds"_s).toArray())
        ids.append(id.toString());
    const QList<ps::station::CloudCall> &calls = flow->cloudCalls();
    if (calls.size() != m_shown) {
        m_calls->clear();
        m_status.clear();
        for (const ps::station::CloudCall &call : calls) {
            if (!m_steps.contains(call.step))
                continue;
            auto *item = new QTreeWidgetItem(m_calls);
            item->setText(0, QLocale().toString(call.at.toLocalTime(), u"HH:mm:ss"_s));
            QString answer = call.ok ? tr("OK")
                                     : (call.httpStatus > 0 ? u"HTTP %1"_s.arg(call.httpStatus)
                                                            : tr("no answer"));
            if (!call.message.isEmpty())
                answer += u": "_s + call.message;
            if (call.retried)
                answer += tr(" (sent again)");
            item->setText(1,
                          call.ok ? call.operation : QString(call.operation + u" — "_s + answer));
            item->setToolTip(1, call.operation + u"\n"_s + answer);
            item->setIcon(1, flowIcon(call.ok        ? FlowIcon::StepDone
                                      : call.retried ? FlowIcon::StepWaiting
                                                     : FlowIcon::StepFailed));
            // The follow step notes every status change as "... -> STATUS".
            const qsizetype arrow = call.operation.lastIndexOf(u" -> "_s);
            if (call.ok && arrow >= 0)
                m_status = call.operation.mid(arrow + 4);
        }
        m_shown = calls.size();
        if (m_calls->topLevelItemCount() > 0)
            m_calls->scrollToItem(m_calls->topLevelItem(m_calls->topLevelItemCount() - 1));
    }
    if (ids.isEmpty())
        m_headline->setText(tr("No command queued yet."));
    else if (m_status.isEmpty())
        m_headline->setText(tr("Command %1: queued").arg(ids.join(u", "_s)));
    else
        m_headline->setText(tr("Command %1: %2").arg(ids.join(u", "_s), m_status));
}

} // namespace ps::gui
