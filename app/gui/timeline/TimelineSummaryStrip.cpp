#include "TimelineSummaryStrip.h"

#include "TimelineFormat.h"

#include <QCoreApplication>
#include <QEvent>
#include <QPalette>

namespace ps::gui {

using ps::core::ProvisioningOutcome;
using Tone = TimelineSummaryItem::Tone;

namespace {

QString tr(const char *text, int n = -1) {
    return QCoreApplication::translate("ps::gui::TimelineSummaryStrip", text, nullptr, n);
}

QString uptimeValue(const std::optional<qint64> &uptimeUs) {
    if (!uptimeUs)
        return tr("not seen");
    return tr("at %1").arg(formatTimelineDuration(*uptimeUs / 1000));
}

QString provisioningValue(const ps::core::TimelineSummary &summary) {
    QString text;
    switch (summary.provisioning) {
    case ProvisioningOutcome::None:
        return tr("not seen");
    case ProvisioningOutcome::InProgress:
        text = tr("in progress");
        break;
    case ProvisioningOutcome::Done:
        text = tr("done");
        break;
    case ProvisioningOutcome::NoCommands:
        text = tr("no commands");
        break;
    case ProvisioningOutcome::NotClaimed:
        text = tr("not claimed");
        break;
    case ProvisioningOutcome::Failed:
        text = summary.provisioningDetail.isEmpty()
                   ? tr("failed")
                   : tr("failed: %1").arg(summary.provisioningDetail);
        break;
    }
    if (summary.provisioningAttempts > 1)
        text += tr(" (%n attempts)", summary.provisioningAttempts);
    return text;
}

Tone provisioningTone(ProvisioningOutcome outcome) {
    switch (outcome) {
    case ProvisioningOutcome::Done:
        return Tone::Good;
    case ProvisioningOutcome::NoCommands:
        return Tone::Warning;
    case ProvisioningOutcome::NotClaimed:
    case ProvisioningOutcome::Failed:
        return Tone::Bad;
    case ProvisioningOutcome::None:
    case ProvisioningOutcome::InProgress:
        break;
    }
    return Tone::Neutral;
}

} // namespace

std::vector<TimelineSummaryItem> timelineSummaryItems(const ps::core::TimelineSummary &summary,
                                                      const ps::core::TimelineModel &model) {
    std::vector<TimelineSummaryItem> items;
    items.push_back({tr("First LTE up"), uptimeValue(summary.firstLteUpUptimeUs),
                     summary.firstLteUpUptimeUs ? Tone::Good : Tone::Neutral});
    items.push_back({tr("First cloud connection"), uptimeValue(summary.firstCloudConnectedUptimeUs),
                     summary.firstCloudConnectedUptimeUs ? Tone::Good : Tone::Neutral});
    items.push_back(
        {tr("Provisioning"), provisioningValue(summary), provisioningTone(summary.provisioning)});
    items.push_back({tr("LTE down/up"),
                     QStringLiteral("%1 / %2").arg(summary.lteDownCount).arg(summary.lteUpCount),
                     Tone::Neutral});
    items.push_back({tr("Backoffs"),
                     summary.backoffs == 0
                         ? QStringLiteral("0")
                         : (summary.backoffs == 1 ? tr("%1 (%2)") : tr("%1 (%2 in all)"))
                               .arg(summary.backoffs)
                               .arg(formatTimelineDuration(summary.backoffSeconds * 1000)),
                     summary.backoffs == 0 ? Tone::Neutral : Tone::Warning});
    // Every segment after the first began with a boot inside the capture.
    const int reboots = std::max(0, int(model.segments().size()) - 1);
    items.push_back(
        {tr("Reboots"), QString::number(reboots), reboots == 0 ? Tone::Neutral : Tone::Warning});
    items.push_back({tr("Time to cloud"),
                     summary.timeToCloudMs ? formatTimelineDuration(*summary.timeToCloudMs)
                                           : tr("not connected"),
                     summary.timeToCloudMs ? Tone::Good : Tone::Neutral});
    if (summary.droppedMessages > 0)
        items.push_back(
            {tr("Dropped log messages"), QString::number(summary.droppedMessages), Tone::Warning});
    return items;
}

QString timelineSummaryText(const ps::core::TimelineSummary &summary,
                            const ps::core::TimelineModel &model) {
    QStringList parts;
    for (const TimelineSummaryItem &item : timelineSummaryItems(summary, model))
        parts.append(item.title + QStringLiteral(": ") + item.value);
    return parts.join(QStringLiteral(" · "));
}

TimelineSummaryStrip::TimelineSummaryStrip(QWidget *parent)
    : QLabel(parent) {
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setContentsMargins(6, 3, 6, 3);
    setToolTip(tr("First LTE up and first cloud connection are device uptimes. LTE down/up "
                  "counts the times LTE was lost and gained (going down during provisioning is "
                  "expected). Reboots are boots after the first one in the log. Time to cloud "
                  "runs from the first boot (or the first line with a time) to the first cloud "
                  "connection."));
    clearTimeline();
}

void TimelineSummaryStrip::setTimeline(const ps::core::TimelineSummary &summary,
                                       const ps::core::TimelineModel &model) {
    m_items = timelineSummaryItems(summary, model);
    render();
}

void TimelineSummaryStrip::clearTimeline() {
    m_items.clear();
    render();
}

void TimelineSummaryStrip::changeEvent(QEvent *event) {
    QLabel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_rendering)
        render();
}

void TimelineSummaryStrip::render() {
    const QPalette &p = palette();
    const bool dark = p.color(QPalette::Base).lightness() < 128;
    const auto colourOf = [dark, &p](Tone tone) -> QString {
        switch (tone) {
        case Tone::Good:
            return dark ? QStringLiteral("#81c784") : QStringLiteral("#1b5e20");
        case Tone::Warning:
            return dark ? QStringLiteral("#ffb74d") : QStringLiteral("#8a5300");
        case Tone::Bad:
            return dark ? QStringLiteral("#ef9a9a") : QStringLiteral("#b71c1c");
        case Tone::Neutral:
            break;
        }
        return p.color(QPalette::WindowText).name();
    };
    const QColor text = p.color(QPalette::WindowText);
    const QColor window = p.color(QPalette::Window);
    const QString dim =
        QColor::fromRgbF((text.redF() + window.redF()) / 2, (text.greenF() + window.greenF()) / 2,
                         (text.blueF() + window.blueF()) / 2)
            .name();
    QStringList html;
    QStringList plain;
    for (const TimelineSummaryItem &item : m_items) {
        // Non-breaking spaces inside an item: the row wraps only between items.
        QString title = item.title.toHtmlEscaped();
        title.replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
        QString value = item.value.toHtmlEscaped();
        value.replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
        html.append(QStringLiteral("<span style=\"color:%1\">%2</span>&nbsp;<b style=\"color:%3\">"
                                   "%4</b>")
                        .arg(dim, title, colourOf(item.tone), value));
        plain.append(item.title + QStringLiteral(": ") + item.value);
    }
    m_plain = plain.join(QStringLiteral(" · "));
    m_rendering = true;
    if (m_items.empty()) {
        setText(
            QStringLiteral("<span style=\"color:%1\">%2</span>")
                .arg(dim,
                     tr("No timeline: open a console, or a saved log (Ctrl+O).").toHtmlEscaped()));
    } else {
        const QString separator =
            QStringLiteral("&nbsp;&nbsp;&nbsp;<span style=\"color:%1\">·</span>&nbsp;&nbsp; ")
                .arg(dim);
        setText(html.join(separator));
    }
    m_rendering = false;
}

} // namespace ps::gui
