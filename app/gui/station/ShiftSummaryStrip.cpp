#include "ShiftSummaryStrip.h"

#include "SlotTile.h"

#include <QHBoxLayout>
#include <QLabel>

namespace ps::gui {

using namespace Qt::StringLiterals;

ShiftSummaryStrip::ShiftSummaryStrip(QWidget *parent)
    : QFrame(parent) {
    setObjectName(u"shiftSummary"_s);
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(14, 6, 14, 6);
    layout->setSpacing(28);
    auto *title = new QLabel(tr("This shift"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    layout->addWidget(title);
    const auto figure = [this, layout](const QString &name) {
        auto *label = new QLabel(this);
        label->setObjectName(name);
        QFont font = label->font();
        font.setPointSizeF(font.pointSizeF() > 0 ? font.pointSizeF() * 1.2 : 13);
        label->setFont(font);
        layout->addWidget(label);
        return label;
    };
    m_attempts = figure(u"summaryAttempts"_s);
    m_passed = figure(u"summaryPassed"_s);
    m_failed = figure(u"summaryFailed"_s);
    m_yield = figure(u"summaryYield"_s);
    m_median = figure(u"summaryMedian"_s);
    layout->addStretch(1);
    setSummary({});
}

QString ShiftSummaryStrip::percent(double fraction, int attempts) {
    if (attempts <= 0)
        return u"–"_s;
    return u"%1 %"_s.arg(qRound(fraction * 100));
}

void ShiftSummaryStrip::setSummary(const ps::station::ShiftSummary &summary) {
    m_summary = summary;
    m_attempts->setText(tr("Attempts <b>%1</b>").arg(summary.attempts));
    m_passed->setText(tr("Passed <b>%1</b>").arg(summary.passed));
    m_failed->setText(tr("Failed <b>%1</b>").arg(summary.failed));
    m_yield->setText(tr("Yield <b>%1</b>").arg(percent(summary.yield, summary.attempts)));
    m_median->setText(
        tr("Median per device <b>%1</b>")
            .arg(summary.passed > 0 ? SlotTile::formatElapsed(summary.medianPassMs) : u"–"_s));
}

QString ShiftSummaryStrip::text() const {
    QStringList parts;
    for (const QLabel *label : {m_attempts, m_passed, m_failed, m_yield, m_median}) {
        QString plain = label->text();
        plain.remove(u"<b>"_s).remove(u"</b>"_s);
        parts.append(plain);
    }
    return parts.join(u" · "_s);
}

} // namespace ps::gui
