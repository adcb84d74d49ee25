#include "OperatorView.h"

#include "ScanField.h"
#include "ShiftSummaryStrip.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::station::SlotPhase;
using ps::station::SlotStatus;

QString operatorAdviceFor(const QString &failureKind) {
    if (failureKind == u"unreachable"_s)
        return OperatorView::tr("Check the cable and that the device sits right, then press "
                                "Retry.");
    if (failureKind == u"cloud"_s)
        return OperatorView::tr("nRF Cloud did not answer. Press Retry in a minute; if it "
                                "keeps failing, call the engineer.");
    if (failureKind == u"refused"_s || failureKind == u"configuration"_s ||
        failureKind == u"journal"_s)
        return OperatorView::tr("Call the engineer: this needs the station's set-up changed.");
    if (failureKind == u"timeout"_s)
        return OperatorView::tr("Press Retry. If it fails again, put the device aside for the "
                                "engineer.");
    if (failureKind == u"cancelled"_s)
        return OperatorView::tr("Press Retry to run it again.");
    return OperatorView::tr("Press Retry. If it fails again, put the device aside for the "
                            "engineer.");
}

SlotTileState tileStateFor(const SlotStatus &status, bool stationRunning) {
    SlotTileState state;
    state.label = status.label.isEmpty() ? status.slotId : status.label;
    if (state.label != status.slotId && !status.slotId.isEmpty())
        state.label = OperatorView::tr("%1 · %2").arg(status.slotId, state.label);
    state.port = status.port;
    state.imei = status.imei;
    const auto elapsed = [&state, &status] {
        state.startedAt = QDateTime::currentDateTimeUtc().addMSecs(-status.elapsedMs);
    };
    switch (status.phase) {
    case SlotPhase::Empty:
        state.phase = SlotTileState::Phase::Empty;
        state.step =
            stationRunning ? OperatorView::tr("Plug in a device") : OperatorView::tr("No device");
        break;
    case SlotPhase::Ready:
        state.phase = SlotTileState::Phase::Empty;
        state.step = stationRunning ? OperatorView::tr("Device found, starting…")
                                    : OperatorView::tr("Device ready — press Start");
        break;
    case SlotPhase::Running:
        state.phase = SlotTileState::Phase::Running;
        state.step = status.stepTitle.isEmpty() ? OperatorView::tr("Starting…") : status.stepTitle;
        if (!status.detail.isEmpty())
            state.step += u"\n"_s + status.detail;
        state.progress = status.progress;
        elapsed();
        break;
    case SlotPhase::Label:
        state.phase = SlotTileState::Phase::Waiting;
        state.step = OperatorView::tr("Scan this device's label");
        state.progress = status.progress;
        elapsed();
        break;
    case SlotPhase::Passed:
        state.phase = SlotTileState::Phase::Passed;
        state.step = OperatorView::tr("Done — take the device out");
        state.progress = 1;
        state.finishedMs = status.elapsedMs;
        break;
    case SlotPhase::Failed:
        state.phase = SlotTileState::Phase::Failed;
        state.step = status.stepTitle.isEmpty()
                         ? OperatorView::tr("Failed")
                         : OperatorView::tr("Failed at: %1").arg(status.stepTitle);
        state.reason = status.failure;
        state.advice = status.hint.isEmpty() ? operatorAdviceFor(status.failureKind) : status.hint;
        state.finishedMs = status.elapsedMs;
        break;
    }
    return state;
}

