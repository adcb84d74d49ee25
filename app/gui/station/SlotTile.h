#pragma once

#include <QDateTime>
#include <QFrame>
#include <QString>

class QLabel;
class QProgressBar;
class QPushButton;

namespace ps::gui {

/// What one slot's tile shows. The station window fills it from the station's slot state; the
/// tile only draws it.
struct SlotTileState {
    enum class Phase {
        Empty,   ///< no device in the slot (or the station is stopped)
        Running, ///< a device's pipeline is under way
        Waiting, ///< waiting for the operator (a label to scan) or for a retry
        Passed,  ///< the last device passed: take it out
        Failed,  ///< the last device failed: the reason says what to do
    };
    Phase phase = Phase::Empty;
    QString label; ///< "Slot 3"
    QString port;  ///< where the slot is ("USB 1-2.3", "/dev/ttyACM4"): small print
    QString step;  ///< current step or the result ("Flashing firmware", "Ready for the next")
    double progress = -1;   ///< 0..1 overall; negative hides the bar
    QDateTime startedAt;    ///< the device's start; invalid hides the elapsed time
    qint64 finishedMs = -1; ///< total time once done (elapsed stops)
    QString imei;
    QString reason; ///< failure in plain words
    QString advice; ///< what to do about it

    friend bool operator==(const SlotTileState &, const SlotTileState &) = default;
};

/// "PASS", "FAIL", "RUNNING", "WAITING", "EMPTY": the word the tile shows in big letters.
QString phaseWord(SlotTileState::Phase phase);

/// A big, high-contrast tile for one station slot, readable from a step back: the slot's name
/// and the verdict word on a coloured ground (green pass, red fail, blue running, amber
/// waiting, grey empty; white or black text chosen for contrast), the current step, a progress
/// bar, the elapsed time, the IMEI once known, and for a failure the reason and what to do.
///
/// The colours do not follow the theme on purpose: a factory operator reads them at a glance.
class SlotTile : public QFrame {
    Q_OBJECT
public:
    explicit SlotTile(QWidget *parent = nullptr);

    void setState(const SlotTileState &state);
    [[nodiscard]] const SlotTileState &state() const { return m_state; }
    /// Recomputes the elapsed time (the window calls it once a second).
    void tick();

    /// "1:05" / "12:03" / "1:02:03".
    static QString formatElapsed(qint64 ms);

    /// The texts as shown (for tests and screen readers).
    [[nodiscard]] QString stepText() const;
    [[nodiscard]] QString reasonText() const;
    [[nodiscard]] QString elapsedText() const;
    [[nodiscard]] QString imeiText() const;
    [[nodiscard]] QString verdictText() const;

    [[nodiscard]] QSize sizeHint() const override;
    /// The tile's Retry button (shown while the slot has failed).
    [[nodiscard]] QPushButton *retryButton() const { return m_retry; }

Q_SIGNALS:
    /// The operator pressed the tile's Retry button.
    void retryRequested();

private:
    void applyColours();

    SlotTileState m_state;
    QLabel *m_label = nullptr;
    QLabel *m_verdict = nullptr;
    QLabel *m_port = nullptr;
    QLabel *m_step = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_elapsed = nullptr;
    QLabel *m_imei = nullptr;
    QLabel *m_reason = nullptr;
    QPushButton *m_retry = nullptr;
};

} // namespace ps::gui
