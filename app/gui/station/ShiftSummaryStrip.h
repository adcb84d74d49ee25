#pragma once

#include "station/ShiftSummary.h"

#include <QFrame>

class QLabel;

namespace ps::gui {

/// The strip under the operator's tiles: attempts, passed, failed, yield and the median time
/// per device of the shift so far (ps::station::ShiftSummary).
class ShiftSummaryStrip : public QFrame {
    Q_OBJECT
public:
    explicit ShiftSummaryStrip(QWidget *parent = nullptr);

    void setSummary(const ps::station::ShiftSummary &summary);
    [[nodiscard]] const ps::station::ShiftSummary &summary() const { return m_summary; }
    /// All figures in one line ("Attempts 5 · Passed 4 · Failed 1 · Yield 80 % · ...").
    [[nodiscard]] QString text() const;

    /// "80 %" (no decimals; "–" without attempts).
    static QString percent(double fraction, int attempts);

private:
    ps::station::ShiftSummary m_summary;
    QLabel *m_attempts = nullptr;
    QLabel *m_passed = nullptr;
    QLabel *m_failed = nullptr;
    QLabel *m_yield = nullptr;
    QLabel *m_median = nullptr;
};

} // namespace ps::gui