OperatorView::OperatorView(QWidget *parent)
    : QWidget(parent) {
    setObjectName(u"operatorView"_s);
    m_banner = new QLabel(this);
    m_banner->setObjectName(u"stationBanner"_s);
    m_banner->setWordWrap(true);
    m_banner->setMargin(10);
    QFont bannerFont = m_banner->font();
    bannerFont.setPointSizeF(bannerFont.pointSizeF() > 0 ? bannerFont.pointSizeF() * 1.35 : 15);
    bannerFont.setBold(true);
    m_banner->setFont(bannerFont);

    m_scanRow = new QWidget(this);
    m_scanHint = new QLabel(tr("Label:"), m_scanRow);
    m_scanHint->setFont(bannerFont);
    m_scan = new ScanField(m_scanRow);
    auto *scanLayout = new QHBoxLayout(m_scanRow);
    scanLayout->setContentsMargins(0, 0, 0, 0);
    scanLayout->addWidget(m_scanHint);
    scanLayout->addWidget(m_scan, 1);
    m_scanRow->hide();

    m_grid = new QWidget(this);
    m_gridLayout = new QGridLayout(m_grid);
    m_gridLayout->setContentsMargins(0, 0, 0, 0);
    m_gridLayout->setSpacing(12);
    m_gridLayout->setAlignment(Qt::AlignTop);
    m_empty = new QLabel(tr("No slots yet. An engineer assigns the ports to slots in engineer "
                            "mode (Ctrl+E), page Slots."),
                         this);
    m_empty->setObjectName(u"noSlotsText"_s);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setFont(bannerFont);

    m_summary = new ShiftSummaryStrip(this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(10);
    layout->addWidget(m_banner);
    layout->addWidget(m_scanRow);
    layout->addWidget(m_grid, 1);
    layout->addWidget(m_empty, 1);
    layout->addWidget(m_summary);
    setBanner(tr("Station stopped"), Tone::Neutral);
    layOut();
}

void OperatorView::setSlots(const QList<SlotStatus> &statuses, bool stationRunning) {
    QStringList order;
    for (const SlotStatus &status : statuses)
        order.append(status.slotId);
    if (order != m_order) {
        for (auto it = m_tiles.begin(); it != m_tiles.end();) {
            if (!order.contains(it.key())) {
                delete it.value();
                it = m_tiles.erase(it);
            } else {
                ++it;
            }
        }
        for (const QString &id : std::as_const(order)) {
            if (m_tiles.contains(id))
                continue;
            auto *tile = new SlotTile(m_grid);
            tile->setObjectName(u"slotTile"_s);
            tile->setProperty("slotId", id);
            connect(tile, &SlotTile::retryRequested, this,
                    [this, id] { Q_EMIT retryRequested(id); });
            m_tiles.insert(id, tile);
        }
        m_order = order;
        layOut();
    }
    for (const SlotStatus &status : statuses)
        updateSlot(status, stationRunning);
}

void OperatorView::updateSlot(const SlotStatus &status, bool stationRunning) {
    if (SlotTile *tile = m_tiles.value(status.slotId))
        tile->setState(tileStateFor(status, stationRunning));
}

QList<SlotTile *> OperatorView::tiles() const {
    QList<SlotTile *> list;
    for (const QString &id : m_order)
        list.append(m_tiles.value(id));
    return list;
}

void OperatorView::setBanner(const QString &text, Tone tone) {
    m_banner->setText(text);
    QString ground = u"#263238"_s;
    if (tone == Tone::Good)
        ground = u"#1b5e20"_s;
    else if (tone == Tone::Bad)
        ground = u"#b71c1c"_s;
    m_banner->setStyleSheet(
        u"QLabel#stationBanner { background: %1; color: #ffffff; border-radius: 6px; }"_s.arg(
            ground));
}

QString OperatorView::bannerText() const {
    return m_banner->text();
}

void OperatorView::setScanVisible(bool visible) {
    m_scanRow->setVisible(visible);
    if (visible)
        m_scan->setFocus();
}

void OperatorView::tick() {
    for (SlotTile *tile : std::as_const(m_tiles))
        tile->tick();
}

void OperatorView::layOut() {
    while (m_gridLayout->count() > 0)
        delete m_gridLayout->takeAt(0);
    const int count = int(m_order.size());
    // Up to four across; rows fill the height so a tile stays big.
    const int columns = count <= 1 ? 1 : count <= 4 ? count == 3 ? 3 : 2 : count <= 9 ? 3 : 4;
    for (int i = 0; i < count; ++i)
        m_gridLayout->addWidget(m_tiles.value(m_order.at(i)), i / columns, i % columns);
    m_grid->setVisible(count > 0);
    m_empty->setVisible(count == 0);
}

} // namespace ps::gui
