#include "SlotTile.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace ps::gui {

using namespace Qt::StringLiterals;

namespace {

struct Colours {
    QString ground;
    QString text;
    QString bar;
};

// Contrast ratios of text on ground are all above 7:1 (WCAG AAA).
Colours coloursFor(SlotTileState::Phase phase) {
    switch (phase) {
    case SlotTileState::Phase::Passed:
        return {u"#1b5e20"_s, u"#ffffff"_s, u"#a5d6a7"_s};
    case SlotTileState::Phase::Failed:
        return {u"#b71c1c"_s, u"#ffffff"_s, u"#ffcdd2"_s};
    case SlotTileState::Phase::Running:
        return {u"#0d47a1"_s, u"#ffffff"_s, u"#90caf9"_s};
    case SlotTileState::Phase::Waiting:
        return {u"#ffb300"_s, u"#000000"_s, u"#5d4037"_s};
    case SlotTileState::Phase::Empty:
        break;
    }
    return {u"#37474f"_s, u"#ffffff"_s, u"#b0bec5"_s};
}

QFont scaled(const QFont &base, double factor, bool bold) {
    QFont font = base;
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * factor);
    else
        font.setPixelSize(int(font.pixelSize() * factor));
    font.setBold(bold);
    return font;
}

} // namespace

QString phaseWord(SlotTileState::Phase phase) {
    switch (phase) {
    case SlotTileState::Phase::Passed:
        return SlotTile::tr("PASS");
    case SlotTileState::Phase::Failed:
        return SlotTile::tr("FAIL");
    case SlotTileState::Phase::Running:
        return SlotTile::tr("RUNNING");
    case SlotTileState::Phase::Waiting:
        return SlotTile::tr("WAITING");
    case SlotTileState::Phase::Empty:
        break;
    }
    return SlotTile::tr("EMPTY");
}

SlotTile::SlotTile(QWidget *parent)
    : QFrame(parent) {
    setObjectName(u"slotTile"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    // Big enough to read from a step back, not so tall that a few slots leave empty colour.
    setMaximumHeight(340);

    m_label = new QLabel(this);
    m_label->setObjectName(u"slotLabel"_s);
    m_label->setFont(scaled(font(), 2.0, true));
    m_verdict = new QLabel(this);
    m_verdict->setObjectName(u"slotVerdict"_s);
    m_verdict->setFont(scaled(font(), 2.8, true));
    m_verdict->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_port = new QLabel(this);
    m_port->setObjectName(u"slotPort"_s);
    m_step = new QLabel(this);
    m_step->setObjectName(u"slotStep"_s);
    m_step->setFont(scaled(font(), 1.5, true));
    m_step->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"slotProgress"_s);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setFixedHeight(20);
    m_elapsed = new QLabel(this);
    m_elapsed->setObjectName(u"slotElapsed"_s);
    m_elapsed->setFont(scaled(font(), 1.5, true));
    m_elapsed->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_imei = new QLabel(this);
    m_imei->setObjectName(u"slotImei"_s);
    m_imei->setFont(scaled(font(), 1.25, false));
    m_imei->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_reason = new QLabel(this);
    m_reason->setObjectName(u"slotReason"_s);
    m_reason->setFont(scaled(font(), 1.25, false));
    m_reason->setWordWrap(true);
    m_reason->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setObjectName(u"slotRetry"_s);
    m_retry->setFont(scaled(font(), 1.25, true));
    m_retry->setMinimumHeight(40);
    m_retry->setCursor(Qt::PointingHandCursor);
    m_retry->setToolTip(tr("Run this slot again; the steps that succeeded are not repeated"));
    connect(m_retry, &QPushButton::clicked, this, &SlotTile::retryRequested);

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(14, 10, 14, 12);
    grid->setVerticalSpacing(6);
    grid->addWidget(m_label, 0, 0);
    grid->addWidget(m_verdict, 0, 1, 2, 1);
    grid->addWidget(m_port, 1, 0);
    grid->addWidget(m_step, 2, 0, 1, 2);
    grid->addWidget(m_progress, 3, 0, 1, 2);
    grid->addWidget(m_imei, 4, 0);
    grid->addWidget(m_elapsed, 4, 1);
    grid->addWidget(m_reason, 5, 0, 1, 2);
    grid->addWidget(m_retry, 6, 0, 1, 2);
    grid->setRowStretch(5, 1);
    grid->setColumnStretch(0, 1);
    setState({});
}

void SlotTile::setState(const SlotTileState &state) {
    m_state = state;
    m_label->setText(state.label);
    m_verdict->setText(phaseWord(state.phase));
    m_port->setText(state.port);
    m_port->setVisible(!state.port.isEmpty());
    m_step->setText(state.step);
    m_progress->setVisible(state.progress >= 0);
    m_progress->setValue(int(qBound(0.0, state.progress, 1.0) * 1000));
    m_imei->setText(state.imei.isEmpty() ? QString() : tr("IMEI %1").arg(state.imei));
    QString reason = state.reason;
    if (!state.advice.isEmpty())
        reason += (reason.isEmpty() ? QString() : u"\n"_s) + tr("→ %1").arg(state.advice);
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
    m_retry->setVisible(state.phase == SlotTileState::Phase::Failed);
    setAccessibleName(state.label + u": "_s + phaseWord(state.phase));
    setAccessibleDescription(state.step + u' ' + reason);
    applyColours();
    tick();
}

void SlotTile::tick() {
    qint64 ms = m_state.finishedMs;
    if (ms < 0 && m_state.startedAt.isValid())
        ms = qMax<qint64>(0, m_state.startedAt.msecsTo(QDateTime::currentDateTimeUtc()));
    m_elapsed->setText(ms >= 0 ? formatElapsed(ms) : QString());
}

QString SlotTile::formatElapsed(qint64 ms) {
    const qint64 seconds = ms / 1000;
    const qint64 h = seconds / 3600;
    const qint64 m = (seconds / 60) % 60;
    const qint64 s = seconds % 60;
    if (h > 0)
        return u"%1:%2:%3"_s.arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
    return u"%1:%2"_s.arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

QString SlotTile::stepText() const {
    return m_step->text();
}
QString SlotTile::reasonText() const {
    return m_reason->text();
}
QString SlotTile::elapsedText() const {
    return m_elapsed->text();
}
QString SlotTile::imeiText() const {
    return m_imei->text();
}
QString SlotTile::verdictText() const {
    return m_verdict->text();
}

QSize SlotTile::sizeHint() const {
    return {340, 230};
}

void SlotTile::applyColours() {
    const Colours colours = coloursFor(m_state.phase);
    // Style sheet on the tile only (by object name), so the rest of the window keeps the theme.
    setStyleSheet(uR"(QFrame#slotTile { background: %1; border: 2px solid %2; border-radius: 8px; }
QFrame#slotTile QLabel { color: %2; background: transparent; }
QFrame#slotTile QProgressBar { background: rgba(0,0,0,60); border: 1px solid %2;
  border-radius: 4px; }
QFrame#slotTile QProgressBar::chunk { background: %3; border-radius: 3px; }
QFrame#slotTile QPushButton { background: #ffffff; color: %1; border: 2px solid %2;
  border-radius: 6px; padding: 4px 18px; }
QFrame#slotTile QPushButton:focus { border: 3px solid #ffeb3b; })"_s.arg(
        colours.ground, colours.text, colours.bar));
}

} // namespace ps::gui
