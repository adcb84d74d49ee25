#pragma once

#include "SlotTile.h"
#include "station/Station.h"

#include <QMap>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace ps::gui {

class ScanField;
class ShiftSummaryStrip;

/// What a slot's tile shows for the station's status of the slot: the phase as colour and
/// word, the step, the failure in plain words with what to do (the station's hint, else
/// advice by the kind of failure).
SlotTileState tileStateFor(const ps::station::SlotStatus &status, bool stationRunning);
/// What to do about a failure of `kind` (stepErrorKindId()) when the station gave no hint.
QString operatorAdviceFor(const QString &failureKind);

/// The operator's view: a banner (station running or stopped, the bundle, what just went
/// wrong), the label scan field (only with the label check on), one SlotTile per slot in a
/// grid, and the shift summary strip. It only shows; the StationWindow feeds it.
class OperatorView : public QWidget {
    Q_OBJECT
public:
    explicit OperatorView(QWidget *parent = nullptr);

    /// One tile per slot, in this order (tiles of slots no longer there go).
    void setSlots(const QList<ps::station::SlotStatus> &statuses, bool stationRunning);
    void updateSlot(const ps::station::SlotStatus &status, bool stationRunning);
    [[nodiscard]] SlotTile *tile(const QString &slotId) const { return m_tiles.value(slotId); }
    [[nodiscard]] QList<SlotTile *> tiles() const;

    /// The banner: `text` on a neutral, good or bad ground.
    enum class Tone { Neutral, Good, Bad };
    void setBanner(const QString &text, Tone tone);
    [[nodiscard]] QString bannerText() const;
    void setScanVisible(bool visible);
    [[nodiscard]] ScanField *scanField() const { return m_scan; }
    [[nodiscard]] ShiftSummaryStrip *summaryStrip() const { return m_summary; }
    /// Recomputes the tiles' elapsed times.
    void tick();

Q_SIGNALS:
    void retryRequested(const QString &slotId);

private:
    void layOut();

    QLabel *m_banner = nullptr;
    QWidget *m_scanRow = nullptr;
    QLabel *m_scanHint = nullptr;
    ScanField *m_scan = nullptr;
    QWidget *m_grid = nullptr;
    QGridLayout *m_gridLayout = nullptr;
    QLabel *m_empty = nullptr;
    ShiftSummaryStrip *m_summary = nullptr;
    QStringList m_order;
    QMap<QString, SlotTile *> m_tiles;
};

} // namespace ps::gui
