#pragma once

#include "core/timeline/TimelineModel.h"
#include "core/timeline/TimelineTypes.h"

#include <QLabel>
#include <vector>

namespace ps::gui {

/// One fact of the summary strip.
struct TimelineSummaryItem {
    enum class Tone : quint8 { Neutral, Good, Warning, Bad };
    QString title;
    QString value;
    Tone tone = Tone::Neutral;
};

/// The facts a person looks for first: first LTE up, first cloud connection, provisioning
/// outcome, LTE down/up cycles, backoffs, reboots, time to cloud (and dropped log messages when
/// there were any). Reboots are the boots after the first one of the capture.
std::vector<TimelineSummaryItem> timelineSummaryItems(const ps::core::TimelineSummary &summary,
                                                      const ps::core::TimelineModel &model);
/// The same as one line: "First LTE up: at 4.87 s · First cloud connection: at 27.8 s · ...".
QString timelineSummaryText(const ps::core::TimelineSummary &summary,
                            const ps::core::TimelineModel &model);

/// The summary above the timeline: the items in a row that wraps between items, values
/// coloured by how good they are (in the palette's light or dark tones), selectable to copy.
class TimelineSummaryStrip : public QLabel {
    Q_OBJECT
public:
    explicit TimelineSummaryStrip(QWidget *parent = nullptr);

    void setTimeline(const ps::core::TimelineSummary &summary,
                     const ps::core::TimelineModel &model);
    void clearTimeline();
    /// What the strip says, without markup (also what it copies).
    [[nodiscard]] QString plainText() const { return m_plain; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void render();

    std::vector<TimelineSummaryItem> m_items;
    QString m_plain;
    bool m_rendering = false;
};

} // namespace ps::gui
